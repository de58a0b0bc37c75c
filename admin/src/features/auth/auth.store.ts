import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import { abilityFromRules, type AppAbility, type LoginBody, type SessionView } from '@parley/common';
import { isApiError } from '@web/app/http';
import { authApi } from './auth.api';

/** Raised when the credentials are right but the account does not run the platform. */
export class NotPlatformAdminError extends Error {
  override readonly name = 'NotPlatformAdminError';
}

export const useAuthStore = defineStore('auth', () => {
  const session = ref<SessionView | null>(null);
  const ability = shallowRef<AppAbility>(abilityFromRules([]));
  const loading = reactive({ login: false, logout: false });
  let firstLoad: Promise<void> | null = null;

  const isPlatformAdmin = computed(() => ability.value.can('manage', 'Tenant'));

  function setSession(next: SessionView | null): void {
    session.value = next;
    ability.value = abilityFromRules(next?.rules ?? []);
  }

  async function load(): Promise<void> {
    try {
      setSession(await authApi.me());
    } catch (error) {
      if (!isApiError(error, 'UNAUTHENTICATED')) throw error;
      setSession(null);
    }
  }

  function ensureLoaded(): Promise<void> {
    firstLoad ??= load().catch(() => setSession(null));
    return firstLoad;
  }

  /**
   * Signs in, and out again at once when the account is not a platform admin: the console must not
   * leave behind a session the person did not come here to open.
   */
  async function login(body: LoginBody): Promise<void> {
    loading.login = true;
    try {
      const next = await authApi.login(body);
      if (!abilityFromRules(next.rules).can('manage', 'Tenant')) {
        await authApi.logout();
        throw new NotPlatformAdminError('not a platform admin');
      }
      setSession(next);
    } finally {
      loading.login = false;
    }
  }

  async function logout(): Promise<void> {
    loading.logout = true;
    try {
      await authApi.logout();
    } finally {
      loading.logout = false;
    }
    // A full load drops every store of the session that just ended.
    window.location.assign(`${import.meta.env.BASE_URL}login?reason=LOGGED_OUT`);
  }

  function signedOut(): void {
    if (!session.value) return;
    setSession(null);
    window.location.assign(`${import.meta.env.BASE_URL}login?reason=EXPIRED`);
  }

  return { session, ability, loading, isPlatformAdmin, setSession, load, ensureLoaded, login, logout, signedOut };
});
