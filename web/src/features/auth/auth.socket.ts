import type { ServerToClientEvents } from '@parley/common';
import { isApiError } from '../../app/http';
import { useAuthStore, type SignedOutReason } from './auth.store';
import { authApi } from './auth.api';

function endedBy(error: unknown): SignedOutReason | null {
  if (isApiError(error, 'UNAUTHENTICATED')) return 'EXPIRED';
  if (isApiError(error, 'ACCOUNT_DEACTIVATED')) return 'DEACTIVATED';
  if (isApiError(error, 'TENANT_SUSPENDED')) return 'TENANT_SUSPENDED';
  return null;
}

export const authSocket = {
  sessionEnded: ((reason) => useAuthStore().signedOut(reason.code)) satisfies ServerToClientEvents['session:ended'],

  refetch: () => useAuthStore().load(),

  /** Asked when the socket is refused: a session that is gone sends the person to the login page. */
  async stillSignedIn(): Promise<boolean> {
    try {
      useAuthStore().setSession(await authApi.me());
      return true;
    } catch (error) {
      const reason = endedBy(error);
      if (reason) useAuthStore().signedOut(reason);
      // Anything else (the engine restarting, the network) is worth another try.
      return reason === null;
    }
  },
};
