/**
 * BIS actions: the rules and notices of the Bureau of Industry and Security (Entity List additions
 * and removals, Export Administration Regulations changes, denial orders), as the Federal Register
 * publishes them.
 *
 * What is odd about this publisher's feeds:
 * - BIS publishes no feed of its press releases: bis.gov/news-updates is an HTML page, bis.gov has
 *   no RSS (rss.xml and press-releases/feed answer 404, as reported by others in 2025-2026), and
 *   the Joomla feeds of the old www.bis.doc.gov went with that site. The closest official feed is
 *   the Federal Register's: federalregister.gov serves every search of its API as RSS 2.0
 *   (documents.rss takes the conditions documents.json takes), here every document of the agency
 *   `industry-and-security-bureau`, newest first. Every Entity List change and every EAR rule is
 *   legally published there, usually a few days after BIS's press release; the press releases
 *   themselves go out on commerce.gov's news feed (second download below), which mixes all of
 *   Commerce and has been reported to answer scripts with a bot challenge.
 * - A Federal Register document is never edited in place: a correction is a new document with its
 *   own number, so it arrives as a new item that links back to the one it corrects.
 * - pubDate is the publication date; the description is the document's abstract (plain text with
 *   the odd entity), which the topic rules read (entity-list, export-controls, russia, china ...).
 * The fixtures (tests/fixtures/feeds/us-bis-press) are invented documents written from the RSS 2.0
 * specification and the Federal Register API documentation; the exact element usage of
 * documents.rss could not be checked from here, so the parser reads any of guid, link, pubDate.
 */
import { feedSource } from './feed-source.ts';

export const US_BIS_PRESS_ID = 'us-bis-press';

export const usBisPress = feedSource({
  id: US_BIS_PRESS_ID,
  title: 'BIS rules and notices (Federal Register)',
  publisher: 'Bureau of Industry and Security (US Department of Commerce), through the Federal Register',
  jurisdiction: 'US',
  list: 'BIS Federal Register documents',
  downloads: [
    {
      // BIS publishes no feed of its own. Its Federal Register documents already come through
      // us-federal-register, so this source polls Commerce's news feed for the press releases.
      url: 'https://www.commerce.gov/feeds/news',
      format: 'feed-xml',
      serves:
        "RSS 2.0 of every Commerce Department news item, BIS's press releases among them (reported to challenge some scripts: a refusal is a source-health event, never a change)",
    },
    {
      url: 'https://www.federalregister.gov/api/v1/documents.rss?conditions%5Bagencies%5D%5B%5D=industry-and-security-bureau&order=newest',
      format: 'feed-xml',
      serves:
        'RSS 2.0 of the newest Federal Register documents of the Bureau of Industry and Security (not polled: us-federal-register reads them with more detail)',
    },
  ],
  // The Federal Register publishes each business day; BIS also posts special editions.
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 300 },
  homepage: 'https://www.bis.gov/news-updates',
});
