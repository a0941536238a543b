import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ClientDossierView from '@/views/ClientDossierView.vue'
import type { Contact, Role } from '@/types'
import { BUSINESS, client, contact, dossier, json, mountView, on, routedFetch, type Call } from './fixtures'

function setInput(selector: string, value: string): void {
  const el = document.body.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)
  if (!el) throw new Error(`no ${selector}`)
  el.value = value
  el.dispatchEvent(new Event('input'))
}

function clickSave(): void {
  document.body.querySelector<HTMLButtonElement>('[data-test="contact-save"]')!.click()
}

async function open(contacts: Contact[], roles: Role[] = [], me = {}) {
  const d = dossier({
    contacts,
    members: [client({ id: 20, kind: 'individual', name: '陈董', parent_id: 9, aliases: [] })],
  })
  const { calls } = routedFetch(
    on('GET', '/categories', [BUSINESS]),
    on('GET', '/clients/9/dossier', d),
    on('POST', '/clients/9/contacts', (call: Call) => json(201, contact({ id: 30, ...(call.body as object) }))),
    on('PATCH', '/contacts/3', (call: Call) => json(200, { ...contacts[0], ...(call.body as object) })),
  )
  const mounted = await mountView(ClientDossierView, { path: '/clients/9', pattern: '/clients/:id', roles, me })
  return { ...mounted, calls }
}

describe('client dossier', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows contacts with is_decision_maker, masked values and the group members', async () => {
    const { wrapper } = await open([contact({ phone: '***', notes: '***', masked: true })])
    const card = wrapper.find('[data-test="contact"]')
    expect(card.text()).toContain('李总')
    expect(card.text()).toContain('决策人')
    expect(card.findAll('.masked')).toHaveLength(2)
    expect(wrapper.find('[data-test="members"]').text()).toContain('陈董')
    expect(wrapper.find('a[href="/clients/20"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('adds a contact: name required, then the whole contact is posted', async () => {
    const { wrapper, calls } = await open([])
    expect(wrapper.find('[data-test="contact"]').exists()).toBe(false)
    await wrapper.find('[data-test="add-contact"]').trigger('click')
    await flushPromises()

    clickSave()
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/contacts'))).toBe(false)

    setInput('input[data-test="contact-name"]', ' 周主任 ')
    setInput('input[data-test="contact-title"]', '办公室主任')
    setInput('input[data-test="contact-phone"]', '(0553) 888-8888')
    await flushPromises()
    clickSave()
    await flushPromises()

    const post = calls.find((c) => c.method === 'POST' && c.url === '/api/v1/clients/9/contacts')
    expect(post?.body).toEqual({ name: '周主任', title: '办公室主任', is_decision_maker: false, phone: '(0553) 888-8888', notes: '' })
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="contact"]')).toHaveLength(1))
    expect(wrapper.find('[data-test="contact"]').text()).toContain('周主任')
    // Its author may edit it right away.
    expect(wrapper.find('[data-test="edit-contact"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('edits a contact sending only what changed, never the mask', async () => {
    const { wrapper, calls } = await open([contact({ phone: '***', notes: '***', masked: true })], ['reviewer'], { id: 3 })
    await wrapper.find('[data-test="edit-contact"]').trigger('click')
    await flushPromises()
    const phone = document.body.querySelector<HTMLInputElement>('input[data-test="contact-phone"]')!
    expect(phone.value).toBe('')

    setInput('input[data-test="contact-title"]', '总经理')
    await flushPromises()
    clickSave()
    await flushPromises()

    const patch = calls.find((c) => c.method === 'PATCH')
    expect(patch).toMatchObject({ url: '/api/v1/contacts/3', body: { title: '总经理' } })
    await vi.waitFor(() => expect(wrapper.find('[data-test="contact"]').text()).toContain('总经理'))
    wrapper.unmount()
  })

  it('hides contact editing from people who neither own the client nor review', async () => {
    const { wrapper } = await open([contact()], [], { id: 99 })
    expect(wrapper.find('[data-test="edit-contact"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="add-contact"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
