import type { Logger } from '../../platform/logger/logger.js';
import type { Effect } from '../../platform/actors/actor-host.js';
import type { ConversationEffect, ConversationEvent } from './conversation.machine.js';
import type { ConversationsService } from './conversations.service.js';
import type { OutboundService } from './outbound.service.js';
import type { AssignmentService } from './assignment.service.js';
import type { BotPort, CaseRecordsPort, ChannelsPort, CustomersPort, TenantActive } from './ports.js';
import { windowOpen } from './conversation.views.js';

interface Deps {
  conversations: ConversationsService;
  outbound: OutboundService;
  customers: CustomersPort;
  channels: ChannelsPort;
  bot: BotPort;
  records: CaseRecordsPort;
  assignment: AssignmentService;
  logger: Logger;
  tenantActive: TenantActive;
}

type Ctx = { tenantId: string; actorId: string; effectId: string; effect: Effect };

const REVIEW_LIST = {
  type: 'list',
  body: { text: 'How did we do? Your answer helps us get better.' },
  action: {
    button: 'Rate us',
    sections: [
      {
        title: 'Your rating',
        rows: [5, 4, 3, 2, 1].map((score) => ({ id: `review:${score}`, title: `${'★'.repeat(score)}`, description: ['Very poor', 'Poor', 'Okay', 'Good', 'Excellent'][score - 1] })),
      },
    ],
  },
};

/**
 * The I/O the conversation machine asks for, run by the actor host after each commit. Every
 * handler is idempotent by its effect id, so the sweeper may run it again after a crash.
 */
export function registerConversationEffects(deps: Deps): void {
  const { conversations } = deps;
  const on = (type: ConversationEffect['type'], handler: (ctx: Ctx) => Promise<void>) => conversations.host.onEffect(type, handler);

  on('reply.text', async (ctx) => {
    const effect = ctx.effect as Extract<ConversationEffect, { type: 'reply.text' }>;
    const settings = await deps.bot.settings(ctx.tenantId);
    const texts = { clarify: settings.clarify, handoff: settings.handoff, outOfHours: settings.outOfHoursReply, optOut: settings.optOutConfirmation, optIn: settings.optInConfirmation, thanks: 'Thank you for your feedback!' };
    const text = typeof effect.text === 'string' ? texts[effect.text] : effect.text.custom;
    if (text) await sendBot(deps, ctx, 'text', { body: text, preview_url: false }, text);
  });

  on('reply.menu', async (ctx) => {
    const menu = await deps.bot.menu(ctx.tenantId);
    await sendBot(deps, ctx, 'interactive', menu, describeMenu(menu));
  });

  on('ticket.open', async (ctx) => {
    const effect = ctx.effect as Extract<ConversationEffect, { type: 'ticket.open' }>;
    const conversation = await conversations.find(ctx.tenantId, ctx.actorId);
    const ticketId = await deps.records.openTicket(ctx.tenantId, { key: ctx.effectId, conversationId: ctx.actorId, customerId: conversation.customerId, lookupId: effect.lookupId, category: effect.name });
    await conversations.link(ctx.tenantId, conversation, { ticketId });
  });

  on('quotation.open', async (ctx) => {
    const effect = ctx.effect as Extract<ConversationEffect, { type: 'quotation.open' }>;
    const conversation = await conversations.find(ctx.tenantId, ctx.actorId);
    const quotationId = await deps.records.openQuotation(ctx.tenantId, { key: ctx.effectId, conversationId: ctx.actorId, customerId: conversation.customerId, lookupId: effect.lookupId, product: effect.name, price: effect.price });
    await conversations.link(ctx.tenantId, conversation, { quotationId });
  });

  on('queue.assign', async (ctx) => {
    // The conversation is assigned once the read model shows it queued (InboundService.handle);
    // this asks again in case that moment passed while this effect waited, e.g. after a crash.
    deps.assignment.later(ctx.tenantId);
  });

  on('consent.change', async (ctx) => {
    const effect = ctx.effect as Extract<ConversationEffect, { type: 'consent.change' }>;
    const conversation = await conversations.find(ctx.tenantId, ctx.actorId);
    const changed = await deps.customers.setMarketingConsent(ctx.tenantId, conversation.customerId, effect.to, effect.to === 'revoked' ? 'stop_keyword' : 'start_keyword', { wamid: effect.messageId, conversationId: ctx.actorId });
    const settings = await deps.bot.settings(ctx.tenantId);
    // One confirmation: a second STOP from someone already opted out changes nothing and says nothing.
    if (changed) {
      const text = effect.to === 'revoked' ? settings.optOutConfirmation : settings.optInConfirmation;
      await sendBot(deps, ctx, 'text', { body: text }, text);
    }
  });

  on('review.request', async (ctx) => {
    const conversation = await conversations.find(ctx.tenantId, ctx.actorId);
    const next: ConversationEvent = windowOpen(conversation) ? { type: 'REVIEW_REQUESTED', at: Date.now() } : { type: 'CLOSE', reason: 'no_window' };
    if (next.type === 'REVIEW_REQUESTED') await sendBot(deps, ctx, 'interactive', REVIEW_LIST, 'How did we do? (rating request)');
    followUp(deps, ctx, next);
  });

  on('review.record', async (ctx) => {
    const effect = ctx.effect as Extract<ConversationEffect, { type: 'review.record' }>;
    const conversation = await conversations.find(ctx.tenantId, ctx.actorId);
    await deps.records.recordReview(ctx.tenantId, { key: ctx.effectId, conversationId: ctx.actorId, customerId: conversation.customerId, score: effect.score });
  });
}

/** Sends an event to the same actor after the current transition's effects finish. */
function followUp(deps: Deps, ctx: Ctx, event: ConversationEvent): void {
  setImmediate(() => {
    deps.conversations.apply(ctx.tenantId, ctx.actorId, event, `${ctx.effectId}:follow-up`).catch((error: unknown) => {
      deps.logger.error({ err: error, actorId: ctx.actorId }, 'follow-up event failed');
    });
  });
}

async function sendBot(deps: Deps, ctx: Ctx, type: 'text' | 'interactive', body: Record<string, unknown>, text: string): Promise<void> {
  // The customer's message is kept; a suspended tenant only stops answering.
  if (!(await deps.tenantActive(ctx.tenantId))) {
    deps.logger.info({ tenantId: ctx.tenantId, actorId: ctx.actorId }, 'bot reply skipped: the tenant is suspended');
    return;
  }
  const recipient = await deps.conversations.recipient(ctx.tenantId, ctx.actorId);
  const channel = recipient ? await deps.channels.ofTenant(ctx.tenantId, recipient.phoneNumberId) : null;
  if (!recipient || !channel) {
    deps.logger.warn({ actorId: ctx.actorId }, 'bot reply skipped: customer or channel is gone');
    return;
  }
  await deps.outbound.send(ctx.tenantId, {
    key: ctx.effectId,
    conversationId: ctx.actorId,
    channel,
    to: { waId: recipient.waId, userId: recipient.userId },
    type,
    body,
    text,
    author: { kind: 'bot', id: null, name: 'Bot' },
  });
}

function describeMenu(menu: Record<string, unknown>): string {
  const body = (menu.body as { text?: string } | undefined)?.text ?? 'Menu';
  const sections = (menu.action as { sections?: { rows?: { title?: string }[] }[] } | undefined)?.sections ?? [];
  const rows = sections.flatMap((section) => section.rows ?? []).map((row) => row.title ?? '');
  return `${body}\n${rows.map((row) => `• ${row}`).join('\n')}`.trim();
}
