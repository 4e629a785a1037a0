/**
 * OFAC's Specially Designated Nationals and Blocked Persons List (SDN).
 *
 * What is odd about this publisher's data:
 * - One list, five layouts of it (legacy CSV set, `sdnList` XML, ENHANCED XML, ADVANCED XML,
 *   fixed-width), all keyed by the same entry number: sdn.csv's ent_num = SDN.XML's uid =
 *   ENHANCED's entity id. The number is never reused, and an entry that is also on a non-SDN list
 *   has the same number in the consolidated source (us-ofac-consolidated).
 * - In May 2024 the files moved from www.treasury.gov/ofac/downloads to the Sanctions List
 *   Service. For a while the old URL answered 200 with an empty body (a git scraper committed a
 *   0-byte sdn.csv on 2024-05-04); the same month SDN.XML's namespace changed from
 *   http://tempuri.org/sdnList.xsd to the SLS one. Both namespaces are read.
 * - The SLS answers the export URLs with a redirect to a short-lived S3 URL, and refuses (403)
 *   requests without a User-Agent.
 * - sdn.csv is a 1990s artefact: no header, `-0- ` (with a trailing space) for null, CRLF, a
 *   0x1A end-of-file byte, remarks cut at 1000 characters and continued in sdn_comments.csv, strong
 *   aliases only in alt.csv and weak ones only inside the remarks, programs as `SDGT] [IRGC`.
 * - Dates are free text ("05 Jun 1950", "1951 to 1953", "circa 1960"); only ENHANCED has ISO dates.
 * - OFAC publishes at unpredictable times, usually on US business days, often several times a
 *   week and sometimes twice a day; the list only grows over years (about 9,000 entries in 2021,
 *   15,000 in 2024, 18,000 in 2025), with occasional mass delistings of a few hundred.
 */
import { ofacAdvancedXmlFormat } from './formats/ofac-advanced-xml.ts';
import { ofacEnhancedXmlFormat } from './formats/ofac-enhanced-xml.ts';
import { SDN_CSV_COMPANIONS, ofacLegacyCsvFormat } from './formats/ofac-legacy-csv.ts';
import { ofacSdnListXmlFormat } from './formats/ofac-sdnlist-xml.ts';
import type { RegisterSource } from './types.ts';

const EXPORTS = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports';

export const usOfacSdn: RegisterSource = {
  id: 'us-ofac-sdn',
  title: 'OFAC Specially Designated Nationals and Blocked Persons List (SDN)',
  publisher: 'U.S. Department of the Treasury, Office of Foreign Assets Control',
  jurisdiction: 'US',
  kind: 'register',
  topics: ['sanctions'],
  homepage: 'https://sanctionslist.ofac.treas.gov/Home/SdnList',
  downloads: [
    {
      // First: one file with everything the record needs (strong and weak aliases, addresses,
      // identity documents, nationality, dates of birth, vessel details), about 30 MB.
      url: `${EXPORTS}/SDN.XML`,
      format: 'ofac-sdnlist-xml',
      serves:
        'full SDN list, sdnList XML (~30 MB): aliases, addresses, ids, nationality, birth dates in one file; no listing dates',
    },
    {
      url: `${EXPORTS}/SDN_ENHANCED.ZIP`,
      format: 'ofac-enhanced-xml',
      serves:
        'full SDN list, ENHANCED XML zipped (a few MB; ~100 MB unzipped): everything in SDN.XML plus listing dates, list memberships and names in other scripts',
    },
    {
      url: `${EXPORTS}/SDN.CSV`,
      format: 'ofac-legacy-csv',
      serves:
        'full SDN list, legacy CSV (~4 MB) with its address, alias and remarks-overflow files; ids only inside the remarks text',
      companions: {
        [SDN_CSV_COMPANIONS.addresses]: `${EXPORTS}/ADD.CSV`,
        [SDN_CSV_COMPANIONS.aliases]: `${EXPORTS}/ALT.CSV`,
        [SDN_CSV_COMPANIONS.comments]: `${EXPORTS}/SDN_COMMENTS.CSV`,
      },
    },
  ],
  companionNames: [SDN_CSV_COMPANIONS.addresses, SDN_CSV_COMPANIONS.aliases, SDN_CSV_COMPANIONS.comments],
  formats: [
    ofacLegacyCsvFormat({ publication: 'sdn', companions: SDN_CSV_COMPANIONS }),
    ofacSdnListXmlFormat({ publication: 'sdn' }),
    ofacEnhancedXmlFormat({ publication: 'sdn' }),
    ofacAdvancedXmlFormat({ publication: 'sdn' }),
  ],
  // OFAC publishes without notice during (mostly) US business hours; an alert within minutes is
  // the point, and an unchanged file costs one conditional GET.
  schedule: 'rate(5 minutes)',
  expectedRecords: {
    // 17,000-19,000 entries in 2025, ~2,000 more a year. Below 10,000 is a broken or partial
    // download, not a delisting; 60,000 leaves a decade of growth.
    min: 10_000,
    max: 60_000,
    // The largest real one-day drops were a few hundred entries (about 3%).
    maxDropFraction: 0.1,
  },
};
