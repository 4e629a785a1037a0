/** Placeholder until the digest-schedule work lands: fixed UTC offsets only. */
export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
/** A digest's schedule: every day (or one weekday) at a local time in an IANA time zone. */
export interface DigestSchedule {
  every: 'daily' | 'weekly';
  /** HH:MM, 24-hour, local. */
  at: string;
  timeZone: string;
  /** Weekly digests only. */
  weekday?: Weekday;
}

const DAY = 86_400_000;
export function latestSlot(schedule: DigestSchedule, now: Date): Date {
  const [h, m] = schedule.at.split(':').map(Number) as [number, number];
  let slot = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m);
  if (slot > now.getTime()) slot -= DAY;
  return new Date(slot);
}
export function nextSlot(schedule: DigestSchedule, after: Date): Date {
  return new Date(latestSlot(schedule, after).getTime() + DAY);
}
