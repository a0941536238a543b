import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '@/i18n'
import LoginView from '@/views/LoginView.vue'
import { connectSession, useSessionStore } from '@/stores/session'

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

async function attempt(response: Response) {
  const fetchMock = vi.fn().mockResolvedValue(response)
  vi.stubGlobal('fetch', fetchMock)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/', name: 'dashboard', component: { template: '<div />' } },
    ],
  })
  const pinia = createPinia()
  setActivePinia(pinia)
  connectSession(useSessionStore(), router)
  await router.push('/login')
  const wrapper = mount(LoginView, { global: { plugins: [ElementPlus, i18n, router, pinia] } })
  const [login, password] = wrapper.findAll('input')
  await login.setValue('A0001')
  await password.setValue('wrong-password')
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  return { wrapper, fetchMock, router }
}

describe('LoginView', () => {
  beforeEach(() => setLocale('zh-CN'))
  afterEach(() => vi.unstubAllGlobals())

  it('shows wrong credentials in Chinese', async () => {
    const { wrapper, fetchMock } = await attempt(json(401, { error: 'invalid_credentials', message: '登录名或密码错误' }))
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('工号/邮箱或密码错误')
  })

  it('shows the rate limit with the wait from Retry-After', async () => {
    const { wrapper } = await attempt(json(429, { error: 'rate_limited', message: '' }, { 'retry-after': '899' }))
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('请 15 分钟后再试')
  })

  it('signs in and leaves the login page', async () => {
    const user = { id: 1, employee_no: 'A0001', real_name: '管理员', email: 'a@b.cn', department: null, roles: ['admin'], points: 0, is_active: true }
    const { wrapper, router } = await attempt(
      json(200, { access_token: 't', token_type: 'Bearer', expires_in: 900, refresh_token: 'r', user }),
    )
    expect(wrapper.find('[data-test="login-error"]').exists()).toBe(false)
    expect(router.currentRoute.value.name).toBe('dashboard')
  })
})
