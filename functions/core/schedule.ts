/** Minutes between runs of an EventBridge `rate(...)` expression; undefined for `cron(...)`. */
export function scheduleMinutes(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2]!;
  return unit.startsWith('minute') ? value : unit.startsWith('hour') ? value * 60 : value * 1440;
}
