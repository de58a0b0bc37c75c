import type { DeliveryStatus } from '@parley/common';
import { KeyedMutex } from '../../platform/jobs/keyed-mutex.js';
import type { Logger } from '../../platform/logger/logger.js';
import { reasonFor } from '../../platform/whatsapp/error-policy.js';
import type { StatusUpdate } from '../../platform/whatsapp/webhook-payload.js';
import type { ConversationAudience } from './conversation.audience.js';
import { STATUS_RANK, type MessageDoc } from './conversations.model.js';
import type { MessagesRepository } from './messages.repository.js';

const DELIVERED_RANK = 2;

export type StatusListener = (tenantId: string, message: MessageDoc, status: StatusUpdate) => Promise<void>;

/**
 * Applies delivery statuses. They arrive duplicated and out of order: the shown status only moves
 * forward (sent < delivered < read); `read` may come without `delivered`; a `failed` counts only
 * when nothing showed the message arrived (multi-device can deliver after a failure).
 */
export class StatusesService {
  private readonly listeners: StatusListener[] = [];
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly audience: ConversationAudience,
    private readonly logger: Logger,
  ) {}

  /** Lets other domains (campaigns) learn about statuses of their own sends. */
  subscribe(listener: StatusListener): void {
    this.listeners.push(listener);
  }

  /** Statuses of one message are applied one after the other in this process. */
  async apply(tenantId: string, status: StatusUpdate): Promise<void> {
    await this.mutex.run(`${tenantId}/${status.id}`, () => this.applyNow(tenantId, status));
  }

  private async applyNow(tenantId: string, status: StatusUpdate): Promise<void> {
    let messageId = await this.messages.messageIdOf(tenantId, status.id);
    if (!messageId && status.biz_opaque_callback_data) {
      // The send's answer was lost (or is still on its way); the status names the message by the
      // key we gave it.
      messageId = await this.messages.idByKey(tenantId, status.biz_opaque_callback_data);
      if (messageId) await this.messages.rememberWamid(tenantId, status.id, messageId);
    }
    // Decided on the message as read in its turn (set by the callback below).
    let update = null as ReturnType<typeof nextStatus>;
    const doc = messageId
      ? await this.messages.change(tenantId, messageId, (message) => {
          update = nextStatus(message, status);
          return update ? { guard: { statusRank: { $lte: update.statusRank } }, update: { $set: { ...update, wamid: status.id } } } : null;
        })
      : null;
    if (!doc) {
      this.logger.debug({ wamid: status.id }, 'status for a message this tenant did not send here');
      return;
    }
    if (update) await this.audience.emit(tenantId, doc.conversationId, 'message:status-changed', { conversationId: doc.conversationId, messageId: String(doc._id), status: update.status, error: update.error ?? null });
    for (const listener of this.listeners) await listener(tenantId, { ...doc, wamid: status.id }, status);
  }
}

function nextStatus(doc: MessageDoc, status: StatusUpdate): { status: DeliveryStatus; statusRank: number; error: MessageDoc['error'] } | null {
  if (status.status === 'failed') {
    if (doc.statusRank >= DELIVERED_RANK || doc.status === 'failed') return null;
    const first = status.errors?.[0];
    const code = first?.code ?? 0;
    return { status: 'failed', statusRank: doc.statusRank, error: { code, message: reasonFor(code, first?.message ?? first?.title ?? 'Failed') } };
  }
  const rank = STATUS_RANK[status.status];
  if (rank === undefined || rank <= doc.statusRank) return null;
  const mapped = status.status === 'played' ? 'read' : status.status;
  if (mapped !== 'sent' && mapped !== 'delivered' && mapped !== 'read') return null;
  return { status: mapped, statusRank: rank, error: null };
}
