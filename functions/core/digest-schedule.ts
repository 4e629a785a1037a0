/**
 * When a digest is due: every day (or one weekday) at a local time in an IANA time zone, computed
 * with the runtime's Intl time-zone data alone (no library: the poller bundle stays small, and
 * Lambda's Node carries the full tz database).
 *
 * A slot is a local date and time turned into an instant. Daylight saving makes that mapping
 * partial and ambiguous, and a digest must still go out once a day:
 * - a local time that does not exist (spring forward: 01:30 in London on 2026-03-29) is sent at the
 *   first valid instant after the gap (02:00 BST, the moment the clocks jump);
 * - a local time that occurs twice (fall back: 01:30 in London on 2026-10-25) is sent at its first
 *   occurrence, and only then: a slot is one instant, so the second 01:30 is not a new slot.
 * So two slots are 23 or 25 hours apart across a change, never 0 or 48.
 */

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** True when the runtime's Intl knows the IANA time zone (Lambda's Node carries the full tz data). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A digest's schedule: every day (or one weekday) at a local time in an IANA time zone. */
export interface DigestSchedule {
  every: 'daily' | 'weekly';
  /** HH:MM, 24-hour, local. */
  at: string;
  timeZone: string;
  /** Weekly digests only. @default 'monday' */
  weekday?: Weekday;
}

/** Indexed like Date.getUTCDay(). */
const WEEKDAY_NUMBER: Record<Weekday, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A wall-clock date and time, as minutes-precision fields. */
interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local wall clock at `instant`, read as if it were UTC (milliseconds since the epoch). */
function wallClock(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant))
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  // Offsets are whole seconds: the milliseconds are the instant's own.
  return (
    Date.UTC(fields.year!, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!) +
    (((instant % 1000) + 1000) % 1000)
  );
}

/** The zone's offset from UTC at `instant`, in milliseconds (east positive). */
function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - instant;
}

function civilDateOf(instant: number, timeZone: string): CivilDate {
  const wall = new Date(wallClock(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

function parseAt(at: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!match) throw new RangeError(`digest schedule: "at" must be HH:MM (24-hour), given ${JSON.stringify(at)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The instant of a wall-clock time (as UTC milliseconds) in the zone: its first occurrence, or
 * the end of the gap it falls in.
 */
function instantOfWall(wall: number, timeZone: string): number {
  // A day either side brackets any transition near the time (zones change at most twice a year).
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wallClock(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  if (candidates.length) return candidates[0]!;
  // In the gap: read with the old offset the time lies past the transition, with the new one
  // before it. The transition is the first instant after the gap; tz data puts it on a whole second.
  let low = Math.floor((wall - after) / 1000); // offset(low) is still the old one
  let high = Math.ceil((wall - before) / 1000); // offset(high) is the new one
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000, timeZone) === before) low = middle;
    else high = middle;
  }
  return high * 1000;
}

/** The slot on a local date (whatever its weekday), as an instant in milliseconds. */
function slotOn(date: CivilDate, schedule: DigestSchedule): number {
  const { hour, minute } = parseAt(schedule.at);
  return instantOfWall(Date.UTC(date.year, date.month - 1, date.day, hour, minute), schedule.timeZone);
}

/**
 * The slots on the local dates from `first` to `last` days after the local date of `instant`.
 * One day either way more than the obvious: a zone that falls back across midnight repeats a date.
 */
function slotsAround(schedule: DigestSchedule, instant: number, first: number, last: number): number[] {
  const today = civilDateOf(instant, schedule.timeZone);
  const weekday = schedule.every === 'weekly' ? WEEKDAY_NUMBER[schedule.weekday ?? 'monday'] : undefined;
  const slots: number[] = [];
  for (let shift = first; shift <= last; shift++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + shift));
    if (weekday !== undefined && date.getUTCDay() !== weekday) continue;
    slots.push(
      slotOn({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, schedule),
    );
  }
  return slots;
}

function span(schedule: DigestSchedule): number {
  return schedule.every === 'weekly' ? 8 : 2;
}

/** The latest instant at or before `now` at which a digest is due. */
export function latestSlot(schedule: DigestSchedule, now: Date): Date {
  const time = now.getTime();
  const due = slotsAround(schedule, time, -span(schedule), 1).filter((slot) => slot <= time);
  return new Date(Math.max(...due));
}

/** The first instant strictly after `after` at which a digest is due. */
export function nextSlot(schedule: DigestSchedule, after: Date): Date {
  const time = after.getTime();
  const coming = slotsAround(schedule, time, -1, span(schedule)).filter((slot) => slot > time);
  return new Date(Math.min(...coming));
}

const displayFormatters = new Map<string, { date: Intl.DateTimeFormat; british: Intl.DateTimeFormat }>();

/**
 * `Thu 3 Dec 2026 08:00 GMT`: an instant as the subscriber reads it. The zone is named by its
 * abbreviation where the ICU data has one (GMT, BST, CET, EST), otherwise by its offset
 * (`GMT+5:30`, `GMT+13:45`), so the time is never ambiguous.
 */
export function formatLocal(instant: Date, timeZone: string): string {
  let formatters = displayFormatters.get(timeZone);
  if (!formatters) {
    formatters = {
      // en-US for the words: its short months are three letters (en-GB now writes "Sept").
      date: new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }),
      british: new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }),
    };
    displayFormatters.set(timeZone, formatters);
  }
  const parts: Record<string, string> = {};
  for (const part of formatters.date.formatToParts(instant)) parts[part.type] = part.value;
  let zone = parts.timeZoneName!;
  if (/^GMT[+-]/.test(zone)) {
    // en-US names American zones, en-GB British and European ones (BST, CET): either, if a name.
    const british = formatters.british.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value;
    if (british && /^[A-Z]{2,5}$/.test(british)) zone = british;
  }
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute} ${zone}`;
}
