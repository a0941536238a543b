import { describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'

type Tree = { [key: string]: string | Tree }

function paths(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : paths(value, `${prefix}${key}.`),
  )
}

describe('locales', () => {
  it('have the same keys in Chinese and English', () => {
    expect(paths(en as Tree).sort()).toEqual(paths(zhCN as Tree).sort())
  })

  it.each(['zh-CN', 'en'] as const)('compile every %s message without errors', (locale) => {
    const onError = vi.fn()
    const i18n = createI18n({
      legacy: false,
      locale,
      messages: { 'zh-CN': zhCN, en },
      missingWarn: false,
      fallbackWarn: false,
    })
    const spy = vi.spyOn(console, 'error').mockImplementation(onError)
    const warn = vi.spyOn(console, 'warn').mockImplementation(onError)
    for (const key of paths(zhCN as Tree)) {
      const text = i18n.global.t(key, { name: 'x', count: 1, total: 1, seconds: 1, minutes: 1, label: 'x', points: 1, days: 1, id: 1, version: 1, max: 1, from: 'x', to: 'x' })
      expect(text, key).not.toBe(key)
    }
    expect(onError).not.toHaveBeenCalled()
    spy.mockRestore()
    warn.mockRestore()
  })

  it('keeps the @ of an e-mail example literal', () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
    expect(i18n.global.t('login.loginPlaceholder')).toBe('例如 A0001 或 name@example.com')
  })
})
