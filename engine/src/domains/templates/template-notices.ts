import type { TemplateStatus } from '@parley/common';
import type { Notice } from '../notifications/index.js';

/** Meta's rejection reasons (§1.6) in words a marketer can act on. */
const REASONS: Record<string, string> = {
  ABUSIVE_CONTENT: 'WhatsApp found the content abusive.',
  INCORRECT_CATEGORY: 'The category does not fit the content: choose the category WhatsApp suggests.',
  INVALID_FORMAT: 'The format is not valid: check the variables (not at the start or end, not side by side) and their examples.',
  PROMOTIONAL: 'The content is promotional: submit it as a MARKETING template.',
  SCAM: 'WhatsApp suspects the content of being a scam.',
  TAG_CONTENT_MISMATCH: 'The content does not match the category chosen.',
  CATEGORY_NOT_AVAILABLE: 'This category is not available for this account.',
};

/** `other_info.title` of a pause or a disabling (§3.2: repeated negative feedback from customers). */
const PAUSES: Record<string, string> = {
  FIRST_PAUSE: 'Customers gave repeated negative feedback: WhatsApp paused it for about 3 hours.',
  SECOND_PAUSE: 'Customers kept giving negative feedback: WhatsApp paused it again, for about 6 hours.',
  RATE_LIMITING_PAUSE: 'WhatsApp paused it for a while to limit how fast it is sent.',
  UNPAUSE: 'WhatsApp lifted the pause.',
  DISABLED: 'After repeated pauses for low quality, WhatsApp disabled it for good.',
};

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const words = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** The reason code and a plain-words explanation of a `message_template_status_update`. */
export function explainStatus(value: Record<string, unknown>): { code: string | null; text: string | null } {
  const reason = words(value.reason);
  const code = reason && reason !== 'NONE' ? reason : null;
  const rejection = record(value.rejection_info);
  const other = record(value.other_info);
  const disable = record(value.disable_info);
  const title = words(other.title);
  const disableDate = typeof disable.disable_date === 'number' || typeof disable.disable_date === 'string' ? String(disable.disable_date) : null;
  const parts = [
    code ? (REASONS[code] ?? `WhatsApp gave the reason ${code}.`) : null,
    words(rejection.reason),
    words(rejection.recommendation) ? `What to do: ${words(rejection.recommendation) ?? ''}` : null,
    title ? (PAUSES[title] ?? title) : null,
    words(other.description),
    disableDate ? `It is disabled from ${formatDate(disableDate)}.` : null,
  ].filter((part): part is string => part !== null);
  return { code: code ?? title, text: parts.length > 0 ? parts.join(' ') : null };
}

function formatDate(raw: string): string {
  const seconds = Number(raw);
  const date = Number.isFinite(seconds) ? new Date(seconds < 1e12 ? seconds * 1000 : seconds) : new Date(raw);
  return Number.isNaN(date.getTime()) ? raw : date.toISOString().slice(0, 10);
}

const STATUS_NOTICES: Partial<Record<TemplateStatus, { title: string; severity: Notice['severity']; fallback: string }>> = {
  REJECTED: { title: 'rejected', severity: 'error', fallback: 'WhatsApp gave no reason. Edit it and submit it again.' },
  PAUSED: { title: 'paused', severity: 'warning', fallback: 'It cannot be sent until WhatsApp lifts the pause; campaigns using it pause too.' },
  DISABLED: { title: 'disabled', severity: 'error', fallback: 'It can no longer be sent. Create a new template instead.' },
};

/** Who must know: everyone who manages templates (marketers and tenant admins). */
const MANAGERS: Notice['to'] = { permission: ['manage', 'Template'] };

export function statusNotice(key: string, template: { id: string; name: string; language: string }, status: TemplateStatus, reasonText: string | null): Notice | null {
  const notice = STATUS_NOTICES[status];
  if (!notice) return null;
  return {
    key,
    kind: `template.${notice.title}`,
    severity: notice.severity,
    title: `Template ${template.name} (${template.language}) was ${notice.title}`,
    body: reasonText ?? notice.fallback,
    link: `/templates?open=${template.id}`,
    to: MANAGERS,
  };
}

export function categoryNotice(key: string, template: { id: string; name: string; language: string }, from: string, to: string): Notice {
  return {
    key,
    kind: 'template.recategorised',
    severity: 'warning',
    title: `WhatsApp moved ${template.name} (${template.language}) to ${to}`,
    body: `It was ${from}. Sends are charged at the ${to} rate from now on, and marketing rules apply if it is MARKETING.`,
    link: `/templates?open=${template.id}`,
    to: MANAGERS,
  };
}
