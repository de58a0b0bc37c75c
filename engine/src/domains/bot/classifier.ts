import type { BotSettings, LookupKind, LookupRow, Queue } from '@parley/common';
import { isOpen } from './business-hours.js';
import { buttonOptsOut, compileConsentKeywords, consentCommand, greeting, wantsPerson, type ConsentKeywords } from './intents.js';
import { LookupMatcher } from './matcher.js';
import { buildMenu, lookupIdOf, REPLY_IDS, type InteractiveListBody } from './menu.js';
import { WorkBudget } from './work-budget.js';

export interface MatchedLookup {
  id: string;
  kind: LookupKind;
  name: string;
  reply: string;
  description: string;
  price: number | null;
  queue: Queue | null;
}

/** What a message asks for, whatever the hour. */
export type BotIntent =
  | { kind: 'optOut' }
  | { kind: 'optIn' }
  | { kind: 'greeting' }
  | { kind: 'match'; lookup: MatchedLookup; score: number }
  | { kind: 'unknown' }
  | { kind: 'human' };

/** What the bot made of one inbound message. */
export type BotDecision = { outOfHours: boolean } & BotIntent;

export interface ClassifyInput {
  text?: string;
  /** Text or payload of a template quick-reply button (`type: "button"`). */
  buttonText?: string;
  /** Id of the interactive list row or reply button the customer tapped. */
  replyId?: string;
  at: Date;
}

/** A tenant's bot ready to answer: settings, keyword sets, matcher and menu, built once. */
export interface CompiledBot {
  settings: BotSettings;
  keywords: ConsentKeywords;
  matcher: LookupMatcher;
  rows: ReadonlyMap<string, LookupRow>;
  menu: InteractiveListBody;
}

/** Compiles the active rows (the caller filters) and the settings of one tenant. */
export function compileBot(settings: BotSettings, rows: readonly LookupRow[]): CompiledBot {
  return {
    settings,
    keywords: compileConsentKeywords(settings),
    matcher: LookupMatcher.compile(rows),
    rows: new Map(rows.map((row) => [row.id, row])),
    menu: buildMenu(settings.greeting, rows),
  };
}

/**
 * Decides one message with bounded work whatever it holds (see work-budget.ts); `budget` is
 * there for a caller that wants to see what the decision cost.
 */
export function classifyWith(bot: CompiledBot, input: ClassifyInput, budget = new WorkBudget()): BotDecision {
  return { outOfHours: !isOpen(bot.settings, input.at), ...intentOf(bot, input, budget) };
}

function intentOf(bot: CompiledBot, input: ClassifyInput, budget: WorkBudget): BotIntent {
  // A tap on our own menu says exactly what it means: no guessing from text.
  if (input.replyId) return fromReply(bot, input.replyId);
  if (input.buttonText && buttonOptsOut(bot.keywords, input.buttonText)) return { kind: 'optOut' };
  const text = input.buttonText ?? input.text ?? '';
  const command = consentCommand(bot.keywords, text);
  if (command) return { kind: command };
  if (wantsPerson(text)) return { kind: 'human' };
  const opening = greeting(text);
  if (opening === 'only') return { kind: 'greeting' };
  const match = bot.matcher.match(text, budget);
  const row = match ? bot.rows.get(match.id) : undefined;
  if (match && row) return { kind: 'match', lookup: matched(row), score: match.score };
  // "Hi, can I ask something?" is best answered with the menu rather than "I didn't get that".
  return opening === 'leading' ? { kind: 'greeting' } : { kind: 'unknown' };
}

function fromReply(bot: CompiledBot, replyId: string): BotIntent {
  if (replyId === REPLY_IDS.human) return { kind: 'human' };
  if (replyId === REPLY_IDS.menu) return { kind: 'greeting' };
  const id = lookupIdOf(replyId);
  const row = id ? bot.rows.get(id) : undefined;
  // A row removed or deactivated since the menu was sent: ask again with the current menu.
  return row ? { kind: 'match', lookup: matched(row), score: 1 } : { kind: 'unknown' };
}

function matched(row: LookupRow): MatchedLookup {
  const { id, kind, name, reply, description, price, queue } = row;
  return { id, kind, name, reply, description, price, queue };
}
