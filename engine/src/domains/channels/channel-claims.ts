import type { Model } from 'mongoose';
import { AppError, isDuplicateKeyError } from '../../platform/errors/app-error.js';
import type { ChannelRouteDoc, WabaClaimDoc } from './channels.model.js';

/**
 * The platform's claims on WhatsApp ids: a phone number id (the route's `_id`) and a WABA id (its
 * claim's `_id`) each belong to at most one tenant. Both are unique inserts, the one primitive
 * that is atomic on FerretDB and MongoDB alike. A refusal never says which tenant holds the id.
 */
export class ChannelClaims {
  constructor(
    private readonly routes: Model<ChannelRouteDoc>,
    private readonly wabas: Model<WabaClaimDoc>,
  ) {}

  /** Claims the account (unless this tenant holds it already) and then the number, or neither. */
  async claim(tenantId: string, phoneNumberId: string, wabaId: string): Promise<void> {
    const freshAccount = await this.claimAccount(tenantId, wabaId);
    try {
      await this.routes.create({ _id: phoneNumberId, tenantId, wabaId, createdAt: new Date() });
    } catch (error) {
      if (freshAccount) await this.wabas.deleteOne({ _id: wabaId, tenantId });
      if (!isDuplicateKeyError(error)) throw error;
      throw new AppError('CONFLICT', 'This phone number id is already connected', { fields: [{ field: 'body.phoneNumberId', message: 'is already connected' }] });
    }
  }

  /** Lets the number go, and the account with its last number of this tenant. */
  async release(tenantId: string, phoneNumberId: string, wabaId: string): Promise<void> {
    await this.routes.deleteOne({ _id: phoneNumberId, tenantId });
    const sibling = await this.routes.findOne({ wabaId, tenantId }, { _id: 1 }).lean();
    if (!sibling) await this.wabas.deleteOne({ _id: wabaId, tenantId });
  }

  /** A number of the account's holder (template and account webhooks name only the account). */
  async numberOf(wabaId: string): Promise<string | null> {
    const holder = await this.wabas.findById(wabaId).lean();
    // Routes made before accounts were claimed have no claim: any of them (see `claimAccount`).
    const route = await this.routes.findOne(holder ? { wabaId, tenantId: holder.tenantId } : { wabaId }, { _id: 1 }).lean();
    return route?._id ?? null;
  }

  /** True when this call made the claim (and so undoes it if the number cannot be claimed). */
  private async claimAccount(tenantId: string, wabaId: string): Promise<boolean> {
    try {
      await this.wabas.create({ _id: wabaId, tenantId, createdAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const holder = await this.wabas.findById(wabaId, { tenantId: 1 }).lean();
      if (holder?.tenantId === tenantId) return false;
      throw accountTaken();
    }
    // A tenant routed to this account before claims existed keeps it: the claim becomes theirs.
    const earlier = await this.routes.findOne({ wabaId, tenantId: { $ne: tenantId } }, { tenantId: 1 }).lean();
    if (earlier) {
      await this.wabas.replaceOne({ _id: wabaId }, { tenantId: earlier.tenantId, createdAt: new Date() });
      throw accountTaken();
    }
    return true;
  }
}

function accountTaken(): AppError {
  return new AppError('CONFLICT', 'This WhatsApp Business Account is already connected', { fields: [{ field: 'body.wabaId', message: 'is already connected' }] });
}
