import type { AuditAction } from '@parley/common';

/** "user.roles_changed" → "User roles changed": readable without a table to keep in step with common. */
export function actionLabel(action: AuditAction): string {
  const text = action.replace(/[._]/g, ' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** Colours that let the eye find what went wrong or was taken away. */
export function actionTone(action: AuditAction): 'error' | 'warning' | 'success' | 'default' {
  if (action === 'auth.login_blocked' || action === 'auth.login_failed') return 'error';
  if (action.endsWith('deactivated') || action.endsWith('suspended') || action.endsWith('revoked')) return 'warning';
  if (action.endsWith('created') || action.endsWith('accepted') || action.endsWith('reactivated')) return 'success';
  return 'default';
}
