import { expect } from 'chai';
import { SERVICE_WINDOW_MS, serviceWindowEnd, serviceWindowOpen } from './service-window.js';

describe('the customer service window', () => {
  const wrote = Date.parse('2025-01-01T10:00:00Z');

  it('stays open for 24 hours after the customer last wrote, and closes at that moment', () => {
    expect(SERVICE_WINDOW_MS).to.equal(24 * 3600 * 1000);
    expect(serviceWindowEnd(wrote)).to.equal(Date.parse('2025-01-02T10:00:00Z'));
    expect(serviceWindowOpen(wrote, wrote + SERVICE_WINDOW_MS - 1)).to.equal(true);
    expect(serviceWindowOpen(wrote, wrote + SERVICE_WINDOW_MS)).to.equal(false);
  });

  it('is closed to a customer who never wrote', () => {
    expect(serviceWindowEnd(null)).to.equal(null);
    expect(serviceWindowOpen(null)).to.equal(false);
  });
});
