import type { BotSettings } from '@parley/common';

export type OpeningHours = Pick<BotSettings, 'timezone' | 'hours'>;

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const MINUTES_PER_DAY = 24 * 60;

// Building a DateTimeFormat costs far more than using one, and the bot asks on every message.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The ISO weekday (1 = Monday) and the minute of the day at `at` on the tenant's wall clock. */
export function localTime(timeZone: string, at: Date): { day: number; minute: number } {
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

const toMinutes = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Whether the business is open at `at`. Each entry opens on its day; one that closes before it
 * opens (22:00–02:00) runs past midnight into the next day; equal times mean open all day.
 * Days without an entry are closed.
 */
export function isOpen(settings: OpeningHours, at: Date): boolean {
  const now = localTime(settings.timezone, at);
  const yesterday = now.day === 1 ? 7 : now.day - 1;
  return settings.hours.some(({ day, open, close }) => {
    const from = toMinutes(open);
    const to = toMinutes(close);
    if (from === to) return day === now.day;
    if (from < to) return day === now.day && now.minute >= from && now.minute < to;
    return (day === now.day && now.minute >= from && now.minute < MINUTES_PER_DAY) || (day === yesterday && now.minute < to);
  });
}
