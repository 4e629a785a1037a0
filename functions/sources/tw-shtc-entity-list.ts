/**
 * Taiwan's Strategic High-Tech Commodities (SHTC) entity list, published by the International
 * Trade Administration of the Ministry of Economic Affairs: entities to which SHTC exports need a
 * permit — the UN Security Council's proliferation and terrorism designations adopted by Taiwan,
 * and since 2025 Huawei and SMIC with their subsidiaries.
 *
 * What is odd about this publisher's data (no copy of the file could be had here: this is written
 * from the layout other readers of the file document, and tests/fixtures/tw-shtc/ says so):
 * - The CSV is UTF-8 with a BOM; the headers are bilingual, Chinese then English glued together
 *   ("項次item", "名稱name", "別名alias", "國家代碼country code", "地址address", "護照號碼ID Number"),
 *   and have drifted ("country_code", "id_number" in lower case in older files): columns are found
 *   by the English half, folded.
 * - 項次 (item) is a running number, renumbered as entries come and go: not the id. The id is the
 *   name folded (NFKC, lower case, punctuation and spacing ignored); two entries with one name are
 *   told apart by a hash of their aliases (`name~1a2b3c4d`). So an entry whose aliases change is
 *   modified, not relisted (unless its name is shared).
 * - UN designations carry their permanent reference in the name cell: "Korea Mining Development
 *   Trading Corporation（永久參考號：KPe.001）", full-width or ASCII parentheses. It is taken out of
 *   the name into extra.unReference, and its third letter gives the kind (KPi individual, KPe
 *   entity); other entries are of kind `other` (the file has no type column).
 * - Several names or aliases in one cell are separated by ";". Addresses are one cell split on
 *   "Branch Office 1:" … and "i)" … "viii)" and ";" (Huawei's and SMIC's entries list dozens of
 *   offices); some files put two-letter country codes among the addresses, which are read as
 *   countries.
 * - The download address is an opaque Download.action link on publicinfo.trade.gov.tw reported by
 *   third parties (the list's page links a PDF that links the CSV); it was not observed from here.
 * - programs = ["SHTC Entity List"]; every change carries the topics entity-list and
 *   export-controls (computed for its event, never stored in the record).
 */
import { TW_SHTC_ID, shtcCsvFormat } from './formats/tw-shtc-csv.ts';
import type { RegisterSource } from './types.ts';

export const twShtcEntityList: RegisterSource = {
  id: TW_SHTC_ID,
  title: 'SHTC Entity List (Taiwan)',
  publisher: 'International Trade Administration, Ministry of Economic Affairs (Taiwan)',
  jurisdiction: 'TW',
  kind: 'register',
  topics: ['entity-list', 'export-controls'],
  downloads: [
    {
      url: 'https://publicinfo.trade.gov.tw/icp/Download.action?file=ZgPKOWuRLCD%2B8S4%2FZhAeuw%3D%3D',
      format: 'tw-shtc-csv',
      serves:
        'the whole SHTC entity list (several hundred entries), CSV with bilingual headers, UTF-8 with a BOM; the address is reported by third parties, not observed from here',
    },
  ],
  formats: [shtcCsvFormat],
  // The list changes a few times a year; trade.gov.tw is slow and answers errors with 200 pages
  // (refused as HTML by the parser): an hourly poll is ample.
  schedule: 'rate(1 hour)',
  // Several hundred entries (UN designations plus Huawei, SMIC and their subsidiaries). Below 50
  // is a broken file; 5,000 leaves room. 15 % holds a mass removal for a human.
  expectedRecords: { min: 50, max: 5_000, maxDropFraction: 0.15 },
  quietFields: ['extra.item'],
  homepage: 'https://www.trade.gov.tw/english/Pages/List.aspx?nodeid=298',
};
