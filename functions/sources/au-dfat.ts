/**
 * Australia's Consolidated List (Department of Foreign Affairs and Trade): every person, entity and
 * vessel under Australian sanctions law, UN Security Council designations and Australia's
 * autonomous ones together, as one XLSX sheet.
 *
 * What is odd about this publisher's data:
 * - One row per name. A designation is every row whose Reference starts with the same number: "2"
 *   is the primary name, "2a", "2b" its aliases and original-script names, and suffixes go on
 *   ("34c1", "1276c4"). The record id is that number (the base reference), which DFAT keeps for
 *   the life of a designation; the full references are in extra.references. Four references of
 *   2024 carry a trailing space ("1140g "): references are trimmed.
 * - Two layouts: 12 columns in regulation8_consolidated.xlsx (to 2025), 19 in
 *   Australian_Sanctions_Consolidated_List.xlsx (DFAT renamed the file in 2025), which adds Alias
 *   Strength, IMO Number, Instrument of Designation and four 0/1 measure columns (Targeted
 *   Financial Sanction, Travel Ban, Arms Embargo, Maritime Restriction: read into extra.measures).
 *   Columns are found by their header, so both read with one parser.
 * - Name Type is free text, in 17 spellings in 2024 ("aka", "Aka ", "AKA", "Primary Name ",
 *   "primary name", "Original script ", "Formerly known as", "Previously listed as"), "Alias" in
 *   2026. Type likewise ("Entity ", "individual"); one 2026 row (3621h) has none, and its
 *   designation's other rows give it.
 * - A designation normally has one Primary Name row. 8686 (2026) has two and 8495 and 8720 none
 *   (8720 starts with "Original Script"): such a designation is kept, named from its base row
 *   ("8686", not "8686a") or else its first row, with a warning, never dropped as if delisted.
 * - Dates are Excel serial numbers (Control Date; most dates of birth) mixed with text
 *   ("Approximately 1963", "a) 1955 b) 1958"), and years typed as numbers ("1955"). Serials become
 *   yyyy-mm-dd; the rest is kept as written (see excelDate). No style is read, so a number is told
 *   from a date by its column.
 * - Every row of a designation repeats its details (address, committees, control date ...); the
 *   record keeps each distinct value once. Addresses "NA" and "N/A" are no address.
 * - Citizenship mixes countries and demonyms ("Iran", "Iranian") and lists ("Russia, Ukraine",
 *   "Somalia: Sweden"); countries are read from it, the cell is kept in extra.citizenship.
 * - Empty rows at the end (seven in 2024) and stray formatted cells past the last column are
 *   ignored. The renames of 2024-2026 are often case only ("INNOCENT KAINA" became "Innocent
 *   Kaina"): the id is the reference, so they are modifications, not delisting and relisting.
 * - programs = the Committees cell as DFAT writes it ("Autonomous (Russia)", "1718 (DPRK)").
 *   listedOn is not set: Listing Information is prose ("Listed by UN 1267 Committee on 25 Jan.
 *   2001 (amended on ...)", "Listed on 23/02/2001"), kept in extra.listingInformation.
 */
import { AU_DFAT_ID, dfatXlsxFormat } from './formats/au-dfat-xlsx.ts';
import type { RegisterSource } from './types.ts';

export const auDfat: RegisterSource = {
  id: AU_DFAT_ID,
  title: 'Australian Sanctions Consolidated List',
  publisher: 'Department of Foreign Affairs and Trade (Australia)',
  jurisdiction: 'AU',
  kind: 'register',
  topics: ['sanctions'],
  downloads: [
    {
      // The address the consolidated-list page links since DFAT renamed the file in 2025 (the
      // earlier regulation8_consolidated.xlsx is read too, from a file).
      url: 'https://www.dfat.gov.au/sites/default/files/Australian_Sanctions_Consolidated_List.xlsx',
      format: 'au-dfat-xlsx',
      serves:
        'the whole Consolidated List (about 3,800 designations, 11,000 name rows in 2026), XLSX, one row per name',
    },
  ],
  formats: [dfatXlsxFormat],
  // DFAT updates the list on designation days, at Canberra business hours, a few times a month; a
  // poll of an unchanged file is one conditional GET.
  schedule: 'rate(15 minutes)',
  // 3,062 designations in November 2024, 3,811 in February 2026. Below 1,500 is a broken or
  // partial file; 15,000 leaves years of growth. The largest real removal seen is 39 designations
  // in 15 months; 10 % is a few hundred.
  expectedRecords: { min: 1_500, max: 15_000, maxDropFraction: 0.1 },
  homepage: 'https://www.dfat.gov.au/international-relations/security/sanctions/consolidated-list',
};
