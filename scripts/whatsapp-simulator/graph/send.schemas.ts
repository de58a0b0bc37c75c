import { z } from 'zod';
import { GraphError } from './errors.js';
import { sendTemplateSchema } from '../templates/template-send.js';

/** Turns the first zod issue into the Graph error that names the offending field (§7.2.3). */
export function parseOr<T>(schema: z.ZodType<T>, value: unknown, prefix: string, code = 100): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new GraphError(code, `${path}: ${issue?.message ?? 'invalid value'}`);
}

export const envelopeSchema = z.looseObject({
  messaging_product: z.literal('whatsapp', { error: 'The parameter messaging_product is required and must be "whatsapp".' }),
  recipient_type: z.enum(['individual', 'group']).default('individual'),
  to: z.string().min(1).optional(),
  recipient: z.string().min(1).optional(),
  // Meta treats a send without `type` as text.
  type: z.string().default('text'),
  context: z.looseObject({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z
    .string()
    .refine((value) => Buffer.byteLength(value, 'utf8') <= 512, 'must be at most 512 bytes')
    .optional(),
});
export type SendEnvelope = z.infer<typeof envelopeSchema>;

export const markReadSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});

const textSchema = z.looseObject({
  body: z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters'),
  preview_url: z.boolean().optional(),
});

const mediaSchema = z
  .looseObject({
    link: z.url().optional(),
    id: z.string().min(1).optional(),
    caption: z.string().max(1024, 'must be at most 1024 characters').optional(),
    filename: z.string().optional(),
    voice: z.boolean().optional(),
  })
  .refine((media) => (media.link === undefined) !== (media.id === undefined), 'exactly one of link or id is required');

const coordinate = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);
const locationSchema = z.looseObject({
  latitude: coordinate.pipe(z.number().min(-90).max(90)),
  longitude: coordinate.pipe(z.number().min(-180).max(180)),
  name: z.string().optional(),
  address: z.string().optional(),
});

// An empty emoji removes an earlier reaction.
const reactionSchema = z.looseObject({ message_id: z.string().min(1), emoji: z.string() });

const contactsSchema = z.array(z.looseObject({ name: z.looseObject({ formatted_name: z.string().min(1) }) })).min(1);

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

export const PAYLOAD_SCHEMAS: Record<string, z.ZodType> = {
  text: textSchema,
  image: mediaSchema,
  video: mediaSchema,
  audio: mediaSchema,
  document: mediaSchema,
  sticker: mediaSchema,
  location: locationSchema,
  reaction: reactionSchema,
  contacts: contactsSchema,
  template: sendTemplateSchema,
};
