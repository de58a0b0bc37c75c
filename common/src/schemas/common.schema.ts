import { z } from 'zod';

/** Ids are MongoDB ObjectIds rendered as 24 hex characters. */
export const idSchema = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id');
export const idParamsSchema = z.object({ id: idSchema }).strict();

export const emailSchema = z.string().trim().toLowerCase().max(254).email('must be a valid email address');

/** Long enough to resist guessing, short enough to stay a password and not a document. */
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters');

export const personNameSchema = z.string().trim().min(1, 'is required').max(120);

export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.string().datetime().optional(),
  })
  .strict();

export const emptyQuerySchema = z.object({}).strict();
export const emptyBodySchema = z.object({}).strict();
