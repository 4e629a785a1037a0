/**
 * OFAC Recent Actions: designations, delistings, general licenses, FAQs and advisories as OFAC
 * announces them, read from the GovDelivery topic feed that carries OFAC's e-mail bulletins.
 *
 * What is odd about this publisher's feed:
 * - OFAC has no feed of its own any more: Treasury retired OFAC's RSS
 *   (ofac.treasury.gov/system/files/126/ofac.xml) on 31 January 2025 and names e-mail through
 *   GovDelivery as the channel for Recent Actions. GovDelivery publishes every topic's bulletins as
 *   RSS 2.0; topic USTREAS_61 is "OFAC: Recent Actions", the same bulletins the e-mail subscribers
 *   get. It is the closest official feed, so it is the one read here.
 * - Items link to GovDelivery's copy of the bulletin (content.govdelivery.com/accounts/USTREAS/
 *   bulletins/<hex id>), not to ofac.treasury.gov/recent-actions/<yyyymmdd>; the recent-actions
 *   page is linked from inside the bulletin. The bulletin id is stable, so the link is a good item
 *   id when the feed sends no guid (the parser falls back to it).
 * - The description is the whole e-mail bulletin in HTML (header, the action, the list of names,
 *   the footer with subscription links). Only its text is kept, cut at MAX_REMARKS characters.
 * - pubDate is US Eastern time with a numeric offset (-0500 in winter, -0400 in summer):
 *   `listedOn` is that calendar date, `extra.published` the instant in UTC.
 * - Every item is about sanctions, and most name OFAC: the `sanctions` topic is on nearly all of
 *   them; the country and programme topics (russia, iran, ...) are what tell them apart.
 * The fixtures (tests/fixtures/feeds/us-ofac-recent-actions) are invented bulletins written in the
 * RSS 2.0 elements GovDelivery topic feeds use (title, link, description, pubDate).
 */
import { feedSource } from './feed-source.ts';

export const US_OFAC_RECENT_ACTIONS_ID = 'us-ofac-recent-actions';

export const usOfacRecentActions = feedSource({
  id: US_OFAC_RECENT_ACTIONS_ID,
  title: 'OFAC Recent Actions',
  publisher: 'Office of Foreign Assets Control (US Department of the Treasury), through GovDelivery',
  jurisdiction: 'US',
  list: 'OFAC Recent Actions',
  downloads: [
    {
      url: 'https://public.govdelivery.com/topics/USTREAS_61/feed.rss',
      format: 'feed-xml',
      serves:
        'RSS 2.0 of the bulletins of GovDelivery topic USTREAS_61 "OFAC: Recent Actions", newest first (OFAC retired its own RSS on 31 January 2025)',
    },
  ],
  // OFAC posts Recent Actions during US business hours, often several a day.
  schedule: 'rate(5 minutes)',
  // A topic feed shows the latest bulletins (a few dozen); an empty feed is a broken download.
  expectedRecords: { min: 1, max: 300 },
  homepage: 'https://ofac.treasury.gov/recent-actions',
});
