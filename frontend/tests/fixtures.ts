// Response bodies shaped exactly as the backend serialises them
// (src/intel/view.rs, src/clients/view.rs, src/usage/store.rs, …), and a
// helper that mounts a view with Element Plus, i18n, pinia, a memory router
// and a signed-in user, against a routed fetch mock.
import { vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'
import { i18n, setLocale } from '@/i18n'
import { connectSession, useSessionStore } from '@/stores/session'
import type { Category, Client, Contact, Dossier, Intel, Role, Rules, Usage, User } from '@/types'

export function json(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

export function user(overrides: Partial<User> = {}): User {
  return {
    id: 1,
    employee_no: 'E001',
    real_name: '张三',
    email: 'e001@example.com',
    department: { id: 1, name: '政企客户部' },
    roles: ['employee'],
    points: 0,
    is_active: true,
    ...overrides,
  }
}

export const BUSINESS: Category = {
  key: 'business',
  name: '业务状况',
  name_en: 'Current business',
  base_points: 10,
  freshness_days: 90,
  fields: [
    { key: 'current_products', label: '在用产品', label_en: 'Products in use', type: 'text', required: true, sensitive: false },
    { key: 'monthly_spend', label: '月均消费（元）', label_en: 'Monthly spend (CNY)', type: 'number', required: true, sensitive: false },
  ],
}

/** An entry; `clients` follows an overridden `client` unless given (a null client: the whole market). */
export function intel(overrides: Partial<Intel> = {}): Intel {
  const first = overrides.client === undefined ? { id: 9, name: '芜湖长江实业集团有限公司', kind: 'group' as const } : overrides.client
  return {
    id: 41,
    client: first,
    clients: first ? [first] : [],
    category: 'business',
    category_name: '业务状况',
    title: '财务副总反映话费报销手续繁琐',
    body: '拜访时了解到……',
    fields: { current_products: '集团V网', monthly_spend: 12000 },
    masked: false,
    source: 'private',
    observed_at: '2026-11-20T00:00:00Z',
    status: 'adopted',
    author: { id: 1, real_name: '张三' },
    completeness: 1,
    revision: 1,
    quality: 4,
    created_at: '2026-11-20T08:00:00Z',
    submitted_at: '2026-11-20T08:00:00Z',
    adopted_at: '2026-11-21T08:00:00Z',
    verified_at: null,
    stale: false,
    urgent: false,
    usage_count: 0,
    supersedes_id: null,
    duplicate_of: null,
    last_review: null,
    ...overrides,
  }
}

export function client(overrides: Partial<Client> = {}): Client {
  return {
    id: 9,
    kind: 'group',
    name: '芜湖长江实业集团有限公司',
    pinyin: 'wuhuchangjiangshiyejituanyouxiangongsi',
    initials: 'whcjsyjtyxgs',
    aliases: ['长江实业'],
    industry: '制造业',
    region: '芜湖',
    tier: 'A',
    status: 'active',
    owner: { id: 5, real_name: '王经理' },
    parent_id: null,
    tags: ['高尔夫'],
    ...overrides,
  }
}

export function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 3,
    client_id: 9,
    name: '李总',
    title: '财务副总',
    is_decision_maker: true,
    phone: '13800138000',
    notes: '喜欢打网球',
    masked: false,
    tags: [],
    ...overrides,
  }
}

export function usage(overrides: Partial<Usage> = {}): Usage {
  return {
    id: 5,
    intel_id: 41,
    user: { id: 7, real_name: '孙营销' },
    purpose: 'visit',
    outcome: 'pending',
    note: '',
    created_at: '2026-11-22T08:00:00Z',
    updated_at: '2026-11-22T08:00:00Z',
    ...overrides,
  }
}

export function dossier(overrides: Partial<Dossier> = {}): Dossier {
  return {
    client: client(),
    members: [],
    owner_history: [],
    contacts: [],
    intel: [],
    intel_total: overrides.intel?.length ?? 0,
    stale_count: 0,
    usages: [],
    summary: {
      attention: 0,
      competitor_activity: 0,
      contract_end: null,
      open_tasks: 0,
      opportunities: [],
      overdue_tasks: 0,
      pending_entries: 0,
      stale_facts: 0,
    },
    ...overrides,
  }
}

export const DEFAULT_RULES: Rules = {
  adopt_divisor: 3,
  private_bonus: 3,
  revision_share: 0.5,
  review: 1,
  usage: 2,
  usage_per_entry_cap: 20,
  usage_daily_cap: 50,
  won: 10,
  won_per_entry_cap: 30,
  verify: 1,
  retract_penalty: 5,
}

export interface Call {
  method: string
  url: string
  body: unknown
}

/** A handler answers one request or returns undefined to let the next one try. */
export type Handler = (call: Call) => Response | undefined

/**
 * A fetch mock answering by handler; unanswered requests get a 404. Every
 * call is recorded with its parsed JSON body.
 */
export function routedFetch(...handlers: Handler[]) {
  const calls: Call[] = []
  const fetchMock = vi.fn((input: string, init: RequestInit = {}) => {
    const call: Call = {
      method: init.method ?? 'GET',
      url: input,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    calls.push(call)
    for (const handler of handlers) {
      const response = handler(call)
      if (response) return Promise.resolve(response)
    }
    return Promise.resolve(json(404, { error: 'not_found', message: 'no handler' }))
  })
  vi.stubGlobal('fetch', fetchMock)
  return { fetchMock, calls }
}

/** Answers `method path` (path without query, under /api/v1) with `body`, or a function of the call. */
export function on(method: string, path: string, reply: ((call: Call) => Response) | object): Handler {
  return (call) => {
    const [url] = call.url.split('?')
    if (call.method !== method || url !== `/api/v1${path}`) return undefined
    return typeof reply === 'function' ? (reply as (c: Call) => Response)(call) : json(200, reply)
  }
}

export function query(call: Call): URLSearchParams {
  return new URLSearchParams(call.url.split('?')[1] ?? '')
}

/** Mounts `view` at `path` (matching `pattern`) for a user with `roles`. */
export async function mountView(
  view: Component,
  options: { path: string; pattern: string; roles?: Role[]; me?: Partial<User>; stubs?: Record<string, Component | boolean> },
) {
  setLocale('zh-CN')
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: options.pattern, component: view },
      { path: '/', name: 'dashboard', component: stub },
      { path: '/login', name: 'login', component: stub },
      { path: '/my', name: 'my', component: stub },
      { path: '/intel/:id', name: 'intel', component: stub },
      { path: '/clients/:id', name: 'client', component: stub },
      { path: '/submit', name: 'submit', component: stub },
      { path: '/clients', name: 'clients', component: stub },
      { path: '/agenda', name: 'agenda', component: stub },
      { path: '/search', name: 'search', component: stub },
      { path: '/leaderboard', name: 'leaderboard', component: stub },
      { path: '/review', name: 'review', component: stub },
      { path: '/settings/notifications', name: 'notification-settings', component: stub },
    ],
  })
  const pinia = createPinia()
  setActivePinia(pinia)
  const session = useSessionStore()
  connectSession(session, router)
  const me = user({ roles: ['employee', ...(options.roles ?? [])], ...options.me })
  session.applyTokens({ access_token: 't', token_type: 'Bearer', expires_in: 900, refresh_token: 'r', user: me })
  await router.push(options.path)
  await router.isReady()
  const wrapper = mount(view, {
    global: { plugins: [ElementPlus, i18n, router, pinia], stubs: options.stubs ?? {} },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, router, session }
}

/** The Element Plus button whose text is exactly `text`. */
export function button(root: { findAll: (s: string) => { text(): string }[] }, text: string) {
  return root.findAll('button').find((b) => b.text().trim() === text)
}
