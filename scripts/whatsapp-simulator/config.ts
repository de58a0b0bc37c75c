import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SimulatorOptions } from './state/context.js';
import { chaosSchema, DEMO_NUMBER, numberConfigSchema, settingsSchema, type NumberConfig } from './state/settings.js';

export const DEFAULT_WEBHOOK_URL = 'http://localhost:8080/webhooks/whatsapp';

const envSchema = z.object({
  WA_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
  WA_SIM_HOST: z.string().min(1).default('0.0.0.0'),
  WA_SIM_WEBHOOK_URL: z.url().default(DEFAULT_WEBHOOK_URL),
  WA_SIM_SEED: z.string().min(1).default('parley'),
  WA_SIM_CUSTOMERS: z.enum(['0', '1', 'true', 'false']).default('0').transform((value) => value === '1' || value === 'true'),
  WA_SIM_CONFIG: z.string().min(1).optional(),
});

/** `WA_SIM_CONFIG` file: numbers (each may omit `webhookUrl`), settings and chaos. */
const fileSchema = z.object({
  numbers: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
  settings: settingsSchema.partial().optional(),
  chaos: chaosSchema.partial().optional(),
  clock: z.object({ speed: z.number().positive().optional() }).optional(),
});

function describe(error: z.ZodError, source: string): string {
  return error.issues.map((issue) => `  ${source}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`).join('\n');
}

/** Reads the environment once, listing every bad variable at the same time. */
export function loadOptions(env: NodeJS.ProcessEnv): SimulatorOptions {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new Error(`Invalid simulator environment:\n${describe(parsedEnv.error, 'env')}`);
  const vars = parsedEnv.data;
  let file: z.infer<typeof fileSchema> = {};
  if (vars.WA_SIM_CONFIG) {
    const parsedFile = fileSchema.safeParse(JSON.parse(readFileSync(vars.WA_SIM_CONFIG, 'utf8')));
    if (!parsedFile.success) throw new Error(`Invalid ${vars.WA_SIM_CONFIG}:\n${describe(parsedFile.error, 'config')}`);
    file = parsedFile.data;
  }
  return {
    port: vars.WA_SIM_PORT,
    host: vars.WA_SIM_HOST,
    seed: vars.WA_SIM_SEED,
    webhookUrl: vars.WA_SIM_WEBHOOK_URL,
    numbers: parseNumbers(file.numbers, vars.WA_SIM_WEBHOOK_URL),
    ...(file.settings ? { settings: file.settings } : {}),
    ...(file.chaos ? { chaos: file.chaos } : {}),
    ...(file.clock?.speed ? { clock: { speed: file.clock.speed } } : {}),
    customers: vars.WA_SIM_CUSTOMERS,
  };
}

/** Numbers from the file; those without their own callback get `WA_SIM_WEBHOOK_URL`. */
function parseNumbers(numbers: Array<Record<string, unknown>> | undefined, webhookUrl: string): NumberConfig[] {
  if (!numbers) return [numberConfigSchema.parse({ ...DEMO_NUMBER, webhookUrl })];
  const problems: string[] = [];
  const parsed = numbers.flatMap((number, i) => {
    const result = numberConfigSchema.safeParse({ webhookUrl, ...number });
    if (result.success) return [result.data];
    problems.push(describe(result.error, `config.numbers[${i}]`));
    return [];
  });
  if (problems.length > 0) throw new Error(`Invalid numbers in WA_SIM_CONFIG:\n${problems.join('\n')}`);
  return parsed;
}
