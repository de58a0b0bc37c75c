import type { Model } from 'mongoose';
import type { ChannelView, ConnectChannelBody } from '@parley/common';
import type { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { decryptSecret, encryptSecret } from '../../platform/crypto/secrets.js';
import type { GraphUrlPolicy } from '../../platform/whatsapp/graph-url.js';
import type { AuditService } from '../audit/index.js';
import { channelRouteSchema, channelSchema, wabaClaimSchema, type ChannelDoc, type ChannelRouteDoc } from './channels.model.js';
import { ChannelClaims } from './channel-claims.js';
import { ChannelCache } from './channel-cache.js';
import { isWhatsAppId } from '../../platform/whatsapp/webhook-payload.js';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com/v24.0';

/** A channel with its secrets opened, for the webhook intake and the Graph client only. */
export interface OpenChannel {
  tenantId: string;
  phoneNumberId: string;
  wabaId: string;
  graphBaseUrl: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  throughput: number;
}

/** WhatsApp numbers of tenants and the platform routing table from phone number id to tenant. */
export class ChannelsService {
  private readonly routes: Model<ChannelRouteDoc>;
  private readonly channels: (tenantId: string) => Model<ChannelDoc>;
  private readonly claims: ChannelClaims;
  /** Bounded: webhooks naming made-up ids are looked up before any signature can be checked. */
  readonly cache = new ChannelCache();

  constructor(
    db: Database,
    private readonly key: Buffer,
    private readonly audit: AuditService,
    private readonly graphUrls: GraphUrlPolicy,
  ) {
    this.routes = db.definePlatformModel('ChannelRoute', channelRouteSchema);
    this.channels = db.defineTenantModel('Channel', channelSchema);
    this.claims = new ChannelClaims(this.routes, db.definePlatformModel('WabaClaim', wabaClaimSchema));
  }

  async list(tenantId: string): Promise<ChannelView[]> {
    const docs = await this.channels(tenantId).find().sort({ connectedAt: 1 }).lean();
    return docs.map(toView);
  }

  async connect(tenantId: string, body: ConnectChannelBody, actor: { id: string; email: string; ip: string | null }): Promise<ChannelView> {
    // Checked before anything is claimed: the engine would send this number's token there.
    const graphBaseUrl = (body.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/$/, '');
    const urlProblem = this.graphUrls.problemWithBase(graphBaseUrl);
    if (urlProblem) throw AppError.validation([{ field: 'body.graphBaseUrl', message: urlProblem }]);
    // Whether the number or account belongs to this tenant or another, a refusal does not say which.
    await this.claims.claim(tenantId, body.phoneNumberId, body.wabaId);
    const doc: ChannelDoc = {
      _id: body.phoneNumberId,
      phoneNumberId: body.phoneNumberId,
      wabaId: body.wabaId,
      displayPhoneNumber: body.displayPhoneNumber,
      graphBaseUrl,
      accessTokenSealed: encryptSecret(body.accessToken, this.key),
      appSecretSealed: encryptSecret(body.appSecret, this.key),
      verifyTokenSealed: encryptSecret(body.verifyToken, this.key),
      qualityRating: 'UNKNOWN',
      messagingTier: 'TIER_250',
      throughput: 80,
      connectedAt: new Date(),
    };
    try {
      await this.channels(tenantId).create(doc);
    } catch (error) {
      await this.claims.release(tenantId, body.phoneNumberId, body.wabaId);
      throw error;
    }
    this.cache.delete(body.phoneNumberId);
    await this.audit.recordTenant(tenantId, {
      action: 'channel.connected',
      actor: { id: actor.id, email: actor.email },
      target: { type: 'channel', id: body.phoneNumberId, label: body.displayPhoneNumber },
      ip: actor.ip,
    });
    return toView(doc);
  }

  async disconnect(tenantId: string, phoneNumberId: string, actor: { id: string; email: string; ip: string | null }): Promise<void> {
    const doc = await this.channels(tenantId).findById(phoneNumberId).lean();
    if (!doc) throw AppError.notFound('Channel');
    await this.channels(tenantId).deleteOne({ _id: phoneNumberId });
    await this.claims.release(tenantId, phoneNumberId, doc.wabaId);
    this.cache.delete(phoneNumberId);
    await this.audit.recordTenant(tenantId, {
      action: 'channel.disconnected',
      actor: { id: actor.id, email: actor.email },
      target: { type: 'channel', id: phoneNumberId, label: doc.displayPhoneNumber },
      ip: actor.ip,
    });
  }

  /**
   * Resolves a webhook's phone number id to its tenant and opened secrets (cached 30 s). An id
   * that is not one Meta could have issued is not looked up, nor remembered.
   */
  async byPhoneNumberId(phoneNumberId: string): Promise<OpenChannel | null> {
    if (!isWhatsAppId(phoneNumberId)) return null;
    const cached = this.cache.get(phoneNumberId);
    if (cached !== undefined) return cached;
    const route = await this.routes.findById(phoneNumberId).lean();
    const doc = route ? await this.channels(route.tenantId).findById(phoneNumberId).lean() : null;
    const channel = route && doc ? this.open(route.tenantId, doc) : null;
    this.cache.set(phoneNumberId, channel);
    return channel;
  }

  /**
   * A number of this tenant, for sending: the route names the tenant that holds the number now,
   * so a conversation left from a number the tenant gave up never sends through its new holder.
   */
  async ofTenant(tenantId: string, phoneNumberId: string): Promise<OpenChannel | null> {
    const channel = await this.byPhoneNumberId(phoneNumberId);
    return channel?.tenantId === tenantId ? channel : null;
  }

  /** Template and account events name the WhatsApp Business Account, not a number. */
  async byWabaId(wabaId: string): Promise<OpenChannel | null> {
    if (!isWhatsAppId(wabaId)) return null;
    let phoneNumberId = this.cache.wabaNumber(wabaId);
    if (phoneNumberId === undefined) {
      phoneNumberId = await this.claims.numberOf(wabaId);
      this.cache.setWabaNumber(wabaId, phoneNumberId);
    }
    return phoneNumberId ? this.byPhoneNumberId(phoneNumberId) : null;
  }

  /**
   * `phone_number_quality_update` names its number only by `display_phone_number` (digits), with
   * no metadata. Without those digits, a WABA with a single number of this tenant is that number.
   */
  async phoneNumberIdOf(tenantId: string, wabaId: string, displayPhoneNumber: unknown): Promise<string | null> {
    const docs = await this.channels(tenantId).find({ wabaId }, { displayPhoneNumber: 1 }).lean();
    const digits = typeof displayPhoneNumber === 'string' ? displayPhoneNumber.replace(/\D/g, '') : '';
    if (!digits) return docs.length === 1 ? (docs[0]?._id ?? null) : null;
    return docs.find((doc) => doc.displayPhoneNumber.replace(/\D/g, '') === digits)?._id ?? null;
  }

  /** The tenant's channels with secrets opened (a tenant has few numbers). */
  async openAll(tenantId: string): Promise<OpenChannel[]> {
    const docs = await this.channels(tenantId).find().lean();
    return docs.map((doc) => this.open(tenantId, doc));
  }

  /** Every verify token a GET handshake may present, across all tenants. */
  async verifyTokens(): Promise<string[]> {
    const routes = await this.routes.find().lean();
    const channels = await Promise.all(routes.map((route) => this.byPhoneNumberId(route._id)));
    return channels.flatMap((channel) => (channel ? [channel.verifyToken] : []));
  }

  async updateHealth(tenantId: string, phoneNumberId: string, health: Partial<Pick<ChannelDoc, 'qualityRating' | 'messagingTier' | 'throughput'>>): Promise<void> {
    await this.channels(tenantId).updateOne({ _id: phoneNumberId }, { $set: health });
    this.cache.delete(phoneNumberId);
  }

  private open(tenantId: string, doc: ChannelDoc): OpenChannel {
    return {
      tenantId,
      phoneNumberId: doc.phoneNumberId,
      wabaId: doc.wabaId,
      graphBaseUrl: doc.graphBaseUrl,
      accessToken: decryptSecret(doc.accessTokenSealed, this.key),
      appSecret: decryptSecret(doc.appSecretSealed, this.key),
      verifyToken: decryptSecret(doc.verifyTokenSealed, this.key),
      throughput: doc.throughput,
    };
  }
}

function toView(doc: ChannelDoc): ChannelView {
  return {
    id: doc._id,
    phoneNumberId: doc.phoneNumberId,
    wabaId: doc.wabaId,
    displayPhoneNumber: doc.displayPhoneNumber,
    graphBaseUrl: doc.graphBaseUrl,
    qualityRating: doc.qualityRating,
    messagingTier: doc.messagingTier,
    throughput: doc.throughput,
    connectedAt: doc.connectedAt.toISOString(),
    hasAccessToken: Boolean(doc.accessTokenSealed),
    hasAppSecret: Boolean(doc.appSecretSealed),
  };
}
