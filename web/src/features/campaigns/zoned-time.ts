/**
 * Campaigns are scheduled in the tenant's time zone, while date pickers speak the browser's. A
 * picker value is read as a wall-clock time (its local fields) and placed in the tenant's zone.
 */

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, formatter);
  }
  return formatter;
}

function wallClockIn(instant: number, zone: string): WallClock {
  const fields = Object.fromEntries(formatterFor(zone).formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]));
  return { year: fields.year ?? 1970, month: fields.month ?? 1, day: fields.day ?? 1, hour: fields.hour ?? 0, minute: fields.minute ?? 0 };
}

function asUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetAt(instant: number, zone: string): number {
  return asUtc(wallClockIn(instant, zone)) - Math.floor(instant / 60_000) * 60_000;
}

/** The instant at which the zone's clocks show `wall`; across a DST gap, the hour after it. */
function instantOf(wall: WallClock, zone: string): number {
  const guess = asUtc(wall);
  const first = guess - offsetAt(guess, zone);
  return guess - offsetAt(first, zone);
}

/** A picker's value (browser-local wall clock) → the ISO instant of that wall clock in `zone`. */
export function pickerToIso(pickerValue: number, zone: string): string {
  const local = new Date(pickerValue);
  const wall = { year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate(), hour: local.getHours(), minute: local.getMinutes() };
  return new Date(instantOf(wall, zone)).toISOString();
}

/** The reverse: what a picker must hold to show `iso` as the zone's wall clock. */
export function isoToPicker(iso: string, zone: string): number {
  const wall = wallClockIn(Date.parse(iso), zone);
  return new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute).getTime();
}

/** "Tue, 1 Dec 2026, 14:00" as the tenant's clocks show it. */
export function formatInZone(iso: string, zone: string): string {
  return new Date(iso).toLocaleString([], { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "UTC−03:00" for the zone right now, next to its name. */
export function zoneOffsetLabel(zone: string, at = Date.now()): string {
  const minutes = Math.round(offsetAt(at, zone) / 60_000);
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
