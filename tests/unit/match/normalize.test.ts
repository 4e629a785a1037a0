import { describe, expect, it } from 'vitest';
import { LEGAL_FORMS, foldText, normalizeName } from '../../../functions/match/normalize.ts';

const texts = (name: string, kind?: Parameters<typeof normalizeName>[1]) =>
  normalizeName(name, kind).tokens.map((t) => t.text);
const legal = (name: string) =>
  normalizeName(name)
    .tokens.filter((t) => t.kind === 'legal')
    .map((t) => t.text);

describe('foldText', () => {
  it('transliterates Cyrillic to Latin and drops the soft sign', () => {
    expect(foldText('Газпром нефть')).toBe('gazprom neft');
  });

  it('folds diacritics and case', () => {
    expect(foldText('Müller-Lüdenscheid ŞİRKETİ')).toBe('muller ludenscheid sirketi');
  });

  it('closes up dotted abbreviations and drops apostrophes inside words', () => {
    expect(foldText("S.A.R.L. O'Brien & Co.")).toBe('sarl obrien co');
  });

  it('transliterates Chinese syllable by syllable', () => {
    expect(foldText('华为')).toBe('hua wei');
  });

  it('romanizes Arabic script as romanizations of names write it: alif kept, ayn dropped, the article apart', () => {
    // Ayn starting a word is the vowel it carries (`Abd`, `Omar`, `Ali`); inside a word it is dropped.
    expect(foldText('عبد الرزاق')).toBe('abd al rzaq');
    expect(foldText('سعيد')).toBe('syd');
    expect(foldText('حمزة')).toBe('hmza');
    expect(foldText('مصطفى')).toBe('mstfa');
    // ز then ه is not the digraph zh.
    expect(foldText('الزهراني')).toBe('al zehrany');
  });
});

describe('normalizeName', () => {
  it.each([
    ['Acme OOO', 'llc'],
    ['Acme L.L.C.', 'llc'],
    ['Acme Limited Liability Company', 'llc'],
    ['Общество с ограниченной ответственностью Акме', 'llc'],
    ['Acme Ltd.', 'ltd'],
    ['Acme Limited', 'ltd'],
    ['Acme ZAO', 'cjsc'],
    ['Acme PAO', 'pjsc'],
    ['Public Joint Stock Company Acme', 'pjsc'],
    ['Acme Joint Stock Company', 'jsc'],
    ['Acme S.A.', 'sa'],
    ['Acme Aktiengesellschaft', 'ag'],
    ['Acme Sdn. Bhd.', 'sdnbhd'],
    ['Acme B.V.', 'bv'],
    ['Acme Corporation', 'corp'],
  ])('recognises the legal form of %s as %s', (name, canonical) => {
    expect(legal(name)).toEqual([canonical]);
    expect(normalizeName(name).hasLegalForm).toBe(true);
  });

  it('keeps legal forms as low-information tokens, not as name words', () => {
    const { tokens } = normalizeName('Orlova Shipping Co. Ltd');
    expect(tokens).toEqual([
      { text: 'orlova', kind: 'name' },
      { text: 'shipping', kind: 'name' },
      { text: 'co', kind: 'legal' },
      { text: 'ltd', kind: 'legal' },
    ]);
  });

  it('marks the words written in an abjad', () => {
    expect(normalizeName('محمد Salim').tokens).toEqual([
      { text: 'mhmd', kind: 'name', abjad: true },
      { text: 'salim', kind: 'name' },
    ]);
  });

  it('removes titles written in Arabic script, with their article, and no Latin title from Arabic script', () => {
    const name = normalizeName('الشيخ عمر فاروق', 'person');
    expect(name.removedTitles).toEqual(['al', 'shykh']);
    expect(name.text).toBe('amr farwq');
    // `مر` romanizes to `mr`, which is not the title Mr.
    expect(normalizeName('مر فاروق', 'person').text).toBe('mr farwq');
  });

  it("looks for no legal form in a person's name", () => {
    expect(normalizeName('Ibrahim Ag Mousa', 'person').tokens.map((t) => t.kind)).toEqual(['name', 'name', 'name']);
    expect(legal('Kestrel Werke AG')).toEqual(['ag']);
  });

  it('leaves out a closing acronym in parentheses that spells the initials, and keeps any other parenthesis', () => {
    const name = normalizeName('Varnholt Logistics Bureau (VLB)');
    expect(name.text).toBe('varnholt logistics bureau');
    expect(name.acronym).toBe('VLB');
    expect(normalizeName('Varnholt Logistics (Europe)').text).toBe('varnholt logistics europe');
  });

  it('counts the surname tokens of a name written SURNAME, Given', () => {
    expect(normalizeName('WIELGORSKI BRZOZA, Tomasz', 'person').surnameTokens).toBe(2);
    expect(normalizeName('Tomasz Wielgorski', 'person').surnameTokens).toBe(0);
  });

  it('every canonical legal form is among its own spellings', () => {
    for (const [canonical, spellings] of Object.entries(LEGAL_FORMS)) expect(spellings).toContain(canonical);
  });

  it('keeps a name made of a legal-form word only', () => {
    expect(texts('Limited')).toEqual(['limited']);
  });

  it('removes leading titles and honorifics from a person', () => {
    const name = normalizeName('Sheikh Haji Dr. Haroun Tannuri', 'person');
    expect(name.text).toBe('haroun tannuri');
    expect(name.removedTitles).toEqual(['sheikh', 'haji', 'dr']);
  });

  it('keeps a title-like word inside a name and in an organization name', () => {
    expect(texts('Haroun General Tannuri', 'person')).toEqual(['haroun', 'general', 'tannuri']);
    expect(texts('General Kestrel Dynamics', 'organization')).toEqual(['general', 'kestrel', 'dynamics']);
    expect(texts('General Kestrel Dynamics Corp')).toEqual(['general', 'kestrel', 'dynamics', 'corp']);
  });

  it('classifies initials, particles and numbers', () => {
    const kinds = normalizeName('J. bin Tannuri 7 II').tokens.map((t) => t.kind);
    expect(kinds).toEqual(['initial', 'particle', 'name', 'number', 'number']);
  });
});

describe("normalizeName with registers' `SURNAME, Title Given` order", () => {
  it('removes a title that opens a comma-separated part', () => {
    const name = normalizeName('TANNURI, Dr. Haroun', 'person');
    expect(name.text).toBe('tannuri haroun');
    expect(name.removedTitles).toEqual(['dr']);
  });
});

describe('normalizeName on scripts written without spaces', () => {
  it('marks each syllable with the written word it belongs to', () => {
    const tokens = normalizeName('阿不都·哈克 军').tokens;
    expect(tokens.map((t) => [t.text, t.syllableOf])).toEqual([
      ['a', 0],
      ['bu', 0],
      ['dou', 0],
      ['ha', 1],
      ['ke', 1],
      ['jun', 2],
    ]);
    expect(normalizeName('Jun Di').tokens.every((t) => t.syllableOf === undefined)).toBe(true);
  });
});
