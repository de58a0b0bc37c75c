import { z } from 'zod';
import { QUEUES } from '../roles.js';

export const LOOKUP_KINDS = ['services', 'products', 'issues'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];
export const lookupKindParamsSchema = z.object({ kind: z.enum(LOOKUP_KINDS) }).strict();
export const lookupParamsSchema = z.object({ kind: z.enum(LOOKUP_KINDS), id: z.string().regex(/^[a-f0-9]{24}$/) }).strict();

export const lookupBodySchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(24, 'at most 24 characters (a WhatsApp list row title)'),
    synonyms: z.array(z.string().trim().min(1, 'is required').max(60, 'at most 60 characters')).max(50).default([]),
    description: z.string().trim().max(72, 'at most 72 characters (a WhatsApp list row description)').default(''),
    reply: z.string().trim().max(1024).default(''),
    price: z.number().min(0).max(1_000_000_000).nullable().default(null),
    queue: z.enum(QUEUES).nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict();
export type LookupBody = z.infer<typeof lookupBodySchema>;

export interface LookupRow extends LookupBody {
  id: string;
  kind: LookupKind;
  updatedAt: string;
}

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const botSettingsSchema = z
  .object({
    greeting: z.string().trim().min(1, 'is required').max(1024, 'at most 1024 characters'),
    clarify: z.string().trim().min(1, 'is required').max(1024, 'at most 1024 characters'),
    handoff: z.string().trim().min(1, 'is required').max(1024, 'at most 1024 characters'),
    outOfHoursReply: z.string().trim().min(1, 'is required').max(1024, 'at most 1024 characters'),
    timezone: z.string().min(1).max(64),
    /** Opening hours per ISO weekday (1 = Monday); a missing day is closed. */
    hours: z.array(z.object({ day: z.number().int().min(1).max(7), open: time, close: time }).strict()).max(14),
    optOutWords: z.array(z.string().trim().min(1, 'is required').max(40, 'at most 40 characters')).max(50),
    optInWords: z.array(z.string().trim().min(1, 'is required').max(40, 'at most 40 characters')).max(50),
    optOutConfirmation: z.string().trim().min(1, 'is required').max(1024, 'at most 1024 characters'),
    optInConfirmation: z.string().trim().min(1, 'is required').max(1024, 'at most 1024 characters'),
  })
  .strict();
export type BotSettings = z.infer<typeof botSettingsSchema>;

const lookupFields = lookupBodySchema.shape;

/** A partial change to a lookup row: only the fields sent change, so no defaults apply here. */
export const lookupPatchSchema = z
  .object({
    name: lookupFields.name.optional(),
    synonyms: lookupFields.synonyms.unwrap().optional(),
    description: lookupFields.description.unwrap().optional(),
    reply: lookupFields.reply.unwrap().optional(),
    price: lookupFields.price.unwrap().optional(),
    queue: lookupFields.queue.unwrap().optional(),
    active: lookupFields.active.unwrap().optional(),
  })
  .strict();
export type LookupPatch = z.infer<typeof lookupPatchSchema>;

/**
 * `Intl.supportedValuesOf` lists canonical IANA zones only and leaves out `UTC` itself, which
 * every runtime accepts and which is the default of a new tenant.
 */
export function isSupportedTimeZone(zone: string): boolean {
  return zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone);
}

const hasWordCharacter = (value: string) => /[\p{L}\p{N}]/u.test(value);

/** What `PUT /api/bot/settings` accepts: the settings, with a time zone the runtime knows. */
export const botSettingsBodySchema = botSettingsSchema.superRefine((settings, ctx) => {
  if (!isSupportedTimeZone(settings.timezone)) {
    ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'is not a known IANA time zone (e.g. Europe/Lisbon, America/Sao_Paulo, UTC)' });
  }
  for (const list of ['optOutWords', 'optInWords'] as const) {
    settings[list].forEach((word, index) => {
      // Keywords are compared after punctuation is removed: one made only of symbols could never match.
      if (!hasWordCharacter(word)) ctx.addIssue({ code: 'custom', path: [list, index], message: 'must contain a letter or a digit' });
    });
  }
});
