import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CostEstimate } from '@parley/common';

/**
 * What WhatsApp charges per delivered template, by the recipient's country and the template's
 * category (whatsapp-cloud-api.md §6). Prices are configuration, never code: set
 * CAMPAIGN_RATE_CARD to the JSON of a card, or to the path of a JSON file. The card below is
 * only a default for a dozen markets, in USD, roughly Meta's 2025 list; check it before relying on it.
 */
const rateSchema = z.object({ country: z.string().regex(/^[A-Z]{2}$/), marketing: z.number().min(0), utility: z.number().min(0), authentication: z.number().min(0) }).strict();
const cardSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/),
    rates: z.array(rateSchema),
    /** Countries not in `rates`, and numbers whose country is unknown. */
    fallback: rateSchema.omit({ country: true }),
  })
  .strict();
export type RateCard = z.infer<typeof cardSchema>;
type Rate = RateCard['fallback'];

export const DEFAULT_RATE_CARD: RateCard = {
  currency: 'USD',
  rates: [
    { country: 'BR', marketing: 0.0625, utility: 0.008, authentication: 0.0068 },
    { country: 'MX', marketing: 0.0305, utility: 0.0085, authentication: 0.0085 },
    { country: 'AR', marketing: 0.0618, utility: 0.026, authentication: 0.026 },
    { country: 'CO', marketing: 0.0125, utility: 0.0008, authentication: 0.0008 },
    { country: 'US', marketing: 0.025, utility: 0.004, authentication: 0.0135 },
    { country: 'GB', marketing: 0.0529, utility: 0.022, authentication: 0.0358 },
    { country: 'ES', marketing: 0.0615, utility: 0.02, authentication: 0.0276 },
    { country: 'DE', marketing: 0.1365, utility: 0.055, authentication: 0.0768 },
    { country: 'FR', marketing: 0.1432, utility: 0.03, authentication: 0.0697 },
    { country: 'IT', marketing: 0.0691, utility: 0.03, authentication: 0.0378 },
    { country: 'IN', marketing: 0.0107, utility: 0.0014, authentication: 0.0014 },
    { country: 'ID', marketing: 0.0411, utility: 0.025, authentication: 0.03 },
    { country: 'NG', marketing: 0.0516, utility: 0.0067, authentication: 0.0067 },
    { country: 'ZA', marketing: 0.0379, utility: 0.0076, authentication: 0.0076 },
  ],
  fallback: { marketing: 0.0604, utility: 0.0077, authentication: 0.0224 },
};

/** The card from configuration (JSON text or a file path), or the default; a bad card stops boot. */
export function loadRateCard(source: string | null): RateCard {
  if (!source) return DEFAULT_RATE_CARD;
  const text = source.trim().startsWith('{') ? source : readFileSync(source, 'utf8');
  const parsed = cardSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`CAMPAIGN_RATE_CARD: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function rateOf(card: RateCard, country: string | null, category: string): number {
  const rate: Rate = card.rates.find((r) => r.country === country) ?? card.fallback;
  const key = category.toLowerCase();
  return key === 'utility' ? rate.utility : key === 'authentication' ? rate.authentication : rate.marketing;
}

/** The cost of sending one template to each of these countries (null: unknown country). */
export function estimateCost(card: RateCard, category: string, countries: Map<string | null, number>): CostEstimate {
  const byCountry = [...countries].map(([country, recipients]) => {
    const rate = rateOf(card, country, category);
    return { country: country ?? 'other', recipients, rate, cost: round(rate * recipients) };
  });
  byCountry.sort((a, b) => b.cost - a.cost);
  const recipients = byCountry.reduce((sum, c) => sum + c.recipients, 0);
  return { currency: card.currency, recipients, total: round(byCountry.reduce((sum, c) => sum + c.cost, 0)), byCountry };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
