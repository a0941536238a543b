// ECharts option builders: pure functions of API data, so pages stay small.

import type { EChartsOption } from 'echarts'
import type { LeaderboardItem, Ratings, StatsOverview } from '@/types'

type Translate = (key: string) => string

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
  const quality = ratings.quality.mean_score === null ? 0 : Math.round((ratings.quality.mean_score / 5) * 1000) / 10
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

export function categoryBarOption(
  stats: StatsOverview,
  nameOf: (key: string) => string,
  t: Translate,
): EChartsOption {
  const keys = Object.keys(stats.by_category)
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: 'category', data: keys.map(nameOf), axisLabel: { interval: 0, rotate: keys.length > 5 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('stats.submitted'), type: 'bar', data: keys.map((k) => stats.by_category[k].submitted) },
      { name: t('stats.adopted'), type: 'bar', data: keys.map((k) => stats.by_category[k].adopted) },
    ],
  }
}

export function categoryPieOption(stats: StatsOverview, nameOf: (key: string) => string): EChartsOption {
  return {
    color: PALETTE,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        data: Object.entries(stats.by_category)
          .filter(([, v]) => v.adopted > 0)
          .map(([key, v]) => ({ name: nameOf(key), value: v.adopted })),
      },
    ],
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
