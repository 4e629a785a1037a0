/**
 * UK National Security and Investment Act 2021: the final orders the government makes on
 * acquisitions (the Newport Wafer Fab divestment, the conditions on chip, defence and energy
 * deals) and the notices that vary or revoke them, from GOV.UK.
 *
 * What is odd about this publisher's feed:
 * - The orders are published as GOV.UK "notice" pages by the Investment Security Unit (part of the
 *   Department for Business, Energy and Industrial Strategy until 2023, of the Cabinet Office since).
 *   There is no feed of the orders alone: the feed is GOV.UK's search for the unit's publications
 *   served as Atom (`.atom` added to the search path), newest first, which also lists the unit's
 *   guidance, annual reports and news. Those are items too; the topic rules tag them.
 * - A notice names the parties in its title, always in one pattern: "Acquisition of Newport Wafer
 *   Fab by Nexperia BV: notice of final order", "Acquisition of International Distribution Services
 *   plc by EP UK Bidco Limited: notice of final order", and "...: notice of variation of final order"
 *   or "... of revocation ..." later. The target (what is acquired, as written: "certain assets of
 *   X" stays whole), the acquirer and the kind of notice go to `extra.target`, `extra.acquirer` and
 *   `extra.noticeType`; a title in no such pattern gives none of them (nothing is guessed), and
 *   the summary is read the same way when the title does not name the parties.
 * - Entries carry `updated` only, the page's public timestamp (moved when a major change is
 *   published), and tag URI ids built from the page path: see uk-ecju-notices.ts, which reads the
 *   same search feed for another organisation.
 * The fixtures (tests/fixtures/uk-nsi) are invented notices in the Atom that GOV.UK's search writes.
 */
import { cleanText, type ExtraFields, type RegisterRecord } from '../core/records.ts';
import { feedSource } from './feed-source.ts';

export const UK_NSI_NOTICES_ID = 'uk-nsi-notices';
export const NSI_ACT = 'National Security and Investment Act 2021';

export interface NsiParties {
  readonly target: string;
  readonly acquirer: string;
  /** "final order", "variation of final order" ...; '' when the text names no kind of notice. */
  readonly noticeType: string;
}

const TITLE = /^(?:proposed\s+)?acquisition\s+of\s+(.+?)\s+by\s+(.+?)\s*:\s*(?:notice\s+of\s+)?(.+)$/i;
const SENTENCE = /\bacquisition\s+of\s+(.+?)\s+by\s+(.+?)(?:[.;]\s|[.;]?$|,\s+(?:which|under|and)\b)/i;

/** The parties a notice's title (else its summary) names; undefined when it names none. */
export function nsiParties(title: string, summary = ''): NsiParties | undefined {
  const titled = TITLE.exec(cleanText(title));
  if (titled) return { target: titled[1]!, acquirer: titled[2]!, noticeType: titled[3]!.toLowerCase() };
  const said = SENTENCE.exec(cleanText(summary));
  if (said) return { target: said[1]!, acquirer: said[2]!, noticeType: '' };
  return undefined;
}

function withParties(record: RegisterRecord): RegisterRecord {
  const parties = nsiParties(record.name, record.remarks);
  if (!parties) return record;
  const extra: ExtraFields = { ...record.extra, target: parties.target, acquirer: parties.acquirer };
  if (parties.noticeType) extra.noticeType = parties.noticeType;
  return { ...record, programs: [NSI_ACT], extra };
}

export const ukNsiNotices = feedSource({
  id: UK_NSI_NOTICES_ID,
  title: 'National Security and Investment Act final orders and notices',
  publisher: 'Investment Security Unit (Cabinet Office), through GOV.UK',
  jurisdiction: 'GB',
  list: 'NSI Act final orders and notices',
  downloads: [
    {
      url: 'https://www.gov.uk/search/all.atom?organisations%5B%5D=investment-security-unit&order=updated-newest',
      format: 'feed-xml',
      serves:
        "Atom 1.0 of GOV.UK's search for the Investment Security Unit's publications (final orders and the notices that vary or revoke them, guidance, reports), newest first",
    },
  ],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 300 },
  homepage: 'https://www.gov.uk/government/organisations/investment-security-unit',
  refine: withParties,
});
