import { describe, expect, it } from 'vitest';
import { diffFields, diffSnapshots } from '../../functions/core/diff.ts';
import { changeEventId } from '../../functions/core/events.ts';
import { canonicalRecord, contentHash, type RegisterRecord } from '../../functions/core/records.ts';

function record(id: string, overrides: Partial<RegisterRecord> = {}): RegisterRecord {
  return {
    id,
    source: 'test',
    list: 'SDN',
    kind: 'organization',
    name: `ENTITY ${id}`,
    aliases: [],
    countries: [],
    addresses: [],
    programs: ['SDGT'],
    links: [],
    extra: {},
    ...overrides,
  };
}

const manifestOf = (records: RegisterRecord[]) => new Map(records.map((r) => [r.id, contentHash(r)]));
const loaderOf = (records: RegisterRecord[]) => async (ids: readonly string[]) =>
  new Map(records.filter((r) => ids.includes(r.id)).map((r) => [r.id, r]));

describe('contentHash', () => {
  it('ignores field order, whitespace and list order', () => {
    const a = record('1', {
      name: 'ACME  TRADING\u00a0LLC ',
      aliases: ['B', 'A', 'A'],
      extra: { z: '1', a: ['y', 'x'] },
    });
    const b: RegisterRecord = {
      extra: { a: ['x', ' y'], z: '1' },
      links: [],
      programs: ['SDGT'],
      addresses: [],
      countries: [],
      aliases: ['A', 'B'],
      name: 'ACME TRADING LLC',
      kind: 'organization',
      list: 'SDN',
      source: 'test',
      id: '1',
    };
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it('changes when any field value changes', () => {
    const base = record('1', { addresses: ['1 Main St, Tehran, Iran'] });
    expect(contentHash(base)).not.toBe(contentHash({ ...base, addresses: ['2 Main St, Tehran, Iran'] }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, extra: { vesselFlag: 'Panama' } }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, kind: 'vessel' }));
  });

  it('treats empty optional fields as absent', () => {
    expect(contentHash(record('1', { remarks: '  ', extra: { title: '' } }))).toBe(contentHash(record('1')));
  });
});

describe('diffSnapshots', () => {
  it('reports added, removed and modified records with the changed fields', async () => {
    const old = [record('1'), record('2'), record('3', { aliases: ['OLD NAME'] })];
    const next = [record('1'), record('3', { aliases: ['NEW NAME'], addresses: ['Moscow, Russia'] }), record('4')];
    const diff = await diffSnapshots(manifestOf(old), next, loaderOf(old));
    expect(diff.changes.map((c) => [c.type, c.id])).toEqual([
      ['added', '4'],
      ['modified', '3'],
      ['removed', '2'],
    ]);
    const modified = diff.changes.find((c) => c.type === 'modified')!;
    expect(modified.fields).toEqual([
      { field: 'aliases', old: ['OLD NAME'], new: ['NEW NAME'], added: ['NEW NAME'], removed: ['OLD NAME'] },
      { field: 'addresses', old: [], new: ['Moscow, Russia'], added: ['Moscow, Russia'], removed: [] },
    ]);
    expect(diff.changes.find((c) => c.type === 'removed')).toMatchObject({ name: 'ENTITY 2', list: 'SDN' });
    expect(diff).toMatchObject({ total: 3, unchanged: 1 });
  });

  it('reports nothing when only order and whitespace differ', async () => {
    const old = [record('1', { aliases: ['A', 'B'] }), record('2')];
    const next = [record('2', { name: ' ENTITY  2' }), record('1', { aliases: ['B', 'A'] })];
    const diff = await diffSnapshots(manifestOf(old), next, loaderOf(old));
    expect(diff.changes).toEqual([]);
    expect(diff.unchanged).toBe(2);
  });

  it('reports a duplicate id instead of merging it silently', async () => {
    const next = [record('1'), record('2'), record('1', { name: 'OTHER' }), record('2')];
    const diff = await diffSnapshots(new Map(), next, loaderOf([]));
    expect(diff.duplicates).toEqual([
      { id: '1', occurrences: 2, conflicting: true },
      { id: '2', occurrences: 2, conflicting: false },
    ]);
    expect(diff.total).toBe(2);
    expect(diff.manifest.get('1')).toBe(contentHash(record('1')));
  });

  it('fetches previous records only for modified and removed ids', async () => {
    const old = Array.from({ length: 50 }, (_, i) => record(String(i)));
    const next = [...old.slice(0, 48), record('10', { name: 'RENAMED' })].filter(
      (r, i) => !(r.id === '10' && i === 10),
    );
    const asked: string[][] = [];
    await diffSnapshots(manifestOf(old), next, async (ids) => {
      asked.push([...ids]);
      return loaderOf(old)(ids);
    });
    expect(asked).toEqual([['10', '48', '49']]);
  });
});

describe('diffFields', () => {
  it('gives old and new values for a scalar field', () => {
    expect(diffFields(record('1', { remarks: 'a' }), record('1', { remarks: 'b' }))).toEqual([
      { field: 'remarks', old: 'a', new: 'b' },
    ]);
  });
  it('compares source-specific fields one by one', () => {
    expect(
      diffFields(
        record('1', { extra: { vesselFlag: 'Panama' } }),
        record('1', { extra: { vesselFlag: 'Togo', callSign: 'X' } }),
      ),
    ).toEqual([
      { field: 'extra.callSign', old: null, new: 'X' },
      { field: 'extra.vesselFlag', old: 'Panama', new: 'Togo' },
    ]);
  });
});

describe('changeEventId', () => {
  it('is the same for the same transition and differs for a later identical transition', () => {
    const a = changeEventId('s', '1', 'h1', 'h2', 'v1@t1');
    expect(changeEventId('s', '1', 'h1', 'h2', 'v1@t1')).toBe(a);
    expect(changeEventId('s', '1', 'h1', 'h2', 'v1@t9')).not.toBe(a);
    expect(changeEventId('s', '1', undefined, 'h2', 'v1@t1')).not.toBe(
      changeEventId('s', '1', 'h2', undefined, 'v1@t1'),
    );
  });
});

describe('canonicalRecord', () => {
  it('upper-cases country codes and drops empty list items', () => {
    expect(canonicalRecord(record('1', { countries: ['cn', 'CN', ''], aliases: [' ', 'X'] }))).toMatchObject({
      countries: ['CN'],
      aliases: ['X'],
    });
  });
});
