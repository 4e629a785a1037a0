/**
 * trade.gov Consolidated Screening List (CSL): thirteen US export-control and sanctions lists in
 * one file — Commerce/BIS (Entity List, Denied Persons, Unverified, Military End User), State (ITAR
 * Debarred, Nonproliferation Sanctions) and Treasury (SDN and the non-SDN lists).
 *
 * What is odd about this publisher's data:
 * - `_id` is not unique in the file. Treasury rows use the OFAC entity number, and an entity on
 *   several Treasury lists appears once per list with the same number (2022-05-16: 71 numbers on
 *   183 rows, e.g. SDN + SSI + CAPTA). The record id is therefore `<list key>:<_id>` ("SDN:21944",
 *   "SSI:21944"), which is unique except where the CSL itself repeats a row (one CAPTA row twice).
 * - For the BIS and State lists `_id` is a hash of identifying cells, not a key kept by the agency.
 *   In 2022-05-16 it is the SHA-1 of name + Federal Register citation (all DPL rows), of the name
 *   alone (all UVL rows), of name + citation + start date as m/d/yyyy (all MEU rows, 1780 of 2001
 *   EL rows) or of name + date + citation (all ISN rows). An address or alias change keeps the id;
 *   a corrected name or a new citation gives a new id, which the diff sees as a removal plus an
 *   addition. The recipe has changed at least once (56-hex ids in 2026 samples against 40-hex in
 *   2022): such a switch renews every BIS and State id at once (3,625 of 14,160 rows in 2022),
 *   which the drop guard holds for a human to confirm.
 * - `type` is blank on every BIS and State row. MEU and UVL name only companies and institutions, so
 *   those become `organization`; the Entity List, DPL, ITAR Debarred and Nonproliferation lists mix
 *   people and companies without saying which, so those become `other` rather than a guess.
 * - Multi-valued cells are joined with "; " (alt_names, addresses, programs, ids, dates). Entity List
 *   alt names follow the Federal Register wording "X; and Y": the "and " is dropped.
 * - Addresses are "street, city, state, postal code, country" with empty parts left out and the
 *   country as an ISO code when known; some end with a country name or a postal code instead. Only
 *   the last comma part is read as a country (code or name); an address without one gives none.
 * - Dates are ISO (start_date, end_date). DPL end dates decades ahead (2056) are the order's term
 *   and are kept as written in `extra.endDate`.
 * - The JSON download carries the same records as objects (addresses and ids as objects, lists as
 *   arrays, `id` for `_id`). It is flattened into the CSV's cells and read by the same code, so both
 *   downloads give identical records. A JSON-only `country` field seen on some State rows is ignored
 *   for that reason.
 * - Archived files of 2015 use an older layout (`Source List,Entity Number,SDN Type,…`, format
 *   `csl-legacy-csv`) with one row per entity × address × alternate name and no id: its rows are
 *   grouped into records with ids `<list key>:legacy:<hash>` that never equal a later `_id` (see
 *   CSL_LEGACY_COLUMNS in formats/csl-legacy-csv.ts).
 * - The files are rebuilt from the agencies' lists daily (trade.gov says 05:00 ET; the search API
 *   reports hourly imports) and are served with a strong ETag and Last-Modified.
 */
import { US_TRADE_CSL_ID } from './formats/csl-common.ts';
import { cslCsvFormat } from './formats/csl-csv.ts';
import { cslJsonFormat } from './formats/csl-json.ts';
import { cslLegacyCsvFormat } from './formats/csl-legacy-csv.ts';
import type { RegisterSource } from './types.ts';

export { US_TRADE_CSL_ID };

export const usTradeCsl: RegisterSource = {
  id: US_TRADE_CSL_ID,
  title: 'Consolidated Screening List',
  publisher: 'International Trade Administration (US Department of Commerce)',
  jurisdiction: 'US',
  kind: 'register',
  // The CSL merges the export-control lists of Commerce and State with Treasury's sanctions lists.
  listTopics: {
    'Entity List': ['entity-list', 'export-controls'],
    'Denied Persons List': ['entity-list', 'export-controls'],
    'Unverified List': ['entity-list', 'export-controls'],
    'Military End User List': ['entity-list', 'export-controls'],
    'ITAR Debarred': ['export-controls'],
    'Nonproliferation Sanctions': ['sanctions'],
    'Specially Designated Nationals': ['sanctions'],
    'Sectoral Sanctions Identifications List': ['sanctions'],
    'Foreign Sanctions Evaders': ['sanctions'],
    'Palestinian Legislative Council List': ['sanctions'],
    'CAPTA List': ['sanctions'],
    'Non-SDN Menu-Based Sanctions List': ['sanctions'],
    'Non-SDN Chinese Military-Industrial Complex Companies List': ['sanctions'],
  },
  downloads: [
    {
      url: 'https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv',
      format: 'csl-csv',
      serves: 'every list of the CSL as one CSV (about 16 MB in 2026, no API key); strong ETag and Last-Modified',
    },
    {
      url: 'https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json',
      format: 'csl-json',
      serves:
        'the same records as JSON objects under "results" (about 34 MB in 2026, no API key); strong ETag and Last-Modified',
    },
  ],
  formats: [cslCsvFormat, cslJsonFormat, cslLegacyCsvFormat],
  // Rebuilt daily (trade.gov) with hourly imports from the agencies. The CSL is where Entity List
  // additions show up in a machine-readable list, so it is polled like the others: an unchanged
  // file costs one conditional GET answered 304.
  schedule: 'rate(5 minutes)',
  // 14,160 rows in May 2022 and about 25,800 in mid-2026, growing with every Russia and China package.
  // A broken download falls far below 10,000; more than 80,000 would mean the file holds something
  // else. The largest real removal seen is a few hundred rows (DPL expiries); 10 % is ~2,500 rows.
  expectedRecords: { min: 10_000, max: 80_000, maxDropFraction: 0.1 },
  homepage: 'https://www.trade.gov/consolidated-screening-list',
};
