import { Types, type Model } from 'mongoose';
import { defineAbilityFor, type Action, type NotificationView, type Subject, type TenantRole } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { notificationSchema, type NotificationDoc } from './notifications.model.js';

export interface Notice {
  /** Identifies the fact (`campaign:<id>:paused:<at>`): the same key notifies each person once. */
  key: string;
  kind: string;
  severity: NotificationView['severity'];
  title: string;
  body: string;
  link: string | null;
  /** Named people and/or every active member whose roles allow the permission. */
  to: { userIds?: string[]; permission?: [Action, Subject] };
}

/** Active members of a tenant with their roles (the users domain answers it). */
export type MemberRoles = (tenantId: string) => Promise<{ id: string; roles: readonly TenantRole[] }[]>;

/** Tells people what they should know, in the app (live) and in a list they can catch up on. */
export class NotificationsService {
  private readonly notifications: (tenantId: string) => Model<NotificationDoc>;

  constructor(
    db: Database,
    private readonly members: MemberRoles,
    private readonly realtime: RealtimeEmitter,
  ) {
    this.notifications = db.defineTenantModel('Notification', notificationSchema);
  }

  async notify(tenantId: string, notice: Notice): Promise<number> {
    const recipients = await this.recipients(tenantId, notice.to);
    let created = 0;
    for (const userId of recipients) {
      const doc = await this.insertOnce(tenantId, notice, userId);
      if (!doc) continue;
      created++;
      this.realtime.toUser(userId, 'notification:created', toView(doc));
    }
    return created;
  }

  async list(tenantId: string, userId: string, query: { unread?: 'true' | 'false'; limit: number }): Promise<{ items: NotificationView[]; unread: number }> {
    const filter = query.unread === 'true' ? { userId, readAt: null } : { userId };
    const [docs, unread] = await Promise.all([
      this.notifications(tenantId).find(filter).sort({ at: -1 }).limit(query.limit).lean(),
      this.notifications(tenantId).countDocuments({ userId, readAt: null }),
    ]);
    return { items: docs.map(toView), unread };
  }

  /** Another person's notification answers like one that does not exist. */
  async markRead(tenantId: string, userId: string, id: string): Promise<NotificationView> {
    if (!Types.ObjectId.isValid(id)) throw AppError.notFound('Notification');
    // By `_id` alone, then checked: FerretDB reads the whole collection for a filter with more in it.
    const doc = await this.notifications(tenantId).findById(id).lean();
    if (!doc || doc.userId !== userId) throw AppError.notFound('Notification');
    if (doc.readAt) return toView(doc);
    const readAt = new Date();
    await this.notifications(tenantId).updateOne({ _id: doc._id }, { $set: { readAt } });
    return toView({ ...doc, readAt });
  }

  async markAllRead(tenantId: string, userId: string): Promise<{ updated: number }> {
    const result = await this.notifications(tenantId).updateMany({ userId, readAt: null }, { $set: { readAt: new Date() } });
    return { updated: result.modifiedCount };
  }

  private async recipients(tenantId: string, to: Notice['to']): Promise<string[]> {
    const ids = new Set(to.userIds ?? []);
    if (to.permission) {
      const [action, subject] = to.permission;
      for (const member of await this.members(tenantId)) {
        if (defineAbilityFor({ roles: member.roles }).can(action, subject)) ids.add(member.id);
      }
    }
    return [...ids];
  }

  private async insertOnce(tenantId: string, notice: Notice, userId: string): Promise<NotificationDoc | null> {
    try {
      const created = await this.notifications(tenantId).create({
        dedupeKey: `${notice.key}:${userId}`,
        userId,
        kind: notice.kind,
        severity: notice.severity,
        title: notice.title,
        body: notice.body,
        link: notice.link,
        at: new Date(),
        readAt: null,
      });
      return created.toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }
}

function toView(doc: NotificationDoc): NotificationView {
  return {
    id: String(doc._id),
    kind: doc.kind,
    severity: doc.severity,
    title: doc.title,
    body: doc.body,
    link: doc.link,
    at: doc.at.toISOString(),
    readAt: doc.readAt ? doc.readAt.toISOString() : null,
  };
}
