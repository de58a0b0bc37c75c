import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { useAuthStore } from '../features/auth/auth.store';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    title?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/login', name: 'login', component: () => import('../features/auth/views/LoginView.vue'), meta: { public: true, title: 'Sign in' } },
    { path: '/not-admin', name: 'not-admin', component: () => import('../features/auth/views/NotAdminView.vue'), meta: { public: true, title: 'Not a platform admin' } },
    {
      path: '/',
      component: () => import('./shell/AdminShell.vue'),
      children: [
        { path: '', redirect: { name: 'tenants' } },
        { path: 'tenants', name: 'tenants', component: () => import('../features/tenants/views/TenantsView.vue'), meta: { title: 'Tenants' } },
        { path: 'dead-letters', name: 'dead-letters', component: () => import('../features/dead-letters/views/DeadLettersView.vue'), meta: { title: 'Dead letters' } },
        { path: 'audit', name: 'audit', component: () => import('../features/audit/views/PlatformAuditView.vue'), meta: { title: 'Platform audit' } },
        { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./shell/NotFoundView.vue'), meta: { title: 'Not found' } },
      ],
    },
  ],
});

// Every page of the console is for platform admins; there is no finer split yet.
router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
  const auth = useAuthStore();
  await auth.ensureLoaded();
  if (to.name === 'login') return auth.isPlatformAdmin ? { name: 'tenants' } : true;
  if (to.meta.public) return true;
  if (!auth.session) return { name: 'login', query: { redirect: to.fullPath } };
  if (!auth.isPlatformAdmin) return { name: 'not-admin' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Parley Admin` : 'Parley Admin';
});
