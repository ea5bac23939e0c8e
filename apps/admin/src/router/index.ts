import type { WorkspaceRole } from '@switchboard/contracts';
import { createRouter, createWebHistory, type Router, type RouteRecordRaw } from 'vue-router';
import { onSessionExpired } from '@/api/http';
import AppLayout from '@/components/AppLayout.vue';
import { t, type MessageKey } from '@/i18n/use-i18n';
import { useSessionStore } from '@/stores/use-session-store';
import InboxPage from '@/views/InboxPage.vue';
import LoginPage from '@/views/LoginPage.vue';
import OverviewPage from '@/views/OverviewPage.vue';
import { canOpen, safeRedirect } from './access';

// The sign-in page, the shell, the overview and the inbox (what agents open all day) are in the
// first load; every other page is fetched when first opened, so the inbox starts sooner.

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Lowest workspace role that may open the page; lower roles neither see nor reach it. */
    minRole?: WorkspaceRole;
    /** Page title, also the side-nav label when `nav` is set. */
    titleKey?: MessageKey;
    /** Listed in the side nav. */
    nav?: boolean;
    /** Only platform super admins see and reach it (listed under "Platform" in the nav). */
    platformAdmin?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: LoginPage,
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    path: '/',
    component: AppLayout,
    children: [
      {
        path: '',
        name: 'overview',
        component: OverviewPage,
        meta: { titleKey: 'nav.overview', nav: true },
      },
      {
        // The open conversation is one contact on one number; both in the path, so a phone's
        // back button returns to the list.
        path: 'chats/:contactUuid?/:sessionUuid?',
        name: 'inbox',
        component: InboxPage,
        meta: { titleKey: 'inbox.title', nav: true, minRole: 'agent' },
      },
      {
        path: 'members',
        name: 'members',
        component: () => import('@/views/MembersPage.vue'),
        meta: { titleKey: 'nav.members', nav: true, minRole: 'agent' },
      },
      {
        path: 'settings/whatsapp',
        name: 'whatsapp-numbers',
        component: () => import('@/views/WhatsappNumbersPage.vue'),
        meta: { titleKey: 'nav.whatsapp', nav: true, minRole: 'agent' },
      },
      {
        path: 'platform/broadcast',
        name: 'platform-broadcast',
        component: () => import('@/views/platform/BroadcastDriverPage.vue'),
        meta: { titleKey: 'platform.broadcast.title', nav: true, platformAdmin: true },
      },
      {
        path: 'platform/plans',
        name: 'platform-plans',
        component: () => import('@/views/platform/PlansPage.vue'),
        meta: { titleKey: 'platform.plans.title', nav: true, platformAdmin: true },
      },
      {
        path: 'platform/sessions',
        name: 'platform-sessions',
        component: () => import('@/views/platform/AllSessionsPage.vue'),
        meta: { titleKey: 'platform.sessions.title', nav: true, platformAdmin: true },
      },
      {
        path: 'platform/health',
        name: 'platform-health',
        component: () => import('@/views/platform/PlatformHealthPage.vue'),
        meta: { titleKey: 'platform.health.title', nav: true, platformAdmin: true },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundPage.vue'),
        meta: { titleKey: 'notFound.title' },
      },
    ],
  },
];

function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.load();

    if (to.meta.public) {
      if (to.name === 'login' && session.isAuthenticated) {
        return safeRedirect(to.query.redirect) ?? { name: 'overview' };
      }
      return true;
    }
    if (!session.isAuthenticated) {
      return { name: 'login', query: { redirect: to.fullPath } };
    }
    if (!canOpen(to)) return { name: 'overview' };
    return true;
  });

  router.afterEach((to) => {
    const page = to.meta.titleKey ? t(to.meta.titleKey) : null;
    document.title = page ? t('app.documentTitle', { page }) : t('app.name');
  });

  onSessionExpired(() => {
    const session = useSessionStore();
    // Before the first load the guard itself decides where a signed-out user goes.
    if (!session.isAuthenticated) return;
    session.expire();
    const current = router.currentRoute.value;
    if (current.meta.public) return;
    void router.replace({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
  });
}

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
  });
  installGuards(router);
  return router;
}
