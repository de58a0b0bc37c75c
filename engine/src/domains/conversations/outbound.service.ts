import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageView } from '@parley/common';
import type { Logger } from '../../platform/logger/logger.js';
import type { GraphClient, SendOutcome } from '../../platform/whatsapp/graph-client.js';
import type { OpenChannel } from '../channels/index.js';
import type { MessageDoc } from './conversations.model.js';
import type { ConversationAudience } from './conversation.audience.js';
import { toMessageView } from './conversation.views.js';
import type { MessagesRepository } from './messages.repository.js';

export interface OutboundRequest {
  key: string;
  conversationId: string;
  channel: OpenChannel;
  to: { waId: string | null; userId: string | null };
  type: 'text' | 'interactive' | 'template';
  body: Record<string, unknown>;
  text: string;
  author: MessageDoc['author'];
}

/**
 * Sends each outbound message at most once. The message is claimed by a unique insert of its key
 * before the Graph call. An answer lost in transit is never retried blindly: the status webhook
 * carrying the key in `biz_opaque_callback_data` settles it, or the sweeper reports it.
 */
export class OutboundService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly graph: GraphClient,
    private readonly audience: ConversationAudience,
    private readonly logger: Logger,
    /** Told when WhatsApp says a template is missing, paused or disabled: the local copy is stale. */
    private readonly templateRejected: (tenantId: string, code: number) => void,
  ) {}

  async send(tenantId: string, request: OutboundRequest): Promise<MessageView> {
    const claimed = await this.messages.claim(tenantId, claimOf(request));
    // Whoever did not insert the claim does not send: the claimer did, or may have.
    if (!claimed.fresh) return toMessageView(claimed.doc);
    this.onChange(tenantId, toMessageView(claimed.doc), true);
    const outcome = await this.callWithPolicy(request);
    if (!outcome.ok && outcome.kind === 'rejected' && outcome.policy.action === 'fail-and-resync-template') this.templateRejected(tenantId, outcome.code);
    const update = settle(outcome);
    if (update.wamid) await this.messages.rememberWamid(tenantId, update.wamid, String(claimed.doc._id));
    await this.messages.settle(tenantId, claimed.doc._id, update);
    const view = toMessageView({ ...claimed.doc, ...update });
    this.onChange(tenantId, view, false);
    return view;
  }

  /** Retries only what Meta rejected before accepting (throttling, 5xx with an error body). */
  private async callWithPolicy(request: OutboundRequest): Promise<SendOutcome> {
    const to = request.to.waId ? { to: `+${request.to.waId}` } : { recipient: request.to.userId };
    const body = { ...to, type: request.type, [request.type]: request.body, biz_opaque_callback_data: request.key };
    let outcome: SendOutcome = { ok: false, kind: 'unsent', message: 'not attempted' };
    for (let attempt = 0; attempt < 6; attempt++) {
      outcome = await this.graph.sendMessage(request.channel, body);
      if (outcome.ok || outcome.kind === 'ambiguous') return outcome;
      if (outcome.kind === 'unsent') {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      const policy = outcome.policy;
      if (policy.action !== 'retry' || attempt + 1 >= policy.maxAttempts) return outcome;
      this.logger.warn({ code: outcome.code, attempt, key: request.key }, 'WhatsApp asked to slow down; retrying');
      await sleep(policy.delayMs(attempt));
    }
    return outcome;
  }

  /** Settles sends whose answer was lost and no status webhook came within `afterMs`. */
  async sweepAmbiguous(tenantId: string, afterMs: number): Promise<number> {
    const stale = await this.messages.unconfirmedSends(tenantId, new Date(Date.now() - afterMs), 200);
    for (const doc of stale) {
      const error = { code: 0, message: 'WhatsApp did not confirm this message; it was not resent to avoid sending it twice.' };
      await this.messages.failUnconfirmed(tenantId, doc._id, error);
      this.onChange(tenantId, toMessageView({ ...doc, status: 'failed', error }), false);
    }
    return stale.length;
  }

  /** Shows a send to who may see its conversation: new, then each change of its status. */
  private onChange(tenantId: string, message: MessageView, created: boolean): void {
    const sent = created
      ? this.audience.emit(tenantId, message.conversationId, 'message:created', message)
      : this.audience.emit(tenantId, message.conversationId, 'message:status-changed', { conversationId: message.conversationId, messageId: message.id, status: message.status ?? 'pending', error: message.error });
    sent.catch((error: unknown) => this.logger.warn({ err: error }, 'message event not sent'));
  }
}

function settle(outcome: SendOutcome): Partial<MessageDoc> {
  if (outcome.ok) return { wamid: outcome.wamid };
  if (outcome.kind === 'rejected') return { status: 'failed', error: { code: outcome.code, message: outcome.reason } };
  if (outcome.kind === 'unsent') return { status: 'failed', error: { code: 0, message: `WhatsApp could not be reached: ${outcome.message}` } };
  // Ambiguous: stays pending until a status webhook or the sweeper settles it.
  return {};
}

/** The message that claims a send, inserted before the Graph call. */
function claimOf(request: OutboundRequest): Omit<MessageDoc, '_id'> {
  return {
    conversationId: request.conversationId,
    key: request.key,
    direction: 'outbound',
    type: request.type,
    text: request.text,
    at: new Date(),
    author: request.author,
    wamid: null,
    status: 'pending',
    statusRank: 0,
    error: null,
    // Set with the claim: a crash between this insert and the Graph call is then reported as
    // unconfirmed rather than risked as a duplicate.
    attemptedAt: new Date(),
    // What was sent is in the text; the Graph body is not kept (smaller documents, cheaper updates).
    payload: null,
  };
}
