import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import type { Role } from '@/types'
import type { SessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string
    /** Reachable without signing in. */
    public?: boolean
    /** Any one of these roles may open the page. */
    roles?: Role[]
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  { path: '/', name: 'dashboard', component: () => import('@/views/DashboardView.vue'), meta: { title: 'nav.dashboard' } },
  { path: '/submit', name: 'submit', component: () => import('@/views/SubmitView.vue'), meta: { title: 'nav.submit' } },
  { path: '/my', name: 'my', component: () => import('@/views/MyIntelView.vue'), meta: { title: 'nav.my' } },
  { path: '/agenda', name: 'agenda', component: () => import('@/views/AgendaView.vue'), meta: { title: 'nav.agenda' } },
  {
    path: '/my-clients',
    name: 'my-clients',
    component: () => import('@/views/MyClientsView.vue'),
    meta: { title: 'nav.myClients', roles: ['account_manager'] },
  },
  { path: '/follows', name: 'follows', component: () => import('@/views/FollowsView.vue'), meta: { title: 'nav.follows' } },
  {
    path: '/review',
    name: 'review',
    component: () => import('@/views/ReviewView.vue'),
    meta: { title: 'nav.review', roles: ['reviewer', 'admin'] },
  },
  { path: '/intel/:id(\\d+)', name: 'intel', component: () => import('@/views/IntelDetailView.vue'), meta: { title: 'nav.search' } },
  { path: '/clients', name: 'clients', component: () => import('@/views/ClientsView.vue'), meta: { title: 'nav.clients' } },
  {
    path: '/clients/:id(\\d+)',
    name: 'client',
    component: () => import('@/views/ClientDossierView.vue'),
    meta: { title: 'client.dossier' },
  },
  {
    path: '/settings/notifications',
    name: 'notification-settings',
    component: () => import('@/views/NotificationSettingsView.vue'),
    meta: { title: 'prefs.title' },
  },
  { path: '/leaderboard', name: 'leaderboard', component: () => import('@/views/LeaderboardView.vue'), meta: { title: 'nav.leaderboard' } },
  { path: '/appraisal', name: 'appraisal', component: () => import('@/views/AppraisalView.vue'), meta: { title: 'appraisal.title' } },
  { path: '/search', name: 'search', component: () => import('@/views/SearchView.vue'), meta: { title: 'nav.search' } },
  {
    path: '/stats',
    name: 'stats',
    component: () => import('@/views/StatsView.vue'),
    meta: { title: 'nav.stats', roles: ['marketer', 'reviewer', 'admin'] },
  },
  {
    path: '/admin',
    name: 'admin',
    component: () => import('@/views/AdminView.vue'),
    meta: { title: 'nav.admin', roles: ['admin'] },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'common.notFound' } },
]

export function createAppRouter(session: SessionStore, translate: (key: string) => string): Router {
  const router = createRouter({ history: createWebHistory(), routes })

  router.beforeEach(async (to) => {
    // The first navigation waits for the session restored from the refresh cookie.
    await session.restore()
    if (to.meta.public) {
      return to.name === 'login' && session.isAuthenticated ? { name: 'dashboard' } : true
    }
    if (!session.isAuthenticated) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
    }
    if (to.meta.roles && !session.hasRole(...to.meta.roles)) {
      return { name: 'dashboard' }
    }
    return true
  })

  router.afterEach((to) => {
    const title = to.meta.title ? translate(to.meta.title) : ''
    document.title = title ? `${title} · ${translate('app.name')}` : translate('app.name')
  })

  return router
}
