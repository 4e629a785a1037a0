/**
 * The state of China's lists, rebuilt as the ordered sequence of their announcements: each entity
 * a record with its list, the announcements that listed it and its status (in force, suspended
 * until a date or without one, lifted), after every later announcement that suspended, extended or
 * stopped those measures by number; each announcement a record of its own (the feed item).
 *
 * Ids (stable across polls and re-parses):
 * - entity: `<list>/<key>`, the list's short name (`uel`, `eccl`, `ecwl`, `mfa`) and the entity's
 *   English name lower-cased with every run of other characters than a-z and 0-9 made one `-`
 *   (`BRINC Drones,Inc.` and `BRINC Drones, Inc.` are both `brinc-drones-inc`); an entity named
 *   in Chinese alone is keyed `zh-` and its Chinese name without spaces and `·`. The same entity
 *   listed again on the same list is one record (its announcements accumulate); on another list
 *   it is another record.
 * - announcement: `announcement/<ref>` (`announcement/uel-2025-7`, `announcement/mofcom-qa-2025-05-14`).
 *
 * A suspension with an end is stored with its end (`suspendedUntil`), not turned back into "in
 * force" when the day passes: the records are a function of the announcements alone, so re-reading
 * the same texts never changes them; a subscriber reads the date.
 *
 * The records carry everything needed to rebuild the state without the texts (`fromStoredRecords`),
 * which is how a poll reads only the announcements it has not seen.
 */
import type { RegisterRecord } from '../../core/records.ts';
import type { AnnouncedEntity, Announcement, CnListId, MeasureChange } from './cn-announcement-text.ts';

export interface CnListInfo {
  readonly name: string;
  readonly short: string;
  readonly program: string;
  readonly topics: readonly string[];
}

export const CN_LISTS: Readonly<Record<CnListId, CnListInfo>> = {
  'unreliable-entity-list': {
    name: 'Unreliable Entity List',
    short: 'uel',
    program: 'CN-UEL',
    topics: ['export-controls', 'sanctions'],
  },
  'export-control-control-list': {
    name: 'Export Control Control List',
    short: 'eccl',
    program: 'CN-EXPORT-CONTROL-LIST',
    topics: ['export-controls'],
  },
  'export-control-watch-list': {
    name: 'Export Control Watch List',
    short: 'ecwl',
    program: 'CN-EXPORT-CONTROL-WATCH-LIST',
    topics: ['export-controls'],
  },
  'mfa-countermeasures': {
    name: 'Countermeasure List (Anti-Foreign Sanctions Law)',
    short: 'mfa',
    program: 'CN-AFSL',
    topics: ['sanctions'],
  },
};

export const ANNOUNCEMENTS_LIST = 'MOFCOM and MFA announcements';

export type EntityStatus = 'in-force' | 'suspended' | 'lifted';

export function entityKey(entity: Pick<AnnouncedEntity, 'nameEn' | 'nameZh'>): string {
  const en = entity.nameEn
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (en) return en;
  return `zh-${entity.nameZh.normalize('NFKC').replace(/[\s·•・]+/g, '')}`;
}

export function entityId(list: CnListId, entity: Pick<AnnouncedEntity, 'nameEn' | 'nameZh'>): string {
  return `${CN_LISTS[list].short}/${entityKey(entity)}`;
}

export function formatChange(change: MeasureChange): string {
  return `${change.type} ${change.target} from ${change.from}${change.until ? ` until ${change.until}` : ''}`;
}

const CHANGE = /^(suspend|extend|lift) (\S+) from (\d{4}-\d{2}-\d{2})(?: until (\d{4}-\d{2}-\d{2}))?$/;

export function parseChange(text: string): MeasureChange | undefined {
  const m = CHANGE.exec(text);
  if (!m) return undefined;
  return { type: m[1] as MeasureChange['type'], target: m[2]!, from: m[3]!, ...(m[4] ? { until: m[4] } : {}) };
}

interface ListingState {
  status: EntityStatus;
  since: string;
  until?: string;
}

interface EntityState {
  readonly id: string;
  readonly list: CnListId;
  readonly entity: AnnouncedEntity;
  readonly countries: Set<string>;
  readonly listings: Announcement[];
}

/** Every announcement's order: by publication date, then ref (same-day announcements are rare). */
function byDate(a: Pick<Announcement, 'published' | 'ref'>, b: Pick<Announcement, 'published' | 'ref'>): number {
  return a.published.localeCompare(b.published) || a.ref.localeCompare(b.ref);
}

function statusOf(
  id: string,
  listings: readonly Announcement[],
  changes: readonly { change: MeasureChange; by: Announcement }[],
): ListingState & { changes: string[] } {
  const states: ListingState[] = [];
  const applied: string[] = [];
  for (const listing of listings) {
    const state: ListingState = { status: 'in-force', since: listing.effective };
    for (const { change, by } of changes) {
      if (change.target !== listing.ref && change.target !== id) continue;
      if (change.target === id && by.published < listing.published) continue;
      applied.push(`${formatChange(change)} (${by.number})`);
      if (change.type === 'lift') Object.assign(state, { status: 'lifted', since: change.from, until: undefined });
      else {
        if (state.status !== 'suspended') state.since = change.from;
        state.status = 'suspended';
        state.until = change.until;
      }
    }
    states.push(state);
  }
  const pick = (status: EntityStatus): ListingState | undefined => {
    const matching = states.filter((s) => s.status === status);
    if (status === 'suspended')
      return matching.find((s) => !s.until) ?? matching.sort((a, b) => b.until!.localeCompare(a.until!))[0];
    return matching.sort((a, b) => b.since.localeCompare(a.since))[0];
  };
  const state = pick('in-force') ?? pick('suspended') ?? pick('lifted')!;
  return { ...state, changes: [...new Set(applied)] };
}

function remarkOf(state: ListingState): string {
  if (state.status === 'in-force') return `Measures in force since ${state.since}.`;
  if (state.status === 'lifted') return `Measures lifted from ${state.since}.`;
  return `Measures suspended from ${state.since}${state.until ? ` until ${state.until}` : ', without an end date'}.`;
}

export interface BuildOptions {
  readonly sourceId: string;
  readonly warn?: (message: string) => void;
}

/**
 * The records of every list and announcement, from the announcements in any order (they are
 * sorted by date here). An announcement read twice (same ref) counts once, the later copy winning.
 */
export function buildListRecords(announcements: Iterable<Announcement>, options: BuildOptions): RegisterRecord[] {
  const byRef = new Map<string, Announcement>();
  for (const announcement of announcements) byRef.set(announcement.ref, announcement);
  // Entities taken off by name become changes of their ids, which is how the record stores them.
  const ordered = [...byRef.values()].map(withRemovals).sort(byDate);
  const entities = new Map<string, EntityState>();
  const changes: { change: MeasureChange; by: Announcement }[] = [];
  for (const announcement of ordered) {
    for (const change of announcement.changes) {
      if (!change.target.includes('/') && !byRef.has(change.target))
        options.warn?.(
          `${announcement.number} changes the measures of ${change.target}, which no announcement read lists`,
        );
      changes.push({ change, by: announcement });
    }
    for (const entity of announcement.entities) {
      const id = entityId(announcement.list, entity);
      if (announcement.removesNamed) continue;
      const state = entities.get(id) ?? { id, list: announcement.list, entity, countries: new Set(), listings: [] };
      state.listings.push(announcement);
      for (const country of announcement.countries) state.countries.add(country);
      entities.set(id, state);
    }
  }
  changes.sort((a, b) => a.change.from.localeCompare(b.change.from) || byDate(a.by, b.by));
  const records: RegisterRecord[] = [];
  for (const announcement of ordered) records.push(announcementRecord(announcement, options.sourceId));
  for (const state of entities.values()) records.push(entityRecord(state, changes, options.sourceId));
  return records;
}

function withRemovals(announcement: Announcement): Announcement {
  if (!announcement.removesNamed || announcement.entities.length === 0) return announcement;
  const removals = announcement.entities.map((entity): MeasureChange => ({
    type: 'lift',
    target: entityId(announcement.list, entity),
    from: announcement.effective,
  }));
  return { ...announcement, entities: [], changes: [...announcement.changes, ...removals] };
}

function announcementRecord(announcement: Announcement, sourceId: string): RegisterRecord {
  const info = CN_LISTS[announcement.list];
  return {
    id: `announcement/${announcement.ref}`,
    source: sourceId,
    list: ANNOUNCEMENTS_LIST,
    kind: 'other',
    name: announcement.title,
    aliases: [],
    countries: [...announcement.countries],
    addresses: [],
    programs: [info.program],
    listedOn: announcement.published,
    links: announcement.url ? [announcement.url] : [],
    extra: {
      ref: announcement.ref,
      number: announcement.number,
      about: info.name,
      effective: announcement.effective,
      ...(announcement.removesNamed ? { removesNamed: 'yes' } : {}),
      ...(announcement.changes.length ? { changes: announcement.changes.map(formatChange) } : {}),
    },
  };
}

function entityRecord(
  state: EntityState,
  changes: readonly { change: MeasureChange; by: Announcement }[],
  sourceId: string,
): RegisterRecord {
  const info = CN_LISTS[state.list];
  const { entity } = state;
  const status = statusOf(state.id, state.listings, changes);
  return {
    id: state.id,
    source: sourceId,
    list: info.name,
    kind: entity.kind,
    name: entity.nameEn || entity.nameZh,
    aliases: [...(entity.nameEn ? [entity.nameZh] : []), ...entity.branches.filter((b) => b !== entity.nameEn)],
    countries: [...state.countries].sort(),
    addresses: [],
    programs: [info.program],
    listedOn: state.listings[0]!.published,
    remarks: remarkOf(status),
    links: [...new Set(state.listings.map((l) => l.url).filter(Boolean))],
    extra: {
      status: status.status,
      ...(status.status === 'suspended' ? { suspendedSince: status.since } : {}),
      ...(status.until ? { suspendedUntil: status.until } : {}),
      ...(status.status === 'lifted' ? { liftedOn: status.since } : {}),
      nameZh: entity.nameZh,
      ...(entity.nameEn ? { nameEn: entity.nameEn } : {}),
      ...(entity.branches.length ? { branches: [...entity.branches] } : {}),
      ...(entity.note ? { note: entity.note } : {}),
      ...(entity.gender ? { gender: entity.gender } : {}),
      announcements: state.listings.map((l) => l.ref),
      announcementNumbers: state.listings.map((l) => l.number),
      ...(status.changes.length ? { measureChanges: status.changes } : {}),
    },
  };
}

function text(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

function texts(value: string | string[] | undefined): string[] {
  return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
}

const LIST_BY_NAME = new Map(Object.entries(CN_LISTS).map(([id, info]) => [info.name, id as CnListId]));

/**
 * The announcements the stored records were built from, as far as the state needs them: each
 * announcement's metadata and changes, with the entities it listed (from the entity records). A
 * record of another shape (a hand-edited table) is reported through `fail`.
 */
export function fromStoredRecords(records: Iterable<RegisterRecord>, fail: (reason: string) => Error): Announcement[] {
  const announcements = new Map<string, Announcement & { entities: AnnouncedEntity[] }>();
  const entityRecords: RegisterRecord[] = [];
  for (const record of records) {
    if (record.list !== ANNOUNCEMENTS_LIST) {
      entityRecords.push(record);
      continue;
    }
    const ref = text(record.extra.ref);
    const list = LIST_BY_NAME.get(text(record.extra.about));
    if (!ref || !list || !record.listedOn) throw fail(`stored announcement ${record.id} lacks its ref, list or date`);
    const changes = texts(record.extra.changes).map((c) => {
      const change = parseChange(c);
      if (!change) throw fail(`stored announcement ${record.id} holds an unreadable change "${c}"`);
      return change;
    });
    announcements.set(ref, {
      ref,
      number: text(record.extra.number),
      list,
      title: record.name,
      published: record.listedOn,
      effective: text(record.extra.effective) || record.listedOn,
      url: record.links[0] ?? '',
      countries: [...record.countries],
      entities: [],
      changes,
      removesNamed: record.extra.removesNamed === 'yes',
    });
  }
  for (const record of entityRecords) {
    const refs = texts(record.extra.announcements);
    if (refs.length === 0) throw fail(`stored record ${record.id} names no announcement`);
    for (const ref of refs) {
      const announcement = announcements.get(ref);
      if (!announcement) throw fail(`stored record ${record.id} names announcement ${ref}, which is not stored`);
      const nameEn = text(record.extra.nameEn);
      announcement.entities.push({
        nameZh: text(record.extra.nameZh),
        nameEn,
        kind: record.kind === 'person' ? 'person' : 'organization',
        branches: texts(record.extra.branches),
        note: text(record.extra.note),
        gender: text(record.extra.gender),
      });
    }
  }
  // An announcement that took entities off by name holds those removals among its changes.
  return [...announcements.values()];
}
