/**
 * OFAC's Consolidated Sanctions List: the non-SDN lists in one publication.
 *
 * What is odd about this publisher's data:
 * - It is several lists in one file, and which list an entry is on is written only in the
 *   ENHANCED layout (`sanctionsLists`). The legacy layouts (cons_prim.csv, CONSOLIDATED.XML) carry
 *   programs only, so there the list is derived from the programs (see ofac-common.ts):
 *   UKRAINE-EO13662 → SSI, NS-PLC → NS-PLC, CMIC-EO13959 → NS-CMIC, FSE-* → FSE,
 *   561List/561-Related → CAPTA, RUSSIA-EO14024 / CAATSA - RUSSIA / BURMA-EO14014 /
 *   ILLICIT-DRUGS-EO14059 → NS-MBS, and (until November 2018) IRAN → EO13599. What the data
 *   carried: in 2018 SSI, the E.O. 13599 list, NS-PLC, FSE and the Part 561 list; in 2020 SSI,
 *   NS-PLC, FSE and 561; in January 2025 (records by their `list`) SSI 286, NS-PLC 78, NS-CMIC 68,
 *   NS-MBS 9, CAPTA 1 and FSE 1. An entry on two non-SDN lists (three Russian companies on SSI and
 *   NS-MBS) takes the first in the order SSI, NS-PLC, NS-CMIC, FSE, CAPTA, NS-ISA, EO13599, NS-MBS.
 * - "Non-SDN" does not mean "not on the SDN list": 77 of the 443 entities of January 2025 are on
 *   both (ENHANCED's extra.lists then includes SDN), with the same id in both sources.
 * - Ids are the SDN list's entry numbers (uid = ent_num = entity id), stable across layouts and
 *   years: 366 of the 375 uids of March 2020 are entity ids in January 2025.
 * - Big legitimate drops happen: in November 2018 the 264 entries of the E.O. 13599 list moved
 *   back to the SDN list, 40% of the consolidated list in one day.
 * - The files share the SDN list's quirks (see us-ofac-sdn.ts): SLS redirects, a User-Agent is
 *   required, the May 2024 namespace change, and the legacy CSV's `-0- `, 0x1A and 1000-character
 *   remarks.
 */
import { ofacAdvancedXmlFormat } from './formats/ofac-advanced-xml.ts';
import { ofacEnhancedXmlFormat } from './formats/ofac-enhanced-xml.ts';
import { CONSOLIDATED_CSV_COMPANIONS, ofacLegacyCsvFormat } from './formats/ofac-legacy-csv.ts';
import { ofacSdnListXmlFormat } from './formats/ofac-sdnlist-xml.ts';
import type { RegisterSource } from './types.ts';

const EXPORTS = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports';

export const usOfacConsolidated: RegisterSource = {
  id: 'us-ofac-consolidated',
  title: 'OFAC Consolidated Sanctions List (non-SDN lists: SSI, NS-PLC, NS-CMIC, NS-MBS, CAPTA, FSE)',
  publisher: 'U.S. Department of the Treasury, Office of Foreign Assets Control',
  jurisdiction: 'US',
  kind: 'register',
  topics: ['sanctions'],
  homepage: 'https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList',
  downloads: [
    {
      // First: the only layout that names each entry's list, with aliases, addresses and ids in
      // one file of a few MB.
      url: `${EXPORTS}/CONS_ENHANCED.XML`,
      format: 'ofac-enhanced-xml',
      serves:
        'full consolidated list, ENHANCED XML (~3.5 MB): list memberships, listing dates, aliases, addresses, ids in one file',
    },
    {
      url: `${EXPORTS}/CONS_ENHANCED.ZIP`,
      format: 'ofac-enhanced-xml',
      serves: 'the same ENHANCED XML zipped (~200 KB)',
    },
    {
      url: `${EXPORTS}/CONSOLIDATED.XML`,
      format: 'ofac-sdnlist-xml',
      serves: 'full consolidated list, sdnList XML (~1 MB): aliases, addresses, ids; the list is derived from programs',
    },
    {
      url: `${EXPORTS}/CONS_PRIM.CSV`,
      format: 'ofac-legacy-csv',
      serves:
        'full consolidated list, legacy CSV with its address, alias and remarks-overflow files; the list is derived from programs',
      companions: {
        [CONSOLIDATED_CSV_COMPANIONS.addresses]: `${EXPORTS}/CONS_ADD.CSV`,
        [CONSOLIDATED_CSV_COMPANIONS.aliases]: `${EXPORTS}/CONS_ALT.CSV`,
        [CONSOLIDATED_CSV_COMPANIONS.comments]: `${EXPORTS}/CONS_COMMENTS.CSV`,
      },
    },
  ],
  companionNames: [
    CONSOLIDATED_CSV_COMPANIONS.addresses,
    CONSOLIDATED_CSV_COMPANIONS.aliases,
    CONSOLIDATED_CSV_COMPANIONS.comments,
  ],
  formats: [
    ofacLegacyCsvFormat({ publication: 'consolidated', companions: CONSOLIDATED_CSV_COMPANIONS }),
    ofacSdnListXmlFormat({ publication: 'consolidated' }),
    ofacEnhancedXmlFormat({ publication: 'consolidated' }),
    ofacAdvancedXmlFormat({ publication: 'consolidated' }),
  ],
  // Published with the SDN list, at the same unpredictable times.
  schedule: 'rate(5 minutes)',
  expectedRecords: {
    // 375-640 entries 2018-2025. 100 still allows a list as large as SSI being dissolved; 5,000
    // leaves room for new non-SDN lists.
    min: 100,
    max: 5_000,
    // One legitimate day removed 40% (the E.O. 13599 list, November 2018).
    maxDropFraction: 0.5,
  },
};
