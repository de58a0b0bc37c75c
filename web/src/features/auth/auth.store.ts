import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import { abilityFromRules, queuesForRoles, type Action, type AppAbility, type LoginBody, type SessionView, type Subject } from '@parley/common';
import { isApiError } from '../../app/http';
import { authApi } from './auth.api';

/** Why the login page is shown instead of the app; each has its own sentence there. */
export type SignedOutReason = 'DEACTIVATED' | 'TENANT_SUSPENDED' | 'LOGGED_OUT' | 'EXPIRED';

/**
 * Leaves the single-page app for a fresh load of `path`. Signing out or switching tenant this way
 * drops every store and the socket of the previous session at once, so nothing of one tenant can
 * linger on screens opened in another.
 */
function reloadAt(path: string): void {
  window.location.assign(path);
}

export const useAuthStore = defineStore('auth', () => {
  const session = ref<SessionView | null>(null);
  // Replaced, never mutated: consumers re-evaluate `can()` when a new ability arrives.
  const ability = shallowRef<AppAbility>(abilityFromRules([]));
  const loaded = ref(false);
  const loading = reactive({ me: false, login: false, logout: false, switchTenant: false });
  let firstLoad: Promise<void> | null = null;
  // The server says why a session ended, then drops the socket, which sends a second, vaguer reason.
  let ending = false;

  const tenant = computed(() => session.value?.tenant ?? null);
  const roles = computed(() => tenant.value?.roles ?? []);
  const queues = computed(() => queuesForRoles(roles.value));

  function setSession(next: SessionView | null): void {
    session.value = next;
    ability.value = abilityFromRules(next?.rules ?? []);
  }

  function can(action: Action, subject: Subject): boolean {
    return ability.value.can(action, subject);
  }

  async function load(): Promise<void> {
    loading.me = true;
    try {
      setSession(await authApi.me());
    } catch (error) {
      if (!isApiError(error, 'UNAUTHENTICATED')) throw error;
      setSession(null);
    } finally {
      loaded.value = true;
      loading.me = false;
    }
  }

  /** The first navigation waits for this; later ones reuse the answer. */
  function ensureLoaded(): Promise<void> {
    firstLoad ??= load().catch(() => setSession(null));
    return firstLoad;
  }

  async function login(body: LoginBody): Promise<void> {
    loading.login = true;
    try {
      setSession(await authApi.login(body));
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
    reloadAt('/login?reason=LOGGED_OUT');
  }

  async function switchTenant(tenantId: string): Promise<void> {
    loading.switchTenant = true;
    try {
      await authApi.switchTenant(tenantId);
    } finally {
      loading.switchTenant = false;
    }
    reloadAt('/');
  }

  /** The server ended the session (deactivated, tenant suspended, signed out elsewhere). */
  function signedOut(reason: SignedOutReason): void {
    if (ending) return;
    ending = true;
    setSession(null);
    reloadAt(`/login?reason=${reason}`);
  }

  return { session, ability, loaded, loading, tenant, roles, queues, can, setSession, load, ensureLoaded, login, logout, switchTenant, signedOut };
});
