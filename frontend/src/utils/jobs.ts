// Shaping of the scheduled jobs (src/jobs/routes.rs `JobView`, src/jobs/mod.rs `JobRun`).
import type { JobName, JobSummary, JobView } from '@/types'
import { JOB_NAMES } from '@/types'
import { i18n } from '@/i18n'

export interface JobRow extends JobView {
  label: string
  hint: string
  /** The last run's summary as text, e.g. "过时效情报 3，通知 2"; '' when there is none. */
  summaryText: string
}

function translated(key: string, fallback: string): string {
  return i18n.global.te(key) ? i18n.global.t(key) : fallback
}

export function jobLabel(job: string): string {
  return translated(`admin.job.${job}`, job)
}

/** `{"entries": 3, "notifications": 2}` → "过时效情报 3，通知 2"; unknown keys keep their name. */
export function summaryText(summary: JobSummary | null | undefined): string {
  if (!summary || typeof summary !== 'object' || Array.isArray(summary)) return ''
  return Object.entries(summary)
    .map(([key, value]) => {
      const text = value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)
      return `${translated(`admin.jobSummary.${key}`, key)} ${text}`
    })
    .join(i18n.global.t('admin.jobSummarySeparator'))
}

function order(job: string): number {
  const index = JOB_NAMES.indexOf(job as JobName)
  return index < 0 ? JOB_NAMES.length : index
}

/** The jobs in their natural order (stale check, review queue, daily, weekly), unknown ones last. */
export function jobRows(views: JobView[]): JobRow[] {
  return [...views]
    .sort((a, b) => order(a.job) - order(b.job))
    .map((view) => ({
      ...view,
      label: jobLabel(view.job),
      hint: translated(`admin.jobHint.${view.job}`, ''),
      summaryText: summaryText(view.last_run?.summary),
    }))
}

/** The message after a run: "时效检查 已运行：过时效情报 3，通知 2". */
export function ranMessage(job: string, summary: JobSummary | null | undefined): string {
  const text = summaryText(summary)
  return i18n.global.t('admin.jobRan', { name: jobLabel(job), label: text ? `${i18n.global.t('common.separator')}${text}` : '' })
}

/** The message for a 409: the period has run and force was not ticked. */
export function alreadyRanMessage(row: Pick<JobView, 'job' | 'current_period'>): string {
  return i18n.global.t('admin.jobAlreadyRan', { name: jobLabel(row.job), label: row.current_period })
}
