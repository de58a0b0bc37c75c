import type { Router } from 'express';
import type { DomainMount, Platform } from '../../platform/domain.js';
import type { RouteSpec } from '../../platform/http/route.js';
import { accountEventHandler } from './account-events.js';
import { deadLettersRoutes } from './dead-letters.routes.js';
import { DeadLettersService } from './dead-letters.service.js';
import type { WebhooksPorts } from './ports.js';
import { webhooksRouter } from './webhooks.routes.js';
import { WebhooksService } from './webhooks.service.js';

export { WebhooksService } from './webhooks.service.js';
export type { ItemHandler } from './item-handlers.js';
export type { IntakePace, WebhookIntakeOptions } from './webhooks.options.js';
export type { AccountEventPorts, ChannelLookup, WebhooksPorts } from './ports.js';
export { DeadLettersService } from './dead-letters.service.js';

/** The webhooks domain: WhatsApp's intake, the processing of what it stored, and dead letters. */
export interface WebhooksDomain extends DomainMount {
  webhooks: WebhooksService;
  deadLetters: DeadLettersService;
  /** The platform admins' dead-letter routes. */
  routes: RouteSpec[];
  /** The WhatsApp webhook endpoint, to mount before the JSON parser: its signature covers the raw bytes. */
  rawRouter: Router;
  /** Retries what a crash or an error left unprocessed, and prunes what is past its retention. */
  sweepTenant(tenantId: string): Promise<void>;
  /** Waits for the items being processed and the marks being cleared. */
  close(): Promise<void>;
}

/** Builds the intake; other domains subscribe to its items (`webhooks.on`, `webhooks.route`). */
export function createWebhooksDomain(platform: Pick<Platform, 'config' | 'logger' | 'db'>, ports: WebhooksPorts): WebhooksDomain {
  const { config, logger, db } = platform;
  const webhooks = new WebhooksService(db, ports.channels, logger, {
    retentionMs: config.webhookRetentionMs,
    itemTimeoutMs: config.webhookItemTimeoutMs,
    abortMarker: config.testWebhookAbortMarker,
  });
  const deadLetters = new DeadLettersService({
    quarantine: webhooks.quarantine,
    audit: ports.audit,
    tenantName: ports.tenantName,
    process: (tenantId, items) => webhooks.processLater(new Map([[tenantId, items]])),
  });
  webhooks.on('event', accountEventHandler({ customers: ports.customers, channels: ports.channels, templates: ports.templates, logger }));
  return {
    webhooks,
    deadLetters,
    routes: deadLettersRoutes(deadLetters),
    rawRouter: webhooksRouter(webhooks),
    async sweepTenant(tenantId) {
      await webhooks.sweep(tenantId, config.webhookRetryAfterMs);
      await webhooks.prune(tenantId, config.webhookRetentionMs);
    },
    close: () => webhooks.idle(),
  };
}
