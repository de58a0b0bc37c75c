import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, NotificationView, ServerToClientEvents } from '@parley/common';
import { dropTestData, startTestEngine, type TestEngine } from '../support/harness.js';
import { addMember, onboardTenant, type TenantFixture } from '../support/fixtures.js';
import type { ApiClient } from '../support/api-client.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Listed = { items: NotificationView[]; unread: number };

describe('NotificationsService', () => {
  let t: TestEngine;
  let a: TenantFixture;
  let b: TenantFixture;
  let marketer: { client: ApiClient; userId: string };
  let care: { client: ApiClient; userId: string };
  let socket: ClientSocket | undefined;

  before(async () => {
    t = await startTestEngine();
    a = await onboardTenant(t, 'notify-a');
    b = await onboardTenant(t, 'notify-b');
    marketer = await addMember(t, a, 'marketer@notify-a.test', ['marketer']);
    care = await addMember(t, a, 'care@notify-a.test', ['care_agent']);
  });
  after(async () => {
    socket?.close();
    await dropTestData(t.engine);
    await t.close();
  });

  const notice = (key: string) => ({
    key,
    kind: 'campaign.paused',
    severity: 'warning' as const,
    title: 'Spring offer paused',
    body: 'The number’s quality dropped to YELLOW.',
    link: '/campaigns/1',
    to: { permission: ['manage', 'Campaign'] as ['manage', 'Campaign'] },
  });

  it('notifies every member whose roles allow the permission, live in their own room', async () => {
    socket = io(t.url, { transports: ['websocket'], extraHeaders: { origin: t.url, cookie: marketer.client.sessionCookie ?? '' }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', () => resolve());
      socket?.once('connect_error', reject);
    });
    const live = new Promise<NotificationView>((resolve) => socket?.once('notification:created', resolve));
    const created = await t.engine.services.notifications.notify(a.id, notice('paused-1'));
    // The tenant admin and the marketer manage campaigns; the care agent does not.
    expect(created).to.equal(2);
    expect((await live).title).to.equal('Spring offer paused');
    const mine = await marketer.client.get<Listed>('/api/notifications');
    expect(mine.body.unread).to.equal(1);
    expect(mine.body.items.map((n) => n.kind)).to.deep.equal(['campaign.paused']);
    expect((await care.client.get<Listed>('/api/notifications')).body.items).to.have.length(0);
  });

  it('notifies each person once for the same key, however often it is told', async () => {
    const again = await Promise.all([1, 2, 3].map(() => t.engine.services.notifications.notify(a.id, notice('paused-1'))));
    expect(again).to.deep.equal([0, 0, 0]);
    expect((await marketer.client.get<Listed>('/api/notifications')).body.items).to.have.length(1);
  });

  it('notifies named people whatever their roles', async () => {
    await t.engine.services.notifications.notify(a.id, { ...notice('direct'), to: { userIds: [care.userId] } });
    expect((await care.client.get<Listed>('/api/notifications?unread=true')).body.unread).to.equal(1);
  });

  it('marks one or all as read, and only one’s own', async () => {
    const [first] = (await marketer.client.get<Listed>('/api/notifications')).body.items;
    expect(first).to.not.equal(undefined);
    const id = first?.id ?? '';
    expect((await care.client.post(`/api/notifications/${id}/read`, {})).status).to.equal(404);
    expect((await b.admin.post(`/api/notifications/${id}/read`, {})).status).to.equal(404);
    const read = await marketer.client.post<NotificationView>(`/api/notifications/${id}/read`, {});
    expect(read.status).to.equal(200);
    expect(read.body.readAt).to.be.a('string');
    expect((await marketer.client.get<Listed>('/api/notifications')).body.unread).to.equal(0);
    const all = await care.client.post<{ updated: number }>('/api/notifications/read-all', {});
    expect(all.body.updated).to.equal(1);
    expect((await care.client.get<Listed>('/api/notifications?unread=true')).body.items).to.have.length(0);
  });

  it('refuses bad input with the field at fault', async () => {
    const bad = await marketer.client.get<{ error: { code: string; details: { fields: { field: string }[] } } }>('/api/notifications?limit=500');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.fields.map((f) => f.field)).to.deep.equal(['query.limit']);
  });
});
