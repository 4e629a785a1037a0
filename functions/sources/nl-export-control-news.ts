/**
 * The Dutch government's news on export control: licence decisions for semiconductor
 * manufacturing equipment (ASML's DUV and EUV systems), national control lists, sanctions
 * enforcement, from rijksoverheid.nl.
 *
 * What is odd about this publisher's feed:
 * - Until 2026 rijksoverheid.nl served one RSS per topic on feeds.rijksoverheid.nl (e.g.
 *   onderwerpen/exportcontrole-strategische-goederen/nieuws.rss). That host stopped resolving when
 *   the site moved to a new platform in 2026; the site now serves RSS 2.0 from /api/rss, whose
 *   `query` parameter is the site search's JSON (filters and a search term) and whose answer has
 *   the shape of the old nieuws.rss. The name of the topic filter is not documented, so the query
 *   asks for news documents (`content_type` `pro:newsDocument`) matching the search term
 *   "exportcontrole": the news of the export-control topic. government.nl (English) moved the same
 *   way and publishes a subset in English, later: the Dutch feed is read.
 * - Texts are Dutch: the topic rules carry the Dutch words (exportcontrole, exportvergunning,
 *   halfgeleider, sanctie, Rusland ...).
 * - pubDate is Europe/Amsterdam time with its offset (+0100 / +0200).
 * The fixtures (tests/fixtures/feeds/nl-export-control-news) are invented news items written in
 * the RSS 2.0 elements of rijksoverheid.nl's news feed (title, link, description, pubDate, guid).
 */
import { feedSource } from './feed-source.ts';

export const NL_EXPORT_CONTROL_NEWS_ID = 'nl-export-control-news';

const QUERY = {
  filters: [{ field: 'content_type', values: ['pro:newsDocument'], type: 'all' }],
  resultSearchTerm: 'exportcontrole',
};

export const nlExportControlNews = feedSource({
  id: NL_EXPORT_CONTROL_NEWS_ID,
  title: 'Dutch government news on export control',
  publisher: 'Rijksoverheid (Government of the Netherlands), Ministry of Foreign Affairs',
  jurisdiction: 'NL',
  list: 'Rijksoverheid export control news',
  downloads: [
    {
      url: `https://www.rijksoverheid.nl/api/rss?query=${encodeURIComponent(JSON.stringify(QUERY))}`,
      format: 'feed-xml',
      serves:
        'RSS 2.0 of rijksoverheid.nl news documents matching "exportcontrole", newest first (the per-topic feeds on feeds.rijksoverheid.nl were retired in 2026)',
    },
  ],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 300 },
  homepage: 'https://www.rijksoverheid.nl/onderwerpen/exportcontrole-strategische-goederen',
});
