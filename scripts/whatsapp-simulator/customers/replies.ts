import type { Prng } from '../core/prng.js';
import type { SendRecord } from '../state/records.js';
import type { TemplateRecord } from '../templates/templates.store.js';
import type { Json } from '../webhooks/payloads.js';
import { THANKS, type Persona } from './personas.js';

const REVIEW_HINT = /(rate|rating|review|score|feedback|how did we do|avali|nota|califica|puntu|valora|\b[01]\s*(-|to|a|–|até|al)\s*(5|10)\b)/i;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A satisfied-leaning score on the scale the business asked for. */
function score(prng: Prng, question: string): string {
  if (/\b10\b/.test(question)) return String(prng.pick([10, 10, 9, 9, 8, 7, 6, 3]));
  return String(prng.pick([5, 5, 5, 4, 4, 3, 2]));
}

function numberIn(value: string): number {
  const match = /\d+/.exec(value);
  return match ? Number(match[0]) : Number.NaN;
}

function reply(send: SendRecord, type: string, payload: Json): Json {
  return { type, [type]: payload, context: { id: send.id } };
}

function replyToButtons(send: SendRecord, interactive: Json, prng: Prng): Json | null {
  const buttons = list(record(interactive.action).buttons).map((button) => record(button.reply));
  if (buttons.length === 0) return null;
  const body = text(record(interactive.body).text);
  // A review request by buttons: most people tap one of the best scores.
  const scored = buttons.filter((button) => Number.isFinite(numberIn(`${text(button.id)} ${text(button.title)}`)));
  const best = [...scored].sort((a, b) => numberIn(text(b.id) + text(b.title)) - numberIn(text(a.id) + text(a.title)));
  const choice = REVIEW_HINT.test(body) && best.length > 0 && prng.chance(0.7) ? best[prng.int(0, Math.min(1, best.length - 1))] : prng.pick(buttons);
  if (!choice) return null;
  return reply(send, 'interactive', { type: 'button_reply', button_reply: { id: text(choice.id), title: text(choice.title) } });
}

function replyToList(send: SendRecord, interactive: Json, prng: Prng): Json | null {
  const rows = list(record(interactive.action).sections).flatMap((section) => list(section.rows));
  if (rows.length === 0) return null;
  const row = prng.pick(rows);
  const chosen: Json = { id: text(row.id), title: text(row.title) };
  if (typeof row.description === 'string') chosen.description = row.description;
  return reply(send, 'interactive', { type: 'list_reply', list_reply: chosen });
}

/** A tap on a template quick-reply button arrives as `type: "button"` with the send-time payload. */
function replyToTemplate(send: SendRecord, template: TemplateRecord | undefined, prng: Prng): Json | null {
  const buttons = template?.components.find((component) => component.type === 'BUTTONS')?.buttons ?? [];
  const quick = buttons.map((button, index) => ({ button, index })).filter(({ button }) => button.type === 'QUICK_REPLY');
  if (quick.length === 0) return null;
  const stop = quick.find(({ button }) => /stop|parar|dejar/i.test(button.text ?? ''));
  const others = quick.filter((entry) => entry !== stop);
  const tapStop = stop !== undefined && (others.length === 0 || prng.chance(0.05));
  const choice = tapStop ? stop : prng.pick(others.length > 0 ? others : quick);
  const components = list(record(send.request.template).components);
  const given = components.find((component) => component.type === 'button' && String(component.index) === String(choice.index));
  const payload = text(list(given?.parameters)[0]?.payload) || (choice.button.text ?? '');
  return { type: 'button', button: { payload, text: choice.button.text ?? payload }, context: { id: send.id } };
}

/** What a persona answers to something the business sent, or null when it just reads it. */
export function replyFor(persona: Persona, send: SendRecord, template: TemplateRecord | undefined, prng: Prng): Json | null {
  const request = send.request;
  if (send.type === 'interactive') {
    const interactive = record(request.interactive);
    if (!prng.chance(0.85)) return null;
    if (interactive.type === 'button') return replyToButtons(send, interactive, prng);
    if (interactive.type === 'list') return replyToList(send, interactive, prng);
    return prng.chance(0.2) ? { type: 'text', text: { body: prng.pick(THANKS[persona.language]) } } : null;
  }
  if (send.type === 'template') {
    const question = template?.components.find((component) => component.type === 'BODY')?.text ?? '';
    if (REVIEW_HINT.test(question) && prng.chance(0.8)) return { type: 'text', text: { body: score(prng, question) } };
    return prng.chance(0.3) ? replyToTemplate(send, template, prng) : null;
  }
  if (send.type !== 'text') return prng.chance(0.1) ? { type: 'text', text: { body: prng.pick(THANKS[persona.language]) } } : null;
  const body = text(record(request.text).body);
  if (REVIEW_HINT.test(body)) return { type: 'text', text: { body: score(prng, body) } };
  if (prng.chance(0.1)) return { type: 'reaction', reaction: { message_id: send.id, emoji: '👍' } };
  return prng.chance(0.25) ? { type: 'text', text: { body: prng.pick(THANKS[persona.language]) } } : null;
}
