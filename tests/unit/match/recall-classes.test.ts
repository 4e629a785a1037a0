import { expectIndexAgreesWithBruteForce } from '../../helpers/index-agreement.ts';
import { describe, expect, it } from 'vitest';
import type { RecordKind, RegisterRecord } from '../../../functions/core/records.ts';
import { foldText, normalizeName } from '../../../functions/match/normalize.ts';
import { slavicBase } from '../../../functions/match/prepare.ts';
import { DEFAULT_THRESHOLD, scoreNames } from '../../../functions/match/score.ts';

// Classes of true matches that scored below the default threshold (issue 12, point 3): each is a
// rule, and each rule is tried on more than the example that showed it, with a pair it must keep apart.
const company = { schemaA: 'Company', schemaB: 'Company' };
const person = { schemaA: 'Person', schemaB: 'Person' };
const vessel = { schemaA: 'Vessel', schemaB: 'Vessel' };
const score = (a: string, b: string, options = {}) => scoreNames(a, b, options).score;
const legalForms = (name: string, kind?: Parameters<typeof normalizeName>[1]) =>
  normalizeName(name, kind)
    .tokens.filter((t) => t.kind === 'legal')
    .map((t) => t.text);

describe('legal forms with a typo, glued or written out', () => {
  it.each([
    ['JOYNT STOCK COMPANY SEVERNIY PRESS', 'JOINT STOCK COMPANY SEVERNIY PRESS'],
    ['OPEN JONT STOCK COMPANY TIKHORETSK PLANT', 'OPEN JOINT STOCK COMPANY TIKHORETSK PLANT'],
    ['LLIMITED LIABILITY COMPANY SBERBANK FACTORING', 'LIMITED LIABILITY COMPANY SBERBANK FACTORING'],
    ['LIMITED LIABILITY COMAPNY RAZREZ', 'LIMITED LIABILITY COMPANY RAZREZ'],
    ['Kestrovo Aktiengeselschaft', 'Kestrovo AG'],
    ['SABALAN COMPAJY', 'SABALAN COMPANY'],
    ['LEADING EDGE SOURCING CORPOATION', 'LEADING EDGE SOURCING CORPORATION'],
    ['SiemensAG', 'Siemens AG'],
    ['ZelmoraGmbH', 'Zelmora GmbH'],
    ['TRANSPORTADORA PUREPECHA Sociedad Anónima de Capital Variable', 'TRANSPORTADORA PUREPECHA S.A. DE C.V.'],
    ['GRAN MUELLE S. A.', 'GRAN MUELLE S.A.'],
    ['LTD. LIABILITY PARTNERSHIP DA GROUP 22', 'LIMITED LIABILITY PARTNERSHIP DA GROUP 22'],
  ])('matches %s with %s', (a, b) => {
    expect(score(a, b, company)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('reads one typo in a long legal-form word, not in an abbreviation nor two typos', () => {
    expect(legalForms('Acme Compajy')).toEqual(['co']);
    expect(legalForms('Acme Limitd')).toEqual(['ltd']);
    // `gmbx` is not `gmbh`, `comapmy` two edits from `company`: name words.
    expect(legalForms('Acme Gmbx')).toEqual([]);
    expect(legalForms('Acme Comapmy')).toEqual([]);
    // A phrase takes one typo, not one per word.
    expect(legalForms('Acme Joynt Stok Company')).toEqual(['co']);
  });

  it('splits a legal form off a name only at a change of case', () => {
    expect(normalizeName('SiemensAG').text).toBe('siemens ag');
    expect(normalizeName('SIEMENSAG').text).toBe('siemensag');
    // A person's name has no legal form (`Ag` is a Tuareg "son of").
    expect(normalizeName('Iyad AgGhali', 'person').text).toBe('iyad agghali');
  });

  it('reads the initials S. A. as a legal form only where they close the name', () => {
    expect(legalForms('COMERCIAL CIMEX, S. A.')).toEqual(['sa']);
    expect(legalForms('Smith S. A. Jones')).toEqual([]);
  });

  it('keeps organizations that differ by a word apart', () => {
    expect(score('SABALAN COMPAJY', 'SAHAND COMPANY', company)).toBeLessThan(DEFAULT_THRESHOLD);
  });
});

describe('numbers written as words', () => {
  it.each([
    ['1st Minsk Bread Factory', 'First Minsk Bread Factory'],
    ['Plant 44', 'Plant Forty-Four'],
    ['Three Stars Trading', '3 Stars Trading'],
    ['Twenty-First Century Shipping', '21st Century Shipping'],
    ['Factory No 115', 'Factory No One Hundred Fifteen'],
  ])('matches %s with %s', (a, b) => {
    expect(score(a, b, company)).toBe(1);
  });

  it('keeps numbers matching only exactly, and an ordinal apart from a cardinal', () => {
    expect(score('Star One', 'Star 2', vessel)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Star One', 'Star 1', vessel)).toBe(1);
    expect(normalizeName('First Bank').text).toBe('1st bank');
    expect(normalizeName('One Bank').text).toBe('1 bank');
  });
});

describe('digits written for letters', () => {
  it('reads a digit between letters as the letter it looks like', () => {
    expect(foldText('Ig0r Sech1n')).toBe('igor sechin');
    expect(foldText('A1exander P3trov')).toBe('alexander petrov');
    expect(foldText('M@ria 5t0ne')).toBe('maria 5tone');
    expect(score('Ig0r Sech1n', 'Igor Sechin', person)).toBe(1);
  });

  it('never reads a number as letters', () => {
    expect(foldText('A320 Star 1 T-72 1st')).toBe('a320 star 1 t 72 1st');
    expect(score('Star 10', 'Star IO', vessel)).toBeLessThan(DEFAULT_THRESHOLD);
  });
});

describe('a title or an office in front of a name', () => {
  it.each([
    ['President Recep Tayyip Erdoğan', 'Recep Tayyip Erdogan'],
    ['Minister Sergey Lavrov', 'LAVROV, Sergey'],
    ['Prime Minister Viktor Orban', 'Viktor Orban'],
    ['His Excellency Sheikh Tamim Al Thani', 'Tamim Al Thani'],
    ['Gen. Qasem Soleimani', 'Qasem Soleimani'],
    ['Dr. Ayman al-Zawahiri', 'Ayman al-Zawahiri'],
  ])('matches %s with %s', (a, b) => {
    expect(score(a, b)).toBeGreaterThanOrEqual(0.95);
  });

  it('removes a title phrase whole, and never the last word of a name', () => {
    expect(normalizeName('Prime Minister Viktor Orban').removedTitles).toEqual(['prime', 'minister']);
    expect(normalizeName('Prime Viktor Orban').text).toBe('prime viktor orban');
    expect(normalizeName('President').text).toBe('president');
  });

  it('keeps words that are surnames as often as titles', () => {
    expect(normalizeName('KING, Martin').text).toBe('king martin');
    expect(normalizeName('Prince Harry Windsor').text).toBe('prince harry windsor');
  });
});

describe('an acronym written without parentheses', () => {
  it('leaves out a closing word that spells the initials of three words or more', () => {
    expect(score('daedong credit bank dcb', 'DAEDONG CREDIT BANK (DCB)', company)).toBe(1);
    expect(score('organization and guidance department ogd', 'ORGANIZATION AND GUIDANCE DEPARTMENT')).toBe(1);
    expect(normalizeName('daedong credit bank dcb').acronym).toBe('dcb');
  });

  it('keeps a closing word that does not spell them', () => {
    expect(normalizeName('daedong credit bank dcx').text).toBe('daedong credit bank dcx');
  });
});

describe('short forms and nicknames of given names', () => {
  it.each([
    ['Bibi Netanyahu', 'Benjamin Netanyahu'],
    ['Ben Netanyahu', 'Benjamin Netanyahu'],
    ['Bob Menendez', 'Robert Menendez'],
    ['Sasha Petrov', 'Aleksandr Petrov'],
    ['Volodya Zelensky', 'Vladimir Zelensky'],
    ['Mohd Najib Razak', 'Muhammad Najib Razak'],
    ['Fritz Keller', 'Friedrich Keller'],
    // The Ukrainian and Russian forms of one given name.
    ['TSEKOV, Serhiy Pavlovich', 'TSEKOV, Sergey Pavlovich'],
    ['Volodymyr Zelensky', 'Vladimir Zelensky'],
    ['Mykola Azarov', 'Nikolai Azarov'],
  ])('matches %s with %s, below the same name', (a, b) => {
    const value = score(a, b, person);
    expect(value).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(value).toBeLessThan(1);
  });

  it('does not take one given name for another', () => {
    expect(score('Bob Menendez', 'Richard Menendez', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Sasha Petrov', 'Sergei Petrov', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Serhiy Kurchenko', 'Sergey Kuzmenko', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Oleh Azarov', 'Ihor Azarov', person)).toBeLessThan(DEFAULT_THRESHOLD);
    // `Ben` as the particle `bin` stays one.
    expect(score('Tariq Ben Salem', 'Tariq Bin Salem', person)).toBe(1);
  });
});

describe('initials of a hyphenated given name', () => {
  it.each([
    ['JC Juncker', 'Jean-Claude Juncker'],
    ['J.-C. Juncker', 'Jean-Claude Juncker'],
    ['J.C. Juncker', 'Jean Claude Juncker'],
    ['JCM Juncker', 'Jean-Claude Marie Juncker'],
  ])('matches %s with %s', (a, b) => {
    expect(score(a, b, person)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('needs the words the initials spell, and never makes a match from initials alone', () => {
    expect(score('JC Juncker', 'Jean-Pierre Juncker', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('JC Smith', 'Jean-Claude Juncker', person)).toBeLessThan(DEFAULT_THRESHOLD);
  });
});

describe('Baltic and Slavic endings', () => {
  it.each([
    ['Sergejs Lavrovs', 'Sergey Lavrov'],
    ['Sergejus Lavrovas', 'Sergey Lavrov'],
    ['Aleksandrs Ivanovs', 'Aleksandr Ivanov'],
    ['Dmitrij Medvedev', 'Dmitriy Medvedev'],
    ['Dmitrii Medvedev', 'Dmitry Medvedev'],
    ['Anna Dostoevskaya', 'Anna Dostoevsky'],
  ])('matches %s with %s', (a, b) => {
    expect(score(a, b, person)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('cuts an ending only where a name is left, and a female one from a person only', () => {
    expect(slavicBase('lavrovas', true)).toBe('lavrov');
    expect(slavicBase('sergejus', true)).toBe('sergei');
    expect(slavicBase('sergey', true)).toBe('sergei');
    expect(slavicBase('thomas', true)).toBe('thomas');
    expect(slavicBase('ivanova', true)).toBe('ivanov');
    expect(slavicBase('ivanova', false)).toBe('ivanova');
    expect(slavicBase('kovalskaya', true)).toBe(slavicBase('kovalskiy', true));
    expect(slavicBase('kovalskaya', false)).toBe('kovalskaya');
  });

  it('keeps other surnames apart', () => {
    expect(score('Sergejs Lavrovs', 'Sergey Lavrentiev', person)).toBeLessThan(DEFAULT_THRESHOLD);
  });
});

function record(id: string, kind: RecordKind, name: string, aliases: string[] = []): RegisterRecord {
  return {
    id,
    source: 'test',
    list: 'test',
    kind,
    name,
    aliases,
    countries: [],
    addresses: [],
    programs: [],
    links: [],
    extra: {},
  };
}

describe('screen against screenAllPairs on the recall classes', () => {
  // The index must find what each new grade or reading matches (nicknames, endings, initials of
  // joined words; legal forms, numbers and digits are read before the index sees the words).
  const records = [
    record('11', 'person', 'Mao Zedong', ['Xi Jinping']),
    record('1', 'person', 'NETANYAHU, Benjamin'),
    record('2', 'person', 'Jean-Claude Juncker'),
    record('3', 'person', 'LAVROV, Sergey Viktorovich'),
    record('4', 'person', 'Bob Menendez'),
    record('5', 'person', 'JC Smithers'),
    record('6', 'person', 'Sergejs Ivanovs'),
    record('7', 'organization', 'JOINT STOCK COMPANY SEVERNIY PRESS'),
    record('8', 'organization', 'First Minsk Bread Factory'),
    record('9', 'person', 'Igor Sechin'),
    record('10', 'person', 'Tariq Ben Salem'),
  ];
  const watchlist = [
    'Bibi Netanyahu',
    'Ben Netanyahu',
    'JC Juncker',
    'Sergejs Lavrovs Viktorovich',
    'Robert Menendez',
    'John Charles Smithers',
    'Sergey Ivanov',
    'JOYNT STOCK COMPANY SEVERNIY PRESS',
    '1st Minsk Bread Factory',
    'Ig0r Sech1n',
    'Benjamin Salem',
    'Mao Tse-tung',
    'Hsi Chin-ping',
    'Shi Jinping',
    'Unrelated Person',
  ];

  it.each([0.6, 0.7, 0.8, 0.9])('finds the same hits with the same scores at threshold %s', (threshold) => {
    expectIndexAgreesWithBruteForce(watchlist, records, threshold, 8);
  });
});

describe('a given name matched by another form of it', () => {
  it('is not enough when another word is not the same either', () => {
    expect(score('Richard Buss', 'Dick Boss', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('David Zaragoza Alejandro', 'Alex Dave', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Richard Boss', 'Dick Boss', person)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });
});

describe('Chinese names in Wade-Giles and in pinyin', () => {
  it.each([
    ['Hsi Chin-ping', 'Xi Jinping'],
    ['Mao Tse-tung', 'Mao Zedong'],
    ['Teng Hsiao-ping', 'Deng Xiaoping'],
    ["Ch'en Yi-fan", 'Chen Yifan'],
    ['Chang Wei-ming', 'Zhang Weiming'],
    ['Shi Jinping', 'Xi Jinping'],
    ['Si Jinping', 'Xi Jinping'],
    ['Hsueh Li-ming', 'Xue Liming'],
  ])('matches %s with %s', (a, b) => {
    expect(score(a, b, person)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('never matches two pinyin spellings of different syllables, nor Han read as pinyin with Wade-Giles look-alikes', () => {
    // `jin` and `qin` are both `chin` in Wade-Giles without its apostrophe: two names in pinyin.
    expect(score('Jin Liming', 'Qin Liming', person)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('Ji Liming', 'Qi Liming', person)).toBeLessThan(DEFAULT_THRESHOLD);
    // 郑思 is Zheng Si: not `ZHANG, Shi` by the Xi/Shi/Si reading.
    expect(score('郑思', 'ZHANG, Shi', person)).toBeLessThan(DEFAULT_THRESHOLD);
  });

  it("reads Xi as a name, not a Roman numeral, in a person's name", () => {
    expect(normalizeName('Xi Jinping').tokens[0]!.kind).toBe('name');
    expect(normalizeName('Star XI', 'vessel').tokens[1]!.kind).toBe('number');
  });

  it('keeps the false alarms of Han and Hangul names compared with nothing else fixed', () => {
    expect(score('军 翟', 'JUNDI')).toBe(0);
    expect(score('민석 최', 'Choe Sok Min')).toBeLessThan(DEFAULT_THRESHOLD);
  });
});

describe('a word of consonants in an organization name', () => {
  it("is an acronym, not initials of a person's given names", () => {
    expect(score('Kihn - Bradtke-Kutch', 'KB-Lutch', company)).toBeLessThan(DEFAULT_THRESHOLD);
    expect(score('JC Juncker', 'Jean-Claude Juncker')).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });
});
