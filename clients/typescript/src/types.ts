/**
 * Wire types of the letmepost v1 API (camelCase JSON), written from /v1/openapi.json. The server's
 * tests/clients/test_sdk_types.py fails when a field or enum here drifts from that schema.
 */

export type Platform =
  | "bluesky"
  | "devto"
  | "discord"
  | "facebook"
  | "google_business"
  | "instagram"
  | "lemmy"
  | "linkedin"
  | "linkedin_page"
  | "mastodon"
  | "nostr"
  | "pinterest"
  | "reddit"
  | "sandbox"
  | "slack"
  | "telegram"
  | "threads"
  | "tiktok"
  | "tumblr"
  | "twitter"
  | "wordpress"
  | "youtube";

export type PostStatus =
  | "draft"
  | "queued"
  | "validated"
  | "publishing"
  | "published"
  | "failed"
  | "rejected"
  | "canceled";

export type BatchStatus = "draft" | "queued" | "published" | "partial_failed" | "failed";

export type ErrorCode =
  | "validation_failed"
  | "preflight_failed"
  | "platform_auth_failed"
  | "platform_rejected"
  | "platform_unavailable"
  | "platform_not_enabled"
  | "internal_error"
  | "unauthenticated"
  | "unauthorized"
  | "not_found"
  | "idempotency_conflict"
  | "rate_limited"
  | "quota_exceeded";

export type WebhookEventType =
  | "post.queued"
  | "post.validated"
  | "post.published"
  | "post.rejected"
  | "post.failed"
  | "post.canceled"
  | "post.rescheduled"
  | "token.expiring"
  | "token.revoked"
  | "version.deprecated";

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface List<T> {
  data: T[];
}

export interface Violation {
  rule: string;
  severity: "error" | "warning" | string;
  message: string;
  remediation?: string;
  field?: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  rule?: string;
  platform?: string;
  platformVersion?: string;
  platformResponse?: unknown;
  remediation?: string;
  docUrl: string;
  ruleUrl?: string;
  requestId: string;
  violations?: Violation[];
}

// ---- posts ----

export interface MediaInput {
  kind: "image" | "video" | "document";
  mediaId?: string;
  url?: string;
  bytesBase64?: string;
  altText?: string;
}

export interface FirstComment {
  text: string;
}

/** One post of a thread after the first: a reply to the previous one (or a comment, by platform). */
export interface ThreadItemInput {
  text: string;
  media?: MediaInput[];
}

export interface PostTarget {
  accountId?: string;
  platform?: Platform;
  text?: string;
  media?: MediaInput[];
  firstComment?: FirstComment;
  options?: Record<string, unknown>;
  /** Replaces the request's thread for this target. */
  thread?: ThreadItemInput[];
  autoThread?: boolean;
}

export interface CreatePostRequest {
  targets: PostTarget[];
  text?: string;
  media?: MediaInput[];
  firstComment?: FirstComment;
  /** The posts after the first, published in order as a reply chain (or comments, by platform). */
  thread?: ThreadItemInput[];
  /** Split a text too long for a platform into a numbered thread, counted the platform's way. */
  autoThread?: boolean;
  publishNow?: boolean;
  /**
   * ISO-8601 UTC (a Date is sent as its toISOString()), or `"next_slot"`: the next free slot of
   * the targets' profile queue (`queues.set`).
   */
  scheduledAt?: string | Date | "next_slot";
  /** Save without publishing or scheduling (status `draft`); excludes publishNow and scheduledAt. */
  draft?: boolean;
  profileId?: string;
}

export interface TargetError {
  code: string;
  message: string;
  rule?: string;
  remediation?: string;
  platformResponse?: unknown;
  /** The thread item that failed: `thread[2]`, `firstComment`. */
  field?: string;
}

export interface ThreadItemProgress {
  position: number;
  status: string;
  uri?: string;
}

export interface ThreadProgress {
  published: number;
  total: number;
  items: ThreadItemProgress[];
}

export interface PostTargetResult {
  accountId: string;
  platform: Platform;
  postId: string;
  status: PostStatus;
  uri?: string;
  cid?: string;
  firstCommentUri?: string;
  firstCommentCid?: string;
  /** Only when the post has a thread: how far it got. */
  thread?: ThreadProgress;
  warnings?: Record<string, unknown>[];
  error?: TargetError;
  nextAttemptAt?: string;
  /** Drafts: the shape preflight's findings, reported without refusing. */
  violations?: Violation[];
}

export interface CreatePostResponse {
  id: string;
  status: BatchStatus;
  livemode: boolean;
  createdAt: string;
  scheduledAt?: string;
  results: PostTargetResult[];
}

export interface ValidateTargetResult {
  accountId: string;
  platform: Platform;
  valid: boolean;
  violations: Violation[];
}

export interface ValidatePostResponse {
  valid: boolean;
  results: ValidateTargetResult[];
}

export interface AccountSummary {
  id: string;
  platform: Platform;
  platformAccountId: string;
  displayName: string;
}

export interface Post {
  id: string;
  batchId: string;
  profileId: string;
  accountId: string;
  account: AccountSummary;
  platform: Platform;
  status: PostStatus;
  livemode?: boolean;
  text: string;
  mediaRefs: unknown[];
  firstComment: Record<string, unknown> | null;
  options?: unknown;
  scheduledAt: string | null;
  publishedAt: string | null;
  platformUri: string | null;
  platformCid: string | null;
  /** Only a post with a thread: how far it got. */
  thread: ThreadProgress | null;
  error?: TargetError | null;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PostAttempt {
  id: string;
  attemptNumber: number;
  outcome?: string;
  startedAt: string;
  finishedAt: string | null;
  succeeded: boolean;
  errorCode?: string;
  errorMessage?: string;
  platformResponse?: unknown;
  /** Seconds the platform asked to wait before the next attempt. */
  requestedRetryAfter?: number | null;
  /** Seconds waited: the platform's ask, capped at one day. */
  retryAfter?: number | null;
}

export interface PostDetail extends Post {
  attempts: PostAttempt[];
}

export interface CanceledPost {
  id: string;
  status: string;
}

export interface ListPostsParams {
  profileId?: string;
  accountId?: string;
  platform?: string | string[];
  status?: PostStatus | PostStatus[];
  errorCode?: string | string[];
  after?: string | Date;
  before?: string | Date;
  q?: string;
  livemode?: boolean;
  limit?: number;
  cursor?: string;
}

// ---- media ----

export interface Media {
  id: string;
  url: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  kind: "image" | "video" | "document" | "other";
  width?: number | null;
  height?: number | null;
  durationSeconds?: number | null;
  profileId: string;
  createdAt: string;
}

export interface ListMediaParams {
  profileId?: string;
  limit?: number;
  cursor?: string;
}

// ---- accounts ----

export interface Account {
  id: string;
  profileId: string;
  platform: Platform;
  platformAccountId: string;
  displayName: string;
  status?: "active" | "needs_reauth";
  needsReconnect: boolean;
  tokenExpiresAt?: string | null;
  createdAt: string;
  updatedAt: string;
  /** Pinterest accounts only. */
  pinterest?: { defaultBoardId: string | null; defaultBoardName: string | null };
  /** Instagram accounts only; `accountType` and `grantedScopes` as Meta reported them at connect. */
  instagram?: { kind: string | null; accountType: string | null; grantedScopes: string[] | null };
  [extension: string]: unknown;
}

export interface ConnectRequest {
  profileId?: string;
  returnTo?: string;
  instanceUrl?: string;
}

export interface CredentialField {
  name: string;
  label: string;
  type: string;
  required: boolean;
  placeholder?: string;
  helpText?: string;
}

/** How to finish connecting: open `authorizationUrl` (oauth), or send `fields` to complete(). */
export type ConnectDescriptor =
  | {
      kind: "oauth";
      authorizationUrl: string;
      state: string;
      scopes: string[];
      redirectUri: string;
      codeVerifier?: string;
    }
  | { kind: "credentials"; helpText?: string; fields: CredentialField[] };

export interface ConnectResponse {
  platform: Platform;
  state: string;
  descriptor: ConnectDescriptor;
}

/** Provider-specific: `{handle}` (sandbox), `{identifier, appPassword, pdsUrl?}` (bluesky), `{code, state}` (oauth). */
export interface CompleteConnectRequest {
  profileId?: string;
  [field: string]: unknown;
}

export interface Deleted {
  id: string;
  deleted: boolean;
}

export interface PinterestBoard {
  id: string;
  name: string;
  privacy: string | null;
}

export interface PinterestBoardList {
  data: PinterestBoard[];
  defaultBoardId: string | null;
}

export interface CreatePinterestBoardRequest {
  name: string;
  description?: string | null;
  privacy?: "PUBLIC" | "PROTECTED" | "SECRET";
  setAsDefault?: boolean;
  upsert?: boolean;
}

export interface PinterestBoardCreated extends PinterestBoard {
  existing: boolean;
  defaultBoardId?: string;
  defaultBoardName?: string;
}

export interface PinterestDefaultBoard {
  id: string;
  defaultBoardId: string;
  defaultBoardName: string;
}

// ---- webhooks ----

export interface WebhookEndpointNotice {
  type: string;
  message: string;
  createdAt: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  description?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastDeliveryAt?: string | null;
  lastSuccessAt?: string | null;
  lastFailureAt?: string | null;
  lastFailureReason: string | null;
  consecutiveFailures?: number;
  disabledAt?: string | null;
  disabledReason: string | null;
  notice: WebhookEndpointNotice | null;
}

export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  /** `whsec_…`: shown only on create and rotate. */
  signingSecret: string;
}

export interface CreateWebhookEndpointRequest {
  url: string;
  events?: WebhookEventType[];
  description?: string;
  active?: boolean;
}

export type UpdateWebhookEndpointRequest = Partial<CreateWebhookEndpointRequest>;

export interface WebhookEvent<T = unknown> {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  organizationId: string;
  livemode: boolean;
  data: T;
}

export interface WebhookTestResult {
  delivered: boolean;
  status: number;
  durationMs: number;
  responseBody: string | null;
  deliveryId: string;
  nonRetryable: boolean;
  errorName: string | null;
  sentEvent: WebhookEvent;
}

export interface WebhookAttempt {
  deliveryId: string;
  number: number;
  startedAt: string;
  durationMs?: number | null;
  statusCode?: number | null;
  responseBody: string | null;
  errorName: string | null;
  error: string | null;
  outcome?: "pending" | "succeeded" | "retry" | "failed";
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  kind?: "event" | "replay" | "test";
  status?: "pending" | "delivering" | "succeeded" | "failed" | "canceled";
  attemptCount?: number;
  nextAttemptAt: string | null;
  lastStatusCode?: number | null;
  lastError: string | null;
  createdAt: string;
  completedAt?: string | null;
  attempts: WebhookAttempt[];
}

export interface ListDeliveriesParams {
  status?: string;
  limit?: number;
  cursor?: string;
}

// ---- reference data ----

export interface PreflightRule {
  id: string;
  platform: string;
  stage: string;
  severity: "error" | "warning";
  code: string | null;
  http: number | null;
  limits: Record<string, unknown>;
  checks: string;
  remediation: string;
  enforced: "yes" | "partial" | "raised" | "no";
  network: boolean;
  notes: string;
  sourceUrl: string;
  ruleUrl: string;
}

export interface PlatformVersion {
  platform: string;
  label: string;
  currentPin: string;
  nextPin: string | null;
  announcedAt: string | null;
  sunsetAt: string | null;
  noticeUrl: string | null;
  migrationStatus: string;
  updatedAt: string;
}

// ---- queues ----

export type Weekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

export interface QueueSlot {
  weekday: Weekday;
  /** 24-hour `HH:MM` on the queue's wall clock. */
  time: string;
}

/** A profile's weekly posting slots, read in an IANA time zone. */
export interface ProfileQueue {
  timezone: string;
  slots: QueueSlot[];
}

export interface QueuedPost {
  id: string;
  status: PostStatus;
}

/** One upcoming slot instant and the posts holding it (none: free). */
export interface QueueEntry {
  at: string;
  weekday: Weekday;
  time: string;
  posts: QueuedPost[];
}

export interface QueueListing {
  profileId: string;
  timezone: string;
  data: QueueEntry[];
}

export interface ListQueueParams {
  /** Required unless the key is scoped to a profile. */
  profileId?: string;
  /** How many days ahead (default 14, at most 90). */
  days?: number;
  /** At most this many slots (default 100, at most 500). */
  limit?: number;
}

// ---- profiles and API keys ----

export interface Profile {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
  updatedAt: string;
}

export interface CreateProfileRequest {
  name: string;
  slug?: string;
}

export type UpdateProfileRequest = Partial<CreateProfileRequest>;

/** What every API key answer carries. */
export interface ApiKeyFields {
  id: string;
  name: string;
  prefix: "lmp_live_" | "lmp_test_" | string;
  last4: string;
  scopes: string[];
  profileId: string | null;
  createdAt: string;
}

export interface ApiKey extends ApiKeyFields {
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface CreateApiKeyRequest {
  name: string;
  /** Default `lmp_live_`; a test key may mint only test keys. */
  prefix?: "lmp_live_" | "lmp_test_";
  scopes?: string[];
  profileId?: string | null;
}

/** A new key: its secret once, and none of a used or revoked key's timestamps. */
export interface CreatedApiKey extends ApiKeyFields {
  /** The secret: shown only in this answer. */
  key: string;
}

export interface ApiKeyRevoked {
  id: string;
  revokedAt: string;
}
