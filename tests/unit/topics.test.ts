import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_RULES, createTopicMatcher, mergeTopicRules, topicsFor } from '../../functions/core/topics.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';

describe('topicsFor with the default rules', () => {
  it('tags an Entity List rule and a sanctions notice by their words', () => {
    expect(topicsFor(['Additions to the Entity List', 'BIS adds entities in China and Russia'])).toEqual([
      'china',
      'entity-list',
      'russia',
    ]);
    expect(topicsFor(['Iran-related Designations; Issuance of General License'])).toEqual(['iran', 'sanctions']);
  });

  it('ignores case, accents and punctuation', () => {
    expect(topicsFor(['DUAL-USE ITEMS'])).toEqual(['dual-use']);
    expect(topicsFor(['Dual use items'])).toEqual(['dual-use']);
    expect(topicsFor(['goederen voor tweeërlei gebruik'])).toEqual(['dual-use']);
    expect(topicsFor(['goederen voor tweeerlei gebruik'])).toEqual(['dual-use']);
    expect(topicsFor(['the entity-list'])).toEqual(['entity-list']);
  });

  it('matches a keyword at the start of a word only', () => {
    expect(topicsFor(['new sanctions adopted'])).toEqual(['sanctions']);
    expect(topicsFor(['Prussian history'])).toEqual([]);
    expect(topicsFor(['Halfgeleiderapparatuur'])).toEqual(['semiconductors']);
    expect(topicsFor(['wafers and chips'])).toEqual(['semiconductors']);
  });

  it('tags investment-screening decisions: NSI Act final orders and call-in notices', () => {
    expect(topicsFor(['Acquisition of Newport Wafer Fab by Nexperia BV: notice of final order'])).toEqual([
      'investment-screening',
      'semiconductors',
    ]);
    expect(topicsFor(['Call-in notice under the National Security and Investment Act 2021'])).toEqual([
      'investment-screening',
    ]);
    expect(topicsFor(['Court order in the final round'])).toEqual([]);
  });

  it('gives no topic to a text that names none of the keywords', () => {
    expect(topicsFor(['Commission approves regional aid scheme for renewable heating'])).toEqual([]);
    expect(topicsFor([])).toEqual([]);
  });

  it('reads the Dutch words of the Dutch export-control news', () => {
    expect(
      topicsFor([
        'Kabinet breidt exportcontrole uit',
        'Voor de uitvoer is een exportvergunning nodig',
        'sancties tegen Rusland',
      ]),
    ).toEqual(['export-controls', 'export-licence', 'russia', 'sanctions']);
  });
});

describe('mergeTopicRules', () => {
  it('adds the keywords of a configured rule to the default rule of the same topic, without duplicates', () => {
    const merged = mergeTopicRules(DEFAULT_TOPIC_RULES, [
      { topic: 'semiconductors', keywords: ['photoresist', 'ASML'] },
    ]);
    const semiconductors = merged.find((rule) => rule.topic === 'semiconductors')!;
    expect(semiconductors.keywords.filter((k) => k === 'ASML')).toHaveLength(1);
    expect(semiconductors.keywords.at(-1)).toBe('photoresist');
    expect(merged.map((rule) => rule.topic)).toEqual(DEFAULT_TOPIC_RULES.map((rule) => rule.topic));
  });

  it('adds a configured rule for a new topic after the defaults', () => {
    const merged = mergeTopicRules(DEFAULT_TOPIC_RULES, [{ topic: 'drones', keywords: ['unmanned aerial', 'UAV'] }]);
    expect(merged.at(-1)).toEqual({ topic: 'drones', keywords: ['unmanned aerial', 'UAV'] });
    expect(createTopicMatcher(merged)(['Components for unmanned aerial vehicles'])).toEqual(['drones']);
    expect(createTopicMatcher(DEFAULT_TOPIC_RULES)(['Components for unmanned aerial vehicles'])).toEqual([]);
  });
});

describe('createTopicMatcher', () => {
  it('gives each topic once, sorted, whichever texts match it', () => {
    const match = createTopicMatcher([
      { topic: 'zeta', keywords: ['alpha'] },
      { topic: 'beta', keywords: ['alpha', 'gamma'] },
    ]);
    expect(match(['Alpha', 'gamma alpha'])).toEqual(['beta', 'zeta']);
  });

  it('ignores a keyword that holds no letter or digit', () => {
    expect(createTopicMatcher([{ topic: 'x', keywords: ['--'] }])(['-- anything --'])).toEqual([]);
  });
});

describe('the default topic table', () => {
  it('documents every default topic in the table at the top of functions/core/topics.ts', () => {
    const text = readFileSync(join(PROJECT_ROOT, 'functions', 'core', 'topics.ts'), 'utf8');
    const documented = [...text.matchAll(/^ \* \| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(DEFAULT_TOPIC_RULES.map((rule) => rule.topic));
  });
});
