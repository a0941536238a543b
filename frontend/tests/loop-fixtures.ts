// Bodies of the loop to the account manager (src/follows, src/agenda,
// src/handover), shaped as the backend serialises them.
import type { Follow, HandoverPreview, Reminder, Task, Visit } from '@/types'
import { client, intel } from './fixtures'

export function follow(overrides: Partial<Follow> = {}): Follow {
  return {
    id: 1,
    target: 'competitor',
    value: '中国电信',
    label: '中国电信',
    delivery: 'immediate',
    created_at: '2026-11-20T08:00:00Z',
    ...overrides,
  }
}

export function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 11,
    title: '发送专线报价',
    due_on: '2099-12-10',
    status: 'open',
    client: { id: 9, name: '芜湖长江实业集团有限公司' },
    visit_id: 21,
    assignee: { id: 1, real_name: '张三' },
    result: '',
    done_at: null,
    ...overrides,
  }
}

export function reminder(overrides: Partial<Reminder> = {}): Reminder {
  return {
    id: 31,
    kind: 'fact',
    due_on: '2099-02-01',
    client: { id: 9, name: '芜湖长江实业集团有限公司' },
    intel_id: 41,
    task_id: null,
    title: '合同到期',
    status: 'open',
    snoozed_until: null,
    fact_on: '2099-03-03',
    offset_days: 30,
    ...overrides,
  }
}

export function visit(overrides: Partial<Visit> = {}): Visit {
  return {
    id: 21,
    client: { id: 9, name: '芜湖长江实业集团有限公司' },
    author: { id: 5, real_name: '王经理' },
    visited_on: '2026-11-18',
    contacts: [{ id: 3, name: '李总', title: '财务副总' }],
    purpose: '方案交流',
    summary: '客户关注专线扩容',
    tasks: [task()],
    created_at: '2026-11-18T09:00:00Z',
    ...overrides,
  }
}

export function handoverPreview(overrides: Partial<HandoverPreview> = {}): HandoverPreview {
  return {
    client: client(),
    to: { id: 6, real_name: '孙丽' },
    contacts: { count: 1, items: [{ id: 3, name: '李总', title: '财务副总', is_decision_maker: true }] },
    open_tasks: { count: 1, items: [task()] },
    reminders: { count: 0, items: [] },
    pending_entries: { count: 1, items: [intel({ id: 42, status: 'submitted', title: '新办公楼装修' })] },
    follows: { count: 2, items: [{ id: 5, real_name: '王经理' }, { id: 7, real_name: '孙营销' }] },
    briefing: '客户：芜湖长江实业集团有限公司\n联系人 1 位',
    ...overrides,
  }
}
