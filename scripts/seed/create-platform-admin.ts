/**
 * Creates (or resets) a platform admin: `npm run create-admin -- admin@example.com "Ada Lovelace"`.
 * The password comes from PARLEY_ADMIN_PASSWORD, or a strong one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { createEngine, ensureAccount, loadConfig, PRODUCTION_COST } from '@parley/engine';
import { emailSchema, passwordSchema } from '@parley/common';

async function main(): Promise<void> {
  const [emailArg, ...nameParts] = process.argv.slice(2);
  const email = emailSchema.safeParse(emailArg);
  if (!email.success) throw new Error('Usage: npm run create-admin -- <email> [name]   (the email is not valid)');
  const generated = !process.env.PARLEY_ADMIN_PASSWORD;
  const password = passwordSchema.safeParse(process.env.PARLEY_ADMIN_PASSWORD ?? randomBytes(18).toString('base64url'));
  if (!password.success) throw new Error(`PARLEY_ADMIN_PASSWORD ${password.error.issues[0]?.message ?? 'is not valid'}`);
  const engine = await createEngine(loadConfig());
  try {
    await ensureAccount(engine.db, { email: email.data, name: nameParts.join(' ') || 'Platform admin', password: password.data, platformRole: 'platform_admin' }, PRODUCTION_COST);
    console.log(`Platform admin ${email.data} is ready${generated ? `; password: ${password.data}` : ''}`);
  } finally {
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
