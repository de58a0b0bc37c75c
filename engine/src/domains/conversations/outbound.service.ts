import { setTimeout as sleep } from 'node:timers/promises';
import type { Model, UpdateQuery } from 'mongoose';
import type { MessageView } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { checkedFilter, inTurn, type Guard } from '../../platform/db/guarded.js';
import { isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { GraphClient, SendOutcome } from '../../platform/whatsapp/graph-client.js';
import type { OpenChannel } from '../channels/index.js';
import { messageSchema, wamidRefSchema, type MessageDoc, type WamidRefDoc } from './conversations.model.js';
import { toMessageView } from './conversation.views.js';

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
  readonly messages: (tenantId: string) => Model<MessageDoc>;
  readonly wamidRefs: (tenantId: string) => Model<WamidRefDoc>;
  /** Told when WhatsApp says a template is missing, paused or disabled: the local copy is stale. */
  onTemplateRejected: (tenantId: string, code: number) => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly graph: GraphClient,
    private readonly logger: Logger,
    private readonly onChange: (tenantId: string, message: MessageView, created: boolean) => void,
  ) {
    this.messages = db.defineTenantModel('Message', messageSchema);
    this.wamidRefs = db.defineTenantModel('WamidRef', wamidRefSchema);
  }

  /**
   * Reads a message and applies the change `decide` makes of it, if any, guarded by what was read
   * (`inTurn`, `checkedFilter`): one read and one write. Returns the message as read, or null.
   */
  async changeMessage(tenantId: string, id: unknown, decide: (doc: MessageDoc) => { guard: Guard; update: UpdateQuery<MessageDoc> } | null): Promise<MessageDoc | null> {
    const messages = this.messages(tenantId);
    return inTurn(this.db, messages, id, async () => {
      const doc = await messages.findById(id).lean();
      const change = doc ? decide(doc) : null;
      if (doc && change) await messages.updateOne(checkedFilter<MessageDoc>(this.db, doc._id, change.guard as never), change.update);
      return doc;
    });
  }

  /** Remembers which message a wamid belongs to (idempotent). */
  async rememberWamid(tenantId: string, wamid: string, messageId: string): Promise<void> {
    try {
      await this.wamidRefs(tenantId).create({ _id: wamid, messageId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The `_id` of the message a wamid belongs to, if it was remembered. */
  async messageIdOf(tenantId: string, wamid: string): Promise<string | null> {
    const ref = await this.wamidRefs(tenantId).findById(wamid).lean();
    return ref?.messageId ?? null;
  }

  async send(tenantId: string, request: OutboundRequest): Promise<MessageView> {
    const claimed = await this.claim(tenantId, request);
    // Whoever did not insert the claim does not send: the claimer did, or may have.
    if (!claimed.fresh) return toMessageView(claimed.doc);
    this.onChange(tenantId, toMessageView(claimed.doc), true);
    const outcome = await this.callWithPolicy(request);
    if (!outcome.ok && outcome.kind === 'rejected' && outcome.policy.action === 'fail-and-resync-template') this.onTemplateRejected(tenantId, outcome.code);
    const update = settle(outcome);
    if (update.wamid) await this.rememberWamid(tenantId, update.wamid, String(claimed.doc._id));
    await this.messages(tenantId).updateOne({ _id: claimed.doc._id }, { $set: update });
    const view = toMessageView({ ...claimed.doc, ...update });
    this.onChange(tenantId, view, false);
    return view;
  }

  private async claim(tenantId: string, request: OutboundRequest): Promise<{ doc: MessageDoc; fresh: boolean }> {
    const model = this.messages(tenantId);
    try {
      const doc = await model.create({
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
      });
      return { doc: doc.toObject(), fresh: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const doc = await model.findOne({ key: request.key }).lean();
      if (!doc) throw error;
      return { doc, fresh: false };
    }
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
    const stale = await this.messages(tenantId)
      .find({ status: 'pending', wamid: null, attemptedAt: { $lt: new Date(Date.now() - afterMs) } })
      .limit(200)
      .lean();
    for (const doc of stale) {
      const error = { code: 0, message: 'WhatsApp did not confirm this message; it was not resent to avoid sending it twice.' };
      await this.messages(tenantId).updateOne(checkedFilter<MessageDoc>(this.db, doc._id, { wamid: null }), { $set: { status: 'failed', error } });
      this.onChange(tenantId, toMessageView({ ...doc, status: 'failed', error }), false);
    }
    return stale.length;
  }
}

function settle(outcome: SendOutcome): Partial<MessageDoc> {
  if (outcome.ok) return { wamid: outcome.wamid };
  if (outcome.kind === 'rejected') return { status: 'failed', error: { code: outcome.code, message: outcome.reason } };
  if (outcome.kind === 'unsent') return { status: 'failed', error: { code: 0, message: `WhatsApp could not be reached: ${outcome.message}` } };
  // Ambiguous: stays pending until a status webhook or the sweeper settles it.
  return {};
}
