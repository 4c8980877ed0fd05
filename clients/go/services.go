package letmepost

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// Iterator walks a cursor-paginated list, fetching pages as it goes:
//
//	it := c.Posts.Iterate(ctx, letmepost.ListPostsParams{Limit: 100})
//	for it.Next() {
//		post := it.Value()
//	}
//	if err := it.Err(); err != nil { … }
type Iterator[T any] struct {
	fetch  func(cursor string) (*Page[T], error)
	cursor string
	buffer []T
	value  T
	done   bool
	err    error
}

func newIterator[T any](start string, fetch func(cursor string) (*Page[T], error)) *Iterator[T] {
	return &Iterator[T]{fetch: fetch, cursor: start}
}

// Next advances to the next item; false at the end or on an error (see Err).
func (it *Iterator[T]) Next() bool {
	for len(it.buffer) == 0 {
		if it.done || it.err != nil {
			return false
		}
		page, err := it.fetch(it.cursor)
		if err != nil {
			it.err = err
			return false
		}
		it.buffer = page.Data
		if page.NextCursor == nil || *page.NextCursor == "" {
			it.done = true
		} else {
			it.cursor = *page.NextCursor
		}
	}
	it.value, it.buffer = it.buffer[0], it.buffer[1:]
	return true
}

// Value is the current item.
func (it *Iterator[T]) Value() T { return it.value }

// Err is the error that stopped the iteration, if any.
func (it *Iterator[T]) Err() error { return it.err }

func setIf(q url.Values, name, value string) {
	if value != "" {
		q.Set(name, value)
	}
}

func setList(q url.Values, name string, values []string) {
	if len(values) > 0 {
		q.Set(name, strings.Join(values, ","))
	}
}

func setInt(q url.Values, name string, value int) {
	if value != 0 {
		q.Set(name, strconv.Itoa(value))
	}
}

// PostsService: create, validate, list, get, reschedule, cancel, retry.
type PostsService struct{ c *Client }

// Create publishes now (default) or schedules (ScheduledAt) one text to one or more targets.
// Per-target failures are in the results; the error is for request-level failures.
func (s *PostsService) Create(ctx context.Context, body CreatePostRequest, opts ...RequestOption) (*CreatePostResponse, error) {
	out := &CreatePostResponse{}
	_, err := s.c.operation(ctx, "createPost", call{json: body}, out, opts)
	return out, err
}

// Validate runs every preflight rule without publishing; violations come back, not as an error.
func (s *PostsService) Validate(ctx context.Context, body CreatePostRequest, opts ...RequestOption) (*ValidatePostResponse, error) {
	out := &ValidatePostResponse{}
	_, err := s.c.operation(ctx, "validatePost", call{json: body}, out, opts)
	return out, err
}

func (p ListPostsParams) query() url.Values {
	q := url.Values{}
	setIf(q, "profileId", p.ProfileID)
	setIf(q, "accountId", p.AccountID)
	setList(q, "platform", p.Platform)
	setList(q, "status", p.Status)
	setList(q, "errorCode", p.ErrorCode)
	setIf(q, "after", p.After)
	setIf(q, "before", p.Before)
	setIf(q, "q", p.Q)
	if p.Livemode != nil {
		q.Set("livemode", strconv.FormatBool(*p.Livemode))
	}
	setInt(q, "limit", p.Limit)
	setIf(q, "cursor", p.Cursor)
	return q
}

// List returns one page, newest first.
func (s *PostsService) List(ctx context.Context, params ListPostsParams, opts ...RequestOption) (*Page[Post], error) {
	out := &Page[Post]{}
	_, err := s.c.operation(ctx, "listPosts", call{query: params.query()}, out, opts)
	return out, err
}

// Iterate walks every post matching params.
func (s *PostsService) Iterate(ctx context.Context, params ListPostsParams, opts ...RequestOption) *Iterator[Post] {
	return newIterator(params.Cursor, func(cursor string) (*Page[Post], error) {
		params.Cursor = cursor
		return s.List(ctx, params, opts...)
	})
}

// Get returns a post with its attempts.
func (s *PostsService) Get(ctx context.Context, postID string, opts ...RequestOption) (*PostDetail, error) {
	out := &PostDetail{}
	_, err := s.c.operation(ctx, "getPost", call{path: map[string]string{"post_id": postID}}, out, opts)
	return out, err
}

// Reschedule moves a queued post; scheduledAt is ISO-8601 UTC (see Timestamp).
func (s *PostsService) Reschedule(ctx context.Context, postID, scheduledAt string, opts ...RequestOption) (*Post, error) {
	out := &Post{}
	in := call{path: map[string]string{"post_id": postID}, json: map[string]string{"scheduledAt": scheduledAt}}
	_, err := s.c.operation(ctx, "reschedulePost", in, out, opts)
	return out, err
}

// Cancel cancels a queued post.
func (s *PostsService) Cancel(ctx context.Context, postID string, opts ...RequestOption) (*CanceledPost, error) {
	out := &CanceledPost{}
	_, err := s.c.operation(ctx, "cancelPost", call{path: map[string]string{"post_id": postID}}, out, opts)
	return out, err
}

// Retry publishes a failed or rejected post's content again, now, as a new post (the answer has
// Create's shape). Every preflight rule runs again. The server refuses (409 validation_failed) a
// post that is not failed/rejected (rule "post.retry.status"), and one whose last attempt may have
// landed unless params.ConfirmUnknown (rule "post.retry.outcome_unknown"). Pass
// WithIdempotencyKey to choose the key.
func (s *PostsService) Retry(ctx context.Context, postID string, params RetryPostParams, opts ...RequestOption) (*CreatePostResponse, error) {
	out := &CreatePostResponse{}
	in := call{path: map[string]string{"post_id": postID}, json: params}
	_, err := s.c.operation(ctx, "retryPost", in, out, opts)
	return out, err
}

// MediaService: upload, list, get, delete.
type MediaService struct{ c *Client }

// UploadOptions name the file and choose a profile. The server sniffs the type from the bytes.
type UploadOptions struct {
	Filename  string
	ProfileID string
}

// Upload sends a file as multipart/form-data; use the returned ID in posts.
func (s *MediaService) Upload(ctx context.Context, file io.Reader, o UploadOptions, opts ...RequestOption) (*Media, error) {
	// Encoded in full once so every retry sends the same bytes (and boundary).
	var buf bytes.Buffer
	form := multipart.NewWriter(&buf)
	name := o.Filename
	if name == "" {
		name = "upload"
	}
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", `form-data; name="file"; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	header.Set("Content-Type", "application/octet-stream")
	part, err := form.CreatePart(header)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(part, file); err != nil {
		return nil, err
	}
	if err := form.Close(); err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "profileId", o.ProfileID)
	out := &Media{}
	in := call{query: q, body: buf.Bytes(), contentType: form.FormDataContentType()}
	_, err = s.c.operation(ctx, "createMedia", in, out, opts)
	return out, err
}

// UploadFromURL has the server fetch a public http(s) URL and store it.
func (s *MediaService) UploadFromURL(ctx context.Context, fileURL, profileID string, opts ...RequestOption) (*Media, error) {
	q := url.Values{}
	setIf(q, "profileId", profileID)
	out := &Media{}
	_, err := s.c.operation(ctx, "createMedia", call{query: q, json: map[string]string{"url": fileURL}}, out, opts)
	return out, err
}

func (p ListMediaParams) query() url.Values {
	q := url.Values{}
	setIf(q, "profileId", p.ProfileID)
	setInt(q, "limit", p.Limit)
	setIf(q, "cursor", p.Cursor)
	return q
}

// List returns one page, newest first.
func (s *MediaService) List(ctx context.Context, params ListMediaParams, opts ...RequestOption) (*Page[Media], error) {
	out := &Page[Media]{}
	_, err := s.c.operation(ctx, "listMedia", call{query: params.query()}, out, opts)
	return out, err
}

// Iterate walks every stored media.
func (s *MediaService) Iterate(ctx context.Context, params ListMediaParams, opts ...RequestOption) *Iterator[Media] {
	return newIterator(params.Cursor, func(cursor string) (*Page[Media], error) {
		params.Cursor = cursor
		return s.List(ctx, params, opts...)
	})
}

// Get returns one media.
func (s *MediaService) Get(ctx context.Context, mediaID string, opts ...RequestOption) (*Media, error) {
	out := &Media{}
	_, err := s.c.operation(ctx, "getMedia", call{path: map[string]string{"media_id": mediaID}}, out, opts)
	return out, err
}

// Delete removes one media.
func (s *MediaService) Delete(ctx context.Context, mediaID string, opts ...RequestOption) (*Deleted, error) {
	out := &Deleted{}
	_, err := s.c.operation(ctx, "deleteMedia", call{path: map[string]string{"media_id": mediaID}}, out, opts)
	return out, err
}

// AccountsService: list, get, connect, complete, disconnect, Pinterest boards.
type AccountsService struct{ c *Client }

// List returns the workspace's connected accounts (profileID narrows; "" for all).
func (s *AccountsService) List(ctx context.Context, profileID string, opts ...RequestOption) (*List[Account], error) {
	q := url.Values{}
	setIf(q, "profileId", profileID)
	out := &List[Account]{}
	_, err := s.c.operation(ctx, "listAccounts", call{query: q}, out, opts)
	return out, err
}

// Get returns one account.
func (s *AccountsService) Get(ctx context.Context, accountID string, opts ...RequestOption) (*Account, error) {
	out := &Account{}
	_, err := s.c.operation(ctx, "getAccount", call{path: map[string]string{"account_id": accountID}}, out, opts)
	return out, err
}

// Connect starts connecting: an OAuth URL to open, or the fields Complete needs.
func (s *AccountsService) Connect(ctx context.Context, platform string, body ConnectRequest, opts ...RequestOption) (*ConnectResponse, error) {
	out := &ConnectResponse{}
	_, err := s.c.operation(ctx, "connectAccount", call{path: map[string]string{"platform": platform}, json: body}, out, opts)
	return out, err
}

// Complete finishes connecting with the provider's fields, e.g. {"handle": "demo"} for the sandbox.
func (s *AccountsService) Complete(ctx context.Context, platform string, fields map[string]string, opts ...RequestOption) (*Account, error) {
	out := &Account{}
	_, err := s.c.operation(ctx, "completeConnect", call{path: map[string]string{"platform": platform}, json: fields}, out, opts)
	return out, err
}

// Disconnect removes the account and its stored token.
func (s *AccountsService) Disconnect(ctx context.Context, accountID string, opts ...RequestOption) (*Deleted, error) {
	out := &Deleted{}
	_, err := s.c.operation(ctx, "disconnectAccount", call{path: map[string]string{"account_id": accountID}}, out, opts)
	return out, err
}

// ListPinterestBoards lists a Pinterest account's boards.
func (s *AccountsService) ListPinterestBoards(ctx context.Context, accountID string, opts ...RequestOption) (*PinterestBoardList, error) {
	out := &PinterestBoardList{}
	_, err := s.c.operation(ctx, "listPinterestBoards", call{path: map[string]string{"account_id": accountID}}, out, opts)
	return out, err
}

// CreatePinterestBoard creates (or with Upsert finds) a board.
func (s *AccountsService) CreatePinterestBoard(ctx context.Context, accountID string, body CreatePinterestBoardRequest, opts ...RequestOption) (*PinterestBoardCreated, error) {
	out := &PinterestBoardCreated{}
	_, err := s.c.operation(ctx, "createPinterestBoard", call{path: map[string]string{"account_id": accountID}, json: body}, out, opts)
	return out, err
}

// SetPinterestDefaultBoard picks the board pins go to when a post names none.
func (s *AccountsService) SetPinterestDefaultBoard(ctx context.Context, accountID, boardID string, opts ...RequestOption) (*PinterestDefaultBoard, error) {
	out := &PinterestDefaultBoard{}
	in := call{path: map[string]string{"account_id": accountID}, json: map[string]string{"boardId": boardID}}
	_, err := s.c.operation(ctx, "setPinterestDefaultBoard", in, out, opts)
	return out, err
}

// WebhookEndpointsService: CRUD, test, deliveries, replay, rotate secret.
type WebhookEndpointsService struct{ c *Client }

func endpointPath(id string) map[string]string { return map[string]string{"endpoint_id": id} }

// List returns every endpoint of the workspace.
func (s *WebhookEndpointsService) List(ctx context.Context, opts ...RequestOption) (*List[WebhookEndpoint], error) {
	out := &List[WebhookEndpoint]{}
	_, err := s.c.operation(ctx, "listWebhookEndpoints", call{}, out, opts)
	return out, err
}

// Create registers an endpoint; the answer's SigningSecret is shown only here (and on RotateSecret).
func (s *WebhookEndpointsService) Create(ctx context.Context, body WebhookEndpointRequest, opts ...RequestOption) (*WebhookEndpoint, error) {
	out := &WebhookEndpoint{}
	_, err := s.c.operation(ctx, "createWebhookEndpoint", call{json: body}, out, opts)
	return out, err
}

// Get returns one endpoint.
func (s *WebhookEndpointsService) Get(ctx context.Context, endpointID string, opts ...RequestOption) (*WebhookEndpoint, error) {
	out := &WebhookEndpoint{}
	_, err := s.c.operation(ctx, "getWebhookEndpoint", call{path: endpointPath(endpointID)}, out, opts)
	return out, err
}

// Update changes the given fields.
func (s *WebhookEndpointsService) Update(ctx context.Context, endpointID string, body WebhookEndpointRequest, opts ...RequestOption) (*WebhookEndpoint, error) {
	out := &WebhookEndpoint{}
	_, err := s.c.operation(ctx, "updateWebhookEndpoint", call{path: endpointPath(endpointID), json: body}, out, opts)
	return out, err
}

// Delete removes the endpoint and its delivery log.
func (s *WebhookEndpointsService) Delete(ctx context.Context, endpointID string, opts ...RequestOption) (*Deleted, error) {
	out := &Deleted{}
	_, err := s.c.operation(ctx, "deleteWebhookEndpoint", call{path: endpointPath(endpointID)}, out, opts)
	return out, err
}

// Test sends a signed test event now and reports what the receiver answered.
func (s *WebhookEndpointsService) Test(ctx context.Context, endpointID string, body WebhookTestRequest, opts ...RequestOption) (*WebhookTestResult, error) {
	out := &WebhookTestResult{}
	_, err := s.c.operation(ctx, "testWebhookEndpoint", call{path: endpointPath(endpointID), json: body}, out, opts)
	return out, err
}

func (p ListDeliveriesParams) query() url.Values {
	q := url.Values{}
	setIf(q, "status", p.Status)
	setInt(q, "limit", p.Limit)
	setIf(q, "cursor", p.Cursor)
	return q
}

// Deliveries returns one page of the endpoint's delivery log, newest first.
func (s *WebhookEndpointsService) Deliveries(ctx context.Context, endpointID string, params ListDeliveriesParams, opts ...RequestOption) (*Page[WebhookDelivery], error) {
	out := &Page[WebhookDelivery]{}
	_, err := s.c.operation(ctx, "listWebhookDeliveries", call{path: endpointPath(endpointID), query: params.query()}, out, opts)
	return out, err
}

// IterateDeliveries walks the whole delivery log.
func (s *WebhookEndpointsService) IterateDeliveries(ctx context.Context, endpointID string, params ListDeliveriesParams, opts ...RequestOption) *Iterator[WebhookDelivery] {
	return newIterator(params.Cursor, func(cursor string) (*Page[WebhookDelivery], error) {
		params.Cursor = cursor
		return s.Deliveries(ctx, endpointID, params, opts...)
	})
}

// Replay delivers an earlier event again: same event id, new delivery.
func (s *WebhookEndpointsService) Replay(ctx context.Context, endpointID, eventID string, opts ...RequestOption) (*WebhookDelivery, error) {
	out := &WebhookDelivery{}
	in := call{path: map[string]string{"endpoint_id": endpointID, "event_id": eventID}}
	_, err := s.c.operation(ctx, "replayWebhookEvent", in, out, opts)
	return out, err
}

// RotateSecret issues a new signing secret, effective at once; the answer's SigningSecret carries it.
func (s *WebhookEndpointsService) RotateSecret(ctx context.Context, endpointID string, opts ...RequestOption) (*WebhookEndpoint, error) {
	out := &WebhookEndpoint{}
	_, err := s.c.operation(ctx, "rotateWebhookEndpointSecret", call{path: endpointPath(endpointID)}, out, opts)
	return out, err
}

// QueuesService: a profile's weekly posting slots, taken by posts with ScheduledAt NextSlot.
type QueuesService struct{ c *Client }

// Get returns the profile's queue (no slots, in UTC, when it never set one).
func (s *QueuesService) Get(ctx context.Context, profileID string, opts ...RequestOption) (*ProfileQueue, error) {
	out := &ProfileQueue{}
	_, err := s.c.operation(ctx, "getProfileQueue", call{path: map[string]string{"profile_id": profileID}}, out, opts)
	return out, err
}

// Set replaces the profile's queue.
func (s *QueuesService) Set(ctx context.Context, profileID string, queue ProfileQueue, opts ...RequestOption) (*ProfileQueue, error) {
	out := &ProfileQueue{}
	in := call{path: map[string]string{"profile_id": profileID}, json: queue}
	_, err := s.c.operation(ctx, "setProfileQueue", in, out, opts)
	return out, err
}

// List returns the upcoming slot instants and the posts holding them.
func (s *QueuesService) List(ctx context.Context, p ListQueueParams, opts ...RequestOption) (*QueueListing, error) {
	q := url.Values{}
	setIf(q, "profileId", p.ProfileID)
	setInt(q, "days", p.Days)
	setInt(q, "limit", p.Limit)
	out := &QueueListing{}
	_, err := s.c.operation(ctx, "listQueue", call{query: q}, out, opts)
	return out, err
}

// ReferenceService: the preflight rule catalog and pinned platform API versions.
type ReferenceService struct{ c *Client }

// PreflightRules lists the documented rules (platform "" for all).
func (s *ReferenceService) PreflightRules(ctx context.Context, platform string, opts ...RequestOption) (*List[PreflightRule], error) {
	q := url.Values{}
	setIf(q, "platform", platform)
	out := &List[PreflightRule]{}
	_, err := s.c.operation(ctx, "listPreflightRules", call{query: q}, out, opts)
	return out, err
}

// PlatformVersions lists the upstream API versions letmepost is pinned to.
func (s *ReferenceService) PlatformVersions(ctx context.Context, opts ...RequestOption) (*List[PlatformVersion], error) {
	out := &List[PlatformVersion]{}
	_, err := s.c.operation(ctx, "listPlatformVersions", call{}, out, opts)
	return out, err
}
