import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { chSeco, modificationHistory, reviewSecoChange } from '../../../functions/sources/ch-seco.ts';
import { bufferDocument, fileDocument } from '../../../functions/sources/read/document.ts';
import { streamXmlElements } from '../../../functions/sources/read/xml-stream.ts';
import { findSource } from '../../../functions/sources/registry.ts';
import { PROJECT_ROOT } from '../../helpers/cli.ts';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';

const fixture = (name: string): string => join(PROJECT_ROOT, 'tests', 'fixtures', 'ch-seco', name);
const parseFile = (name: string): Promise<Parsed> => parseWith(chSeco, fileDocument(fixture(name)));
const parseText = (text: string): Promise<Parsed> => parseWith(chSeco, bufferDocument('seco.xml', text));
const diff = (a: string, b: string): ReturnType<typeof diffFiles> => diffFiles(chSeco, fixture(a), fixture(b), false);

describe('chSeco', () => {
  it('is a registered register with a review of its changes against the publisher’s history', () => {
    expect(findSource('ch-seco')).toBe(chSeco);
    expect(chSeco.kind).toBe('register');
    expect(chSeco.reviewChange).toBe(reviewSecoChange);
    expect(new URL(chSeco.downloads[0]!.url).protocol).toBe('https:');
  });

  it('reads the listed targets of a whole list, leaving out the de-listed one it keeps with its history', async () => {
    const { records, warnings } = await parseFile('seco.v1.xml');

    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.id, r.kind, r.name])).toEqual([
      ['1001', 'person', 'Ivan Testov'],
      ['1002', 'organization', 'Example Microelectronics JSC'],
      ['1003', 'vessel', 'EXAMPLE STAR'],
    ]);
  });

  it('maps a target’s programs, sets, identity, history and places', async () => {
    const r = byId((await parseFile('seco.v2.xml')).records);

    expect(r.get('1001')).toMatchObject({
      aliases: ['Ivan Тестов', 'Vanya Testov'],
      countries: ['RU'],
      programs: ['RUS'],
      listedOn: '2022-02-28',
      extra: {
        sanctionsSets: ['Financial sanctions and travel ban, annex 8'],
        datesOfBirth: ['1968-05-07'],
        documents: ['passport 7512345678 Russian Federation'],
        modifications: ['amended 2024-02-23', 'listed 2022-02-28'],
        lastModified: '2024-02-23',
      },
    });
    expect(r.get('1002')).toMatchObject({
      addresses: ['Leninsky prospekt 12, 119049, Moscow, Russian Federation'],
      countries: ['RU'],
      extra: {
        sanctionsSets: ['Financial sanctions and travel ban, annex 8', 'Export restrictions, annex 23'],
        formerNames: ['AO Primer Mikroelektronika'],
      },
    });
    expect(r.get('1005')).toMatchObject({ countries: ['HK'], programs: ['RUS'], listedOn: '2024-02-23' });
    expect(r.has('1003')).toBe(false);
  });

  it('diffs a listing, a de-listing and an amendment, each dated by the publisher, in agreement with its history', async () => {
    const { changes } = await diff('seco.v1.xml', 'seco.v2.xml');
    const summary = changes.map((c) => [c.type, c.id, (c.fields ?? []).map((f) => f.field).join()]).sort();

    expect(summary).toEqual([
      ['added', '1005', ''],
      ['modified', '1001', 'aliases,extra.lastModified,extra.modifications'],
      ['removed', '1003', ''],
    ]);
    expect(changes.find((c) => c.id === '1001')!.fields!.find((f) => f.field === 'extra.modifications')!.added).toEqual(
      ['amended 2024-02-23'],
    );
    expect(changes.map(reviewSecoChange)).toEqual([undefined, undefined, undefined]);
  });

  it('notes a content change with no modification in the history, and a modification with no content change', async () => {
    const { changes } = await diff('seco.v2.xml', 'seco.v3.xml');
    const notes = new Map(changes.map((c) => [c.id, reviewSecoChange(c)]));

    expect([...notes.keys()].sort()).toEqual(['1002', '1005']);
    expect(notes.get('1002')).toBe(
      "1002 (Example Microelectronics JSC) changed (addresses), but SECO's history records no modification since the last version (newest: listed 2022-04-13)",
    );
    expect(notes.get('1005')).toBe(
      "1005 (Example Lithography Trading Ltd): SECO's history records amended 2024-06-01, but no field read here changed",
    );
  });

  it('notes a target added without a listing in its history', () => {
    const record = { id: '9', name: 'X', extra: { modifications: ['amended 2024-01-01'] } };
    expect(reviewSecoChange({ type: 'added', id: '9', name: 'X', list: '', after: record as never })).toBe(
      "9 (X) is new to the list, but SECO's history records no listing: amended 2024-01-01",
    );
  });

  it('orders the history newest first whatever the file’s order', async () => {
    const xml =
      '<target ssid="1"><modification modification-type="listed" publication-date="2020-01-02"/>' +
      '<modification modification-type="amended" publication-date="2023-05-06"/><modification modification-type="amended" effective-date="2021-07-08"/></target>';
    const events = streamXmlElements(bufferDocument('t.xml', xml).open(), {
      sourceId: 'ch-seco',
      fileName: 't.xml',
      recordElements: new Set(['target']),
      rootElements: new Set(['target']),
    });
    const elements = [];
    for await (const event of events) elements.push(event.element);

    expect(modificationHistory(elements[0]!)).toEqual([
      'amended 2023-05-06',
      'amended 2021-07-08',
      'listed 2020-01-02',
    ]);
  });

  describe('refuses what is not the whole list', () => {
    it('refuses an amendment list, which would delist everyone else', async () => {
      const text = (await readFile(fixture('seco.v2.xml'), 'utf8')).replace(
        'list-type="whole-list"',
        'list-type="amendment"',
      );

      await expect(parseText(text)).rejects.toThrow(SourceFormatError);
      await expect(parseText(text)).rejects.toThrow(
        /list-type "amendment" is the changes of one day, not the whole list/,
      );
    });

    it('refuses a target without its subject element, as a layout it does not know', async () => {
      const text = (await readFile(fixture('seco.v1.xml'), 'utf8'))
        .replace('<individual sex="male">', '<person sex="male">')
        .replace('</individual><justification>', '</person><justification>');

      await expect(parseText(text)).rejects.toThrow(/target 1001 has no <individual>, <entity> or <object>/);
    });

    it('refuses a target without a modification history', async () => {
      const text = (await readFile(fixture('seco.v1.xml'), 'utf8')).replace(
        '<modification ssid="1024" modification-type="listed" enactment-date="2022-04-13" publication-date="2022-04-13" effective-date="2022-04-13"/>',
        '',
      );

      await expect(parseText(text)).rejects.toThrow(/target 1002 has no <modification>/);
    });

    it('refuses a modification type it does not know', async () => {
      const text = (await readFile(fixture('seco.v2.xml'), 'utf8')).replace(
        'modification-type="amended"',
        'modification-type="suspended"',
      );

      await expect(parseText(text)).rejects.toThrow(/target 1001 has a modification of type "suspended"/);
    });

    it('refuses a truncated file', async () => {
      const text = await readFile(fixture('seco.v1.xml'), 'utf8');

      await expect(parseText(text.slice(0, text.length - 200))).rejects.toThrow(SourceFormatError);
    });
  });
});
