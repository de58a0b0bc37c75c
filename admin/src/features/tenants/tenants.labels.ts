import type { Plan } from '@parley/common';

export const PLAN_LABELS: Record<Plan, string> = { trial: 'Trial', starter: 'Starter', growth: 'Growth', enterprise: 'Enterprise' };

/** Higher plans stand out more in the list, so the larger accounts are easy to spot. */
export const PLAN_TONES: Record<Plan, 'default' | 'info' | 'success' | 'warning'> = { trial: 'default', starter: 'info', growth: 'success', enterprise: 'warning' };
