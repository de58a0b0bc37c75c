import type { ConversationState, DeliveryStatus, PresenceStatus, Queue } from '@parley/common';
import type { StatusLabels } from '../../app/status-labels';

export const QUEUE_LABELS: Record<Queue, string> = { care: 'Customer care', sales: 'Sales' };

export const STATE_LABELS: StatusLabels<ConversationState> = {
  bot: { label: 'With the bot', tone: 'default' },
  queued: { label: 'Waiting', tone: 'warning' },
  assigned: { label: 'Assigned', tone: 'info' },
  resolved: { label: 'Resolved', tone: 'success' },
  awaitingReview: { label: 'Awaiting review', tone: 'success' },
  closed: { label: 'Closed', tone: 'default' },
};

/** States in which a person still has something to do. */
export const OPEN_STATES: readonly ConversationState[] = ['bot', 'queued', 'assigned'];

export const PRESENCE_LABELS: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
};

/** Statuses only move forward; a late "delivered" must not undo a "read" that overtook it. */
const STATUS_RANK: Record<DeliveryStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export function isNewerStatus(next: DeliveryStatus, current: DeliveryStatus | null): boolean {
  return current === null || STATUS_RANK[next] > STATUS_RANK[current];
}

export function initialsOf(name: string | null | undefined): string {
  const parts = (name ?? '').split(/\s+/).filter(Boolean).slice(0, 2);
  return parts.map((part) => part.charAt(0).toUpperCase()).join('') || '?';
}

/** A customer is named by their WhatsApp profile name, else their number. */
export function customerLabel(customer: { name: string | null; phone: string | null; waId: string | null }): string {
  return customer.name ?? customer.phone ?? customer.waId ?? 'Unknown customer';
}

/** "Window closes in 5 h 12 min", then minutes and seconds in the last hour, when every minute counts. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
