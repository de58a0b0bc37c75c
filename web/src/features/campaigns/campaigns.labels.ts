import type { CampaignCounters, CampaignStatus, PauseReason, RecipientStatus, SkipReason } from '@parley/common';
import type { StatusLabels } from '../../app/status-labels';

export const CAMPAIGN_STATUS_LABELS: StatusLabels<CampaignStatus> = {
  draft: { label: 'Draft', tone: 'default' },
  scheduled: { label: 'Scheduled', tone: 'info' },
  running: { label: 'Sending', tone: 'primary' },
  paused: { label: 'Paused', tone: 'warning' },
  completed: { label: 'Completed', tone: 'success' },
  cancelled: { label: 'Cancelled', tone: 'default' },
  failed: { label: 'Failed', tone: 'error' },
};

/** Why a campaign stopped by itself, in the words a marketer acts on. */
export const PAUSE_REASON_LABELS: Record<PauseReason, string> = {
  manual: 'Paused by a person.',
  quality: 'Paused because WhatsApp lowered the quality rating of the number. Sending more now could get it restricted.',
  template: 'Paused because WhatsApp paused or disabled the template.',
  error_rate: 'Paused because too many messages failed in a row.',
  budget: 'Paused because the next messages would pass the budget cap.',
  tier: 'Paused because the number reached its daily limit of new customers (its messaging tier).',
  suspended: 'Paused because the workspace was suspended. Resume it once the workspace is active again.',
};

export const RECIPIENT_STATUS_LABELS: StatusLabels<RecipientStatus> = {
  queued: { label: 'Queued', tone: 'default' },
  sending: { label: 'Sending', tone: 'info' },
  sent: { label: 'Sent', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'primary' },
  read: { label: 'Read', tone: 'success' },
  failed: { label: 'Failed', tone: 'error' },
  skipped: { label: 'Skipped', tone: 'warning' },
};

export const TIMELINE_LABELS: Record<RecipientStatus | 'replied' | 'opted_out', string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Accepted by WhatsApp',
  delivered: 'Delivered to the phone',
  read: 'Read',
  failed: 'Failed',
  skipped: 'Skipped',
  replied: 'Replied',
  opted_out: 'Opted out of marketing',
};

const SKIP_REASON_LABELS: Record<SkipReason, string> = {
  no_consent: 'No marketing consent',
  opted_out: 'Opted out of marketing',
  invalid_phone: 'Not a valid phone number',
  duplicate: 'Same number twice in the audience',
  unreachable: 'Not on WhatsApp',
  budget: 'Budget cap reached',
  tier_limit: 'Messaging limit of the number reached',
  cancelled: 'Campaign cancelled before sending',
  missing_value: 'No value for a template variable (and no fallback)',
};

function isSkipReason(reason: string): reason is SkipReason {
  return reason in SKIP_REASON_LABELS;
}

/** Skip reasons are codes; failure reasons already come in words from the engine. */
export function reasonLabel(reason: string | null): string {
  if (!reason) return '—';
  return isSkipReason(reason) ? SKIP_REASON_LABELS[reason] : reason;
}

/** Campaigns whose numbers still move. */
export const LIVE_STATUSES: readonly CampaignStatus[] = ['scheduled', 'running', 'paused'];

export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: amount < 1 ? 4 : 2 }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.round((part / whole) * 1000) / 10) : 0;
}

/** Recipients the campaign is done with, whatever became of them: everyone no longer waiting to be sent. */
export function processedOf(counters: CampaignCounters): number {
  return Math.max(0, counters.total - counters.queued);
}
