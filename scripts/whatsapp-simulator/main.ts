import { loadOptions } from './config.js';
import { createSimulator } from './index.js';
import type { SimulatorOptions } from './state/context.js';

function readOptions(): SimulatorOptions {
  try {
    return loadOptions(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

const options = readOptions();
const simulator = await createSimulator({
  ...options,
  log: (line) => console.error(`[wa-sim] ${line}`),
});

const shown = simulator.url.replace('0.0.0.0', 'localhost');
for (const number of simulator.state.numbers.list()) {
  const { phoneNumberId, wabaId, displayPhoneNumber, webhookUrl } = number.config;
  console.log(`[wa-sim] number ${displayPhoneNumber} phone_number_id=${phoneNumberId} waba=${wabaId} -> ${webhookUrl ?? '(no webhook)'}`);
}
console.log(`[wa-sim] Graph API at ${shown}/v23.0/ · control API at ${shown}/__sim/ · seed ${options.seed ?? ''}`);
if (options.customers) console.log('[wa-sim] simulated customers are on');

const shutdown = () => {
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('[wa-sim] shutdown failed', error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
