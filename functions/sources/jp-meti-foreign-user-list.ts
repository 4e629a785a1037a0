/**
 * Japan's Foreign User List (外国ユーザーリスト; the End User List until 2025), published by the
 * Ministry of Economy, Trade and Industry: foreign companies and organizations of concern for
 * weapons of mass destruction (and, since 2025, conventional weapons), whose purchases from Japan
 * need an export licence under the catch-all controls.
 *
 * What is odd about this publisher's data:
 * - The list has no fixed address. Each revision is a section of METI's revisions page (改正情報,
 *   law09-2.html) with the revision's documents, the list among them as 「リスト本体」
 *   (/policy/anpo/20250929_3.pdf: the date of publication in the name); the XLSX of the same list
 *   (20250929_4.xlsx) is not linked there. A poll discovers the newest list on that page and reads
 *   the page beside it.
 * - Publication and application differ: the 2025-09-29 revision (公布) applies from 2025-10-09
 *   (施行), and the previous list lapses the day before. The dates are on the revisions page only,
 *   in the Japanese era ("令和７年１０月９日 施行"): each record carries both
 *   (extra.revisionPublished, extra.effectiveFrom), from the revision published on the date in the
 *   file's name. They change at every revision, for every record, so they are quiet fields.
 * - Rows are numbered (No. 1-835), and renumbered at every revision as entries come and go in
 *   alphabetical order within each country: the number is not an id (kept in extra.number, a quiet
 *   field). The id is the country code and the company name folded (entryId: NFKC, lower case,
 *   punctuation and spacing ignored), so renumbering, case, full-width parentheses and re-spacing
 *   keep it. A renamed entry (a new company name) gets a new id: it is reported as the old name
 *   removed and the new one added, each with its aliases and number, which is what a reader needs
 *   to see that one replaced the other (METI itself lists renamed entries as deleted and added in
 *   its リスト改正箇所). An entry moved to another country likewise.
 * - Cells are bilingual with an embedded line break ("アフガニスタン\nIslamic Republic of
 *   Afghanistan", "ミサイル\nM"); aliases are one cell of "・"-bulleted lines; WMD codes are
 *   separated by "," or "、", sometimes full-width ("Ｎ") or glued to the Japanese ("ミサイルM").
 *   Shared strings carry phonetic runs (rPh) that a reader joining every <t> glues on ("Also Known
 *   Asベツメイ"): the XLSX reader leaves them out.
 * - Two layouts: the PDF printed from Excel (to 2025-01, five columns; rebuilt into a table from
 *   text positions, see jp-meti-pdf.ts) and the XLSX (2025-09, six columns, adding 通常兵器
 *   Conventional Weapons, "CW" on 240 of 835 entries).
 * - programs = the concerns spelled out (Biological weapons, Chemical weapons, Missiles, Nuclear
 *   weapons, Conventional weapons); the codes are in extra.wmdCodes. Every record is an
 *   organization; its changes carry the topic export-controls (events only, never the record).
 */
import { JP_METI_ID, JP_METI_REVISIONS_PAGE } from './formats/jp-meti-common.ts';
import { metiPdfFormat } from './formats/jp-meti-pdf.ts';
import { metiXlsxFormat } from './formats/jp-meti-xlsx.ts';
import type { RegisterSource } from './types.ts';

const REVISIONS_PAGE = 'https://www.meti.go.jp/policy/anpo/law09-2.html';

export const jpMetiForeignUserList: RegisterSource = {
  id: JP_METI_ID,
  title: 'Foreign User List (外国ユーザーリスト)',
  publisher: 'Ministry of Economy, Trade and Industry (Japan)',
  jurisdiction: 'JP',
  kind: 'register',
  topics: ['export-controls'],
  downloads: [
    {
      url: REVISIONS_PAGE,
      format: 'jp-meti-pdf',
      serves:
        'the newest list linked from the revisions page (「リスト本体」, /policy/anpo/<yyyymmdd>_3.pdf; about 830 entries in 2025), PDF, with the revisions page beside it for the dates',
      discover: {
        page: REVISIONS_PAGE,
        linkPattern: '/policy/anpo/(?<date>\\d{8})[-_](?:3\\.pdf|4\\.xlsx)$',
        dateFormat: 'YYYYMMDD',
      },
      companions: { [JP_METI_REVISIONS_PAGE]: REVISIONS_PAGE },
    },
  ],
  formats: [metiXlsxFormat, metiPdfFormat],
  // METI revises the list once or twice a year, announced weeks before it applies; an hourly poll
  // of one page (and, on a change, one PDF) is ample.
  schedule: 'rate(1 hour)',
  // 748 entries in January 2025, 835 in September 2025. Below 400 is a broken or partial file.
  // Revisions remove a few dozen entries at most; 15 % holds a table read wrong for a human.
  expectedRecords: { min: 400, max: 3_000, maxDropFraction: 0.15 },
  quietFields: ['extra.number', 'extra.revisionPublished', 'extra.effectiveFrom'],
  companionNames: [JP_METI_REVISIONS_PAGE],
  homepage: 'https://www.meti.go.jp/policy/anpo/law05.html',
};
