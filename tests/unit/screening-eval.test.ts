import { describe, expect, it } from 'vitest';
import {
  LOCALES,
  casePunctuation,
  dropMiddleName,
  legalFormVariant,
  perturb,
  random,
  reshuffle,
  saidWords,
  syntheticParties,
  transliteration,
  typo,
} from '../../bench/screening-eval-sets.ts';

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

const fold = (name: string) => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

describe('syntheticParties', () => {
  it('draws the same people, birth dates and organizations on every run', () => {
    const first = [...syntheticParties('person', 60).parties, ...syntheticParties('organization', 30).parties];
    const second = [...syntheticParties('person', 60).parties, ...syntheticParties('organization', 30).parties];

    expect(second).toEqual(first);
    expect(new Set(first.map((p) => p.name)).size).toBeGreaterThan(80);
  });

  it('deals the parties to every locale, with its country and, for people, an adult birth date', () => {
    const { parties } = syntheticParties('person', LOCALES.length * 5);

    for (const locale of LOCALES) {
      const own = parties.filter((p) => p.locale === locale.code);
      expect(own).toHaveLength(5);
      expect(own.every((p) => p.country === locale.country)).toBe(true);
    }
    for (const { birthDate } of parties) {
      expect(birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const year = Number(birthDate!.slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1939);
      expect(year).toBeLessThanOrEqual(2007);
    }
  });

  it("writes people's names without the locale's titles and suffixes", () => {
    const { parties } = syntheticParties('person', 1200);

    const titled = parties.filter((p) =>
      /^(Dr|Mr|Mrs|Ms|Miss|Frau|Herr|Mme|Mlle|Prof|Sra?)\b|\b(PhD|MD|Jr)\.?$/.test(p.name),
    );
    expect(titled).toEqual([]);
  });

  it('replaces a name that is on a list by another draw and reports it', () => {
    const unscreened = syntheticParties('person', 20).parties;
    const listed = new Set([unscreened[3]!.name, unscreened[7]!.name]);

    const { parties, excluded } = syntheticParties('person', 20, (name) => listed.has(name));

    expect(parties).toHaveLength(20);
    expect(parties.some((p) => listed.has(p.name))).toBe(false);
    expect(excluded.map((p) => p.name)).toEqual([...listed]);
  });
});

describe('typo', () => {
  it('changes one word of 4+ letters by one insertion, deletion, substitution or swap', () => {
    const name = 'GAZPROM NEFT OF RUSSIA';
    for (let seed = 1; seed <= 200; seed++) {
      const result = typo(name, random(seed))!;
      if (result === undefined) continue;
      const changed = result.split(' ').filter((word, i) => word !== name.split(' ')[i]);
      expect(changed).toHaveLength(1);
      expect(editDistance(result, name)).toBe(1);
      expect(result).toBe(result.toUpperCase());
    }
  });

  it('gives the same typo for the same seed, and none to a name without a word of 4 letters', () => {
    expect(typo('Vladimir Putin', random(7))).toBe(typo('Vladimir Putin', random(7)));
    expect(typo('LI WEI', random(7))).toBeUndefined();
  });
});

describe('reshuffle', () => {
  it("says a person's words in another order", () => {
    const result = reshuffle('PUTIN, Vladimir Vladimirovich', random(3))!;

    expect(result.split(' ').sort()).toEqual(['PUTIN', 'Vladimir', 'Vladimirovich'].sort());
    expect(result).not.toBe('Vladimir Vladimirovich PUTIN');
    expect(reshuffle('MADONNA', random(3))).toBeUndefined();
  });
});

describe('dropMiddleName', () => {
  it('keeps the first and the last word said and drops one inside', () => {
    expect(saidWords('PUTIN, Vladimir Vladimirovich')).toEqual(['Vladimir', 'Vladimirovich', 'PUTIN']);
    expect(dropMiddleName('PUTIN, Vladimir Vladimirovich', random(1))).toBe('Vladimir PUTIN');
    const four = dropMiddleName('Abu Bakr al Baghdadi', random(5))!.split(' ');
    expect(four).toHaveLength(3);
    expect([four[0], four[2]]).toEqual(['Abu', 'Baghdadi']);
    expect(dropMiddleName('Kim Jong', random(1))).toBeUndefined();
  });
});

describe('legalFormVariant', () => {
  it('writes the legal form another way or drops it, leaving the rest of the name', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++)
      seen.add(legalFormVariant('ROSOBORONEXPORT JOINT STOCK COMPANY', random(seed))!);

    expect([...seen].sort()).toEqual(
      ['ROSOBORONEXPORT', 'ROSOBORONEXPORT AO', 'ROSOBORONEXPORT JSC', 'ROSOBORONEXPORT Joint-Stock Company'].sort(),
    );
  });

  it('takes the longest writing it finds, and leaves a name without a legal form alone', () => {
    const result = legalFormVariant('HUAWEI TECHNOLOGIES CO., LTD.', random(2))!;

    expect([
      'HUAWEI TECHNOLOGIES Co Ltd',
      'HUAWEI TECHNOLOGIES Company Limited',
      'HUAWEI TECHNOLOGIES Co. Limited',
      'HUAWEI TECHNOLOGIES',
    ]).toContain(result);
    expect(legalFormVariant('HAMAS', random(2))).toBeUndefined();
  });
});

describe('transliteration', () => {
  it('reads a name in another script in ASCII, and has nothing to do for a Latin one', () => {
    expect(transliteration('Сергей Лавров')).toBe('Sergey Lavrov');
    expect(transliteration('Sergei Lavrov')).toBeUndefined();
  });
});

describe('casePunctuation', () => {
  it('changes only case, punctuation and spacing', () => {
    const name = "AL-QA'IDA, Abu Muhammad (a.k.a. test)";
    for (let seed = 1; seed <= 50; seed++) {
      const result = casePunctuation(name, random(seed))!;
      expect(result).not.toBe(name);
      expect(fold(result)).toBe(fold(name));
    }
  });
});

describe('perturb', () => {
  it('reshuffles and drops middle names of people only, and varies legal forms of organizations only', () => {
    const person = { name: 'SMITH, John Paul', aliases: [], kind: 'person' as const };
    const company = { name: 'SMITH JOHN PAUL LIMITED', aliases: [], kind: 'organization' as const };

    expect(perturb(person, 'reshuffle', random(1))).toBeDefined();
    expect(perturb(company, 'reshuffle', random(1))).toBeUndefined();
    expect(perturb(company, 'dropped middle name', random(1))).toBeUndefined();
    expect(perturb(person, 'legal form', random(1))).toBeUndefined();
    expect(perturb(company, 'legal form', random(1))?.name).toMatch(/^SMITH JOHN PAUL( LTD\.| Ltd)?$/);
  });

  it('transliterates an alias in another script and says which, so the screening can leave it out', () => {
    const record = { name: 'LAVROV, Sergei', aliases: ['Сергей Лавров', 'Serguei Lavrov'], kind: 'person' as const };

    expect(perturb(record, 'transliteration', random(1))).toEqual({
      name: 'Sergey Lavrov',
      fromAlias: 'Сергей Лавров',
      variant: 'any-ascii',
    });
  });

  it('gives an Arabic-script alias as written, any-ascii dropping its vowels', () => {
    const record = { name: 'ABDUL RAHMAN, Muhammad', aliases: ['محمد عبد الرحمن'], kind: 'person' as const };

    expect(perturb(record, 'transliteration', random(1))).toEqual({
      name: 'محمد عبد الرحمن',
      fromAlias: 'محمد عبد الرحمن',
      variant: 'Arabic script as written',
    });
    expect(transliteration('محمد')).toBe('mhmd');
    expect(perturb({ ...record, kind: 'organization' }, 'transliteration', random(1))).toBeUndefined();
  });
});
