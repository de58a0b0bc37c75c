import type { ConsentState, SegmentCondition } from '@parley/common';
import type { StatusLabels } from '../../app/status-labels';

export const CONSENT_LABELS: StatusLabels<ConsentState> = {
  granted: { label: 'Opted in', tone: 'success' },
  revoked: { label: 'Opted out', tone: 'error' },
  unknown: { label: 'Unknown', tone: 'default' },
};

/** Where a consent change came from, in words (the ledger's `source`). */
export const CONSENT_SOURCE_LABELS: Record<string, string> = {
  stop_keyword: 'Customer sent STOP',
  start_keyword: 'Customer sent START',
  stop_button: 'Customer tapped Stop promotions',
  user_preferences: 'WhatsApp marketing preferences',
  import: 'Contact import',
  agent: 'Changed by a team member',
  campaign_error: 'WhatsApp refused a campaign message',
};

export const FIELD_LABELS: Record<SegmentCondition['field'], string> = { tag: 'Tag', consent: 'Consent', country: 'Country', attribute: 'Attribute' };

export const OP_LABELS: Record<string, string> = {
  has: 'has',
  has_not: 'has not',
  is: 'is',
  is_not: 'is not',
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
};

export const OPS_BY_FIELD: Record<SegmentCondition['field'], string[]> = {
  tag: ['has', 'has_not'],
  consent: ['is', 'is_not'],
  country: ['is', 'is_not'],
  attribute: ['equals', 'not_equals', 'contains', 'exists', 'not_exists'],
};

/** What each field of an import can be filled from, in mapping order. */
export const MAPPING_FIELDS = [
  { key: 'phone', label: 'Phone number', hint: 'Required. National numbers use the default country.' },
  { key: 'name', label: 'Name', hint: '' },
  { key: 'email', label: 'Email', hint: '' },
  { key: 'tags', label: 'Tags', hint: 'Several in one cell, separated by , ; or |' },
  { key: 'consentStatus', label: 'Consent status', hint: 'granted / revoked / unknown (yes/no, opt-in/opt-out)' },
  { key: 'consentSource', label: 'Consent source', hint: 'Where they agreed: a form, a store…' },
  { key: 'consentTime', label: 'Consent time', hint: '2024-05-31 or 2024-05-31T14:00:00Z' },
] as const;
export type MappingFieldKey = (typeof MAPPING_FIELDS)[number]['key'];
