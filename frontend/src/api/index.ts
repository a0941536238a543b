// One typed function per endpoint the frontend uses, following the backend's
// routes (src/**/routes.rs). Exports are files: fetched with the token as a
// blob (`utils/download.ts`).

import { ApiError, create, http, type Query } from './client'
import { downloadExport } from '@/utils/download'
import type {
  AdjustmentInput,
  Appraisal,
  AppraisalRules,
  AppraisalRuleSet,
  AppraisalSummary,
  CalendarFeed,
  Follow,
  HandoverPreview,
  NewFollow,
  NewVisit,
  Reminder,
  Task,
  Visit,
  AssessmentQuery,
  AssessmentReport,
  AuditEvent,
  AuditQuery,
  Category,
  CategoryChanges,
  Client,
  Cluster,
  ClusterFilter,
  ClusterMember,
  CompetitorView,
  Department,
  DepartmentKind,
  Dossier,
  DraftText,
  MyClient,
  NewCategory,
  ExportFormat,
  Freshness,
  Id,
  Intel,
  IntelChanges,
  IntelRevision,
  JobName,
  JobRun,
  JobView,
  Leaderboard,
  LeaderboardQuery,
  Ledger,
  LedgerEntry,
  Mail,
  Throttle,
  NewClient,
  NewIntel,
  NewUser,
  NotificationList,
  NotificationPreferences,
  Page,
  Period,
  PreferenceChanges,
  QueryOf,
  Ratings,
  Readiness,
  Recalculation,
  ReviewerReport,
  ReviewInput,
  ReviewResult,
  RuleSet,
  Rules,
  SearchHit,
  SearchMiss,
  SearchQuery,
  SearchResult,
  StatsOverview,
  StatsOverviewQuery,
  TokenResponse,
  Usage,
  UsageOutcome,
  UsagePurpose,
  User,
  UserChanges,
  ClientChanges,
  ClientListQuery,
  InvitationInput,
  InvitationResult,
  LossReport,
  OpportunityAnalysis,
  ServiceAnalysis,
  MarketStatsQuery,
  Contact,
  ContactInput,
} from '@/types'

export type PageQuery = Pick<QueryOf<'list_users'>, 'page' | 'per_page'>

export const authApi = {
  login: (login: string, password: string) => http.post<TokenResponse>('/auth/login', { login, password }),
  logout: () => http.post<void>('/auth/logout'),
  me: () => http.get<User>('/me'),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/me/password', { current_password, new_password }),
}

export const usersApi = {
  list: (query: QueryOf<'list_users'> = {}, signal?: AbortSignal) => http.get<Page<User>>('/users', query, signal),
  get: (id: Id) => http.get<User>(`/users/${id}`),
  create: (input: NewUser) => http.create<User>('/users', input),
  update: (id: Id, changes: UserChanges) => http.patch<User>(`/users/${id}`, changes),
  /** One's own; a department head's for their department's members; anyone's for reviewers and admins (403 otherwise). */
  ratings: (id: Id, period: Period, signal?: AbortSignal) => http.get<Ratings>(`/users/${id}/ratings`, { period }, signal),
}

export const departmentsApi = {
  list: () => http.get<Department[]>('/departments'),
  create: (name: string, kind: DepartmentKind) => http.create<Department>('/departments', { name, kind }),
  /** The department's head, reviewers and admins (403 otherwise). */
  ratings: (id: Id, period: Period, signal?: AbortSignal) => http.get<Ratings>(`/departments/${id}/ratings`, { period }, signal),
}

export const categoriesApi = {
  list: () => http.get<Category[]>('/categories'),
  /** Admins; 409 when the key is taken. */
  create: (input: NewCategory) => http.create<Category>('/categories', input),
  /** Every field optional; `fields` replaces the whole template. */
  update: (key: string, changes: CategoryChanges) => http.put<Category>(`/categories/${key}`, changes),
}

export const clientsApi = {
  list: (query: ClientListQuery = {}, signal?: AbortSignal) => http.get<Page<Client>>('/clients', query, signal),
  /** The filtered list as a file (marketers, reviewers, admins; audited). */
  exportList: (query: ClientListQuery, format: ExportFormat) => downloadExport('/clients/export', query, format, '客户名单'),
  get: (id: Id) => http.get<Client>(`/clients/${id}`),
  create: (input: NewClient) => http.create<Client>('/clients', input),
  /** Only the fields sent change; a status of lost or at risk needs `loss`, active closes the open one. */
  update: (id: Id, changes: ClientChanges) => http.patch<Client>(`/clients/${id}`, changes),
  /** With `category`, the timeline holds only that category's adopted entries. */
  dossier: (id: Id, category?: string, page: { page?: number; per_page?: number } = {}, signal?: AbortSignal) =>
    http.get<Dossier>(`/clients/${id}/dossier`, { category: category || undefined, ...page }, signal),
  /** 我的客户: the clients I own, each with its summary line. */
  mine: (query: QueryOf<'my_clients'> = {}, signal?: AbortSignal) => http.get<Page<MyClient>>('/me/clients', query, signal),
  /** What handing over to `to` would move, and the briefing the new owner gets. */
  handoverPreview: (id: Id, to: Id) => http.get<HandoverPreview>(`/clients/${id}/handover`, { to }),
  handover: (id: Id, owner_id: Id, note: string) => http.put<Client>(`/clients/${id}/owner`, { owner_id, note }),
  /** The client's owners, reviewers and admins (403 otherwise). */
  visits: (id: Id, query: PageQuery = {}, signal?: AbortSignal) => http.get<Page<Visit>>(`/clients/${id}/visits`, query, signal),
  addContact: (clientId: Id, input: ContactInput) => http.create<Contact>(`/clients/${clientId}/contacts`, input),
  updateContact: (contactId: Id, changes: ContactInput) => http.patch<Contact>(`/contacts/${contactId}`, changes),
}

export const intelApi = {
  list: (query: QueryOf<'list_intel'>, signal?: AbortSignal) => http.get<Page<Intel>>('/intel', query, signal),
  get: (id: Id) => http.get<Intel>(`/intel/${id}`),
  create: (input: NewIntel) => http.create<Intel>('/intel', input),
  update: (id: Id, changes: IntelChanges) => http.put<Intel>(`/intel/${id}`, changes),
  revise: (id: Id, revision: IntelRevision) => http.create<Intel>(`/intel/${id}/revisions`, revision),
  verify: (id: Id) => http.post<Intel>(`/intel/${id}/verify`),
  /** Likely duplicates of an entry: others on its first client (any entry when it names none) sharing its words. */
  similar: (id: Id) => http.get<SearchHit[]>(`/intel/${id}/similar`),
  /** Reviewers and admins: an adopted entry found false; the comment is required. */
  retract: (id: Id, comment: string) => http.post<Intel>(`/intel/${id}/retract`, { comment }),
  review: (id: Id, input: ReviewInput) => http.create<ReviewResult>(`/intel/${id}/review`, input),
  /** Uses of an entry, newest first (a plain array). */
  usages: (id: Id) => http.get<Usage[]>(`/intel/${id}/usages`),
  recordUsage: (id: Id, purpose: UsagePurpose, outcome: UsageOutcome, note: string) =>
    http.create<Usage>(`/intel/${id}/usages`, { purpose, outcome, note }),
  setUsageOutcome: (usageId: Id, outcome: UsageOutcome) => http.patch<Usage>(`/usages/${usageId}`, { outcome }),
}

export const reviewsApi = {
  queue: (query: QueryOf<'queue'> = {}) => http.get<Page<Intel>>('/reviews/queue', query),
}

export const pointsApi = {
  ledger: (user_id: Id, query: PageQuery = {}) => http.get<Ledger>('/points/ledger', { user_id, ...query }),
  leaderboard: ({ period, department_id, limit = 50, exclude_staff }: LeaderboardQuery) =>
    http.get<Leaderboard>('/leaderboard', { period, department_id, limit, exclude_staff: exclude_staff || undefined }),
  rules: () => http.get<RuleSet>('/points/rules'),
  /** The body is the Rules object itself (not wrapped); every change is a new version. */
  updateRules: (rules: Rules) => http.put<RuleSet>('/points/rules', rules),
  adjust: (input: AdjustmentInput) => http.create<LedgerEntry>('/points/adjustments', input),
  recalculate: () => http.post<Recalculation>('/points/recalculate'),
}

export const searchApi = {
  search: (query: SearchQuery, signal?: AbortSignal) => http.get<SearchResult>('/search', query, signal),
  /** Likely duplicates of an entry being written (`client_id` null: compared with every entry). */
  similar: (draft: DraftText) => http.post<SearchHit[]>('/search/similar', draft),
  /** Searches that found nothing, newest first (admin). */
  misses: (query: PageQuery = {}, signal?: AbortSignal) => http.get<Page<SearchMiss>>('/search/misses', query, signal),
}

export const notificationsApi = {
  list: (query: QueryOf<'list_notifications'> = {}) => http.get<NotificationList>('/notifications', query),
  markRead: (id: Id) => http.post<void>(`/notifications/${id}/read`),
  markAllRead: () => http.post<void>('/notifications/read-all'),
  /** How I receive mail per kind (in-app notifications always arrive). */
  preferences: () => http.get<NotificationPreferences>('/me/notification-preferences'),
  /** Only the kinds sent change; 422 names each unknown kind or unavailable choice. */
  savePreferences: (changes: PreferenceChanges) => http.put<NotificationPreferences>('/me/notification-preferences', changes),
}

/** Admins only. */
export const mailApi = {
  outbox: (query: QueryOf<'list_outbox'> = {}, signal?: AbortSignal) => http.get<Page<Mail>>('/mail/outbox', query, signal),
  /** 409 unless the mail has failed. */
  retry: (id: Id) => http.post<Mail>(`/mail/outbox/${id}/retry`),
}

/** Admins only: sign-in throttles (docs/SECURITY.md). */
export const healthApi = {
  /** `GET /readyz` (outside /api/v1, no sign-in): 200 ready or degraded, 503 when a component failed — both a report. */
  readiness: async (signal?: AbortSignal): Promise<Readiness> => {
    const response = await fetch('/readyz', { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal })
    if (response.status !== 200 && response.status !== 503) throw new ApiError(response.status, 'internal', response.statusText)
    return (await response.json()) as Readiness
  },
}

export const throttlesApi = {
  list: (query: QueryOf<'list_throttles'> = {}, signal?: AbortSignal) => http.get<Page<Throttle>>('/auth/throttles', query, signal),
  /** 404 when nothing is counted for the key any more; audited. */
  clear: (key: string) => http.post<void>('/auth/throttles/clear', { key }),
}

/** Admins only. */
export const jobsApi = {
  list: () => http.get<JobView[]>('/jobs'),
  /** 409 when the current period has run and `force` is not set. */
  run: (name: JobName, force = false) => http.post<JobRun>(`/jobs/${encodeURIComponent(name)}/run${force ? '?force=true' : ''}`),
}

function clusterQuery(filter: ClusterFilter): Query {
  return { kind: filter.kind || undefined, tier: filter.tier?.trim() || undefined, region: filter.region?.trim() || undefined }
}

function tagPath(tag: string): string {
  return `/stats/clusters/${encodeURIComponent(tag)}`
}

export const statsApi = {
  /** Marketers, reviewers, admins. */
  overview: ({ period, date, department_id, interval }: StatsOverviewQuery) =>
    http.get<StatsOverview>('/stats/overview', { period, date, department_id, interval }),
  clusters: (filter: ClusterFilter = {}) => http.get<Cluster[]>('/stats/clusters', clusterQuery(filter)),
  clusterClients: (tag: string, filter: ClusterFilter = {}, page: PageQuery = {}) =>
    http.get<Page<ClusterMember>>(`${tagPath(tag)}/clients`, { ...clusterQuery(filter), ...page }),
  /** Saves the cluster's contact list (audited by the server). */
  exportCluster: (tag: string, filter: ClusterFilter, format: ExportFormat) =>
    downloadExport(`${tagPath(tag)}/export`, clusterQuery(filter), format, `兴趣群体-${tag}`),
  /** One task per member client (of `filter`) for its owner; `key` (one per dialog) makes a repeat create nothing more. */
  inviteCluster: (tag: string, filter: ClusterFilter, input: InvitationInput, key: string) =>
    create<InvitationResult>(`${tagPath(tag)}/invitations`, input, key, clusterQuery(filter)),
  freshness: () => http.get<Freshness>('/stats/freshness'),
  competitors: (period: Period, date?: string | null) => http.get<CompetitorView[]>('/stats/competitors', { period, date }),
  /** Reviewers and admins only (403 otherwise). */
  assessments: ({ period, date, department_id }: AssessmentQuery) =>
    http.get<AssessmentReport>('/stats/assessments', { period, date, department_id }),
  exportAssessments: ({ period, date, department_id }: AssessmentQuery, format: ExportFormat) =>
    downloadExport('/stats/assessments/export', { period, date, department_id }, format, `绩效考核-${period}`),
  losses: ({ period, date, department_id }: MarketStatsQuery) => http.get<LossReport>('/stats/losses', { period, date, department_id }),
  /** Complaints (服务与投诉 entries) of the period. */
  service: ({ period, date, department_id }: MarketStatsQuery) => http.get<ServiceAnalysis>('/stats/service', { period, date, department_id }),
  /** Opportunities (需求与商机 entries) of the period: stages, budgets, the pipeline. */
  opportunities: ({ period, date, department_id }: MarketStatsQuery) =>
    http.get<OpportunityAnalysis>('/stats/opportunities', { period, date, department_id }),
  /** Reviewers and admins only (403 otherwise). */
  reviewers: (period: Period, date?: string | null) => http.get<ReviewerReport>('/stats/reviewers', { period, date }),
}

export const followsApi = {
  list: () => http.get<Follow[]>('/follows'),
  /** 409 when already followed. */
  create: (input: NewFollow) => http.create<Follow>('/follows', input),
  remove: (id: Id) => http.delete<void>(`/follows/${id}`),
}

/** Visits, the tasks they set, reminders and the calendar feed: 我的待办. */
export const agendaApi = {
  recordVisit: (input: NewVisit) => http.create<Visit>('/visits', input),
  tasks: (query: QueryOf<'list_tasks'> = {}, signal?: AbortSignal) => http.get<Page<Task>>('/tasks', query, signal),
  completeTask: (id: Id, result: string) => http.post<Task>(`/tasks/${id}/done`, { result }),
  reminders: (query: QueryOf<'list_reminders'> = {}, signal?: AbortSignal) => http.get<Page<Reminder>>('/reminders', query, signal),
  reminderDone: (id: Id) => http.post<Reminder>(`/reminders/${id}/done`),
  /** `until`: a day after today (YYYY-MM-DD). */
  snooze: (id: Id, until: string) => http.post<Reminder>(`/reminders/${id}/snooze`, { until }),
  reassign: (id: Id, user_id: Id) => http.post<Reminder>(`/reminders/${id}/reassign`, { user_id }),
  calendar: () => http.get<CalendarFeed>('/me/calendar'),
  /** A new private URL; the old one stops working. */
  rotateCalendar: () => http.post<CalendarFeed>('/me/calendar/rotate'),
}

export const auditApi = {
  list: (query: AuditQuery, signal?: AbortSignal) => http.get<Page<AuditEvent>>('/audit', query, signal),
}

function appraisalPath(period: string): string {
  return `/appraisals/${encodeURIComponent(period)}`
}

/** 绩效考核: the scoring standard, a period's appraisal, publishing it and its workbook. */
export const appraisalApi = {
  rules: () => http.get<AppraisalRuleSet>('/appraisal/rules'),
  /** Admins; the body is the rules object itself, every save a new version (422 `fields.weights` unless they sum to 100). */
  updateRules: (rules: AppraisalRules) => http.put<AppraisalRuleSet>('/appraisal/rules', rules),
  /** Published periods, newest first. */
  published: () => http.get<AppraisalSummary[]>('/appraisals'),
  /** The rows the reader may see of a period: frozen when published, else a live preview. */
  get: (period: string, department_id: Id | null, signal?: AbortSignal) =>
    http.get<Appraisal>(appraisalPath(period), { department_id }, signal),
  /** Admins and reviewers who head a department; 409 when published already, 422 `fields.period` before it ends. */
  publish: (period: string) => http.create<Appraisal>('/appraisals', { period }),
  /** Reviewers, admins, department heads (their department): 部门排名 and a sheet per department. */
  exportXlsx: (period: string, department_id: Id | null) =>
    downloadExport(`${appraisalPath(period)}/export`, { department_id }, 'xlsx', `绩效考核-${period}`),
}
