// API shapes as the backend serialises them (src/**/view.rs and the response
// types in src/**/routes.rs). /work/shared/API.md is the binding subset;
// the backend adds fields (masked, last_review, pinyin, …) that are typed here
// too. Fields marked optional (`?`) are ones some endpoints leave out.

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
  /** English name; may be empty. */
  name_en: string
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
  /** Full pinyin of the name, e.g. `wuhuchangjiang…`. */
  pinyin: string
  /** Pinyin initials, e.g. `whcj…`. */
  initials: string
  aliases: string[]
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
  aliases?: string[]
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

/** The latest decision on an entry (`Intel.last_review`), shown to its author, reviewers and admins. */
export interface ReviewSummary {
  decision: Decision
  comment: string
  /** Mean of the five rubric scores, or null when the decision was not scored. */
  mean_score: number | null
  reviewer: UserRef | null
  created_at: string
}

export interface Intel {
  id: Id
  client: ClientRef
  /** Category key, e.g. `business`. */
  category: string
  /** The category's (Chinese) name. */
  category_name: string
  title: string
  body: string
  /** Template values; sensitive ones are `***` when `masked`. */
  fields: Record<string, FieldValue>
  /** Whether some values were masked for this reader. */
  masked: boolean
  source: Source
  observed_at: string
  status: IntelStatus
  author: UserRef
  /** Share of template fields filled (required ones weigh double), 0–1. */
  completeness: number
  revision: number
  /** Mean rubric score of the decided revision. */
  quality: number | null
  created_at: string
  submitted_at: string | null
  adopted_at: string | null
  verified_at: string | null
  stale: boolean
  usage_count: number
  /** The adopted entry this revision replaces. */
  supersedes_id: Id | null
  /** The adopted entry this one duplicates (status `duplicate`). */
  duplicate_of: Id | null
  /** Latest reviewer feedback; null when undecided or for readers other than the author, reviewers and admins. */
  last_review: ReviewSummary | null
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
  intel_id: Id
  user: UserRef
  purpose: UsagePurpose
  outcome: UsageOutcome
  note: string
  created_at: string
  updated_at: string
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
  usage_id: Id | null
  rule_version: number
  created_at: string
  note: string
}

export interface Ledger extends Page<LedgerEntry> {
  balance: number
}

export type Period = 'week' | 'month' | 'quarter' | 'year' | 'all'
export const PERIODS: Period[] = ['week', 'month', 'quarter', 'year', 'all']

export interface LeaderboardItem {
  rank: number
  user: { id: Id; real_name: string; department: DepartmentRef | null }
  points: number
}

export interface LeaderboardQuery {
  period: Period
  department_id?: Id | null
  limit?: number
  /** Leave out admins and reviewers. */
  exclude_staff?: boolean
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

export type NotificationKind =
  | 'intel_adopted'
  | 'intel_rejected'
  | 'intel_returned'
  | 'intel_duplicate'
  | 'intel_retracted'
  | 'intel_used'
  | 'usage_outcome'
  | 'client_handover'
  | 'intel_revision_proposed'
  | 'intel_revision_adopted'
  | 'intel_stale'
  | 'review_queue'

export interface Notification {
  id: Id
  /** One of NotificationKind; other kinds may appear later. */
  kind: string
  title: string
  body: string
  intel_id: Id | null
  client_id: Id | null
  created_at: string
  read: boolean
}

export interface NotificationList extends Page<Notification> {
  unread: number
}

/** How mail of one kind reaches a user (src/mail/preferences.rs `Delivery`). */
export type Delivery = 'immediate' | 'daily' | 'weekly' | 'off'
export const DELIVERIES: Delivery[] = ['immediate', 'daily', 'weekly', 'off']

/** One row of `GET /me/notification-preferences` (src/mail/routes.rs `PreferenceView`). */
export interface NotificationPreference {
  /** A notification kind, or `weekly_digest`. */
  kind: string
  /** The server's Chinese label. */
  label: string
  email: Delivery
  default: Delivery
  choices: Delivery[]
}

export interface NotificationPreferences {
  items: NotificationPreference[]
}

/** `PUT /me/notification-preferences`: kind → delivery; kinds left out keep their setting. */
export type PreferenceChanges = Record<string, Delivery>

/** src/mail/model.rs `MailStatus`. */
export type MailStatus = 'digest' | 'digested' | 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed'
export const MAIL_STATUSES: MailStatus[] = ['failed', 'pending', 'sending', 'sent', 'digest', 'digested', 'suppressed']

/** An outbox row as admins see it (src/mail/model.rs `MailView`). */
export interface Mail {
  id: Id
  user_id: Id
  recipient: string
  /** A notification kind, `daily_digest` or `weekly_digest`. */
  kind: string
  subject: string
  status: MailStatus
  attempts: number
  last_error: string | null
  next_attempt_at: string
  created_at: string
  sent_at: string | null
}

/** src/jobs/mod.rs `Job`. */
export type JobName = 'stale_check' | 'review_queue' | 'daily_digest' | 'weekly_digest'
export const JOB_NAMES: JobName[] = ['stale_check', 'review_queue', 'daily_digest', 'weekly_digest']

/** What a run did, e.g. `{"notified": 3}`. */
export type JobSummary = Record<string, unknown>

/** src/jobs/routes.rs `JobView`. */
export interface JobView {
  job: JobName
  /** The period a run now would count for, e.g. `2026-11-28` or `2026-W48`. */
  current_period: string
  /** Whether the current period has run. */
  done: boolean
  last_run: { period: string; started_at: string; summary: JobSummary } | null
}

/** `POST /jobs/{name}/run` (src/jobs/mod.rs `JobRun`). */
export interface JobRun {
  job: JobName
  period: string
  forced: boolean
  summary: JobSummary
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
  client_id: Id
  name: string
  title: string
  is_decision_maker: boolean
  /** Sensitive: `***` unless the reader owns the client, reviews or administers. */
  phone: string
  /** Sensitive, like `phone`. */
  notes: string
  /** Whether phone/notes were masked for this reader. */
  masked: boolean
}

/** `POST /clients/{id}/contacts` (name required) and `PATCH /contacts/{id}` (every field optional). */
export interface ContactInput {
  name?: string
  title?: string
  is_decision_maker?: boolean
  phone?: string
  notes?: string
}

export interface OwnerChange {
  from: UserRef | null
  to: UserRef | null
  changed_by: UserRef
  note: string
  created_at: string
}

export interface Dossier {
  client: Client
  /** Individual clients belonging to this group. */
  members: Client[]
  owner_history: OwnerChange[]
  contacts: Contact[]
  /** Adopted entries, newest first. */
  intel: Intel[]
  stale_count: number
  usages: Usage[]
}

// Statistics (src/stats/routes.rs, src/stats/compute.rs). Rates are 0–1 or
// null when there is nothing to divide by.

export type StatsInterval = 'week' | 'month'
export const STATS_INTERVALS: StatsInterval[] = ['week', 'month']

/** Entries submitted and adopted, and uses by others (and those won), in some slice. */
export interface StatsCounts {
  submitted: number
  adopted: number
  uses: number
  won: number
}

export interface DepartmentCounts extends StatsCounts {
  /** Null for authors without a department. */
  department_id: Id | null
  /** The server's name; `未分配部门` when there is no department. */
  name: string
}

export interface StatsBucket extends StatsCounts {
  /** `YYYY-MM` for months, the Monday `YYYY-MM-DD` for weeks (UTC+8). */
  bucket: string
}

export interface StatsOverview {
  period: Period
  /** The window, UTC; null for `all`. `to` is exclusive. */
  from: string | null
  to: string | null
  submitted: number
  adopted: number
  /** Decisions made in the period. */
  decided: number
  adoption_rate: number | null
  usage_rate: number | null
  uses: number
  won: number
  mean_score: number | null
  median_review_hours: number | null
  /** By category key. */
  by_category: Record<string, StatsCounts>
  /** By client kind (`group`, `individual`; `''` when unknown). */
  by_client_kind: Record<string, StatsCounts>
  by_department: DepartmentCounts[]
  /** Only buckets with activity, oldest first. */
  series: StatsBucket[]
}

export interface StatsOverviewQuery {
  period: Period
  /** `YYYY-MM-DD`, a local date inside the period (default today). */
  date?: string | null
  department_id?: Id | null
  interval?: StatsInterval
}

export interface Cluster {
  tag: string
  clients: number
  groups: number
  individuals: number
}

export interface ClusterFilter {
  kind?: ClientKind | ''
  tier?: string
  region?: string
}

export interface ClusterMember {
  client: Client
  /** Phone and notes masked (`***`) unless the reader owns the client, reviews or administers. */
  contacts: Contact[]
}

export interface Staleness {
  adopted: number
  stale: number
  stale_share: number | null
}

export interface CategoryStaleness extends Staleness {
  category: string
  /** The category's (Chinese) name. */
  name: string
}

export interface OwnerStaleness extends Staleness {
  owner_id: Id | null
  owner_name: string | null
}

export interface OldFact {
  intel_id: Id
  title: string
  category: string
  client_id: Id
  client_name: string
  tier: string | null
  /** When the fact was last adopted or confirmed. */
  confirmed_at: string
  age_days: number
  stale: boolean
}

export interface Freshness extends Staleness {
  by_category: CategoryStaleness[]
  by_owner: OwnerStaleness[]
  /** Oldest facts on key clients (tier S or A), oldest first. */
  oldest_on_key_clients: OldFact[]
}

export interface CompetitorOffer {
  offer: string
  entries: number
  min_tariff: number | null
  max_tariff: number | null
  latest_at: string
}

export interface CompetitorView {
  competitor: string
  entries: number
  offers: CompetitorOffer[]
  /** `YYYY-MM`, only months with entries. */
  months: { month: string; entries: number }[]
}

/** One person's 绩效考核 for a period. */
export interface Assessment {
  user_id: Id
  employee_no: string
  real_name: string
  department: string | null
  submitted: number
  adopted: number
  decided: number
  adoption_rate: number | null
  mean_score: number | null
  usage_rate: number | null
  uses: number
  median_submission_delay_hours: number | null
  updates: number
  verifications: number
  points: number
}

export interface AssessmentReport {
  period: Period
  items: Assessment[]
}

export interface ReviewerMetrics {
  reviewer_id: Id
  real_name: string
  decisions: number
  adopted: number
  rejected: number
  returned: number
  duplicates: number
  adoption_rate: number | null
  median_decision_hours: number | null
  /** 1 − mean |own adoption rate − peers' rate| over shared authors. */
  agreement: number | null
}

/** A reviewer adopting one author's entries far more often than peers do. */
export interface CollusionFlag {
  reviewer_id: Id
  reviewer_name: string
  author_id: Id
  author_name: string
  decisions: number
  adoption_rate: number
  peer_adoption_rate: number
}

export interface ReviewerReport {
  reviewers: ReviewerMetrics[]
  flags: CollusionFlag[]
}

/** A search that found nothing (`GET /search/misses`, admin). */
export interface SearchMiss {
  query: string
  user: UserRef | null
  /** `{category, client_kind, client_id, status, tag}`, null when unused. */
  filters: Record<string, unknown> | null
  created_at: string
}

/** One version of the points rule set (src/points/rules.rs). */
export interface Rules {
  /** Adoption pays round(base × mean score / adopt_divisor). */
  adopt_divisor: number
  private_bonus: number
  /** An adopted revision pays this share (0–1) of a first adoption. */
  revision_share: number
  review: number
  usage: number
  usage_per_entry_cap: number
  usage_daily_cap: number
  won: number
  verify: number
  retract_penalty: number
}

export type RuleKey = keyof Rules
export const RULE_KEYS: RuleKey[] = [
  'adopt_divisor',
  'private_bonus',
  'revision_share',
  'review',
  'usage',
  'usage_per_entry_cap',
  'usage_daily_cap',
  'won',
  'verify',
  'retract_penalty',
]
/** Rules that are decimals; every other rule is an integer (the server rejects fractions). */
export const DECIMAL_RULES: RuleKey[] = ['adopt_divisor', 'revision_share']

export interface RuleSet {
  version: number
  rules: Rules
}

export interface AdjustmentInput {
  user_id: Id
  /** Non-zero, |delta| ≤ 10000. */
  delta: number
  note: string
}

export interface Recalculation {
  rule_version: number
  /** Entries whose adoption pay changed. */
  corrected: number
  /** Net points written. */
  delta: number
}

export interface AuditEvent {
  id: Id
  /** Null for system events (e.g. a refresh-token reuse). */
  actor: UserRef | null
  action: string
  target_type: string
  target_id: Id | null
  detail: unknown
  created_at: string
}

export interface AuditQuery {
  actor_id?: Id
  action?: string
  target_type?: string
  target_id?: Id
  from?: string
  to?: string
}
