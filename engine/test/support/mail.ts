import type { TestEngine } from './harness.js';
import { tokenOf } from './api-client.js';

type MailKind = 'invitation' | 'password_reset';

/**
 * The token of the latest mail of a kind to an address. Reset mails are written after the request
 * is answered (so its timing says nothing about the account), hence the short wait.
 */
export async function tokenMailedTo(t: TestEngine, to: string, kind: MailKind, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = await t.engine.services.mailer.latestTo(to, kind);
    const link = /\S+\/(reset-password|invite)\/\S+/.exec(mail?.text ?? '')?.[0];
    if (link) return tokenOf(link);
    if (Date.now() > deadline) throw new Error(`no ${kind} mail to ${to} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
