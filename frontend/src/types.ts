// API shapes, named after the schemas of the OpenAPI document (openapi.json,
// generated into api/schema.d.ts by `npm run types`). The server's schema is
// the truth: where it types a value loosely (a status as a string), the code
// handles any string. Below the aliases: the lists the UI offers, and the
// few shapes that exist only in the frontend.

import type { components, operations } from '@/api/schema'

type Schema = components['schemas']
/** The query parameters of one operation (by its operationId). */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>

export type Id = number

/** What a list endpoint answers: one page of items and how many match in all. */
export type Page<T> = {
  items: T[]
  total: number
}

export type User = Schema['UserView']
export type UserRef = Schema['UserRef']
export type TokenResponse = Schema['TokenResponse']
export type NewUser = Schema['CreateUser']
export type UserChanges = Schema['UpdateUser']

export type DepartmentRef = Schema['DepartmentRef']
export type Department = Schema['DepartmentView']
export type DepartmentKind = Schema['DepartmentKind']

export type FieldType = Schema['FieldType']
export type TemplateField = Schema['FieldDef']
export type Category = Schema['Category']
export type CategoryChanges = Schema['UpdateCategory']
export type NewCategory = Schema['CreateCategory']

export type ClientKind = Schema['ClientKind']
export type ClientStatus = Schema['ClientStatus']
export type Client = Schema['ClientView']
export type ClientRef = Schema['ClientRef']
export type NewClient = Schema['CreateClient']
export type Contact = Schema['ContactView']
export type ContactInput = Schema['ContactInput']
export type OwnerChange = Schema['OwnerHistoryItem']
export type Dossier = Schema['Dossier']
export type ClientSummary = Schema['ClientSummary']
export type Opportunity = Schema['Opportunity']
export type MyClient = Schema['MyClient']
export type MyClientsSort = Schema['MyClientsSort']
export type ClientSegment = Schema['ClientSegment']
export type ClientChanges = Schema['UpdateClient']
export type ClientListQuery = QueryOf<'list_clients'>
export type ClientSort = Schema['ClientSort']
export type SortOrder = Schema['SortOrder']
export type LossReason = Schema['LossReason']
export type LossOutcome = Schema['LossOutcome']
export type ClientLoss = Schema['LossView']
export type LossInput = Schema['LossBody']

export type IntelStatus = Schema['IntelStatus']
export type Source = Schema['Source']
export type Intel = Schema['IntelView']
export type NewIntel = Schema['CreateIntel']
export type IntelChanges = Schema['UpdateIntel']
export type IntelRevision = Schema['ReviseIntel']

export type Decision = Schema['Decision']
export type Scores = Schema['Scores']
export type Criterion = keyof Scores
export type ReviewSummary = Schema['ReviewSummary']
export type ReviewInput = Schema['ReviewRequest']
export type ReviewResult = Schema['ReviewResponse']

export type UsagePurpose = Schema['UsagePurpose']
export type UsageOutcome = Schema['UsageOutcome']
export type Usage = Schema['UsageView']

export type LedgerEntry = Schema['LedgerItem']
export type Ledger = Schema['Ledger']
export type Period = Schema['Period']
export type LeaderboardItem = Schema['LeaderRow']
export type Leaderboard = Schema['Leaderboard']
export type LeaderboardQuery = QueryOf<'leaderboard'>
export type Ratings = Schema['Ratings']
export type Rules = Schema['Rules']
export type RuleKey = keyof Rules
export type RuleSet = Schema['RuleSet']
export type AdjustmentInput = Schema['Adjustment']
export type Recalculation = Schema['Recalculation']

export type Notification = Schema['NotificationView']
export type NotificationList = Schema['NotificationPage']
export type Delivery = Schema['Delivery']
export type NotificationPreference = Schema['PreferenceView']
export type NotificationPreferences = Schema['Preferences']
/** `PUT /me/notification-preferences`: kind → delivery; kinds left out keep their setting. */
export type PreferenceChanges = Record<string, Delivery>

export type MailStatus = Schema['MailStatus']
export type Mail = Schema['MailView']
export type JobName = Schema['Job']
export type JobView = Schema['JobView']
export type Throttle = Schema['ThrottleView']
export type Readiness = Schema['Readiness']
export type ComponentStatus = Schema['ComponentStatus']
export type ThrottleKind = Schema['ThrottleKind']
export type JobRun = Schema['JobRun']
/** What a run did, e.g. `{"notified": 3}`. */
export type JobSummary = JobRun['summary']

export type SearchSort = Schema['Sort']
export type SearchHit = Schema['SearchHit']
export type DraftText = Schema['DraftText']
export type SearchResult = Schema['SearchResponse']
export type SearchQuery = QueryOf<'search'>
export type SearchMiss = Schema['Miss']

export type StatsInterval = Schema['Interval']
export type StatsCounts = Schema['Counts']
export type DepartmentCounts = Schema['DepartmentCounts']
export type StatsBucket = Schema['Bucket']
export type StatsOverview = Schema['OverviewResponse']
export type StatsOverviewQuery = QueryOf<'overview'>
export type Cluster = Schema['Cluster']
export type ClusterFilter = QueryOf<'clusters'>
export type ClusterMember = Schema['ClusterMember']
export type Staleness = Schema['Staleness']
export type CategoryStaleness = Schema['CategoryStaleness']
export type OwnerStaleness = Schema['OwnerStaleness']
export type OldFact = Schema['OldFact']
export type Freshness = Schema['Freshness']
export type CompetitorOffer = Schema['Offer']
export type CompetitorView = Schema['CompetitorView']
export type Assessment = Schema['Assessment']
export type AssessmentReport = Schema['AssessmentResponse']
export type AssessmentQuery = QueryOf<'assessments'>
export type ReviewerMetrics = Schema['ReviewerMetrics']
export type CollusionFlag = Schema['CollusionFlag']
export type UsagePair = Schema['UsagePair']
export type ReviewerReport = Schema['ReviewerReport']
export type KeyCount = Schema['KeyCount']
export type LossReport = Schema['LossReport']
export type LossItem = Schema['LossItem']
export type ServiceAnalysis = Schema['ServiceAnalysis']
export type OpportunityAnalysis = Schema['OpportunityAnalysis']
/** The window and department of the lost-client, complaint and opportunity statistics. */
export type MarketStatsQuery = Pick<QueryOf<'service_analysis'>, 'period' | 'date' | 'department_id'>
export type InvitationInput = Schema['InvitationBody']
export type InvitationResult = Schema['Invitations']

export type AppraisalRules = Schema['AppraisalRules']
export type AppraisalRuleSet = Schema['AppraisalRuleSet']
export type AppraisalSummary = Schema['AppraisalSummary']
export type Appraisal = Schema['Appraisal']
export type PersonAppraisal = Schema['PersonAppraisal']
export type DepartmentStanding = Schema['DepartmentStanding']
export type ActivityScore = Schema['ActivityScore']
export type SubScore = Schema['SubScore']
export type AppraisalActivity = keyof Schema['Activities']
export type AppraisalDimension = Extract<keyof ActivityScore, 'time' | 'quality'>
export type AppraisalWeightKey = keyof Schema['Weights']

export type ExportFormat = Schema['ExportFormat']

export type FollowTarget = Schema['FollowTarget']
export type Follow = Schema['FollowView']
export type NewFollow = Schema['NewFollowRequest']
export type Visit = Schema['VisitView']
export type NewVisit = Schema['NewVisitRequest']
export type NextStep = Schema['NextStepInput']
export type Task = Schema['TaskView']
export type TaskStatus = Schema['TaskStatus']
export type Reminder = Schema['ReminderView']
export type ReminderStatus = Schema['ReminderStatus']
export type CalendarFeed = Schema['CalendarUrl']
export type HandoverPreview = Schema['HandoverPreview']

export type AuditEvent = Schema['AuditEvent']
export type AuditQuery = QueryOf<'list_audit'>

// The choices the UI offers, in the order it shows them.

/** Roles as the server names them, in the order the admin page offers them. */
export type Role = Schema['Role']
export const ROLES: Role[] = ['employee', 'account_manager', 'reviewer', 'marketer', 'department_head', 'admin']
export const CLIENT_KINDS: ClientKind[] = ['group', 'individual']
export const DEPARTMENT_KINDS: DepartmentKind[] = ['frontline', 'collection', 'management', 'usage', 'other']
export const INTEL_STATUSES: IntelStatus[] = ['draft', 'submitted', 'adopted', 'rejected', 'needs_revision', 'duplicate', 'superseded', 'retracted']
export const CRITERIA: Criterion[] = ['truthfulness', 'relevance', 'completeness', 'timeliness', 'value']
export const USAGE_PURPOSES: UsagePurpose[] = ['visit', 'campaign', 'solution', 'retention', 'other']
export const USAGE_OUTCOMES: UsageOutcome[] = ['pending', 'won', 'lost']
export const PERIODS: Period[] = ['week', 'month', 'quarter', 'year', 'all']
export const DELIVERIES: Delivery[] = ['immediate', 'daily', 'weekly', 'off']
export const MAIL_STATUSES: MailStatus[] = ['failed', 'pending', 'sending', 'sent', 'digest', 'digested', 'suppressed']
export const JOB_NAMES: JobName[] = ['stale_check', 'review_queue', 'reminders', 'daily_digest', 'weekly_digest']
export const FOLLOW_TARGETS: FollowTarget[] = ['client', 'tag', 'competitor', 'industry', 'region']
/** What the follow form offers (a client is followed from its dossier). */
export const FOLLOW_FORM_TARGETS: FollowTarget[] = ['tag', 'competitor', 'industry', 'region']
/** Competitors as entries name them; any other text is allowed too. */
export const COMPETITORS = ['中国电信', '中国联通', '中国广电'] as const
/** Competitors a loss names, as entries do; any other text is allowed too. */
export const LOSS_COMPETITORS = [...COMPETITORS, '其他']
/** How a follow mails new entries (no weekly: follows are about news). */
export const FOLLOW_DELIVERIES: Delivery[] = ['immediate', 'daily', 'off']
/** How 我的客户 may be ordered; the first is the server's default. */
export const MY_CLIENTS_SORTS: MyClientsSort[] = ['attention', 'contract_end', 'name']
export const REMINDER_STATUSES: ReminderStatus[] = ['open', 'snoozed', 'done']
export const STATS_INTERVALS: StatsInterval[] = ['week', 'month']
export const CLIENT_STATUSES: ClientStatus[] = ['active', 'at_risk', 'lost', 'prospect']
export const CLIENT_SEGMENTS: ClientSegment[] = ['advocate', 'supporter', 'potential', 'neutral', 'at_risk']
/** Columns the client list sorts by; `pinyin` (the name as read) is the server's default. */
export const CLIENT_SORTS: ClientSort[] = ['pinyin', 'industry', 'region', 'tier', 'segment', 'status', 'contract_end', 'created_at', 'updated_at']
/** "Contract ends within" choices, in days. */
export const CONTRACT_END_WINDOWS = [30, 60, 90, 180]
export const LOSS_REASONS: LossReason[] = [
  'price',
  'network_quality',
  'service',
  'competitor_offer',
  'payment_method',
  'unresolved_complaint',
  'policy',
  'relocation',
  'other',
]
/** Statuses that record a loss: changing to one asks why. */
export const LOSS_STATUSES: ClientStatus[] = ['lost', 'at_risk']
export const APPRAISAL_ACTIVITIES: AppraisalActivity[] = ['saving', 'reporting', 'updating', 'use']
export const APPRAISAL_DIMENSIONS: AppraisalDimension[] = ['time', 'quality']
export const RULE_KEYS: RuleKey[] = [
  'adopt_divisor',
  'private_bonus',
  'revision_share',
  'review',
  'usage',
  'usage_per_entry_cap',
  'usage_daily_cap',
  'won',
  'won_per_entry_cap',
  'verify',
  'retract_penalty',
]
/** Rules that are decimals; every other rule is an integer (the server rejects fractions). */
export const DECIMAL_RULES: RuleKey[] = ['adopt_divisor', 'revision_share']

/** Whether a string the server sent is one of `choices` (it types many enums as plain strings). */
export function isOneOf<T extends string>(choices: readonly T[], value: string | null | undefined): value is T {
  return (choices as readonly string[]).includes(value ?? '')
}

// Frontend-only shapes.

/** A client as pickers show it: a reference (an entry's client) or a full client. */
export type ClientOption = Pick<Client, 'id' | 'name' | 'kind'> & Partial<Pick<Client, 'aliases' | 'region'>>

/** A template value as the editor holds it. */
export type FieldValue = string | number | null

/** Notification kinds the UI has a label and an icon for; others may appear later. */
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
  | 'intel_submitted_for_my_client'
  | 'intel_adopted_for_my_client'
  | 'intel_followed'
  | 'reminder_due'
  | 'task_due'
  | 'task_assigned'
