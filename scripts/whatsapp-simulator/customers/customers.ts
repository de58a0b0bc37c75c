import { injectInbound } from '../control/inbound.service.js';
import type { SimContext } from '../state/context.js';
import type { SendRecord } from '../state/records.js';
import { GREETINGS, ISSUE_REPORTS, PERSONAS, PHOTO_CAPTIONS, PRODUCT_QUESTIONS, START_WORDS, STOP_WORDS, type Persona } from './personas.js';
import { replyFor } from './replies.js';
import type { Json } from '../webhooks/payloads.js';

export interface CustomersOptions {
  phoneNumberId?: string;
  /** Mean virtual time between two spontaneous messages of one persona. */
  meanIntervalMs?: number;
  personas?: readonly Persona[];
}

export interface CustomersStatus {
  enabled: boolean;
  phoneNumberId: string | null;
  meanIntervalMs: number;
  personas: Array<Persona & { stopped: boolean; messagesSent: number }>;
}

interface PersonaState {
  persona: Persona;
  stopped: boolean;
  messagesSent: number;
  timer: number | null;
}

/**
 * Simulated customers for the demo: at seeded random intervals they write to the business, and they
 * read and answer what the business sends them (menus, review requests, templates) after a delay.
 */
export class CustomerSimulator {
  private enabled = false;
  private phoneNumberId: string | null = null;
  private meanIntervalMs = 45_000;
  private states = new Map<string, PersonaState>();

  constructor(private readonly ctx: SimContext) {
    ctx.hooks.readsOwnedBy = (send) => this.enabled && send.phoneNumberId === this.phoneNumberId && this.states.has(send.userKey);
    ctx.hooks.onAccepted((send) => this.onBusinessMessage(send));
    ctx.hooks.onReset(() => {
      if (this.enabled) this.start();
    });
  }

  configure(options: CustomersOptions): void {
    if (options.meanIntervalMs !== undefined) this.meanIntervalMs = options.meanIntervalMs;
    if (options.phoneNumberId !== undefined) this.phoneNumberId = options.phoneNumberId;
    if (options.personas) this.states = new Map(options.personas.map((persona) => [persona.waId, this.fresh(persona)]));
  }

  start(options: CustomersOptions = {}): void {
    this.stop();
    this.configure(options);
    if (this.states.size === 0) this.states = new Map(PERSONAS.map((persona) => [persona.waId, this.fresh(persona)]));
    this.phoneNumberId ??= this.ctx.numbers.first()?.config.phoneNumberId ?? null;
    this.enabled = true;
    for (const state of this.states.values()) {
      this.ctx.users.ensureByWaId(state.persona.waId, state.persona.name);
      state.stopped = false;
      state.messagesSent = 0;
      this.scheduleNext(state);
    }
  }

  stop(): void {
    this.enabled = false;
    for (const state of this.states.values()) {
      if (state.timer !== null) this.ctx.clock.clearTimeout(state.timer);
      state.timer = null;
    }
  }

  status(): CustomersStatus {
    return {
      enabled: this.enabled,
      phoneNumberId: this.phoneNumberId,
      meanIntervalMs: this.meanIntervalMs,
      personas: [...this.states.values()].map((s) => ({ ...s.persona, stopped: s.stopped, messagesSent: s.messagesSent })),
    };
  }

  /** Makes one persona write now (the demo's "poke a customer" button, and tests). */
  actNow(waId: string): Json | null {
    const state = this.states.get(waId);
    return state && this.enabled ? this.act(state) : null;
  }

  private fresh(persona: Persona): PersonaState {
    return { persona, stopped: false, messagesSent: 0, timer: null };
  }

  private scheduleNext(state: PersonaState): void {
    const delay = this.ctx.random.customers.exponential(this.meanIntervalMs);
    state.timer = this.ctx.clock.setTimeout(() => {
      state.timer = null;
      if (!this.enabled) return;
      this.act(state);
      this.scheduleNext(state);
    }, delay);
  }

  private spontaneous(state: PersonaState): Json {
    const prng = this.ctx.random.customers;
    const lang = state.persona.language;
    if (state.stopped) {
      if (prng.chance(0.3)) state.stopped = false;
      return { type: 'text', text: { body: prng.pick(state.stopped ? GREETINGS[lang] : START_WORDS[lang]) } };
    }
    const roll = prng.next();
    if (roll < 0.04) {
      state.stopped = true;
      return { type: 'text', text: { body: prng.pick(STOP_WORDS[lang]) } };
    }
    if (roll < 0.4) return { type: 'text', text: { body: prng.pick(PRODUCT_QUESTIONS[lang]) } };
    if (roll < 0.7) return { type: 'text', text: { body: prng.pick(ISSUE_REPORTS[lang]) } };
    if (roll < 0.8) return { type: 'image', image: { caption: prng.pick(PHOTO_CAPTIONS[lang]), mime_type: 'image/png' } };
    if (roll < 0.83) return { type: 'location', location: { latitude: -23.5505, longitude: -46.6333, name: 'Casa', address: 'Av. Paulista, 1000' } };
    return { type: 'text', text: { body: prng.pick(GREETINGS[lang]) } };
  }

  private act(state: PersonaState, message: Json = this.spontaneous(state)): Json {
    const { persona } = state;
    state.messagesSent++;
    return injectInbound(this.ctx, { ...message, phoneNumberId: this.phoneNumberId ?? undefined, from: persona.waId, name: persona.name }).message;
  }

  /** Reads the message a few seconds after delivery, then maybe answers it. */
  private onBusinessMessage(send: SendRecord): void {
    const state = this.states.get(send.userKey);
    if (!this.enabled || !state || send.phoneNumberId !== this.phoneNumberId || send.plannedFailure !== null) return;
    const prng = this.ctx.random.customers;
    this.ctx.clock.setTimeout(() => {
      if (!this.enabled || !this.ctx.timeline.markRead(send)) return;
      const template = send.templateName === null ? undefined : this.ctx.templates.find(send.wabaId, send.templateName, this.templateLanguage(send));
      const answer = replyFor(state.persona, send, template, prng);
      if (answer) this.ctx.clock.setTimeout(() => this.enabled && this.act(state, answer), prng.float(2_000, 20_000));
    }, prng.float(5_000, 30_000));
  }

  private templateLanguage(send: SendRecord): string {
    const template = send.request.template;
    if (typeof template !== 'object' || template === null || !('language' in template)) return '';
    const language: unknown = template.language;
    return typeof language === 'object' && language !== null && 'code' in language ? String(language.code) : '';
  }
}
