import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { detectFormat, fileDocument } from '../../functions/sources/read/document.ts';
import { usTradeCsl } from '../../functions/sources/us-trade-csl.ts';
import { cachedParser } from '../helpers/parse.ts';
import { realFixture } from '../real-fixtures.ts';

const CSV = realFixture('bis/el.2015-09-19.trimmed-sample.csv');

const parseFile = cachedParser(usTradeCsl, (path) => path);
const parse = () => parseFile(CSV);

/** The raw rows as objects keyed by header name, read here with csv-parse's own header handling. */
async function rawRows(): Promise<Record<string, string>[]> {
  const text = await readFile(CSV, 'utf8');
  const [header, ...rows] = parseCsv(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

const norm = (value: string | undefined): string => (value ?? '').replace(/\s+/g, ' ').trim();

describe('usTradeCsl on the 2015 Entity List CSV (GovWizely sample, trimmed upstream)', () => {
  it('is read as csl-legacy-csv without a warning', async () => {
    expect((await detectFormat(usTradeCsl, fileDocument(CSV))).id).toBe('csl-legacy-csv');
    const { records, warnings } = await parse();
    expect(warnings).toEqual([]);
    expect(
      records.every(
        (r) => r.list === 'Entity List' && r.extra.listCode === 'EL' && /^EL:legacy:[0-9a-f]{16}$/.test(r.id),
      ),
    ).toBe(true);
  });

  it('makes one record per distinct (Source List, Name, Federal Register Notice, Effective Date)', async () => {
    const rows = await rawRows();
    expect(rows).toHaveLength(18);
    const keys = new Set(
      rows.map((row) =>
        JSON.stringify([row['Source List'], row.Name, row['Federal Register Notice'], row['Effective Date']].map(norm)),
      ),
    );
    const { records } = await parse();

    expect(records).toHaveLength(keys.size);
    expect(keys.size).toBe(7);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    // Qazi Abdallah is listed under two notices and two dates: three entries, three records.
    expect(
      records.filter((r) => r.name === 'Qazi Abdallah').map((r) => [r.extra.federalRegisterNotice, r.listedOn]),
    ).toEqual([
      ['76 FR 71867', '2011-11-21'],
      ['76 FR 10001', '2011-11-21'],
      ['76 FR 71867', '2011-11-22'],
    ]);
  });

  it('merges the addresses and alternate names of Fazal Rahim Farid from his six rows', async () => {
    const rows = (await rawRows()).filter((row) => row.Name === 'Fazal Rahim Farid');
    expect(rows).toHaveLength(6);
    const { records } = await parse();
    const farid = records.filter((r) => r.name === 'Fazal Rahim Farid');

    expect(farid).toHaveLength(1);
    expect(farid[0]).toMatchObject({
      kind: 'other',
      aliases: ['Fazel Rahim Farid', 'Farid', 'Engineer Idris'],
      addresses: [
        'Microrayan 3rd Apt. 45, block #21, Kabul, Afghanistan',
        'A2 Ground Floor, City Computer Plaza, Shar-e-Naw, Kabul, Afghanistan',
      ],
      countries: ['AF'],
      listedOn: '2011-11-21',
      links: ['http://www.bis.doc.gov/entities/default.htm'],
      extra: { federalRegisterNotice: '76 FR 71867', licensePolicy: 'Presumption of denial.' },
    });
  });

  it('merges the seven addresses of Zurmat Construction Company offices', async () => {
    const { records } = await parse();
    const zurmat = records.find((r) => r.name === 'Zurmat Construction Company offices')!;

    expect(zurmat.aliases).toEqual([]);
    expect(zurmat.addresses).toHaveLength(7);
    expect(zurmat.addresses).toContain('Tarin Cot City, Afghanistan');
  });

  it('drops the trailing space of a notice (Murat Peker, "78 FR 75485 ")', async () => {
    const { records } = await parse();
    expect(records.find((r) => r.name === 'Murat Peker')).toMatchObject({
      countries: ['TR'],
      extra: { federalRegisterNotice: '78 FR 75485' },
      listedOn: '2013-12-12',
    });
  });
});
