import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { splitAddresses, splitName } from '../../../functions/sources/formats/tw-shtc-csv.ts';
import { bufferDocument, fileDocument } from '../../../functions/sources/read/document.ts';
import { twShtcEntityList } from '../../../functions/sources/tw-shtc-entity-list.ts';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';
import { addedEventTopics } from '../../helpers/event-topics.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string): string => join(root, 'tests/fixtures/tw-shtc', name);
const parseFile = (name: string): Promise<Parsed> => parseWith(twShtcEntityList, fileDocument(fixture(name)));
const parseText = (text: string | Buffer): Promise<Parsed> =>
  parseWith(twShtcEntityList, bufferDocument('SHTCEntityList.csv', text));

describe('twShtcEntityList', () => {
  it('reads each row with a name as a record, skipping the empty row, without a warning', async () => {
    const { records, warnings } = await parseFile('SHTCEntityList.csv');

    expect(warnings).toEqual([]);
    expect(records.map((r) => r.id)).toEqual([
      'korea-mining-development-trading-corporation',
      'chang-song-example',
      'huawei-technologies-co-ltd',
      'semiconductor-manufacturing-international-corporation',
      expect.stringMatching(/^example-trading-company~[0-9a-f]{8}$/),
      expect.stringMatching(/^example-trading-company~[0-9a-f]{8}$/),
    ]);
    expect(records[4]!.id).not.toBe(records[5]!.id);
  });

  it('takes the UN permanent reference out of the name, and the kind from it', async () => {
    const records = byId((await parseFile('SHTCEntityList.csv')).records);

    expect(records.get('korea-mining-development-trading-corporation')).toMatchObject({
      name: 'Korea Mining Development Trading Corporation',
      kind: 'organization',
      aliases: ['CHANGGWANG SINYONG CORPORATION', 'EXTERNAL TECHNOLOGY GENERAL CORPORATION'],
      countries: ['KP'],
      extra: { unReference: 'KPe.001', item: '1' },
    });
    expect(records.get('chang-song-example')).toMatchObject({
      kind: 'person',
      extra: { unReference: 'KPi.099', idNumbers: ['654321098', 'PD 745120001'] },
    });
    expect(records.get('huawei-technologies-co-ltd')!.kind).toBe('other');
  });

  it('splits addresses on branch offices, roman numerals and ";", reading a country code among them', async () => {
    const records = byId((await parseFile('SHTCEntityList.csv')).records);

    expect(records.get('huawei-technologies-co-ltd')!.addresses).toEqual([
      'Bantian，Longgang District，Shenzhen，Guangdong，China',
      'Example Road 1，Hangzhou，China',
      'Example Road 2，Chengdu，China',
    ]);
    const smic = records.get('semiconductor-manufacturing-international-corporation')!;
    expect(smic.addresses).toHaveLength(2);
    expect(smic.countries).toEqual(['CN']);
    expect(smic.topics).toBeUndefined();
    expect(addedEventTopics(twShtcEntityList, smic)).toEqual([
      'china',
      'entity-list',
      'export-controls',
      'semiconductors',
    ]);
  });

  it('reads the older lower-case, underscored headers the same way', async () => {
    const [current, older] = await Promise.all([
      parseFile('SHTCEntityList.csv'),
      parseFile('SHTCEntityList.older-headers.csv'),
    ]);

    expect(older.warnings).toEqual([]);
    expect(older.records[0]).toEqual(current.records[0]);
  });

  it('keeps the id when the entry is renumbered and re-spaced', async () => {
    const text = readFileSync(fixture('SHTCEntityList.csv'), 'utf8')
      .replace('\r\n1,Korea Mining', '\r\n9,KOREA MINING ')
      .replace('\r\n7,,,,,', '');

    const moved = byId((await parseText(text)).records).get('korea-mining-development-trading-corporation');

    expect(moved?.extra.item).toBe('9');
  });

  it('refuses a CSV without the list columns, naming them', async () => {
    const error = await parseText('\ufeff項次item,名稱name\r\n1,X\r\n').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFormatError);
    expect((error as Error).message).toBe(
      'tw-shtc-entity-list: parse: SHTCEntityList.csv: unknown layout: the header lacks alias, address',
    );
  });

  it('refuses a file cut inside a row', async () => {
    const bytes = readFileSync(fixture('SHTCEntityList.csv'));
    const error = await parseText(bytes.subarray(0, bytes.indexOf('Branch Office 1'))).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SourceFormatError);
  });

  it('refuses the HTML error page trade.gov.tw serves with status 200', async () => {
    const error = await parseText('<!DOCTYPE html><html><head><title>錯誤頁面</title></head></html>').catch(
      (e: unknown) => e,
    );

    expect((error as Error).message).toMatch(/is an HTML page/);
  });
});

describe('tw-shtc helpers', () => {
  it.each([
    [
      'Korea Mining Development Trading Corporation（永久參考號：KPe.001）',
      'Korea Mining Development Trading Corporation',
      'KPe.001',
    ],
    ['Green Pine Associated Corporation (永久參考號: KPe.010)', 'Green Pine Associated Corporation', 'KPe.010'],
    ['Huawei Technologies Co., Ltd.', 'Huawei Technologies Co., Ltd.', undefined],
  ])('splitName(%j)', (cell, name, unReference) => {
    expect(splitName(cell)).toEqual(unReference ? { name, unReference } : { name });
  });

  it('splitAddresses keeps a lower-case "i)" inside a word', () => {
    expect(splitAddresses('Taxi) Road 1; Wuhan').addresses).toEqual(['Taxi) Road 1', 'Wuhan']);
  });
});
