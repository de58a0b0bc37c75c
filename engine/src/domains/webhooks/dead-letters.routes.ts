import { deadLetterParamsSchema } from '@parley/common';
import { actorOf } from '../../platform/http/context.js';
import { platformRoute, type RouteSpec } from '../../platform/http/route.js';
import type { DeadLettersService } from './dead-letters.service.js';

export function deadLettersRoutes(deadLetters: DeadLettersService): RouteSpec[] {
  return [
    platformRoute({ method: 'get', path: '/api/admin/dead-letters', can: ['read', 'DeadLetter'], handler: () => deadLetters.list() }),
    platformRoute({
      method: 'post',
      path: '/api/admin/dead-letters/:id/retry',
      can: ['update', 'DeadLetter'],
      params: deadLetterParamsSchema,
      handler: async (ctx) => {
        await deadLetters.retry(ctx.params.id, actorOf(ctx));
        return { retried: true };
      },
    }),
    platformRoute({
      method: 'post',
      path: '/api/admin/dead-letters/:id/discard',
      can: ['delete', 'DeadLetter'],
      params: deadLetterParamsSchema,
      handler: async (ctx) => {
        await deadLetters.discard(ctx.params.id, actorOf(ctx));
        return { discarded: true };
      },
    }),
  ];
}
