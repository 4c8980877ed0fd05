package letmepost

import "encoding/json"

// Page is one page of a cursor-paginated list.
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"nextCursor"`
}

// List is an unpaginated list.
type List[T any] struct {
	Data []T `json:"data"`
}

// Deleted answers a delete.
type Deleted struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// ---- posts ----

// MediaInput attaches media to a post: a MediaID from Media.Upload, a public URL, or base64 bytes.
type MediaInput struct {
	Kind        string `json:"kind"` // "image" | "video" | "document"
	MediaID     string `json:"mediaId,omitempty"`
	URL         string `json:"url,omitempty"`
	BytesBase64 string `json:"bytesBase64,omitempty"`
	AltText     string `json:"altText,omitempty"`
}

// FirstComment is posted as a reply right after the post, where the platform supports it.
type FirstComment struct {
	Text string `json:"text"`
}

// ThreadItemInput is one post of a thread after the first: a reply to the previous one (or a
// comment on the first post, by platform).
type ThreadItemInput struct {
	Text  string       `json:"text"`
	Media []MediaInput `json:"media,omitempty"`
}

// PostTarget names where to publish: an AccountID, or a Platform resolved to its single account.
type PostTarget struct {
	AccountID    string         `json:"accountId,omitempty"`
	Platform     string         `json:"platform,omitempty"`
	Text         string         `json:"text,omitempty"`
	Media        []MediaInput   `json:"media,omitempty"`
	FirstComment *FirstComment  `json:"firstComment,omitempty"`
	Options      map[string]any `json:"options,omitempty"`
	// Thread replaces the request's thread for this target.
	Thread     []ThreadItemInput `json:"thread,omitempty"`
	AutoThread *bool             `json:"autoThread,omitempty"`
}

// CreatePostRequest is the body of Posts.Create and Posts.Validate.
type CreatePostRequest struct {
	Targets      []PostTarget  `json:"targets"`
	Text         string        `json:"text,omitempty"`
	Media        []MediaInput  `json:"media,omitempty"`
	FirstComment *FirstComment `json:"firstComment,omitempty"`
	// Thread is the posts after the first, published in order as a reply chain.
	Thread []ThreadItemInput `json:"thread,omitempty"`
	// AutoThread splits a text too long for a platform into a numbered thread.
	AutoThread bool  `json:"autoThread,omitempty"`
	PublishNow *bool `json:"publishNow,omitempty"`
	// ScheduledAt is ISO-8601 UTC (see Timestamp), or NextSlot: the next free slot of the
	// targets' profile queue (Queues.Set).
	ScheduledAt string `json:"scheduledAt,omitempty"`
	ProfileID   string `json:"profileId,omitempty"`
	// Draft saves without publishing or scheduling (status "draft"); excludes PublishNow and
	// ScheduledAt. Shape violations are returned in the results, not refused.
	Draft bool `json:"draft,omitempty"`
}

// TargetError is a per-target failure inside a batch or a post.
type TargetError struct {
	Code             string          `json:"code"`
	Message          string          `json:"message"`
	Rule             string          `json:"rule,omitempty"`
	Remediation      string          `json:"remediation,omitempty"`
	Platform         string          `json:"platform,omitempty"`
	PlatformResponse json.RawMessage `json:"platformResponse,omitempty"`
	// Field names the thread item that failed: "thread[2]", "firstComment".
	Field string `json:"field,omitempty"`
}

// ThreadItemProgress is one thread item's state.
type ThreadItemProgress struct {
	Position int    `json:"position"`
	Status   string `json:"status"` // pending | publishing | unknown | published | failed
	URI      string `json:"uri,omitempty"`
}

// ThreadProgress says how far a post's thread got.
type ThreadProgress struct {
	Published int                  `json:"published"`
	Total     int                  `json:"total"`
	Items     []ThreadItemProgress `json:"items"`
}

// PostTargetResult is one target's outcome in a CreatePostResponse.
type PostTargetResult struct {
	AccountID       string           `json:"accountId"`
	Platform        string           `json:"platform"`
	PostID          string           `json:"postId"`
	Status          string           `json:"status"`
	URI             string           `json:"uri,omitempty"`
	CID             string           `json:"cid,omitempty"`
	FirstCommentURI string           `json:"firstCommentUri,omitempty"`
	FirstCommentCID string           `json:"firstCommentCid,omitempty"`
	Thread          *ThreadProgress  `json:"thread,omitempty"` // only a post with a thread
	Warnings        []map[string]any `json:"warnings,omitempty"`
	Error           *TargetError     `json:"error,omitempty"`
	NextAttemptAt   string           `json:"nextAttemptAt,omitempty"`
	// Violations are a draft's shape-preflight findings, reported without refusing.
	Violations []Violation `json:"violations,omitempty"`
}

// CreatePostResponse is a batch: one result per target.
type CreatePostResponse struct {
	ID          string             `json:"id"`
	Status      string             `json:"status"` // draft | queued | published | partial_failed | failed
	Livemode    bool               `json:"livemode"`
	CreatedAt   string             `json:"createdAt"`
	ScheduledAt string             `json:"scheduledAt,omitempty"`
	Results     []PostTargetResult `json:"results"`
}

// ValidateTargetResult is one target's preflight report.
type ValidateTargetResult struct {
	AccountID  string      `json:"accountId"`
	Platform   string      `json:"platform"`
	Valid      bool        `json:"valid"`
	Violations []Violation `json:"violations"`
}

// ValidatePostResponse is what Posts.Validate returns.
type ValidatePostResponse struct {
	Valid   bool                   `json:"valid"`
	Results []ValidateTargetResult `json:"results"`
}

// AccountSummary is the account embedded in a post.
type AccountSummary struct {
	ID                string `json:"id"`
	Platform          string `json:"platform"`
	PlatformAccountID string `json:"platformAccountId"`
	DisplayName       string `json:"displayName"`
}

// Post is one target's post row.
type Post struct {
	ID            string          `json:"id"`
	BatchID       string          `json:"batchId"`
	ProfileID     string          `json:"profileId"`
	AccountID     string          `json:"accountId"`
	Account       AccountSummary  `json:"account"`
	Platform      string          `json:"platform"`
	Status        string          `json:"status"`
	Livemode      bool            `json:"livemode,omitempty"`
	Text          string          `json:"text"`
	MediaRefs     json.RawMessage `json:"mediaRefs"`
	FirstComment  map[string]any  `json:"firstComment"`
	Options       json.RawMessage `json:"options,omitempty"`
	ScheduledAt   *string         `json:"scheduledAt"`
	PublishedAt   *string         `json:"publishedAt"`
	PlatformURI   *string         `json:"platformUri"`
	PlatformCID   *string         `json:"platformCid"`
	Thread        *ThreadProgress `json:"thread"` // nil unless the post has a thread
	Error         *TargetError    `json:"error,omitempty"`
	AttemptCount  int             `json:"attemptCount"`
	NextAttemptAt *string         `json:"nextAttemptAt"`
	CreatedAt     string          `json:"createdAt"`
	UpdatedAt     string          `json:"updatedAt"`
}

// PostAttempt is one publishing attempt.
type PostAttempt struct {
	ID               string          `json:"id"`
	AttemptNumber    int             `json:"attemptNumber"`
	Outcome          string          `json:"outcome,omitempty"`
	StartedAt        string          `json:"startedAt"`
	FinishedAt       *string         `json:"finishedAt"`
	Succeeded        bool            `json:"succeeded"`
	ErrorCode        string          `json:"errorCode,omitempty"`
	ErrorMessage     string          `json:"errorMessage,omitempty"`
	PlatformResponse json.RawMessage `json:"platformResponse,omitempty"`
	// RequestedRetryAfter is the seconds the platform asked to wait before the next attempt;
	// RetryAfter the seconds waited (that ask, capped at one day).
	RequestedRetryAfter *int `json:"requestedRetryAfter,omitempty"`
	RetryAfter          *int `json:"retryAfter,omitempty"`
}

// PostDetail is a post with its attempts.
type PostDetail struct {
	Post
	Attempts []PostAttempt `json:"attempts"`
}

// CanceledPost answers Posts.Cancel.
type CanceledPost struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// RetryPostParams is the body of Posts.Retry.
type RetryPostParams struct {
	// ConfirmUnknown retries even though the last attempt may have been published
	// (rule publish.outcome_unknown): check the account on the platform first.
	ConfirmUnknown bool `json:"confirmUnknown,omitempty"`
}

// ListPostsParams filter Posts.List; list fields are sent comma-joined.
type ListPostsParams struct {
	ProfileID string
	AccountID string
	Platform  []string
	Status    []string
	ErrorCode []string
	After     string
	Before    string
	Q         string
	Livemode  *bool
	Limit     int
	Cursor    string
}

// ---- queues ----

// NextSlot as CreatePostRequest.ScheduledAt takes the next free slot of the profile's queue.
const NextSlot = "next_slot"

// QueueSlot is one weekly posting time: Weekday "monday" … "sunday", Time "HH:MM" (24-hour) on
// the queue's wall clock.
type QueueSlot struct {
	Weekday string `json:"weekday"`
	Time    string `json:"time"`
}

// ProfileQueue is a profile's weekly slots, read in an IANA time zone (Queues.Get, Queues.Set).
type ProfileQueue struct {
	Timezone string      `json:"timezone"`
	Slots    []QueueSlot `json:"slots"`
}

// QueuedPost is a post holding a slot.
type QueuedPost struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// QueueEntry is one upcoming slot instant and the posts holding it (none: free).
type QueueEntry struct {
	At      string       `json:"at"`
	Weekday string       `json:"weekday"`
	Time    string       `json:"time"`
	Posts   []QueuedPost `json:"posts"`
}

// QueueListing is the answer of Queues.List.
type QueueListing struct {
	ProfileID string       `json:"profileId"`
	Timezone  string       `json:"timezone"`
	Data      []QueueEntry `json:"data"`
}

// ListQueueParams choose the profile (required unless the key is scoped to one) and how far
// ahead: Days (default 14, at most 90), Limit slots (default 100, at most 500).
type ListQueueParams struct {
	ProfileID string
	Days      int
	Limit     int
}

// ---- media ----

// Media is a stored upload.
type Media struct {
	ID              string   `json:"id"`
	URL             string   `json:"url"`
	ContentType     string   `json:"contentType"`
	SizeBytes       int64    `json:"sizeBytes"`
	SHA256          string   `json:"sha256"`
	Kind            string   `json:"kind"` // image | video | document | other
	Width           *int     `json:"width,omitempty"`
	Height          *int     `json:"height,omitempty"`
	DurationSeconds *float64 `json:"durationSeconds,omitempty"`
	ProfileID       string   `json:"profileId"`
	CreatedAt       string   `json:"createdAt"`
}

// ListMediaParams filter Media.List.
type ListMediaParams struct {
	ProfileID string
	Limit     int
	Cursor    string
}

// ---- accounts ----

// Account is a connected platform account.
type Account struct {
	ID                string  `json:"id"`
	ProfileID         string  `json:"profileId"`
	Platform          string  `json:"platform"`
	PlatformAccountID string  `json:"platformAccountId"`
	DisplayName       string  `json:"displayName"`
	Status            string  `json:"status,omitempty"`
	NeedsReconnect    bool    `json:"needsReconnect"`
	TokenExpiresAt    *string `json:"tokenExpiresAt,omitempty"`
	CreatedAt         string  `json:"createdAt"`
	UpdatedAt         string  `json:"updatedAt"`
	// Pinterest is set on Pinterest accounts only.
	Pinterest *PinterestAccountInfo `json:"pinterest,omitempty"`
	// Instagram is set on Instagram accounts only.
	Instagram *InstagramAccountInfo `json:"instagram,omitempty"`
}

// PinterestAccountInfo is a Pinterest account's default board (nil until it has one).
type PinterestAccountInfo struct {
	DefaultBoardID   *string `json:"defaultBoardId"`
	DefaultBoardName *string `json:"defaultBoardName"`
}

// InstagramAccountInfo is how an Instagram account was connected, as Meta reported it.
type InstagramAccountInfo struct {
	Kind          *string  `json:"kind"`
	AccountType   *string  `json:"accountType"`
	GrantedScopes []string `json:"grantedScopes"`
}

// ConnectRequest is the optional body of Accounts.Connect.
type ConnectRequest struct {
	ProfileID   string `json:"profileId,omitempty"`
	ReturnTo    string `json:"returnTo,omitempty"`
	InstanceURL string `json:"instanceUrl,omitempty"`
}

// CredentialField is one field a credentials descriptor asks for.
type CredentialField struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Type        string `json:"type"`
	Required    bool   `json:"required"`
	Placeholder string `json:"placeholder,omitempty"`
	HelpText    string `json:"helpText,omitempty"`
}

// ConnectDescriptor says how to finish connecting: open AuthorizationURL (Kind "oauth"), or send
// Fields to Accounts.Complete (Kind "credentials").
type ConnectDescriptor struct {
	Kind             string            `json:"kind"`
	AuthorizationURL string            `json:"authorizationUrl,omitempty"`
	State            string            `json:"state,omitempty"`
	Scopes           []string          `json:"scopes,omitempty"`
	RedirectURI      string            `json:"redirectUri,omitempty"`
	CodeVerifier     string            `json:"codeVerifier,omitempty"`
	HelpText         string            `json:"helpText,omitempty"`
	Fields           []CredentialField `json:"fields,omitempty"`
}

// ConnectResponse answers Accounts.Connect.
type ConnectResponse struct {
	Platform   string            `json:"platform"`
	State      string            `json:"state"`
	Descriptor ConnectDescriptor `json:"descriptor"`
}

// PinterestBoard is one board of a Pinterest account.
type PinterestBoard struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Privacy *string `json:"privacy"`
}

// PinterestBoardList answers Accounts.ListPinterestBoards.
type PinterestBoardList struct {
	Data           []PinterestBoard `json:"data"`
	DefaultBoardID *string          `json:"defaultBoardId"`
}

// CreatePinterestBoardRequest is the body of Accounts.CreatePinterestBoard.
type CreatePinterestBoardRequest struct {
	Name         string `json:"name"`
	Description  string `json:"description,omitempty"`
	Privacy      string `json:"privacy,omitempty"` // PUBLIC | PROTECTED | SECRET
	SetAsDefault bool   `json:"setAsDefault,omitempty"`
	Upsert       bool   `json:"upsert,omitempty"`
}

// PinterestBoardCreated answers Accounts.CreatePinterestBoard.
type PinterestBoardCreated struct {
	PinterestBoard
	Existing         bool   `json:"existing"`
	DefaultBoardID   string `json:"defaultBoardId,omitempty"`
	DefaultBoardName string `json:"defaultBoardName,omitempty"`
}

// PinterestDefaultBoard answers Accounts.SetPinterestDefaultBoard.
type PinterestDefaultBoard struct {
	ID               string `json:"id"`
	DefaultBoardID   string `json:"defaultBoardId"`
	DefaultBoardName string `json:"defaultBoardName"`
}

// ---- webhooks ----

// WebhookEndpointNotice is left when letmepost pauses an endpoint.
type WebhookEndpointNotice struct {
	Type      string `json:"type"`
	Message   string `json:"message"`
	CreatedAt string `json:"createdAt"`
}

// WebhookEndpoint is a registered receiver URL.
type WebhookEndpoint struct {
	ID                  string                 `json:"id"`
	URL                 string                 `json:"url"`
	Events              []string               `json:"events"`
	Description         string                 `json:"description,omitempty"`
	Active              bool                   `json:"active"`
	CreatedAt           string                 `json:"createdAt"`
	UpdatedAt           string                 `json:"updatedAt"`
	LastDeliveryAt      *string                `json:"lastDeliveryAt,omitempty"`
	LastSuccessAt       *string                `json:"lastSuccessAt,omitempty"`
	LastFailureAt       *string                `json:"lastFailureAt,omitempty"`
	LastFailureReason   *string                `json:"lastFailureReason"`
	ConsecutiveFailures int                    `json:"consecutiveFailures,omitempty"`
	DisabledAt          *string                `json:"disabledAt,omitempty"`
	DisabledReason      *string                `json:"disabledReason"`
	Notice              *WebhookEndpointNotice `json:"notice"`
	// SigningSecret (whsec_…) is only set by Create and RotateSecret.
	SigningSecret string `json:"signingSecret,omitempty"`
}

// WebhookEndpointRequest is the body of Create (URL required) and Update (any field).
type WebhookEndpointRequest struct {
	URL         string   `json:"url,omitempty"`
	Events      []string `json:"events,omitempty"`
	Description *string  `json:"description,omitempty"`
	Active      *bool    `json:"active,omitempty"`
}

// WebhookEvent is the envelope letmepost POSTs to receivers.
type WebhookEvent struct {
	ID             string          `json:"id"`
	Type           string          `json:"type"`
	CreatedAt      string          `json:"createdAt"`
	OrganizationID string          `json:"organizationId"`
	Livemode       bool            `json:"livemode"`
	Data           json.RawMessage `json:"data"`
}

// WebhookTestRequest is the optional body of WebhookEndpoints.Test.
type WebhookTestRequest struct {
	Type string `json:"type,omitempty"`
	Data any    `json:"data,omitempty"`
}

// WebhookTestResult reports what the receiver answered to a test event.
type WebhookTestResult struct {
	Delivered    bool         `json:"delivered"`
	Status       int          `json:"status"`
	DurationMs   int          `json:"durationMs"`
	ResponseBody *string      `json:"responseBody"`
	DeliveryID   string       `json:"deliveryId"`
	NonRetryable bool         `json:"nonRetryable"`
	ErrorName    *string      `json:"errorName"`
	SentEvent    WebhookEvent `json:"sentEvent"`
}

// WebhookAttempt is one HTTP attempt of a delivery.
type WebhookAttempt struct {
	DeliveryID   string  `json:"deliveryId"`
	Number       int     `json:"number"`
	StartedAt    string  `json:"startedAt"`
	DurationMs   *int    `json:"durationMs,omitempty"`
	StatusCode   *int    `json:"statusCode,omitempty"`
	ResponseBody *string `json:"responseBody"`
	ErrorName    *string `json:"errorName"`
	Error        *string `json:"error"`
	Outcome      string  `json:"outcome,omitempty"`
}

// WebhookDelivery is one event's delivery to one endpoint.
type WebhookDelivery struct {
	ID             string           `json:"id"`
	EventID        string           `json:"eventId"`
	EventType      string           `json:"eventType"`
	Kind           string           `json:"kind,omitempty"`
	Status         string           `json:"status,omitempty"`
	AttemptCount   int              `json:"attemptCount,omitempty"`
	NextAttemptAt  *string          `json:"nextAttemptAt"`
	LastStatusCode *int             `json:"lastStatusCode,omitempty"`
	LastError      *string          `json:"lastError"`
	CreatedAt      string           `json:"createdAt"`
	CompletedAt    *string          `json:"completedAt,omitempty"`
	Attempts       []WebhookAttempt `json:"attempts"`
}

// ListDeliveriesParams filter WebhookEndpoints.Deliveries.
type ListDeliveriesParams struct {
	Status string
	Limit  int
	Cursor string
}

// ---- reference data ----

// PreflightRule is one documented platform rule.
type PreflightRule struct {
	ID          string         `json:"id"`
	Platform    string         `json:"platform"`
	Stage       string         `json:"stage"`
	Severity    string         `json:"severity"`
	Code        *string        `json:"code"`
	HTTP        *int           `json:"http"`
	Limits      map[string]any `json:"limits"`
	Checks      string         `json:"checks"`
	Remediation string         `json:"remediation"`
	Enforced    string         `json:"enforced"`
	Network     bool           `json:"network"`
	Notes       string         `json:"notes"`
	SourceURL   string         `json:"sourceUrl"`
	RuleURL     string         `json:"ruleUrl"`
}

// PlatformVersion is the upstream API version a platform is pinned to.
type PlatformVersion struct {
	Platform        string  `json:"platform"`
	Label           string  `json:"label"`
	CurrentPin      string  `json:"currentPin"`
	NextPin         *string `json:"nextPin"`
	AnnouncedAt     *string `json:"announcedAt"`
	SunsetAt        *string `json:"sunsetAt"`
	NoticeURL       *string `json:"noticeUrl"`
	MigrationStatus string  `json:"migrationStatus"`
	UpdatedAt       string  `json:"updatedAt"`
}

// Platform slugs the API accepts in a PostTarget's Platform (and reports in every platform
// field). The server's registry contract test keeps this list in step with its platforms.
const (
	PlatformBluesky        = "bluesky"
	PlatformDevto          = "devto"
	PlatformDiscord        = "discord"
	PlatformFacebook       = "facebook"
	PlatformGoogleBusiness = "google_business"
	PlatformInstagram      = "instagram"
	PlatformLemmy          = "lemmy"
	PlatformLinkedIn       = "linkedin"
	PlatformLinkedInPage   = "linkedin_page"
	PlatformMastodon       = "mastodon"
	PlatformNostr          = "nostr"
	PlatformPinterest      = "pinterest"
	PlatformReddit         = "reddit"
	PlatformSandbox        = "sandbox"
	PlatformSlack          = "slack"
	PlatformTelegram       = "telegram"
	PlatformThreads        = "threads"
	PlatformTikTok         = "tiktok"
	PlatformTumblr         = "tumblr"
	PlatformTwitter        = "twitter"
	PlatformWordPress      = "wordpress"
	PlatformYouTube        = "youtube"
)
