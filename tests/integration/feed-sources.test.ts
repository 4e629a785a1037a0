/**
 * The registered feeds' demo versions through the full pipeline (embedded DynamoDB and SNS/SQS):
 * the first version is a baseline, the second alerts exactly its new item and its edited item.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../functions/core/events.ts';
import { decodeDelivered } from '../../functions/delivery/sns-publisher.ts';
import { replayPaths } from '../../functions/run/poll.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { startTestStack, type TestStack } from '../helpers/local-stack.ts';

const FEEDS = {
  'us-ofac-recent-actions': {
    published: 'Cyber-related Designations; North Korea-related Designation',
    updated: 'Iran-related Designations; Counter Terrorism Designations Update',
  },
  'us-bis-press': {
    published: 'Additions to the Entity List; Correction',
    updated: 'Export Administration Regulations: Revisions to Advanced Computing License Exception',
  },
  'uk-ecju-notices': {
    published: 'NTE 2099/92: Iran, export restrictions on drone components',
    updated: 'NTE 2099/90: Russia sanctions, new export restrictions on machine tools',
  },
  'eu-sanctions-news': {
    published: 'Statement by the President on the adoption of the new sanctions package',
    updated: 'Commission proposes a new package of sanctions against Russia',
  },
  'nl-export-control-news': {
    published: 'Minister besluit over vergunningen voor export van chipmachines naar China',
    updated: 'Douane onderschept zending goederen voor Rusland',
  },
} as const;

describe('the registered feeds through the pipeline', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it.each(Object.entries(FEEDS))(
    '%s: alerts the new and the edited item of version 2, nothing for the re-fetched item or the one that left',
    async (id, expected) => {
      const source = findSource(id)!;
      const [baseline, second] = await replayPaths(
        source,
        [join(PROJECT_ROOT, 'demo', id, '1'), join(PROJECT_ROOT, 'demo', id, '2')],
        stack.deps,
        { enforceBounds: true },
      );
      expect(baseline).toMatchObject({ status: 'baseline', records: 3, published: 0 });
      expect(second).toMatchObject({ status: 'changed', records: 3, added: 1, modified: 1, removed: 0 });
      const events = (await stack.drainQueue()).map((message) => decodeDelivered(message.Body!) as ChangeEvent);
      expect(events.map((event) => [event.type, event.data.name]).sort()).toEqual([
        ['tradewatch.item.published', expected.published],
        ['tradewatch.item.updated', expected.updated],
      ]);
      expect(events.every((event) => event.source === `tradewatch/${id}`)).toBe(true);
    },
  );
});
