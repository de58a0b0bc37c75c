import { z } from 'zod';

/** Something a person should know about: a template rejected, a campaign paused or finished. */
export interface NotificationView {
  id: string;
  /** `<domain>.<what>`: `template.rejected`, `campaign.paused`, ... */
  kind: string;
  severity: 'info' | 'success' | 'warning' | 'error';
  title: string;
  body: string;
  /** Path inside the web app to open, or null. */
  link: string | null;
  at: string;
  readAt: string | null;
}

export const notificationListQuerySchema = z
  .object({
    unread: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();
