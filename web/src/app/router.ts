import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import type { Action, Subject } from '@parley/common';
import { useAuthStore } from '../features/auth/auth.store';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Only without a session (a signed-in person is sent to the app instead). */
    guestOnly?: boolean;
    /** The ability check that decides whether the page opens; the sidebar uses the same one. */
    requires?: [Action, Subject];
    title?: string;
    /** The page fills the whole content area (panes with their own scrolling) instead of a centred column. */
    fullBleed?: boolean;
    /** The sidebar entry a page belongs to when it is not an entry itself (a campaign under Campaigns). */
    section?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('../features/auth/views/LoginView.vue'), meta: { public: true, guestOnly: true, title: 'Sign in' } },
    { path: '/forgot-password', name: 'forgot-password', component: () => import('../features/auth/views/ForgotPasswordView.vue'), meta: { public: true, guestOnly: true, title: 'Forgot password' } },
    { path: '/reset-password/:token', name: 'reset-password', component: () => import('../features/auth/views/ResetPasswordView.vue'), meta: { public: true, title: 'Choose a new password' } },
    { path: '/invite/:token', name: 'accept-invitation', component: () => import('../features/users/views/AcceptInvitationView.vue'), meta: { public: true, title: 'Join your team' } },
    {
      path: '/',
      component: () => import('./shell/AppShell.vue'),
      children: [
        { path: '', name: 'overview', component: () => import('../features/auth/views/OverviewView.vue'), meta: { title: 'Overview' } },
        { path: 'inbox/:id?', name: 'inbox', component: () => import('../features/inbox/views/InboxView.vue'), meta: { requires: ['read', 'Conversation'], title: 'Inbox', fullBleed: true } },
        { path: 'monitoring', name: 'monitoring', component: () => import('../features/monitoring/views/MonitoringView.vue'), meta: { requires: ['read', 'Monitoring'], title: 'Monitoring' } },
        { path: 'campaigns', name: 'campaigns', component: () => import('../features/campaigns/views/CampaignsView.vue'), meta: { requires: ['read', 'Campaign'], title: 'Campaigns' } },
        { path: 'campaigns/new', name: 'campaign-new', component: () => import('../features/campaigns/views/CampaignBuilderView.vue'), meta: { requires: ['create', 'Campaign'], title: 'New campaign', section: 'campaigns' } },
        { path: 'campaigns/:id/edit', name: 'campaign-edit', component: () => import('../features/campaigns/views/CampaignBuilderView.vue'), meta: { requires: ['update', 'Campaign'], title: 'Edit campaign', section: 'campaigns' } },
        { path: 'campaigns/:id', name: 'campaign', component: () => import('../features/campaigns/views/CampaignDetailView.vue'), meta: { requires: ['read', 'Campaign'], title: 'Campaign', section: 'campaigns' } },
        { path: 'contacts', name: 'contacts', component: () => import('../features/contacts/views/ContactsView.vue'), meta: { requires: ['read', 'Contact'], title: 'Contacts' } },
        { path: 'contacts/import', name: 'contact-import', component: () => import('../features/contacts/views/ContactImportView.vue'), meta: { requires: ['create', 'Contact'], title: 'Import contacts', section: 'contacts' } },
        { path: 'contacts/imports/:id', name: 'contact-import-report', component: () => import('../features/contacts/views/ContactImportView.vue'), meta: { requires: ['read', 'Contact'], title: 'Import report', section: 'contacts' } },
        { path: 'contacts/:id', name: 'contact', component: () => import('../features/contacts/views/ContactDetailView.vue'), meta: { requires: ['read', 'Contact'], title: 'Contact', section: 'contacts' } },
        { path: 'templates', name: 'templates', component: () => import('../features/templates/views/TemplatesView.vue'), meta: { requires: ['read', 'Template'], title: 'Templates' } },
        { path: 'lookups', name: 'lookups', component: () => import('../features/lookups/views/LookupsView.vue'), meta: { requires: ['read', 'Lookup'], title: 'Lookup tables' } },
        { path: 'channels', name: 'channels', component: () => import('../features/channels/views/ChannelsView.vue'), meta: { requires: ['manage', 'Channel'], title: 'WhatsApp numbers' } },
        { path: 'team', name: 'team', component: () => import('../features/users/views/TeamView.vue'), meta: { requires: ['manage', 'User'], title: 'Team' } },
        { path: 'audit', name: 'audit', component: () => import('../features/audit/views/AuditLogView.vue'), meta: { requires: ['read', 'AuditLog'], title: 'Audit log' } },
        { path: 'not-allowed', name: 'not-allowed', component: () => import('./shell/NotAllowedView.vue'), meta: { title: 'Not allowed' } },
        { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./shell/NotFoundView.vue'), meta: { title: 'Not found' } },
      ],
    },
  ],
});

router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
  const auth = useAuthStore();
  await auth.ensureLoaded();
  if (to.meta.public) return to.meta.guestOnly && auth.session ? { name: 'overview' } : true;
  if (!auth.session) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  const requires = to.meta.requires;
  if (requires && !auth.can(...requires)) return { name: 'not-allowed', query: { from: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Parley` : 'Parley';
});
