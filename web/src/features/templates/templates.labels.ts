import type { TemplateQuality, TemplateStatus } from '@parley/common';
import type { StatusLabels } from '../../app/status-labels';

export const STATUS_LABELS: StatusLabels<TemplateStatus, { hint: string }> = {
  DRAFT: { label: 'Draft', tone: 'default', hint: 'Kept in Parley only; WhatsApp has not seen it yet.' },
  PENDING: { label: 'In review', tone: 'info', hint: 'WhatsApp is reviewing it: usually minutes, at most 24 hours.' },
  APPROVED: { label: 'Approved', tone: 'success', hint: 'Ready to send.' },
  REJECTED: { label: 'Rejected', tone: 'error', hint: 'Edit it and submit it again.' },
  PAUSED: { label: 'Paused', tone: 'warning', hint: 'Customers reacted badly: it cannot be sent for a few hours.' },
  DISABLED: { label: 'Disabled', tone: 'error', hint: 'It can no longer be sent.' },
  IN_APPEAL: { label: 'In appeal', tone: 'info', hint: 'WhatsApp is reconsidering its decision.' },
  FLAGGED: { label: 'Flagged', tone: 'warning', hint: 'Its quality is low: it may be paused or disabled soon.' },
  LOCKED: { label: 'Locked', tone: 'warning', hint: 'It cannot be edited for now.' },
  ARCHIVED: { label: 'Archived', tone: 'default', hint: 'Unused for a long time: it cannot be sent.' },
  PENDING_DELETION: { label: 'Being deleted', tone: 'default', hint: 'WhatsApp is deleting it.' },
  LIMIT_EXCEEDED: { label: 'Over the limit', tone: 'error', hint: 'The account holds too many templates.' },
};

export const QUALITY_LABELS: StatusLabels<TemplateQuality> = {
  GREEN: { label: 'High', tone: 'success' },
  YELLOW: { label: 'Medium', tone: 'warning' },
  RED: { label: 'Low', tone: 'error' },
  UNKNOWN: { label: 'Not rated', tone: 'default' },
};

/** Languages most tenants write in; any WhatsApp code can still be typed. */
export const COMMON_LANGUAGES = ['en', 'en_US', 'en_GB', 'es', 'es_MX', 'pt_BR', 'fr', 'de', 'it', 'hi', 'ar'];
