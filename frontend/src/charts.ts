// ECharts option builders: pure functions of API data, so pages stay small.

import type { EChartsOption } from 'echarts'
import type {
  CategoryStaleness,
  DepartmentStanding,
  KeyCount,
  LeaderboardItem,
  LossReport,
  OpportunityAnalysis,
  Ratings,
  ServiceAnalysis,
  StatsBucket,
  StatsCounts,
  StatsInterval,
} from '@/types'
import { bucketLabels, fillBuckets, fillMonthRows, fillMonths } from '@/utils/stats'

type Translate = (key: string) => string
type NameOf = (key: string) => string

const asIs: NameOf = (key) => key

const PALETTE = ['#1f5fbf', '#2ea36b', '#e6a23c', '#9b59b6', '#e5534b', '#19a6b5', '#7f8c8d']

function pct(rate: number | null | undefined): number {
  return rate === null || rate === undefined ? 0 : Math.round(rate * 1000) / 10
}

/**
 * Quality, quantity and usage of one user's ratings: per dimension a share
 * (mean score of 5, adoption rate, usage rate) and a count (decided,
 * submitted, uses) on a second axis.
 */
export function ratingsOption(ratings: Ratings, t: Translate): EChartsOption {
  const quality = ratings.quality.mean_score == null ? 0 : Math.round((ratings.quality.mean_score / 5) * 1000) / 10
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: {
      type: 'category',
      data: [t('dashboard.quality'), t('dashboard.quantity'), t('dashboard.usage')],
    },
    yAxis: [
      { type: 'value', name: '%', max: 100, splitLine: { show: false } },
      { type: 'value', name: t('dashboard.counts'), minInterval: 1 },
    ],
    series: [
      {
        name: t('dashboard.rateSeries'),
        type: 'bar',
        yAxisIndex: 0,
        data: [quality, pct(ratings.quality.adoption_rate), pct(ratings.usage.usage_rate)],
        label: { show: true, position: 'top', formatter: '{c}%' },
      },
      {
        name: t('dashboard.countSeries'),
        type: 'bar',
        yAxisIndex: 1,
        data: [ratings.quality.decided, ratings.quantity.submitted, ratings.usage.uses],
        label: { show: true, position: 'top' },
      },
    ],
  }
}

/** Submitted and adopted (bars) and uses and wins (lines) over time, quiet buckets filled. */
export function seriesOption(series: StatsBucket[], interval: StatsInterval, t: Translate): EChartsOption {
  const filled = fillBuckets(series, interval)
  const labels = bucketLabels(
    filled.map((b) => b.bucket),
    interval,
  )
  const line = { type: 'line' as const, smooth: true, symbolSize: 6 }
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('stats.submitted'), type: 'bar', data: filled.map((b) => b.submitted) },
      { name: t('stats.adopted'), type: 'bar', data: filled.map((b) => b.adopted) },
      { ...line, name: t('stats.uses'), data: filled.map((b) => b.uses) },
      { ...line, name: t('stats.won'), data: filled.map((b) => b.won) },
    ],
  }
}

/** Submitted, adopted and used per category, largest first. */
export function categoryBarOption(
  byCategory: Record<string, StatsCounts>,
  nameOf: (key: string) => string,
  t: Translate,
): EChartsOption {
  const keys = Object.keys(byCategory).sort((a, b) => byCategory[b].submitted - byCategory[a].submitted || a.localeCompare(b))
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: keys.map(nameOf), axisLabel: { interval: 0, rotate: keys.length > 5 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('stats.submitted'), type: 'bar', data: keys.map((k) => byCategory[k].submitted) },
      { name: t('stats.adopted'), type: 'bar', data: keys.map((k) => byCategory[k].adopted) },
      { name: t('stats.uses'), type: 'bar', data: keys.map((k) => byCategory[k].uses) },
    ],
  }
}

/** Entries submitted per client kind; kinds with nothing submitted are left out. */
export function clientKindPieOption(
  byKind: Record<string, StatsCounts>,
  nameOf: (kind: string) => string,
  t: Translate,
): EChartsOption {
  return {
    color: PALETTE,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        name: t('stats.submitted'),
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        data: Object.entries(byKind)
          .filter(([, v]) => v.submitted > 0)
          .map(([kind, v]) => ({ name: nameOf(kind), value: v.submitted })),
      },
    ],
  }
}

/** Adopted facts per category, split into current and stale (stacked). */
export function staleCategoryOption(
  rows: CategoryStaleness[],
  nameOf: (row: CategoryStaleness) => string,
  t: Translate,
): EChartsOption {
  return {
    color: [PALETTE[1], PALETTE[2]],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: rows.map(nameOf), axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('stats.current'), type: 'bar', stack: 'facts', data: rows.map((r) => Math.max(0, r.adopted - r.stale)) },
      { name: t('stats.stale'), type: 'bar', stack: 'facts', data: rows.map((r) => r.stale) },
    ],
  }
}

/** A competitor's adopted entries per month, quiet months filled. */
export function monthsOption(months: { month: string; entries: number }[], t: Translate): EChartsOption {
  const filled = fillMonths(months)
  return {
    color: [PALETTE[4]],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 8, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: filled.map((m) => m.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: t('stats.entries'), type: 'bar', barMaxWidth: 28, data: filled.map((m) => m.entries) }],
  }
}

export function gaugeOption(value: number | null, max: number, name: string): EChartsOption {
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max,
        progress: { show: true, width: 12 },
        axisLine: { lineStyle: { width: 12 } },
        axisTick: { show: false },
        splitLine: { length: 8 },
        axisLabel: { distance: 16, fontSize: 10 },
        pointer: { show: false },
        detail: { valueAnimation: true, fontSize: 22, offsetCenter: [0, '10%'], formatter: (v: number) => v.toFixed(2) },
        title: { offsetCenter: [0, '45%'], fontSize: 12 },
        data: [{ value: value ?? 0, name }],
        itemStyle: { color: PALETTE[0] },
      },
    ],
  }
}

export function leaderboardOption(items: LeaderboardItem[]): EChartsOption {
  const top = items.slice(0, 10).reverse()
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: top.map((i) => i.user.real_name) },
    series: [{ type: 'bar', data: top.map((i) => i.points), label: { show: true, position: 'right' } }],
  }
}

/** Departments' mean appraisal totals, the first-ranked on top. */
export function appraisalDepartmentsOption(departments: DepartmentStanding[], nameOf: (row: DepartmentStanding) => string): EChartsOption {
  const rows = [...departments].sort((a, b) => b.rank - a.rank)
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100 },
    yAxis: { type: 'category', data: rows.map(nameOf) },
    series: [{ type: 'bar', barMaxWidth: 28, data: rows.map((d) => d.mean_total), label: { show: true, position: 'right', formatter: ({ value }) => Number(value).toFixed(2) } }],
  }
}

/** Counts per key as horizontal bars, the largest on top (loss reasons, competitors, areas). */
export function rankedBarOption(rows: KeyCount[], name: string, nameOf: NameOf = asIs, color = PALETTE[0]): EChartsOption {
  // ECharts draws the first category at the bottom.
  const sorted = [...rows].sort((a, b) => a.count - b.count || b.key.localeCompare(a.key))
  return {
    color: [color],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: sorted.map((r) => nameOf(r.key)) },
    series: [{ name, type: 'bar', barMaxWidth: 22, data: sorted.map((r) => r.count), label: { show: true, position: 'right' } }],
  }
}

/** Counts per key in the server's order (budget bands, severities) as columns. */
export function orderedBarOption(rows: KeyCount[], name: string, nameOf: NameOf = asIs, color = PALETTE[0]): EChartsOption {
  return {
    color: [color],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => nameOf(r.key)), axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name, type: 'bar', barMaxWidth: 36, data: rows.map((r) => r.count), label: { show: true, position: 'top' } }],
  }
}

/** Shares of a whole as a ring (competitors, complaint types, satisfaction); keys counting nothing are left out. */
export function sharePieOption(rows: KeyCount[], name: string, nameOf: NameOf = asIs): EChartsOption {
  return {
    color: PALETTE,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        name,
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        data: rows.filter((r) => r.count > 0).map((r) => ({ name: nameOf(r.key), value: r.count })),
      },
    ],
  }
}

/** Losses per month: lost and at risk stacked, won back beside them; quiet months filled. */
export function lossMonthsOption(months: LossReport['by_month'], t: Translate): EChartsOption {
  const filled = fillMonthRows(months, (month) => ({ month, lost: 0, at_risk: 0, won_back: 0 }))
  return {
    color: [PALETTE[4], PALETTE[2], PALETTE[1]],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: filled.map((m) => m.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('statsLosses.series.lost'), type: 'bar', stack: 'losses', barMaxWidth: 32, data: filled.map((m) => m.lost) },
      { name: t('statsLosses.series.at_risk'), type: 'bar', stack: 'losses', barMaxWidth: 32, data: filled.map((m) => m.at_risk) },
      { name: t('statsLosses.series.won_back'), type: 'line', smooth: true, symbolSize: 6, data: filled.map((m) => m.won_back) },
    ],
  }
}

/** Complaint types, the most complained of first, over all months. */
export function complaintTypes(months: ServiceAnalysis['by_month']): string[] {
  const totals = new Map<string, number>()
  for (const m of months) for (const [type, count] of Object.entries(m.by_type)) totals.set(type, (totals.get(type) ?? 0) + count)
  return [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b))
}

/** Complaints per month stacked by type; quiet months filled. */
export function complaintMonthsOption(months: ServiceAnalysis['by_month'], nameOf: NameOf = asIs): EChartsOption {
  const filled = fillMonthRows(months, (month): ServiceAnalysis['by_month'][number] => ({ month, total: 0, by_type: {} }))
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: filled.map((m) => m.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: complaintTypes(months).map((type) => ({
      name: nameOf(type),
      type: 'bar' as const,
      stack: 'complaints',
      barMaxWidth: 32,
      data: filled.map((m) => m.by_type[type] ?? 0),
    })),
  }
}

/** Opportunities per stage: how many (left axis), and their budget and expected value in 万元 (right axis). */
export function stageOption(stages: OpportunityAnalysis['by_stage'], t: Translate, nameOf: NameOf = asIs): EChartsOption {
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 28, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: stages.map((s) => nameOf(s.key)) },
    yAxis: [
      { type: 'value', name: t('statsOpportunities.count'), minInterval: 1 },
      { type: 'value', name: t('statsOpportunities.tenThousand'), splitLine: { show: false } },
    ],
    series: [
      { name: t('statsOpportunities.count'), type: 'bar', yAxisIndex: 0, barMaxWidth: 28, data: stages.map((s) => s.count) },
      { name: t('statsOpportunities.budget'), type: 'bar', yAxisIndex: 1, barMaxWidth: 28, data: stages.map((s) => s.budget) },
      { name: t('statsOpportunities.expected'), type: 'bar', yAxisIndex: 1, barMaxWidth: 28, data: stages.map((s) => s.expected) },
    ],
  }
}

/** Opportunities by the month they are expected to sign: how many (bars) and their budget in 万元 (line); quiet months filled. */
export function timelineOption(months: OpportunityAnalysis['by_timeline'], t: Translate): EChartsOption {
  const filled = fillMonthRows(months, (month) => ({ month, count: 0, budget: 0 }))
  return {
    color: [PALETTE[0], PALETTE[2]],
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 28, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: filled.map((m) => m.month) },
    yAxis: [
      { type: 'value', name: t('statsOpportunities.count'), minInterval: 1 },
      { type: 'value', name: t('statsOpportunities.tenThousand'), splitLine: { show: false } },
    ],
    series: [
      { name: t('statsOpportunities.count'), type: 'bar', yAxisIndex: 0, barMaxWidth: 32, data: filled.map((m) => m.count) },
      { name: t('statsOpportunities.budget'), type: 'line', yAxisIndex: 1, smooth: true, symbolSize: 6, data: filled.map((m) => m.budget) },
    ],
  }
}
