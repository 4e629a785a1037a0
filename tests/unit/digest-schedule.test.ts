/**
 * Digest slots in real time zones: the local time every day or week, across daylight-saving
 * changes (a skipped local time is sent when the clocks jump, a repeated one the first time only),
 * in zones with half- and three-quarter-hour offsets and a 30-minute DST.
 */
import { describe, expect, it } from 'vitest';
import {
  formatLocal,
  latestSlot,
  nextSlot,
  type DigestSchedule,
  type Weekday,
} from '../../functions/core/digest-schedule.ts';
import { seededRandom as mulberry32 } from '../helpers/seeded-random.ts';

const HOUR = 3_600_000;
const daily = (at: string, timeZone: string): DigestSchedule => ({ every: 'daily', at, timeZone });
const weekly = (at: string, timeZone: string, weekday: Weekday): DigestSchedule => ({
  every: 'weekly',
  at,
  timeZone,
  weekday,
});

/** The `count` slots after `from`, as ISO strings. */
function slotsAfter(schedule: DigestSchedule, from: string, count: number): string[] {
  const slots: string[] = [];
  let instant = new Date(from);
  for (let i = 0; i < count; i++) {
    instant = nextSlot(schedule, instant);
    slots.push(instant.toISOString());
  }
  return slots;
}

const hoursBetween = (slots: readonly string[]): number[] =>
  slots.slice(1).map((slot, i) => (Date.parse(slot) - Date.parse(slots[i]!)) / HOUR);

describe('nextSlot and latestSlot', () => {
  it('sends 08:00 London at 08:00 GMT, then 08:00 BST: 23 hours apart on 2026-03-29', () => {
    const slots = slotsAfter(daily('08:00', 'Europe/London'), '2026-03-27T12:00:00Z', 3);
    expect(slots).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    expect(hoursBetween(slots)).toEqual([23, 24]);
  });

  it('sends 08:00 London 25 hours apart when the clocks go back on 2026-10-25', () => {
    const slots = slotsAfter(daily('08:00', 'Europe/London'), '2026-10-23T12:00:00Z', 3);
    expect(slots).toEqual(['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z']);
    expect(hoursBetween(slots)).toEqual([25, 24]);
  });

  it('sends a local time the spring-forward gap skips (01:30 London) when the clocks jump, at 02:00 BST', () => {
    const schedule = daily('01:30', 'Europe/London');
    const slots = slotsAfter(schedule, '2026-03-27T12:00:00Z', 3);
    expect(slots).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(formatLocal(new Date(slots[1]!), 'Europe/London')).toBe('Sun 29 Mar 2026 02:00 BST');
    // Before the jump the day's slot has not come yet; at the jump it has.
    expect(latestSlot(schedule, new Date('2026-03-29T00:59:59Z')).toISOString()).toBe('2026-03-28T01:30:00.000Z');
    expect(latestSlot(schedule, new Date('2026-03-29T01:00:00Z')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('sends a local time the clocks repeat (01:30 London on 2026-10-25) at its first occurrence, once', () => {
    const schedule = daily('01:30', 'Europe/London');
    const slots = slotsAfter(schedule, '2026-10-23T12:00:00Z', 3);
    expect(slots).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    expect(hoursBetween(slots)).toEqual([24, 25]);
    // The second 01:30 (GMT) is not a new slot: the day's digest went out an hour earlier.
    const secondOccurrence = new Date('2026-10-25T01:30:00Z');
    expect(formatLocal(secondOccurrence, 'Europe/London')).toBe('Sun 25 Oct 2026 01:30 GMT');
    expect(latestSlot(schedule, secondOccurrence).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(nextSlot(schedule, secondOccurrence).toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });

  it('follows New York across both of its 2026 changes, and sends 02:30 on 8 March at 03:00 EDT', () => {
    expect(hoursBetween(slotsAfter(daily('08:00', 'America/New_York'), '2026-03-06T20:00:00Z', 3))).toEqual([23, 24]);
    expect(slotsAfter(daily('08:00', 'America/New_York'), '2026-10-30T20:00:00Z', 3)).toEqual([
      '2026-10-31T12:00:00.000Z',
      '2026-11-01T13:00:00.000Z',
      '2026-11-02T13:00:00.000Z',
    ]);
    const gap = slotsAfter(daily('02:30', 'America/New_York'), '2026-03-07T12:00:00Z', 2);
    expect(gap).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(formatLocal(new Date(gap[0]!), 'America/New_York')).toBe('Sun 8 Mar 2026 03:00 EDT');
  });

  it('keeps Kolkata (+05:30, no daylight saving) exactly 24 hours apart all year', () => {
    const schedule = daily('08:00', 'Asia/Kolkata');
    const slots = slotsAfter(schedule, '2026-03-01T00:00:00Z', 250);
    expect(slots[0]).toBe('2026-03-01T02:30:00.000Z');
    expect(new Set(hoursBetween(slots))).toEqual(new Set([24]));
    expect(formatLocal(new Date(slots[0]!), 'Asia/Kolkata')).toBe('Sun 1 Mar 2026 08:00 GMT+5:30');
  });

  it('handles Chatham (+12:45 / +13:45): the gap at 02:45 and the repeated hour at 02:45-03:45', () => {
    const spring = slotsAfter(daily('03:00', 'Pacific/Chatham'), '2026-09-25T00:00:00Z', 3);
    // 2026-09-27 02:45 becomes 03:45: 03:00 does not exist and is sent at 03:45 (+13:45).
    expect(spring).toEqual(['2026-09-25T14:15:00.000Z', '2026-09-26T14:00:00.000Z', '2026-09-27T13:15:00.000Z']);
    expect(formatLocal(new Date(spring[1]!), 'Pacific/Chatham')).toBe('Sun 27 Sep 2026 03:45 GMT+13:45');
    // 2026-04-05 03:45 becomes 02:45: 03:00 happens twice and is sent the first time (+13:45).
    const autumn = slotsAfter(daily('03:00', 'Pacific/Chatham'), '2026-04-03T00:00:00Z', 3);
    expect(autumn).toEqual(['2026-04-03T13:15:00.000Z', '2026-04-04T13:15:00.000Z', '2026-04-05T14:15:00.000Z']);
    expect(hoursBetween(slotsAfter(daily('08:00', 'Pacific/Chatham'), '2026-09-25T00:00:00Z', 3))).toEqual([23, 24]);
  });

  it('handles Lord Howe, whose clocks move by 30 minutes: 23.5 and 24.5 hours apart', () => {
    expect(hoursBetween(slotsAfter(daily('08:00', 'Australia/Lord_Howe'), '2026-10-02T00:00:00Z', 3))).toEqual([
      23.5, 24,
    ]);
    expect(hoursBetween(slotsAfter(daily('08:00', 'Australia/Lord_Howe'), '2026-04-03T00:00:00Z', 3))).toEqual([
      24.5, 24,
    ]);
    // 2026-10-04 02:00 becomes 02:30: 02:15 is sent at 02:30.
    const gap = slotsAfter(daily('02:15', 'Australia/Lord_Howe'), '2026-10-03T00:00:00Z', 2);
    expect(gap).toEqual(['2026-10-03T15:30:00.000Z', '2026-10-04T15:15:00.000Z']);
    expect(formatLocal(new Date(gap[0]!), 'Australia/Lord_Howe')).toBe('Sun 4 Oct 2026 02:30 GMT+11');
    // 2026-04-05 02:00 becomes 01:30: 01:45 happens twice and is sent the first time (+11).
    expect(slotsAfter(daily('01:45', 'Australia/Lord_Howe'), '2026-04-04T00:00:00Z', 2)).toEqual([
      '2026-04-04T14:45:00.000Z',
      '2026-04-05T15:15:00.000Z',
    ]);
  });

  it('sends a weekly digest on its weekday only, 167 hours apart across a spring change', () => {
    const schedule = weekly('08:00', 'Europe/London', 'thursday');
    // Wednesday 2026-12-02: the last Thursday is 26 November, the next 3 December.
    const wednesday = new Date('2026-12-02T15:00:00Z');
    expect(latestSlot(schedule, wednesday).toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(nextSlot(schedule, wednesday).toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect(formatLocal(nextSlot(schedule, wednesday), 'Europe/London')).toBe('Thu 3 Dec 2026 08:00 GMT');
    // On the Thursday itself, at 08:00 exactly, that day's slot is the latest.
    expect(latestSlot(schedule, new Date('2026-12-03T08:00:00Z')).toISOString()).toBe('2026-12-03T08:00:00.000Z');
    const sundays = slotsAfter(weekly('08:00', 'Europe/London', 'sunday'), '2026-03-20T00:00:00Z', 3);
    expect(sundays).toEqual(['2026-03-22T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-04-05T07:00:00.000Z']);
    expect(hoursBetween(sundays)).toEqual([167, 168]);
  });

  it('makes a slot its own latest slot, and the slot after it the next', () => {
    for (const schedule of [
      daily('08:00', 'Europe/London'),
      daily('01:30', 'Europe/London'),
      weekly('00:00', 'America/New_York', 'sunday'),
    ]) {
      let instant = new Date('2026-01-01T00:00:00Z');
      for (let i = 0; i < 60; i++) {
        const next = nextSlot(schedule, instant);
        expect(latestSlot(schedule, next)).toEqual(next);
        expect(latestSlot(schedule, new Date(next.getTime() - 1)).getTime()).toBeLessThan(next.getTime());
        expect(nextSlot(schedule, latestSlot(schedule, next))).toEqual(nextSlot(schedule, next));
        instant = new Date(next.getTime() + 5 * 86_400_000 * ((i % 3) / 2));
      }
    }
  });

  it('refuses a time that is not HH:MM, naming it', () => {
    expect(() => latestSlot(daily('8:00', 'UTC'), new Date())).toThrow(/"at" must be HH:MM.*"8:00"/);
    expect(() => nextSlot(daily('24:00', 'UTC'), new Date())).toThrow(RangeError);
  });

  it('holds latestSlot <= now < nextSlot(latestSlot) for random instants, zones and times (seeded)', () => {
    const zones = [
      'UTC',
      'Europe/London',
      'America/New_York',
      'America/Sao_Paulo',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'Australia/Lord_Howe',
      'Pacific/Apia',
      'America/St_Johns',
      'Africa/Casablanca',
    ];
    const weekdays: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
    const random = mulberry32(20261203);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const from = Date.parse('2018-01-01T00:00:00Z');
    const to = Date.parse('2032-01-01T00:00:00Z');
    for (let i = 0; i < 600; i++) {
      const at = `${String(Math.floor(random() * 24)).padStart(2, '0')}:${pick(['00', '15', '30', '45', '59'])}`;
      const schedule = random() < 0.7 ? daily(at, pick(zones)) : weekly(at, pick(zones), pick(weekdays));
      const now = new Date(from + Math.floor(random() * (to - from)));
      const latest = latestSlot(schedule, now);
      const next = nextSlot(schedule, latest);
      const context = `${JSON.stringify(schedule)} at ${now.toISOString()}`;
      expect(latest.getTime(), context).toBeLessThanOrEqual(now.getTime());
      expect(now.getTime(), context).toBeLessThan(next.getTime());
      expect(nextSlot(schedule, now), context).toEqual(next);
      expect(latestSlot(schedule, next), context).toEqual(next);
      const hours = (next.getTime() - latest.getTime()) / HOUR;
      const [min, max] = schedule.every === 'daily' ? [22, 26] : [166, 170];
      expect(hours, context).toBeGreaterThanOrEqual(min);
      expect(hours, context).toBeLessThanOrEqual(max);
      if (schedule.every === 'weekly') expect(formatLocal(next, schedule.timeZone), context).toMatch(/^\w{3} /);
    }
  });
});

describe('formatLocal', () => {
  it('writes the weekday, date, time and zone a subscriber reads', () => {
    const instant = new Date('2026-12-03T08:00:00Z');
    expect(formatLocal(instant, 'Europe/London')).toBe('Thu 3 Dec 2026 08:00 GMT');
    expect(formatLocal(instant, 'UTC')).toBe('Thu 3 Dec 2026 08:00 UTC');
    expect(formatLocal(instant, 'America/New_York')).toBe('Thu 3 Dec 2026 03:00 EST');
    expect(formatLocal(instant, 'Europe/Berlin')).toBe('Thu 3 Dec 2026 09:00 CET');
    expect(formatLocal(instant, 'Pacific/Chatham')).toBe('Thu 3 Dec 2026 21:45 GMT+13:45');
    expect(formatLocal(new Date('2026-07-01T23:30:00Z'), 'Europe/London')).toBe('Thu 2 Jul 2026 00:30 BST');
  });
});
