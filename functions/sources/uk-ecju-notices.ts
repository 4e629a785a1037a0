/**
 * UK Export Control Joint Unit: notices to exporters (licensing changes, new open general
 * licences, sanctions-related export restrictions, control list updates) and ECJU's other
 * publications, from GOV.UK.
 *
 * What is odd about this publisher's feed:
 * - The "Notices to exporters" collection page (gov.uk/government/collections/notices-to-exporters)
 *   has no feed of its own. GOV.UK serves every search page as Atom 1.0 when `.atom` is added to its
 *   path, so the closest official feed is the search for ECJU's publications, newest first. It also
 *   lists ECJU's guidance and news, which the topic rules tag like the notices.
 * - Entry ids are tag URIs built from the page path (`tag:www.gov.uk,2005:/government/publications/
 *   <slug>`): stable for the life of the page.
 * - Entries carry `updated` only (no `published`): it is the page's public timestamp, which GOV.UK
 *   moves when a "major change" is published. So a notice whose content is republished reads as an
 *   edited item (its date changes), while minor edits never reach the feed. `listedOn` is that date.
 * - Notices are titled "NTE 2024/01: ..." since 2023, "Notice to exporters 2020/08: ..." before;
 *   the summary (type="html") is the page's one-line description.
 * - The feed's own `<title>` echoes the search; it is never copied into records.
 * The fixtures (tests/fixtures/feeds/uk-ecju-notices) are invented notices in the Atom that GOV.UK's
 * finder-frontend writes (Rails atom_feed: id, updated, link rel="alternate", title, summary).
 */
import { feedSource } from './feed-source.ts';

export const UK_ECJU_NOTICES_ID = 'uk-ecju-notices';

export const ukEcjuNotices = feedSource({
  id: UK_ECJU_NOTICES_ID,
  title: 'Export Control Joint Unit notices to exporters',
  publisher: 'Export Control Joint Unit (Department for Business and Trade), through GOV.UK',
  jurisdiction: 'GB',
  list: 'ECJU notices to exporters',
  downloads: [
    {
      url: 'https://www.gov.uk/search/all.atom?organisations%5B%5D=export-control-joint-unit&order=updated-newest',
      format: 'feed-xml',
      serves:
        "Atom 1.0 of GOV.UK's search for the Export Control Joint Unit's publications (notices to exporters, guidance, news), newest first; the collection page has no feed",
    },
  ],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 300 },
  homepage: 'https://www.gov.uk/government/collections/notices-to-exporters',
});
