// Shaping of the sign-in throttles (src/sessions/view.rs `ThrottleView`).
import type { Throttle } from '@/types'
import { i18n } from '@/i18n'
import { labelOf } from './format'

export interface ThrottleRow extends Throttle {
  kindText: string
  /** Who or what is counted: the user of an account, a login, an address. */
  subject: string
  waitText: string
  /** Tag colour: throttled keys wait, the others only count. */
  tone: 'danger' | 'warning'
}

/** Seconds until the next attempt, as text: "可立即尝试", "45 秒", "15 分钟". */
export function waitText(seconds: number): string {
  const t = i18n.global.t
  if (seconds <= 0) return t('admin.throttleNoWait')
  if (seconds < 60) return t('admin.throttleWaitSeconds', { seconds })
  return t('admin.throttleWaitMinutes', { minutes: Math.ceil(seconds / 60) })
}

export function throttleRow(throttle: Throttle): ThrottleRow {
  return {
    ...throttle,
    kindText: labelOf('admin.throttleKind', throttle.kind),
    subject: throttle.user ? throttle.user.real_name : (throttle.value ?? throttle.key),
    waitText: waitText(throttle.retry_after_secs),
    tone: throttle.throttled ? 'danger' : 'warning',
  }
}

export function throttleRows(items: Throttle[]): ThrottleRow[] {
  return items.map(throttleRow)
}
