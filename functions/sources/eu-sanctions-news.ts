/**
 * The European Commission's announcements, for EU sanctions packages, sanctions guidance and
 * dual-use export-control measures, from the Commission's Press Corner.
 *
 * What is odd about this publisher's feeds:
 * - Sanctions are adopted by the Council; the Commission (with the High Representative) proposes
 *   the packages, DG FISMA publishes the guidance and FAQs, and DG TRADE runs the dual-use export
 *   controls. None of them has a sanctions-only or dual-use-only feed (the EEAS and the sanctions
 *   map have none either). The closest official feed is the Press Corner's RSS
 *   (ec.europa.eu/commission/presscorner/api/rss), here in English: every press release,
 *   statement and daily news item of the Commission. Sanctions and dual-use items are a small
 *   share of it: the topic rules tag them (sanctions, dual-use, russia, belarus, iran ...), and a
 *   subscriber should filter on those topics. DG TRADE's news feed (policy.trade.ec.europa.eu,
 *   second download) is narrower but carries dual-use news only.
 * - Items are identified by the document reference (ip_25_1234, statement_25_567, mex_25_890):
 *   the guid and the link end with it. A corrected press release keeps its reference, so it reads
 *   as an edited item.
 * - Titles are written for the press ("Commission welcomes ..."); the description is the lead
 *   paragraph.
 * The fixtures (tests/fixtures/feeds/eu-sanctions-news) are invented items written in RSS 2.0 as the
 * Press Corner serves it (title, link, description, pubDate, guid); its element usage beyond the
 * RSS 2.0 core could not be checked from here.
 */
import { feedSource } from './feed-source.ts';

export const EU_SANCTIONS_NEWS_ID = 'eu-sanctions-news';

export const euSanctionsNews = feedSource({
  id: EU_SANCTIONS_NEWS_ID,
  title: 'European Commission press releases (sanctions and dual-use)',
  publisher: 'European Commission',
  jurisdiction: 'EU',
  list: 'European Commission press releases',
  downloads: [
    {
      url: 'https://ec.europa.eu/commission/presscorner/api/rss?language=en',
      format: 'feed-xml',
      serves:
        "RSS 2.0 of the Commission's Press Corner in English (press releases, statements, daily news), newest first; no sanctions-only feed exists",
    },
    {
      url: 'https://policy.trade.ec.europa.eu/node/2/rss_en',
      format: 'feed-xml',
      serves:
        "RSS 2.0 of DG TRADE's news (trade policy, dual-use export controls); not polled, listed as the narrower alternative",
    },
  ],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 300 },
  homepage: 'https://ec.europa.eu/commission/presscorner/home/en',
});
