import { z } from 'zod';

const mediaPart = z.looseObject({
  id: z.string().optional(),
  caption: z.string().optional(),
  mime_type: z.string().optional(),
  filename: z.string().optional(),
  /** Bytes of the file, base64; a placeholder is stored when absent so the media id is fetchable. */
  contentBase64: z.string().optional(),
});

/** Type-specific payloads of §1.4, loosely checked: tests may need odd shapes on purpose. */
export const INBOUND_PAYLOADS: Record<string, z.ZodType | null> = {
  text: z.looseObject({ body: z.string() }),
  image: mediaPart,
  video: mediaPart,
  audio: mediaPart.extend({ voice: z.boolean().optional() }),
  document: mediaPart,
  sticker: mediaPart.extend({ animated: z.boolean().optional() }),
  location: z.looseObject({ latitude: z.union([z.number(), z.string()]), longitude: z.union([z.number(), z.string()]) }),
  reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string().optional() }),
  contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: z.string() }) })).min(1),
  interactive: z.union([
    z.looseObject({ type: z.literal('button_reply'), button_reply: z.looseObject({ id: z.string(), title: z.string() }) }),
    z.looseObject({ type: z.literal('list_reply'), list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }) }),
    z.looseObject({ type: z.literal('nfm_reply'), nfm_reply: z.looseObject({ response_json: z.string() }) }),
    z.looseObject({ type: z.literal('call_permission_reply'), call_permission_reply: z.looseObject({}) }),
  ]),
  button: z.looseObject({ text: z.string(), payload: z.string() }),
  order: z.looseObject({ catalog_id: z.string(), product_items: z.array(z.looseObject({ product_retailer_id: z.string() })).min(1) }),
  system: z.looseObject({ body: z.string(), type: z.string() }),
  unsupported: z.looseObject({ type: z.string() }).optional(),
  request_welcome: null,
};

export const inboundSchema = z
  .looseObject({
    phoneNumberId: z.string().optional(),
    /** The user's wa_id (digits; "+" and spaces are stripped). */
    from: z.string().optional(),
    /** A fixed business-scoped user id; alone (no `from`) it makes a username user without wa_id. */
    userId: z.string().regex(/^[A-Z]{2}\.[A-Za-z0-9.]+$/).optional(),
    /** A username user: no wa_id and no `from` in the webhook, only `user_id`/`from_user_id`. */
    username: z.boolean().default(false),
    name: z.string().min(1).optional(),
    type: z.string().default('text'),
    context: z.looseObject({ id: z.string().min(1) }).optional(),
    /** Quote the last message the business sent this user (what a tap on a button does). */
    replyToLast: z.boolean().default(false),
    /** Click-to-WhatsApp ad data; with `source_type: "ad"` it opens a 72 h free entry point. */
    referral: z.looseObject({ source_type: z.string() }).optional(),
    /** Unix seconds; defaults to the virtual now. */
    timestamp: z.number().int().positive().optional(),
  })
  .refine((body) => !(body.username && body.from), 'a username user has no phone number: give userId or name, not from')
  .refine((body) => body.from !== undefined || body.userId !== undefined || body.username, 'from (a wa_id) or userId is required');
export type InboundRequest = z.infer<typeof inboundSchema>;
