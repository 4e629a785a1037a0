/**
 * What each channel receives for real changes: an added, a removed and a modified SDN record from
 * the real successive versions, rendered for email, SMS and SQS/webhooks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../functions/cli/diff.ts';
import type { RecordChange } from '../../functions/core/diff.ts';
import { buildChangeEvent, type ChangeEvent } from '../../functions/core/events.ts';
import { decodeDelivered, snsMessage } from '../../functions/delivery/sns-publisher.ts';
import { renderSms, renderSubject, renderText } from '../../functions/delivery/render.ts';
import { findSource } from '../../functions/sources/registry.ts';
import { realFixture } from '../real-fixtures.ts';

const sdn = findSource('us-ofac-sdn')!;
const event = (change: RecordChange): ChangeEvent => buildChangeEvent(sdn, change, 'v@t', '2026-11-29T00:00:00.000Z');

describe('renderings of real SDN changes', () => {
  let added: ChangeEvent;
  let removed: ChangeEvent;
  let modified: ChangeEvent;
  beforeAll(async () => {
    const february = await diffFiles(
      sdn,
      realFixture('ofac-sdn/sdn.2022-02-24.csv'),
      realFixture('ofac-sdn/sdn.2022-02-25.csv'),
      false,
    );
    const december = await diffFiles(
      sdn,
      realFixture('ofac-sdn/sdn.2021-12-22.csv'),
      realFixture('ofac-sdn/sdn.2021-12-30.csv'),
      false,
    );
    added = event(february.changes.find((c) => c.type === 'added')!);
    modified = event(february.changes.find((c) => c.type === 'modified')!);
    removed = event(december.changes.find((c) => c.type === 'removed')!);
  });

  it('gives email a readable text: what changed, in which list, the entity, the fields old → new, a link', () => {
    for (const e of [added, removed, modified]) {
      const text = renderText(e);
      expect(text).toContain(e.data.name);
      expect(text).toMatch(/(ADDED to|REMOVED from|CHANGED on) SDN \(OFAC Specially Designated Nationals/);
      expect(text).toContain(`Record id: ${e.data.recordId}`);
      expect(text).toMatch(/Source: https:\/\//);
      expect(renderSubject(e).length).toBeLessThan(100);
    }
    expect(renderText(added)).toContain(`${added.data.name} — ADDED to SDN`);
    expect(renderText(removed)).toContain(`${removed.data.name} — REMOVED from SDN`);
    const modifiedText = renderText(modified);
    expect(modifiedText).toContain('What changed:');
    for (const field of modified.data.fields) expect(modifiedText).toContain(`  ${field.field}:`);
  });

  it('gives SMS one line under 160 characters', () => {
    for (const e of [added, removed, modified]) {
      const line = renderSms(e);
      expect(line).not.toContain('\n');
      expect(line.length).toBeLessThan(160);
      expect(line).toMatch(/^tradewatch: /);
    }
    expect(renderSms(modified)).toMatch(/CHANGED on SDN \[/);
  });

  it('gives SQS and webhooks the CloudEvent, the same one the queue decodes', () => {
    for (const e of [added, removed, modified]) {
      const structure = JSON.parse(snsMessage(e).Message) as Record<string, string>;
      expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'sms']);
      expect(JSON.parse(structure.default!)).toEqual(JSON.parse(JSON.stringify(e)));
      expect(decodeDelivered(snsMessage(e).Message)).toEqual(JSON.parse(JSON.stringify(e)));
      expect(Buffer.byteLength(snsMessage(e).Message)).toBeLessThan(256 * 1024);
    }
    expect(added.data).toMatchObject({ changeType: 'added', previous: null });
    expect(removed.data.previous).not.toBeNull();
    expect(modified.data.previous).not.toBeNull();
    expect(modified.data.fields.length).toBeGreaterThan(0);
  });
});
