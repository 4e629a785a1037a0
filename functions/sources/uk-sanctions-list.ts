/**
 * UK Sanctions List (FCDO): every designation under the Sanctions and Anti-Money Laundering Act
 * 2018 — persons, entities and ships, with the measures that apply (asset freeze, travel ban, trade,
 * transport, director disqualification). Since 28 January 2026 it is the only official UK list:
 * OFSI's Consolidated List of Asset Freeze Targets (ConList.csv) was closed that day.
 *
 * What is odd about this publisher's data:
 * - Two publications, two keys. The FCDO XML has one `Designation` per designation, keyed by
 *   `UniqueID` ("RUS0001": a regime prefix and a number), and carries OFSI's `OFSIGroupID` where
 *   OFSI had the target. OFSI's CSV has one row per name (and per date of birth, per address ...),
 *   grouped by `Group ID`, with no UniqueID column; files of the UK Sanctions List era (2021 on)
 *   write the UniqueID only inside Other Information ("(UK Sanctions List Ref):RUS0296 ..."), and
 *   older ones (2018, 2020) not at all. The ids cannot be made the same: one OFSI group can be
 *   several designations (a person under two regimes has one Group ID and two UniqueIDs, "GHR0050
 *   and BEL0045"), many designations have no Group ID (ships, trade- or immigration-only
 *   designations, and presumably those made after OFSI's list closed), and old groups have no
 *   UniqueID. (In the trimmed 2026 sample, another project's test file, AQD0195 carries OFSIGroupID
 *   6899, which is another person's group in the 2020 CSV: edited upstream or not, the link is no
 *   join key to rely on.) So the XML record id is the UniqueID and the CSV record id is the Group
 *   ID (numeric: the two id spaces never collide); each record keeps the other key in extra
 *   (`ofsiGroupId`; `ukSanctionsListRefs`). A diff from a CSV version to an XML version therefore
 *   replaces every record, which the drop guard holds for a human.
 * - The CSV repeats a group's rows across the file (821 of 2,106 groups in 2018 are not
 *   contiguous), so a group is complete only at the end of the file: the CSV is read as a stream
 *   but its records are emitted after the last row, in Group ID order. The XML is streamed record
 *   by record.
 * - The CSV is windows-1252 (curly quotes 0x91-0x94), with CRLF (2020) or LF (2018, re-saved
 *   upstream), a "Last Updated,dd/mm/yyyy" line above the header (padded with commas in 2018),
 *   and names with stray leading spaces. The bytes are read as UTF-8 when valid, windows-1252
 *   otherwise. The publication date on the first line is never copied into a record.
 * - Names are split over Name 1 … Name 5 (given names) and Name 6 (surname or the whole entity
 *   name); the record name is Name 1 … Name 5 then Name 6. The XML marks each name `Primary Name`,
 *   `Primary Name Variation` or `Alias` (with `AliasStrength` "Good/Low quality a.k.a"); the CSV's
 *   Alias Type is `Prime Alias` (2018-2020) or `Primary name` (2022 layout), `AKA`, `FKA`,
 *   `Primary name variation`. A group or designation without a primary name, or with two, is kept
 *   (with a warning) under the alphabetically first candidate, so that no real designation is
 *   dropped as if delisted.
 * - Multi-valued CSV cells are numbered in prose: "(1) Saudi Arabian (2) Yemeni", "1) Uzbek 2)
 *   Afghan", "a) … b) …"; nationalities are demonyms ("Afghan", "Tunisian"). The cells are kept as
 *   written in extra; countries are read from the split items (names, demonyms, ISO codes).
 * - Dates are dd/mm/yyyy; dates of birth may be partial ("00/00/1980" in the CSV, "dd/mm/1945" in
 *   the XML) and are kept as written. `listedOn` is DateDesignated (XML) or the earliest Listed On of
 *   the group (CSV). `DateGenerated` (XML) is never copied into a record.
 * - `SanctionsImposedIndicators` repeats `SanctionsImposed` as booleans and is not read.
 * - programs = the regime as each publication names it: "The Russia (Sanctions) (EU Exit)
 *   Regulations 2019" (XML RegimeName) or "Russia" (CSV Regime).
 */
import { UK_SANCTIONS_LIST_ID } from './formats/uk-common.ts';
import { fcdoXmlFormat } from './formats/uk-fcdo-xml.ts';
import { ofsiCsvFormat } from './formats/ofsi-conlist-csv.ts';
import type { RegisterSource } from './types.ts';

export { UK_SANCTIONS_LIST_ID };

export const ukSanctionsList: RegisterSource = {
  id: UK_SANCTIONS_LIST_ID,
  title: 'UK Sanctions List',
  publisher: 'Foreign, Commonwealth & Development Office (UK)',
  jurisdiction: 'GB',
  kind: 'register',
  topics: ['sanctions'],
  downloads: [
    {
      // A fixed address on the FCDO's own host, which is what the gov.uk publication page
      // (homepage below) links to since 2025. The files attached to that page before
      // (assets.publishing.service.gov.uk/media/<upload id>/UK_Sanctions_List.xml, also .csv,
      // .json, .ods) change address with every upload and cannot be polled without scraping the
      // page first.
      url: 'https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml',
      format: 'uk-sanctions-list-xml',
      serves:
        'the whole UK Sanctions List (every regime; persons, entities and ships; about 6,400 designations in 2026), XML with one Designation per UniqueID; a static object reported to carry an ETag',
    },
  ],
  formats: [fcdoXmlFormat, ofsiCsvFormat],
  // UK designations take effect on publication and are often announced at any hour; the XML is a
  // static object with an ETag (reported by third parties; not observed from here), so an unchanged
  // poll is one conditional GET.
  schedule: 'rate(5 minutes)',
  // OFSI's list had about 2,100 groups in 2018-2020; the FCDO list about 5,000 designations in
  // 2025 and 6,400 in 2026. Below 2,000 is a broken or partial download; 25,000 leaves years of
  // growth. The largest real removal is a few dozen designations; 10 % is several hundred.
  expectedRecords: { min: 2_000, max: 25_000, maxDropFraction: 0.1 },
  homepage: 'https://www.gov.uk/government/publications/the-uk-sanctions-list',
};
