import { expect } from 'chai';
import { isOpen, localTime } from './business-hours.js';
import { DEFAULT_BOT_SETTINGS } from './bot.defaults.js';

const at = (iso: string) => new Date(iso);

describe('Business hours', () => {
  it('uses Mon–Fri 08:00–20:00 and Sat 09:00–13:00 in UTC by default', () => {
    // 2025-06-02 is a Monday.
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-02T07:59:00Z'))).to.equal(false);
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-02T08:00:00Z'))).to.equal(true);
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-02T19:59:00Z'))).to.equal(true);
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-02T20:00:00Z'))).to.equal(false);
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-07T12:30:00Z'))).to.equal(true);
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-07T13:00:00Z'))).to.equal(false);
    expect(isOpen(DEFAULT_BOT_SETTINGS, at('2025-06-08T10:00:00Z'))).to.equal(false);
  });

  it("reads the clock and the weekday in the tenant's time zone", () => {
    const saoPaulo = { timezone: 'America/Sao_Paulo', hours: [{ day: 1, open: '09:00', close: '18:00' }] };
    // 11:30 UTC on a Monday is 08:30 in São Paulo (UTC−3): not open yet.
    expect(isOpen(saoPaulo, at('2025-06-02T11:30:00Z'))).to.equal(false);
    expect(isOpen(saoPaulo, at('2025-06-02T12:30:00Z'))).to.equal(true);
    // 01:00 UTC on Tuesday is still Monday 22:00 there, after closing.
    expect(localTime('America/Sao_Paulo', at('2025-06-03T01:00:00Z'))).to.deep.equal({ day: 1, minute: 22 * 60 });
  });

  it('follows daylight saving time', () => {
    const lisbon = { timezone: 'Europe/Lisbon', hours: [{ day: 3, open: '09:00', close: '17:00' }] };
    // Wednesdays: 08:30 UTC is 09:30 in summer (UTC+1) but 08:30 in winter (UTC+0).
    expect(isOpen(lisbon, at('2025-07-02T08:30:00Z'))).to.equal(true);
    expect(isOpen(lisbon, at('2025-01-08T08:30:00Z'))).to.equal(false);
  });

  it('handles a day that closes after midnight, on both sides of it', () => {
    const bar = { timezone: 'Asia/Tokyo', hours: [{ day: 5, open: '20:00', close: '02:00' }] };
    // Friday 23:00 and Saturday 01:30 in Tokyo (UTC+9) are open; Saturday 02:00 and Friday 19:00 are not.
    expect(isOpen(bar, at('2025-06-06T14:00:00Z'))).to.equal(true);
    expect(isOpen(bar, at('2025-06-06T16:30:00Z'))).to.equal(true);
    expect(isOpen(bar, at('2025-06-06T17:00:00Z'))).to.equal(false);
    expect(isOpen(bar, at('2025-06-06T10:00:00Z'))).to.equal(false);
  });

  it('carries a Sunday night shift into Monday morning', () => {
    const night = { timezone: 'UTC', hours: [{ day: 7, open: '22:00', close: '06:00' }] };
    expect(isOpen(night, at('2025-06-09T05:59:00Z'))).to.equal(true);
    expect(isOpen(night, at('2025-06-09T06:00:00Z'))).to.equal(false);
  });

  it('treats equal opening and closing times as open all day, and a day without hours as closed', () => {
    const allDay = { timezone: 'UTC', hours: [{ day: 1, open: '00:00', close: '00:00' }] };
    expect(isOpen(allDay, at('2025-06-02T23:59:00Z'))).to.equal(true);
    expect(isOpen(allDay, at('2025-06-03T00:00:00Z'))).to.equal(false);
    expect(isOpen({ timezone: 'UTC', hours: [] }, at('2025-06-02T12:00:00Z'))).to.equal(false);
  });

  it('allows split shifts on one day', () => {
    const split = { timezone: 'UTC', hours: [{ day: 2, open: '09:00', close: '12:00' }, { day: 2, open: '14:00', close: '18:00' }] };
    expect(isOpen(split, at('2025-06-03T13:00:00Z'))).to.equal(false);
    expect(isOpen(split, at('2025-06-03T15:00:00Z'))).to.equal(true);
  });
});
