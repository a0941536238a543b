// The charts of the lost-client, complaint and opportunity statistics, built
// from backend-shaped bodies: order, quiet months, stacks and axes.
import { describe, expect, it } from 'vitest'
import type { BarSeriesOption, EChartsOption, PieSeriesOption } from 'echarts'
import {
  complaintMonthsOption,
  complaintTypes,
  lossMonthsOption,
  orderedBarOption,
  rankedBarOption,
  sharePieOption,
  stageOption,
  timelineOption,
} from '@/charts'
import { fillMonthRows, formatAmount } from '@/utils/stats'
import type { ServiceAnalysis } from '@/types'

const t = (key: string) => `<${key}>`

function axisData(axis: EChartsOption['xAxis'] | EChartsOption['yAxis']): unknown[] {
  const first = Array.isArray(axis) ? axis[0] : axis
  return (first as { data?: unknown[] }).data ?? []
}

function series(option: EChartsOption): BarSeriesOption[] {
  return option.series as BarSeriesOption[]
}

describe('month rows', () => {
  it('fills quiet months in order, across a year end, with the rows given', () => {
    const rows = fillMonthRows(
      [
        { month: '2027-01', n: 2 },
        { month: '2026-11', n: 1 },
      ],
      (month) => ({ month, n: 0 }),
    )
    expect(rows).toEqual([
      { month: '2026-11', n: 1 },
      { month: '2026-12', n: 0 },
      { month: '2027-01', n: 2 },
    ])
    expect(fillMonthRows([], (month) => ({ month }))).toEqual([])
  })

  it('formats amounts in 万元 with separators and two decimals at most', () => {
    expect(formatAmount(12345.678)).toBe('12,345.68')
    expect(formatAmount(0)).toBe('0')
    expect(formatAmount(null)).toBe('—')
  })
})

describe('count charts', () => {
  const reasons = [
    { key: 'price', count: 2 },
    { key: 'competitor_offer', count: 5 },
    { key: 'service', count: 2 },
  ]

  it('ranks counts as horizontal bars with the largest on top, named by the caller', () => {
    const option = rankedBarOption(reasons, '客户数', (key) => `«${key}»`)
    // ECharts draws the first category at the bottom.
    expect(axisData(option.yAxis)).toEqual(['«service»', '«price»', '«competitor_offer»'])
    expect(series(option)[0].data).toEqual([2, 2, 5])
    expect(series(option)[0].name).toBe('客户数')
  })

  it('keeps the server’s order for columns (budget bands)', () => {
    const bands = [
      { key: '<10', count: 3 },
      { key: '10–50', count: 7 },
      { key: '>50', count: 1 },
    ]
    const option = orderedBarOption(bands, 'n')
    expect(axisData(option.xAxis)).toEqual(['<10', '10–50', '>50'])
    expect(series(option)[0].data).toEqual([3, 7, 1])
  })

  it('leaves slices counting nothing out of a ring and names empty keys', () => {
    const option = sharePieOption(
      [
        { key: '中国电信', count: 4 },
        { key: '', count: 1 },
        { key: '中国联通', count: 0 },
      ],
      'n',
      (key) => key || '未填写',
    )
    expect((option.series as PieSeriesOption[])[0].data).toEqual([
      { name: '中国电信', value: 4 },
      { name: '未填写', value: 1 },
    ])
  })
})

describe('loss months', () => {
  it('stacks lost and at risk, draws won back as a line, and fills quiet months', () => {
    const option = lossMonthsOption(
      [
        { month: '2026-11', lost: 2, at_risk: 1, won_back: 1 },
        { month: '2026-09', lost: 1, at_risk: 0, won_back: 0 },
      ],
      t,
    )
    expect(axisData(option.xAxis)).toEqual(['2026-09', '2026-10', '2026-11'])
    const [lost, atRisk, wonBack] = series(option)
    expect(lost).toMatchObject({ name: '<statsLosses.series.lost>', stack: 'losses', data: [1, 0, 2] })
    expect(atRisk).toMatchObject({ stack: 'losses', data: [0, 0, 1] })
    expect(wonBack).toMatchObject({ type: 'line', data: [0, 0, 1] })
  })
})

describe('complaint months', () => {
  const months: ServiceAnalysis['by_month'] = [
    { month: '2026-10', total: 3, by_type: { 资费争议: 1, 网络质量: 2 } },
    { month: '2026-12', total: 5, by_type: { 网络质量: 2, 服务态度: 3 } },
  ]

  it('orders types by how often they were complained of', () => {
    expect(complaintTypes(months)).toEqual(['网络质量', '服务态度', '资费争议'])
  })

  it('stacks one series per type over every month, zero where a type is missing', () => {
    const option = complaintMonthsOption(months)
    expect(axisData(option.xAxis)).toEqual(['2026-10', '2026-11', '2026-12'])
    expect(series(option).map((s) => [s.name, s.stack, s.data])).toEqual([
      ['网络质量', 'complaints', [2, 0, 2]],
      ['服务态度', 'complaints', [0, 0, 3]],
      ['资费争议', 'complaints', [1, 0, 0]],
    ])
  })
})

describe('opportunity charts', () => {
  it('shows each stage’s count on the left axis and budget and expected value in 万元 on the right', () => {
    const option = stageOption(
      [
        { key: '线索', count: 4, budget: 120, expected: 12 },
        { key: '签约', count: 1, budget: 80, expected: 80 },
      ],
      t,
    )
    expect(axisData(option.xAxis)).toEqual(['线索', '签约'])
    expect(series(option).map((s) => [s.yAxisIndex, s.data])).toEqual([
      [0, [4, 1]],
      [1, [120, 80]],
      [1, [12, 80]],
    ])
    expect((option.yAxis as { name: string }[])[1].name).toBe('<statsOpportunities.tenThousand>')
  })

  it('lays the expected signing months out in order with quiet months at zero', () => {
    const option = timelineOption(
      [
        { month: '2027-02', count: 1, budget: 30 },
        { month: '2026-12', count: 2, budget: 150 },
      ],
      t,
    )
    expect(axisData(option.xAxis)).toEqual(['2026-12', '2027-01', '2027-02'])
    expect(series(option).map((s) => s.data)).toEqual([
      [2, 0, 1],
      [150, 0, 30],
    ])
  })
})
