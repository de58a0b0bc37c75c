import express, { type Router } from 'express';
import { authorize } from './route.js';

export interface Readiness {
  name: string;
  check(): Promise<void>;
}

/** Liveness says the process runs; readiness says it can serve (database and Redis answer). */
export function probesRouter(checks: Readiness[]): Router {
  const router = express.Router();
  router.get('/healthz', authorize({ kind: 'public' }), (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', authorize({ kind: 'public' }), async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((result) => result.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: results });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}
