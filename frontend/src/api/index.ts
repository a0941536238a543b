// One typed function per endpoint the frontend uses, following the backend's
// routes (src/**/routes.rs). Exports are files: fetched with the token as a
// blob (`utils/download.ts`).

import { http, type Query } from './client'
import type { ExportFormat } from '@/utils/download'
import { downloadExport } from '@/utils/download'
import type {
  AdjustmentInput,
  AssessmentReport,
  Cluster,
  ClusterFilter,
  ClusterMember,
  CompetitorView,
  Freshness,
  ReviewerReport,
  SearchMiss,
  StatsOverviewQuery,
  AuditEvent,
  AuditQuery,
  Category,
  Client,
  Contact,
  ContactInput,
  Department,
  DepartmentKind,
  Dossier,
  Id,
  JobName,
  JobRun,
  JobView,
  Mail,
  MailStatus,
  NotificationPreferences,
  PreferenceChanges,
  Intel,
  IntelInput,
  IntelStatus,
  Leaderboard,
  LeaderboardQuery,
  Ledger,
  LedgerEntry,
  NewClient,
  NotificationList,
  Page,
  Period,
  Ratings,
  Recalculation,
  ReviewInput,
  ReviewResult,
  Role,
  RuleSet,
  Rules,
  SearchResult,
  SearchSort,
  StatsOverview,
  TemplateField,
  TokenResponse,
  Usage,
  UsageOutcome,
  UsagePurpose,
  User,
} from '@/types'

export interface PageQuery {
  page?: number
  per_page?: number
}

export const authApi = {
  login: (login: string, password: string) => http.post<TokenResponse>('/auth/login', { login, password }),
  logout: () => http.post<void>('/auth/logout'),
  me: () => http.get<User>('/me'),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/me/password', { current_password, new_password }),
}

export interface UserInput {
  employee_no: string
  real_name: string
  email: string
  department_id: Id | null
  roles: Role[]
  password: string
}

export interface UserChanges {
  real_name?: string
  email?: string
  department_id?: Id | null
  roles?: Role[]
  is_active?: boolean
  password?: string
}

export const usersApi = {
  list: (query: { q?: string; department_id?: Id } & PageQuery = {}) => http.get<Page<User>>('/users', query as Query),
  get: (id: Id) => http.get<User>(`/users/${id}`),
  create: (input: UserInput) => http.post<User>('/users', input),
  update: (id: Id, changes: UserChanges) => http.patch<User>(`/users/${id}`, changes),
  ratings: (id: Id, period: Period) => http.get<Ratings>(`/users/${id}/ratings`, { period }),
}

export const departmentsApi = {
  list: () => http.get<Department[]>('/departments'),
  create: (name: string, kind: DepartmentKind) => http.post<Department>('/departments', { name, kind }),
  ratings: (id: Id, period: Period) => http.get<Ratings>(`/departments/${id}/ratings`, { period }),
}

/** `PUT /categories/{key}`: every field optional; `fields` replaces the whole template. */
export interface CategoryInput {
  name?: string
  name_en?: string
  base_points?: number
  freshness_days?: number
  fields?: TemplateField[]
}

export const categoriesApi = {
  list: () => http.get<Category[]>('/categories'),
  update: (key: string, input: CategoryInput) => http.put<Category>(`/categories/${key}`, input),
}

export interface ClientQuery extends PageQuery {
  q?: string
  kind?: string
  tag?: string
  owner_id?: Id
  parent_id?: Id
}

export const clientsApi = {
  list: (query: ClientQuery = {}, signal?: AbortSignal) => http.get<Page<Client>>('/clients', query as Query, signal),
  get: (id: Id) => http.get<Client>(`/clients/${id}`),
  create: (input: NewClient) => http.post<Client>('/clients', input),
  dossier: (id: Id) => http.get<Dossier>(`/clients/${id}/dossier`),
  handover: (id: Id, owner_id: Id, note: string) => http.put<Client>(`/clients/${id}/owner`, { owner_id, note }),
  addContact: (clientId: Id, input: ContactInput) => http.post<Contact>(`/clients/${clientId}/contacts`, input),
  updateContact: (contactId: Id, changes: ContactInput) => http.patch<Contact>(`/contacts/${contactId}`, changes),
}

export interface IntelQuery extends PageQuery {
  author_id?: Id
  status?: IntelStatus | ''
  client_id?: Id
  category?: string
}

export const intelApi = {
  list: (query: IntelQuery) => http.get<Page<Intel>>('/intel', query as Query),
  get: (id: Id) => http.get<Intel>(`/intel/${id}`),
  create: (input: IntelInput) => http.post<Intel>('/intel', input),
  update: (id: Id, input: IntelInput) => http.put<Intel>(`/intel/${id}`, input),
  revise: (id: Id, input: IntelInput) => http.post<Intel>(`/intel/${id}/revisions`, input),
  verify: (id: Id) => http.post<Intel>(`/intel/${id}/verify`),
  /** Reviewers and admins: an adopted entry found false; the comment is required. */
  retract: (id: Id, comment: string) => http.post<Intel>(`/intel/${id}/retract`, { comment }),
  review: (id: Id, input: ReviewInput) => http.post<ReviewResult>(`/intel/${id}/review`, input),
  /** Uses of an entry, newest first (a plain array). */
  usages: (id: Id) => http.get<Usage[]>(`/intel/${id}/usages`),
  recordUsage: (id: Id, purpose: UsagePurpose, outcome: UsageOutcome, note: string) =>
    http.post<Usage>(`/intel/${id}/usages`, { purpose, outcome, note }),
  setUsageOutcome: (usageId: Id, outcome: UsageOutcome) => http.patch<Usage>(`/usages/${usageId}`, { outcome }),
}

export const reviewsApi = {
  queue: (query: { category?: string } & PageQuery = {}) => http.get<Page<Intel>>('/reviews/queue', query as Query),
}

export const pointsApi = {
  ledger: (user_id: Id, query: PageQuery = {}) => http.get<Ledger>('/points/ledger', { user_id, ...query }),
  leaderboard: ({ period, department_id, limit = 50, exclude_staff }: LeaderboardQuery) =>
    http.get<Leaderboard>('/leaderboard', { period, department_id, limit, exclude_staff: exclude_staff || undefined }),
  rules: () => http.get<RuleSet>('/points/rules'),
  /** The body is the Rules object itself (not wrapped); every change is a new version. */
  updateRules: (rules: Rules) => http.put<RuleSet>('/points/rules', rules),
  adjust: (input: AdjustmentInput) => http.post<LedgerEntry>('/points/adjustments', input),
  recalculate: () => http.post<Recalculation>('/points/recalculate'),
}

export interface SearchQuery extends PageQuery {
  q?: string
  category?: string
  client_kind?: string
  client_id?: Id
  status?: string
  author_id?: Id
  department_id?: Id
  tag?: string
  from?: string
  to?: string
  sort?: SearchSort
}

export const searchApi = {
  search: (query: SearchQuery, signal?: AbortSignal) => http.get<SearchResult>('/search', query as Query, signal),
  /** Searches that found nothing, newest first (admin). */
  misses: (query: PageQuery = {}) => http.get<Page<SearchMiss>>('/search/misses', query as Query),
}

export const notificationsApi = {
  list: (query: { unread?: boolean } & PageQuery = {}) => http.get<NotificationList>('/notifications', query as Query),
  markRead: (id: Id) => http.post<void>(`/notifications/${id}/read`),
  markAllRead: () => http.post<void>('/notifications/read-all'),
  /** How I receive mail per kind (in-app notifications always arrive). */
  preferences: () => http.get<NotificationPreferences>('/me/notification-preferences'),
  /** Only the kinds sent change; 422 names each unknown kind or unavailable choice. */
  savePreferences: (changes: PreferenceChanges) => http.put<NotificationPreferences>('/me/notification-preferences', changes),
}

/** Admins only. */
export const mailApi = {
  outbox: (query: { status?: MailStatus | null } & PageQuery = {}) =>
    http.get<Page<Mail>>('/mail/outbox', { status: query.status || undefined, page: query.page, per_page: query.per_page }),
  /** 409 unless the mail has failed. */
  retry: (id: Id) => http.post<Mail>(`/mail/outbox/${id}/retry`),
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

export interface AssessmentQuery {
  period: Period
  date?: string | null
  department_id?: Id | null
}

export const statsApi = {
  /** Marketers, reviewers, admins. */
  overview: ({ period, date, department_id, interval }: StatsOverviewQuery) =>
    http.get<StatsOverview>('/stats/overview', { period, date, department_id, interval }),
  clusters: (filter: ClusterFilter = {}) => http.get<Cluster[]>('/stats/clusters', clusterQuery(filter)),
  clusterClients: (tag: string, filter: ClusterFilter = {}) =>
    http.get<ClusterMember[]>(`${tagPath(tag)}/clients`, clusterQuery(filter)),
  /** Saves the cluster's contact list (audited by the server). */
  exportCluster: (tag: string, filter: ClusterFilter, format: ExportFormat) =>
    downloadExport(`${tagPath(tag)}/export`, clusterQuery(filter), format, `兴趣群体-${tag}`),
  freshness: () => http.get<Freshness>('/stats/freshness'),
  competitors: (period: Period, date?: string | null) => http.get<CompetitorView[]>('/stats/competitors', { period, date }),
  /** Reviewers and admins only (403 otherwise). */
  assessments: ({ period, date, department_id }: AssessmentQuery) =>
    http.get<AssessmentReport>('/stats/assessments', { period, date, department_id }),
  exportAssessments: ({ period, date, department_id }: AssessmentQuery, format: ExportFormat) =>
    downloadExport('/stats/assessments/export', { period, date, department_id }, format, `绩效考核-${period}`),
  /** Reviewers and admins only (403 otherwise). */
  reviewers: (period: Period, date?: string | null) => http.get<ReviewerReport>('/stats/reviewers', { period, date }),
}

export const auditApi = {
  list: (query: AuditQuery & PageQuery) => http.get<Page<AuditEvent>>('/audit', query as Query),
}
