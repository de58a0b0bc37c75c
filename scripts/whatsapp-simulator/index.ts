import type { Server } from 'node:http';
import { CustomerSimulator } from './customers/customers.js';
import { buildApp } from './server.js';
import { SimContext, type SimulatorOptions } from './state/context.js';

export type { SimulatorOptions } from './state/context.js';
export type { SimContext } from './state/context.js';
export type { SendRecord, InboundRecord, StatusEntry } from './state/records.js';
export type { Delivery, DeliveryAttempt } from './webhooks/emitter.js';
export { DEMO_NUMBER } from './state/settings.js';
export { metaJson, signatureSha256 } from './core/meta-json.js';

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:9090`; the Graph base is `${url}/v23.0/`. */
  url: string;
  state: SimContext;
  customers: CustomerSimulator;
  close(): Promise<void>;
}

/** Starts a WhatsApp Cloud API simulator in-process; `port: 0` picks a free port. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimContext(options);
  const customers = new CustomerSimulator(state);
  const app = buildApp(state, customers);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the simulator is not listening on TCP');
  state.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  if (options.customers) customers.start();
  return {
    url: state.baseUrl,
    state,
    customers,
    close: async () => {
      customers.stop();
      state.emitter.stop();
      state.clock.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
