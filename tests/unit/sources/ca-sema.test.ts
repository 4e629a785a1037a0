import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../../functions/cli/diff.ts';
import { SourceFormatError } from '../../../functions/core/errors.ts';
import { caSema, nameKey, readRegime, splitAliases } from '../../../functions/sources/ca-sema.ts';
import { bufferDocument, fileDocument } from '../../../functions/sources/read/document.ts';
import { findSource } from '../../../functions/sources/registry.ts';
import { PROJECT_ROOT } from '../../helpers/cli.ts';
import { byId, parseWith, type Parsed } from '../../helpers/parse.ts';

const fixture = (name: string): string => join(PROJECT_ROOT, 'tests', 'fixtures', 'ca-sema', name);
const parseFile = (name: string): Promise<Parsed> => parseWith(caSema, fileDocument(fixture(name), 'sema-lmes.xml'));
const parseText = (text: string): Promise<Parsed> => parseWith(caSema, bufferDocument('sema-lmes.xml', text));

describe('caSema', () => {
  it('is registered as a register polled every 5 minutes from its https XML', () => {
    expect(findSource('ca-sema')).toBe(caSema);
    expect(caSema.kind).toBe('register');
    expect(new URL(caSema.downloads[0]!.url).protocol).toBe('https:');
    expect(caSema.quietFields).toEqual(['extra.item']);
  });

  it('reads the 2025 layout: persons, ships by IMO number, the regime as program and country', async () => {
    const { records, warnings } = await parseFile('sema-lmes.v1.xml');
    const r = byId(records);

    expect(warnings).toEqual([]);
    expect(records.map((x) => x.id)).toEqual([
      'by:khazalbek-bakhtibekovich-atabekov',
      'ru:sergey-ivanovich-menyailo',
      'ru:sergey-ivanovich-menyailo@2021-03-21',
      'ru:imo-9226891',
      'ru:imo-9256602',
      'mm:sai-lone-hsaing',
      'jvcfor:example-holdings',
      'md:ion-popescu',
    ]);
    expect(r.get('ru:imo-9256602')).toMatchObject({
      kind: 'vessel',
      name: 'SV KONSTANTIN',
      countries: ['RU'],
      programs: ['Russia'],
      listedOn: '2025-02-21',
      extra: {
        imoNumber: '9256602',
        shipType: 'Oil Tanker / Pétrolier',
        buildDate: '2003',
        schedule: '1.1',
        item: '18',
      },
    });
    expect(r.get('jvcfor:example-holdings')).toMatchObject({
      kind: 'organization',
      countries: [],
      programs: ['Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)'],
      aliases: ['Example Holdings Pte. Ltd.', 'Example Group'],
    });
    expect(r.get('md:ion-popescu')).toMatchObject({
      kind: 'person',
      name: 'Ion Popescu',
      countries: ['MD'],
      extra: { dateOfBirth: '1970 or 1971', regime: 'Moldova' },
    });
  });

  it('reads the 2020 layout, without listing dates, trimming the regimes’ trailing and no-break spaces', async () => {
    const { records, warnings } = await parseFile('sema-lmes.2020-layout.xml');

    expect(warnings).toEqual([]);
    expect(records.map((x) => [x.id, x.kind, x.countries.join(), x.listedOn])).toEqual([
      ['mm:air-bagan', 'organization', 'MM', undefined],
      ['ru:sergei-ivanovich-menyailo', 'person', 'RU', undefined],
      ['ve:carlos-enrique-quintero-cuevas', 'person', 'VE', undefined],
      ['jvcfor:jane-doe', 'person', '', undefined],
    ]);
    expect(records[3]!.extra).toMatchObject({ title: 'Former Minister' });
    expect(records[2]!.extra).toMatchObject({ dateOfBirth: '1962-05-14', schedule: 'N/A' });
  });

  it('reads the bilingual element names of 2026 as the same records as the 2025 names', async () => {
    const [english, bilingual] = await Promise.all([
      parseFile('sema-lmes.v2.xml'),
      parseFile('sema-lmes.v3-bilingual.xml'),
    ]);

    expect(bilingual.warnings).toEqual([]);
    expect(bilingual.records).toHaveLength(8);
    expect(bilingual.records).toEqual(english.records);
  });

  it('diffs renumbered ships as quiet item changes, a name moved between fields as no change, and the rest as news', async () => {
    const diff = await diffFiles(caSema, fixture('sema-lmes.v1.xml'), fixture('sema-lmes.v2.xml'), false);
    const summary = diff.changes.map((c) => [c.type, c.id, (c.fields ?? []).map((f) => f.field).join()]).sort();

    expect(summary).toEqual([
      ['added', 'cn:example-microelectronics-co-ltd', ''],
      ['modified', 'by:khazalbek-bakhtibekovich-atabekov', 'aliases,extra.aliasesAsWritten'],
      ['modified', 'ru:imo-9226891', 'extra.item'],
      ['modified', 'ru:imo-9256602', 'extra.item'],
      ['removed', 'md:ion-popescu', ''],
    ]);
    expect(diff.changes.filter((c) => caSema.quietFields!.includes(c.fields?.[0]?.field ?? ''))).toHaveLength(2);
  });

  describe('refuses a layout it cannot read whole', () => {
    const v2 = (): Promise<string> => readFile(fixture('sema-lmes.v2.xml'), 'utf8');
    const bilingual = (): Promise<string> => readFile(fixture('sema-lmes.v3-bilingual.xml'), 'utf8');

    it('refuses a bilingual file with one element renamed, naming the element', async () => {
      const text = (await bilingual()).replaceAll('Aliases-Alias>', 'Aliases-Alias-Alias>');

      await expect(parseText(text)).rejects.toThrow(SourceFormatError);
      await expect(parseText(text)).rejects.toThrow(
        /record 1 holds <Aliases-Alias-Alias>, which is no field of any known layout/,
      );
    });

    it('refuses a file renamed into names it does not know, instead of reading empty records', async () => {
      const text = (await v2()).replace(/<(\/?)([A-Za-z]+)>/g, (whole, slash: string, name: string) =>
        name === 'record' ? whole : `<${slash}${name}-Nouveau>`,
      );

      await expect(parseText(text)).rejects.toThrow(/unknown layout: record 1 holds <Country-Nouveau>/);
    });

    it('refuses a file that mixes the 2025 and the bilingual names', async () => {
      const text = (await v2()).replace(
        '<Country>China / Chine</Country>',
        '<Country-Pays>China / Chine</Country-Pays>',
      );

      await expect(parseText(text)).rejects.toThrow(/<Country-Pays> belongs to the 2026 layout/);
    });

    it('refuses a record whose known fields are empty', async () => {
      const text = (await v2()).replace(
        '<EntityOrShip>Example Microelectronics Co., Ltd.</EntityOrShip>',
        '<EntityOrShip> </EntityOrShip>',
      );

      await expect(parseText(text)).rejects.toThrow(/record 8 has no name/);
    });

    it('refuses a record cut before its regime', async () => {
      const text = (await v2()).replace(/<Country>Belarus \/ Bélarus<\/Country>/, '');

      await expect(parseText(text)).rejects.toThrow(/record 1 has no regime/);
    });
  });

  it('folds names to ids without case, accents or punctuation', () => {
    expect(nameKey('Sergey Ivanovich MENYAILO')).toBe('sergey-ivanovich-menyailo');
    expect(nameKey('Société  Générale, S.A.')).toBe('societe-generale-s-a');
    expect(readRegime('Myanmar (Burma) / Myanmar (Birmanie)')).toEqual({
      english: 'Myanmar (Burma)',
      country: 'MM',
      key: 'mm',
    });
    expect(readRegime('Burma / Birmanie').key).toBe('mm');
    expect(readRegime('Hamas Terrorist Attacks / Attaques terroristes du Hamas').key).toBe('hamas-terrorist-attacks');
  });

  it('splits the aliases cell on commas and "or", drops script labels and keeps legal forms whole', () => {
    expect(
      splitAliases('Andrei Ramanavich TARASEVICH, Belarusian: Андрэй ТАРАСЕВIЧ, Russian: Андрей ТАРАСЕВИЧ'),
    ).toEqual(['Andrei Ramanavich TARASEVICH', 'Андрэй ТАРАСЕВIЧ', 'Андрей ТАРАСЕВИЧ']);
    expect(splitAliases('STREIT Group FZE or STREIT Group FZE-LLC')).toEqual([
      'STREIT Group FZE',
      'STREIT Group FZE-LLC',
    ]);
    expect(splitAliases('Htoo Wood Products Pte., Ltd., Htoo Wood')).toEqual([
      'Htoo Wood Products Pte., Ltd.',
      'Htoo Wood',
    ]);
  });
});
