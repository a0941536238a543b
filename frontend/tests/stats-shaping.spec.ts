// Shaping statistics for display: buckets, windows, durations, rates,
// tariffs, flags, filters, and the ECharts options built from them.
import { describe, expect, it } from 'vitest'
import {
  bucketLabels,
  bucketRange,
  businessDate,
  dayRangeToInstants,
  fillBuckets,
  fillMonths,
  flagCounts,
  flagGap,
  formatTariff,
  humanDuration,
  periodRange,
  sharePercent,
  usedFilters,
} from '@/utils/stats'
import { formatPercent, formatScore } from '@/utils/format'
import { categoryBarOption, clientKindPieOption, monthsOption, seriesOption, staleCategoryOption } from '@/charts'
import type { CollusionFlag, StatsBucket } from '@/types'

const t = (key: string) => `<${key}>`

function bucket(name: string, submitted = 1, adopted = 0, uses = 0, won = 0): StatsBucket {
  return { bucket: name, submitted, adopted, uses, won }
}

describe('time buckets', () => {
  it('ranges months across a year end and weeks by Monday', () => {
    expect(bucketRange('2025-11', '2026-02', 'month')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(bucketRange('2026-12-28', '2027-01-11', 'week')).toEqual(['2026-12-28', '2027-01-04', '2027-01-11'])
    expect(bucketRange('2026-11', '2026-11', 'month')).toEqual(['2026-11'])
  })

  it('keeps unparsable bounds rather than inventing buckets', () => {
    expect(bucketRange('x', 'y', 'month')).toEqual(['x', 'y'])
    expect(bucketRange('2026-11', '2026-11', 'week')).toEqual(['2026-11'])
  })

  it('fills quiet buckets with zeros, in order, keeping the counts of the others', () => {
    const filled = fillBuckets([bucket('2026-09', 4, 2, 1, 1), bucket('2026-06', 2, 1)], 'month')
    expect(filled.map((b) => b.bucket)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09'])
    expect(filled[1]).toEqual({ bucket: '2026-07', submitted: 0, adopted: 0, uses: 0, won: 0 })
    expect(filled[3]).toEqual(bucket('2026-09', 4, 2, 1, 1))
    expect(fillBuckets([], 'week')).toEqual([])
  })

  it('fills weekly buckets seven days apart', () => {
    const filled = fillBuckets([bucket('2026-06-08'), bucket('2026-06-29')], 'week')
    expect(filled.map((b) => b.bucket)).toEqual(['2026-06-08', '2026-06-15', '2026-06-22', '2026-06-29'])
  })

  it('fills competitor months', () => {
    expect(fillMonths([{ month: '2026-11', entries: 10 }, { month: '2026-09', entries: 1 }])).toEqual([
      { month: '2026-09', entries: 1 },
      { month: '2026-10', entries: 0 },
      { month: '2026-11', entries: 10 },
    ])
  })

  it('labels weeks without the year when they share one', () => {
    expect(bucketLabels(['2026-06-08', '2026-06-15'], 'week')).toEqual(['06-08', '06-15'])
    expect(bucketLabels(['2026-12-28', '2027-01-04'], 'week')).toEqual(['2026-12-28', '2027-01-04'])
    expect(bucketLabels(['2026-11'], 'month')).toEqual(['2026-11'])
  })
})

describe('windows and durations', () => {
  it('shows a period window as business days (UTC+8), the end exclusive', () => {
    expect(periodRange('2026-10-31T16:00:00Z', '2026-11-30T16:00:00Z')).toEqual({ from: '2026-11-01', to: '2026-11-30' })
    expect(periodRange(null, null)).toBeNull()
    expect(businessDate('2026-07-15T20:00:00Z')).toBe('2026-07-16')
  })

  it('reads hours as hours below two days, else days', () => {
    expect(humanDuration(26.33)).toEqual({ value: '26.3', unit: 'hours' })
    expect(humanDuration(124.36)).toEqual({ value: '5.2', unit: 'days' })
    expect(humanDuration(0)).toEqual({ value: '0', unit: 'hours' })
    expect(humanDuration(null)).toBeNull()
  })

  it('turns a picked local day range into an inclusive start and an exclusive end', () => {
    const { from, to } = dayRangeToInstants(['2026-11-01', '2026-11-02'])
    const start = new Date(from!)
    const end = new Date(to!)
    expect([start.getFullYear(), start.getMonth() + 1, start.getDate(), start.getHours()]).toEqual([2026, 11, 1, 0])
    expect([end.getFullYear(), end.getMonth() + 1, end.getDate(), end.getHours()]).toEqual([2026, 11, 3, 0])
    expect(dayRangeToInstants(null)).toEqual({})
    expect(dayRangeToInstants(['', ''])).toEqual({})
  })
})

describe('rates and numbers', () => {
  it('formats 0–1 rates as percentages and unknown ones as a dash', () => {
    expect(formatPercent(0.84)).toBe('84%')
    expect(formatPercent(0.333)).toBe('33.3%')
    expect(formatPercent(1)).toBe('100%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(null)).toBe('—')
    expect(formatScore(4.02)).toBe('4.02')
  })

  it('clamps shares for progress bars', () => {
    expect(sharePercent(0.08)).toBe(8)
    expect(sharePercent(1.4)).toBe(100)
    expect(sharePercent(null)).toBe(0)
  })

  it('formats tariff ranges', () => {
    expect(formatTariff(1500, 2100)).toBe('1,500–2,100')
    expect(formatTariff(38, 38)).toBe('38')
    expect(formatTariff(null, 29.5)).toBe('29.5')
    expect(formatTariff(null, null)).toBe('—')
  })

  it('measures and counts reviewer flags', () => {
    const flag = (reviewer_id: number, adoption_rate: number, peer_adoption_rate: number): CollusionFlag => ({
      reviewer_id,
      reviewer_name: 'r',
      author_id: 9,
      author_name: 'a',
      decisions: 4,
      adoption_rate,
      peer_adoption_rate,
    })
    expect(flagGap(flag(2, 1, 0.33))).toBe(67)
    expect([...flagCounts([flag(2, 1, 0.5), flag(2, 0.9, 0.5), flag(3, 0.8, 0.4)])]).toEqual([
      [2, 2],
      [3, 1],
    ])
  })

  it('lists only the filters a search miss used', () => {
    expect(usedFilters({ category: 'business', client_kind: null, client_id: 12, status: '', tag: null })).toEqual([
      { key: 'category', value: 'business' },
      { key: 'client_id', value: '12' },
    ])
    expect(usedFilters(null)).toEqual([])
  })
})

describe('chart options', () => {
  it('draws the series as bars (submitted, adopted) and lines (uses, won) over filled buckets', () => {
    const option = seriesOption([bucket('2026-06', 3, 2, 1, 0), bucket('2026-08', 5, 4, 3, 1)], 'month', t)
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['2026-06', '2026-07', '2026-08'] })
    const series = option.series as { name: string; type: string; data: number[] }[]
    expect(series.map((s) => [s.name, s.type])).toEqual([
      ['<stats.submitted>', 'bar'],
      ['<stats.adopted>', 'bar'],
      ['<stats.uses>', 'line'],
      ['<stats.won>', 'line'],
    ])
    expect(series[0].data).toEqual([3, 0, 5])
    expect(series[3].data).toEqual([0, 0, 1])
  })

  it('orders categories by submissions and names them', () => {
    const option = categoryBarOption(
      { basic: { submitted: 2, adopted: 1, uses: 0, won: 0 }, business: { submitted: 9, adopted: 7, uses: 4, won: 1 } },
      (key) => (key === 'business' ? '业务状况' : '基础资料'),
      t,
    )
    expect(option.xAxis).toMatchObject({ data: ['业务状况', '基础资料'] })
    const series = option.series as { data: number[] }[]
    expect(series.map((s) => s.data)).toEqual([
      [9, 2],
      [7, 1],
      [4, 0],
    ])
  })

  it('leaves client kinds without submissions out of the pie', () => {
    const option = clientKindPieOption(
      { group: { submitted: 64, adopted: 44, uses: 0, won: 0 }, individual: { submitted: 0, adopted: 0, uses: 3, won: 0 } },
      (kind) => kind.toUpperCase(),
      t,
    )
    expect((option.series as { data: unknown[] }[])[0].data).toEqual([{ name: 'GROUP', value: 64 }])
  })

  it('stacks current and stale facts per category', () => {
    const option = staleCategoryOption(
      [{ category: 'competitor', name: '竞争对手', adopted: 23, stale: 5, stale_share: 0.22 }],
      (row) => row.name,
      t,
    )
    const series = option.series as { stack: string; data: number[] }[]
    expect(series.map((s) => s.data)).toEqual([[18], [5]])
    expect(series.every((s) => s.stack === 'facts')).toBe(true)
  })

  it('fills the months of a competitor chart', () => {
    const option = monthsOption([{ month: '2026-06', entries: 1 }, { month: '2026-08', entries: 2 }], t)
    expect(option.xAxis).toMatchObject({ data: ['2026-06', '2026-07', '2026-08'] })
    expect((option.series as { data: number[] }[])[0].data).toEqual([1, 0, 2])
  })
})
