// API shapes from /work/shared/API.md. Fields marked optional (`?`) are
// extras the frontend uses when the server sends them; the contract fields
// are required.

export type Id = number

export type Role = 'employee' | 'account_manager' | 'reviewer' | 'marketer' | 'admin'
export const ROLES: Role[] = ['employee', 'account_manager', 'reviewer', 'marketer', 'admin']

export interface Page<T> {
  items: T[]
  total: number
}

export interface DepartmentRef {
  id: Id
  name: string
}

export type DepartmentKind = 'frontline' | 'collection' | 'management' | 'usage' | 'other'
export const DEPARTMENT_KINDS: DepartmentKind[] = ['frontline', 'collection', 'management', 'usage', 'other']

export interface Department extends DepartmentRef {
  kind: DepartmentKind
}

export interface User {
  id: Id
  employee_no: string
  real_name: string
  email: string
  department: DepartmentRef | null
  roles: Role[]
  points: number
  is_active: boolean
}

export interface UserRef {
  id: Id
  real_name: string
}

export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
  user: User
}

export type FieldType = 'text' | 'number' | 'date' | 'enum' | 'phone' | 'email'

export interface TemplateField {
  key: string
  label: string
  label_en?: string
  type: FieldType
  required: boolean
  sensitive: boolean
  options?: string[]
}

export interface Category {
  key: string
  name: string
  name_en?: string
  base_points: number
  freshness_days: number
  fields: TemplateField[]
}

export type ClientKind = 'group' | 'individual'
export type ClientStatus = 'active' | 'at_risk' | 'lost' | 'prospect'

export interface Client {
  id: Id
  kind: ClientKind
  name: string
  industry: string | null
  region: string | null
  tier: string | null
  status: ClientStatus
  owner: UserRef | null
  parent_id: Id | null
  tags: string[]
}

export interface NewClient {
  kind: ClientKind
  name: string
  industry?: string
  region?: string
  tier?: string
  owner_id?: Id
  parent_id?: Id
  tags: string[]
}

export interface ClientRef {
  id: Id
  name: string
  kind: ClientKind
}

export type IntelStatus =
  | 'draft'
  | 'submitted'
  | 'adopted'
  | 'rejected'
  | 'needs_revision'
  | 'duplicate'
  | 'superseded'
  | 'retracted'
export const INTEL_STATUSES: IntelStatus[] = [
  'draft',
  'submitted',
  'adopted',
  'rejected',
  'needs_revision',
  'duplicate',
  'superseded',
  'retracted',
]

export type Source = 'public' | 'private'
export type FieldValue = string | number | null

export type Criterion = 'truthfulness' | 'relevance' | 'completeness' | 'timeliness' | 'value'
export const CRITERIA: Criterion[] = ['truthfulness', 'relevance', 'completeness', 'timeliness', 'value']
export type Scores = Record<Criterion, number>

export type Decision = 'adopt' | 'reject' | 'revise' | 'duplicate'

export interface Review {
  id?: Id
  revision?: number
  reviewer?: UserRef | null
  decision: Decision
  scores?: Partial<Scores> | null
  comment?: string | null
  duplicate_of?: Id | null
  created_at?: string
}

export interface Intel {
  id: Id
  client: ClientRef
  category: string
  title: string
  body: string
  fields: Record<string, FieldValue>
  source: Source
  observed_at: string
  status: IntelStatus
  author: UserRef
  completeness: number
  revision: number
  quality: number | null
  created_at: string
  submitted_at: string | null
  adopted_at: string | null
  stale: boolean
  usage_count: number
  /** Review history (reviewer feedback), when the server includes it. */
  reviews?: Review[]
  verified_at?: string | null
}

export interface IntelInput {
  client_id: Id
  category: string
  title: string
  body: string
  fields: Record<string, FieldValue>
  source: Source
  observed_at: string
  draft?: boolean
  submit?: boolean
}

export interface ReviewInput {
  decision: Decision
  scores?: Scores
  comment: string
  duplicate_of?: Id
}

export interface ReviewResult {
  intel: Intel
  points_awarded: number
}

export type UsagePurpose = 'visit' | 'campaign' | 'solution' | 'retention' | 'other'
export const USAGE_PURPOSES: UsagePurpose[] = ['visit', 'campaign', 'solution', 'retention', 'other']
export type UsageOutcome = 'pending' | 'won' | 'lost'
export const USAGE_OUTCOMES: UsageOutcome[] = ['pending', 'won', 'lost']

export interface Usage {
  id: Id
  intel_id?: Id
  user?: UserRef
  purpose: UsagePurpose
  outcome: UsageOutcome
  note: string | null
  created_at?: string
  intel?: { id: Id; title: string }
}

export type LedgerReason =
  | 'adopted'
  | 'private_source'
  | 'revision_adopted'
  | 'review'
  | 'usage'
  | 'usage_won'
  | 'verified'
  | 'retracted'
  | 'adjustment'

export interface LedgerEntry {
  id: Id
  delta: number
  reason: LedgerReason
  intel_id: Id | null
  created_at: string
  note: string | null
}

export interface Ledger extends Page<LedgerEntry> {
  balance: number
}

export type Period = 'week' | 'month' | 'quarter' | 'year' | 'all'
export const PERIODS: Period[] = ['week', 'month', 'quarter', 'year', 'all']

export interface LeaderboardItem {
  rank: number
  user: { id: Id; real_name: string; department: DepartmentRef | string | null }
  points: number
}

export interface Leaderboard {
  period: Period
  items: LeaderboardItem[]
}

export interface Ratings {
  period: Period
  quality: { mean_score: number | null; adoption_rate: number | null; decided: number }
  quantity: { submitted: number; adopted: number }
  usage: { adopted: number; used: number; usage_rate: number | null; uses: number }
  timeliness: { median_hours: number | null }
}

export interface Notification {
  id: Id
  kind?: string
  title?: string
  body?: string
  message?: string
  intel_id?: Id | null
  client_id?: Id | null
  link?: string | null
  read?: boolean
  read_at?: string | null
  created_at: string
}

export interface NotificationList extends Page<Notification> {
  unread: number
}

export type SearchSort = 'relevance' | 'newest' | 'quality'

export interface SearchHit {
  intel: Intel
  score: number
  snippet: string
}

export interface SearchResult {
  total: number
  items: SearchHit[]
  facets: { category: Record<string, number>; client_kind: Record<string, number> }
}

export interface Contact {
  id: Id
  name: string
  title: string | null
  decision_maker: boolean
  phone?: string | null
  notes?: string | null
}

export interface OwnerChange {
  from?: UserRef | null
  to?: UserRef | null
  owner?: UserRef | null
  previous_owner?: UserRef | null
  changed_by?: UserRef | null
  note?: string | null
  changed_at?: string
  created_at?: string
}

export interface Dossier {
  client: Client
  owner_history: OwnerChange[]
  contacts: Contact[]
  intel: Intel[]
  stale_count: number
  usages: Usage[]
}

export interface StatsOverview {
  submitted: number
  adopted: number
  adoption_rate: number | null
  usage_rate: number | null
  uses: number
  won: number
  mean_score: number | null
  by_category: Record<string, { submitted: number; adopted: number }>
}

export interface PointRules {
  version?: number
  rules: Record<string, number>
  created_at?: string
}

export interface AuditEvent {
  id: Id
  actor?: UserRef | null
  actor_id?: Id | null
  action: string
  target_type?: string | null
  target_kind?: string | null
  target_id?: Id | string | null
  details?: unknown
  created_at: string
}
