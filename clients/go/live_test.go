package letmepost_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	letmepost "github.com/letmepost/letmepost-go"
)

var (
	accountOnce sync.Once
	account     *letmepost.Account
	accountErr  error
)

// sandboxAccount connects the sandbox account every live test publishes through.
func sandboxAccount(t *testing.T) *letmepost.Account {
	t.Helper()
	accountOnce.Do(func() {
		ctx := context.Background()
		started, err := live.client.Accounts.Connect(ctx, "sandbox", letmepost.ConnectRequest{})
		if err != nil {
			accountErr = err
			return
		}
		if started.Descriptor.Kind != "credentials" || len(started.Descriptor.Fields) != 1 || started.Descriptor.Fields[0].Name != "handle" {
			accountErr = errors.New("unexpected sandbox descriptor")
			return
		}
		account, accountErr = live.client.Accounts.Complete(ctx, "sandbox", map[string]string{"handle": "go"})
	})
	if accountErr != nil {
		t.Fatalf("connecting the sandbox: %v", accountErr)
	}
	return account
}

func apiError(t *testing.T, err error) *letmepost.Error {
	t.Helper()
	var apiErr *letmepost.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *letmepost.Error, got %T %v", err, err)
	}
	return apiErr
}

func publish(t *testing.T, text string, opts ...letmepost.RequestOption) *letmepost.CreatePostResponse {
	t.Helper()
	batch, err := live.client.Posts.Create(context.Background(), letmepost.CreatePostRequest{
		Text: text, Targets: []letmepost.PostTarget{{Platform: "sandbox"}},
	}, opts...)
	if err != nil {
		t.Fatalf("publishing %q: %v", text, err)
	}
	return batch
}

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	acc := sandboxAccount(t)
	if acc.Platform != "sandbox" || acc.PlatformAccountID != "go" {
		t.Fatalf("connected %+v", acc)
	}
	list, err := live.client.Accounts.List(ctx, "")
	if err != nil || len(list.Data) == 0 {
		t.Fatalf("list: %v %+v", err, list)
	}
	got, err := live.client.Accounts.Get(ctx, acc.ID)
	if err != nil || got.DisplayName != "go" {
		t.Fatalf("get: %v %+v", err, got)
	}

	other, err := live.client.Accounts.Complete(ctx, "sandbox", map[string]string{"handle": "go-gone"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := live.client.Accounts.Disconnect(ctx, other.ID)
	if err != nil || !gone.Deleted || gone.ID != other.ID {
		t.Fatalf("disconnect: %v %+v", err, gone)
	}
	_, err = live.client.Accounts.Get(ctx, other.ID)
	if e := apiError(t, err); e.Code != letmepost.CodeNotFound || e.Status != 404 {
		t.Fatalf("after disconnect: %+v", e)
	}
}

func TestPinterestHelpersExplainANonPinterestAccount(t *testing.T) {
	ctx := context.Background()
	acc := sandboxAccount(t)
	_, err1 := live.client.Accounts.ListPinterestBoards(ctx, acc.ID)
	_, err2 := live.client.Accounts.CreatePinterestBoard(ctx, acc.ID, letmepost.CreatePinterestBoardRequest{Name: "Launch"})
	_, err3 := live.client.Accounts.SetPinterestDefaultBoard(ctx, acc.ID, "123")
	for _, err := range []error{err1, err2, err3} {
		e := apiError(t, err)
		if e.Code != letmepost.CodeValidationFailed || e.Rule != "platform.mismatch" || e.Status != 400 {
			t.Fatalf("got %+v", e)
		}
	}
}

func TestPublishNow(t *testing.T) {
	ctx := context.Background()
	acc := sandboxAccount(t)
	batch, err := live.client.Posts.Create(ctx, letmepost.CreatePostRequest{
		Text: "hello from go", Targets: []letmepost.PostTarget{{AccountID: acc.ID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if batch.Status != "published" || batch.Results[0].Status != "published" || !strings.HasPrefix(batch.Results[0].URI, "sandbox://") {
		t.Fatalf("batch %+v", batch)
	}
	post, err := live.client.Posts.Get(ctx, batch.Results[0].PostID)
	if err != nil {
		t.Fatal(err)
	}
	if post.Status != "published" || post.Text != "hello from go" || len(post.Attempts) == 0 {
		t.Fatalf("post %+v", post)
	}
}

func TestPublishAThread(t *testing.T) {
	ctx := context.Background()
	acc := sandboxAccount(t)
	batch, err := live.client.Posts.Create(ctx, letmepost.CreatePostRequest{
		Text:    "a thread from go",
		Thread:  []letmepost.ThreadItemInput{{Text: "second"}, {Text: "third"}},
		Targets: []letmepost.PostTarget{{AccountID: acc.ID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	result := batch.Results[0]
	if result.Status != "published" || result.Thread == nil || result.Thread.Published != 3 || len(result.Thread.Items) != 2 {
		t.Fatalf("result %+v", result)
	}
	post, err := live.client.Posts.Get(ctx, result.PostID)
	if err != nil {
		t.Fatal(err)
	}
	if post.Thread == nil || post.Thread.Total != 3 { // the first post and two items
		t.Fatalf("post %+v", post)
	}
}

func TestScheduleRescheduleCancel(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	at := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	batch, err := live.client.Posts.Create(ctx, letmepost.CreatePostRequest{
		Text: "later", Targets: []letmepost.PostTarget{{Platform: "sandbox"}}, ScheduledAt: letmepost.Timestamp(at),
	})
	if err != nil || batch.Status != "queued" {
		t.Fatalf("schedule: %v %+v", err, batch)
	}
	postID := batch.Results[0].PostID
	later := at.Add(time.Hour)
	moved, err := live.client.Posts.Reschedule(ctx, postID, letmepost.Timestamp(later))
	if err != nil {
		t.Fatal(err)
	}
	when, err := time.Parse(time.RFC3339Nano, *moved.ScheduledAt)
	if err != nil || !when.Equal(later) {
		t.Fatalf("rescheduled to %v, want %v (%v)", *moved.ScheduledAt, later, err)
	}
	canceled, err := live.client.Posts.Cancel(ctx, postID)
	if err != nil || canceled.Status != "canceled" {
		t.Fatalf("cancel: %v %+v", err, canceled)
	}
	post, err := live.client.Posts.Get(ctx, postID)
	if err != nil || post.Status != "canceled" {
		t.Fatalf("after cancel: %v %+v", err, post)
	}
}

func TestQueueNextSlot(t *testing.T) {
	ctx := context.Background()
	// A profile of its own, which nothing live depends on: a test key may set its queue.
	raw, err := live.client.Do(ctx, "POST", "/v1/profiles", nil, map[string]string{"name": "Queue Go"})
	var profile struct{ ID string }
	if err != nil || json.Unmarshal(raw.Body, &profile) != nil {
		t.Fatalf("create profile: %v", err)
	}
	var slots []letmepost.QueueSlot
	for _, day := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		slots = append(slots, letmepost.QueueSlot{Weekday: day, Time: "04:45"})
	}
	set, err := live.client.Queues.Set(ctx, profile.ID, letmepost.ProfileQueue{Timezone: "America/New_York", Slots: slots})
	if err != nil || len(set.Slots) != 7 {
		t.Fatalf("set queue: %v %+v", err, set)
	}
	got, err := live.client.Queues.Get(ctx, profile.ID)
	if err != nil || got.Timezone != "America/New_York" {
		t.Fatalf("get queue: %v %+v", err, got)
	}
	queued, err := live.client.Accounts.Complete(ctx, "sandbox", map[string]string{"handle": "go-queue", "profileId": profile.ID})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := live.client.Posts.Create(ctx, letmepost.CreatePostRequest{
		Text: "queued from go", Targets: []letmepost.PostTarget{{AccountID: queued.ID}}, ScheduledAt: letmepost.NextSlot,
	})
	if err != nil || batch.Status != "queued" {
		t.Fatalf("next slot: %v %+v", err, batch)
	}
	listing, err := live.client.Queues.List(ctx, letmepost.ListQueueParams{ProfileID: profile.ID, Days: 2})
	if err != nil || len(listing.Data) == 0 {
		t.Fatalf("list queue: %v %+v", err, listing)
	}
	first := listing.Data[0]
	if first.At != batch.ScheduledAt || len(first.Posts) != 1 || first.Posts[0].ID != batch.Results[0].PostID {
		t.Fatalf("first slot %+v, want the post %s at %s", first, batch.Results[0].PostID, batch.ScheduledAt)
	}
	// Disconnecting cancels the post; the profile stays (it held an account).
	if _, err := live.client.Accounts.Disconnect(ctx, queued.ID); err != nil {
		t.Fatal(err)
	}
}

func TestRetryRejectedPost(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	failed := publish(t, "retry me", letmepost.WithSandboxOutcome("platform_rejected"))
	failedID := failed.Results[0].PostID
	before, err := live.client.Posts.Get(ctx, failedID)
	if err != nil || (before.Status != "failed" && before.Status != "rejected") {
		t.Fatalf("forced failure: %v %+v", err, before)
	}
	retried, err := live.client.Posts.Retry(ctx, failedID, letmepost.RetryPostParams{})
	if err != nil {
		t.Fatal(err)
	}
	if retried.Status != "published" || retried.ID == failed.ID || len(retried.Results) != 1 ||
		retried.Results[0].Status != "published" || retried.Results[0].PostID == failedID {
		t.Fatalf("retried %+v", retried)
	}
	post, err := live.client.Posts.Get(ctx, retried.Results[0].PostID)
	if err != nil || post.Text != "retry me" {
		t.Fatalf("new post: %v %+v", err, post)
	}
	_, err = live.client.Posts.Retry(ctx, retried.Results[0].PostID, letmepost.RetryPostParams{},
		letmepost.WithIdempotencyKey("go-retry-published"))
	if e := apiError(t, err); e.Status != 409 || e.Code != letmepost.CodeValidationFailed || e.Rule != "post.retry.status" {
		t.Fatalf("retrying a published post: %+v", e)
	}
}

func TestValidateReportsViolations(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	report, err := live.client.Posts.Validate(ctx, letmepost.CreatePostRequest{
		Text: strings.Repeat("x", 600), Targets: []letmepost.PostTarget{{Platform: "sandbox"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if report.Valid || report.Results[0].Violations[0].Rule != "sandbox.text.max_graphemes" {
		t.Fatalf("report %+v", report)
	}
	ok, err := live.client.Posts.Validate(ctx, letmepost.CreatePostRequest{
		Text: "fine", Targets: []letmepost.PostTarget{{Platform: "sandbox"}},
	})
	if err != nil || !ok.Valid {
		t.Fatalf("valid post: %v %+v", err, ok)
	}
}

func TestErrorsCarryTheEnvelope(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	_, err := live.client.Posts.Create(ctx, letmepost.CreatePostRequest{
		Text: strings.Repeat("y", 600), Targets: []letmepost.PostTarget{{Platform: "sandbox"}},
	})
	e := apiError(t, err)
	if e.Status != 400 || e.Code != letmepost.CodePreflightFailed || e.Rule != "sandbox.text.max_graphemes" ||
		e.Platform != "sandbox" || !strings.Contains(e.Remediation, "Shorten") ||
		!strings.HasSuffix(e.DocURL, "/docs/errors/preflight_failed") || e.RequestID == "" ||
		len(e.Violations) != 1 || e.Violations[0].Field != "text" {
		t.Fatalf("preflight error %+v", e)
	}
	if letmepost.ErrorCode(err) != letmepost.CodePreflightFailed {
		t.Fatal("ErrorCode")
	}

	_, err = live.client.Posts.Create(ctx, letmepost.CreatePostRequest{Text: "none", Targets: []letmepost.PostTarget{}})
	if e := apiError(t, err); e.Code != letmepost.CodeValidationFailed || e.Rule == "" {
		t.Fatalf("validation error %+v", e)
	}
	_, err = live.client.Posts.Get(ctx, "01a22200-0000-7000-8000-000000000000")
	if e := apiError(t, err); e.Code != letmepost.CodeNotFound || e.Status != 404 {
		t.Fatalf("not found %+v", e)
	}
}

func TestListPagesAndIterate(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	for i := 0; i < 5; i++ {
		publish(t, "page "+string(rune('a'+i)))
	}
	everything, err := live.client.Posts.List(ctx, letmepost.ListPostsParams{Limit: 200})
	if err != nil || everything.NextCursor != nil {
		t.Fatalf("all: %v %+v", err, everything.NextCursor)
	}
	first, err := live.client.Posts.List(ctx, letmepost.ListPostsParams{Limit: 2})
	if err != nil || len(first.Data) != 2 || first.NextCursor == nil {
		t.Fatalf("first page: %v %+v", err, first)
	}
	var seen []string
	it := live.client.Posts.Iterate(ctx, letmepost.ListPostsParams{Limit: 2})
	for it.Next() {
		seen = append(seen, it.Value().ID)
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	if len(seen) != len(everything.Data) {
		t.Fatalf("iterated %d posts, the server has %d", len(seen), len(everything.Data))
	}
	for i, p := range everything.Data {
		if seen[i] != p.ID {
			t.Fatalf("post %d: iterated %s, listed %s", i, seen[i], p.ID)
		}
	}
	n := 0
	pub := live.client.Posts.Iterate(ctx, letmepost.ListPostsParams{Limit: 3, Status: []string{"published"}})
	for pub.Next() {
		if pub.Value().Status != "published" {
			t.Fatalf("status filter let %s through", pub.Value().Status)
		}
		n++
	}
	if pub.Err() != nil || n < 5 {
		t.Fatalf("published: %d %v", n, pub.Err())
	}
}

func TestIdempotentReplay(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	key := "go-" + time.Now().Format("150405.000000000")
	body := letmepost.CreatePostRequest{Text: "once " + key, Targets: []letmepost.PostTarget{{Platform: "sandbox"}}}
	first, err := live.client.Posts.Create(ctx, body, letmepost.WithIdempotencyKey(key))
	if err != nil {
		t.Fatal(err)
	}
	again, err := live.client.Posts.Create(ctx, body, letmepost.WithIdempotencyKey(key))
	if err != nil || again.ID != first.ID {
		t.Fatalf("replay gave batch %s, first was %s (%v)", again.ID, first.ID, err)
	}
	raw, err := live.client.Do(ctx, "POST", "/v1/posts", nil, body, letmepost.WithIdempotencyKey(key))
	if err != nil || !raw.Replayed || raw.IdempotencyKey != key {
		t.Fatalf("raw replay: %v %+v", err, raw)
	}
	found, err := live.client.Posts.List(ctx, letmepost.ListPostsParams{Q: key})
	if err != nil || len(found.Data) != 1 {
		t.Fatalf("posts with the key's text: %v %d", err, len(found.Data))
	}
	body.Text = "something else"
	_, err = live.client.Posts.Create(ctx, body, letmepost.WithIdempotencyKey(key))
	if e := apiError(t, err); e.Code != letmepost.CodeIdempotencyConflict || e.Rule != "idempotency_key.body_mismatch" {
		t.Fatalf("conflict %+v", e)
	}
	a, b := publish(t, "twice"), publish(t, "twice")
	if a.ID == b.ID {
		t.Fatal("two writes without a key were deduplicated")
	}
}

func tinyPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMedia(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	data := tinyPNG(t)
	up, err := live.client.Media.Upload(ctx, bytes.NewReader(data), letmepost.UploadOptions{Filename: "dot.png"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(up.ID, "med_") || up.Kind != "image" || up.ContentType != "image/png" ||
		up.Width == nil || *up.Width != 2 || up.SizeBytes != int64(len(data)) {
		t.Fatalf("uploaded %+v", up)
	}
	second, err := live.client.Media.Upload(ctx, bytes.NewReader(data), letmepost.UploadOptions{})
	if err != nil || second.SHA256 != up.SHA256 {
		t.Fatalf("second upload: %v %+v", err, second)
	}
	got, err := live.client.Media.Get(ctx, up.ID)
	if err != nil || got.ID != up.ID {
		t.Fatalf("get: %v", err)
	}
	page, err := live.client.Media.List(ctx, letmepost.ListMediaParams{Limit: 1})
	if err != nil || len(page.Data) != 1 || page.NextCursor == nil {
		t.Fatalf("page: %v %+v", err, page)
	}
	ids := map[string]bool{}
	it := live.client.Media.Iterate(ctx, letmepost.ListMediaParams{Limit: 1})
	for it.Next() {
		ids[it.Value().ID] = true
	}
	if it.Err() != nil || len(ids) != 2 || !ids[up.ID] || !ids[second.ID] {
		t.Fatalf("iterated %v %v", ids, it.Err())
	}
	batch, err := live.client.Posts.Create(ctx, letmepost.CreatePostRequest{
		Text: "with a picture", Media: []letmepost.MediaInput{{Kind: "image", MediaID: up.ID}},
		Targets: []letmepost.PostTarget{{Platform: "sandbox"}},
	})
	if err != nil || batch.Results[0].Status != "published" {
		t.Fatalf("post with media: %v %+v", err, batch)
	}
	del, err := live.client.Media.Delete(ctx, second.ID)
	if err != nil || !del.Deleted {
		t.Fatalf("delete: %v", err)
	}
	_, err = live.client.Media.Get(ctx, second.ID)
	if e := apiError(t, err); e.Code != letmepost.CodeNotFound {
		t.Fatalf("after delete %+v", e)
	}
	_, err = live.client.Media.Upload(ctx, strings.NewReader("not an image"), letmepost.UploadOptions{})
	if e := apiError(t, err); e.Rule != "media.type_unsupported" {
		t.Fatalf("bad upload %+v", e)
	}
}

// receiver records what letmepost POSTs to the test's webhook endpoint.
type receiver struct {
	mu   sync.Mutex
	hits []hit
	url  string
	srv  *http.Server
}

type hit struct {
	header http.Header
	body   []byte
}

func startReceiver(t *testing.T) *receiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{url: "http://" + ln.Addr().String() + "/hook"}
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.hits = append(r.hits, hit{req.Header.Clone(), body})
		r.mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	})}
	go func() { _ = r.srv.Serve(ln) }()
	t.Cleanup(func() { _ = r.srv.Close() })
	return r
}

func (r *receiver) waitFor(t *testing.T, what string, match func(hit) bool) hit {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for i := len(r.hits) - 1; i >= 0; i-- {
			if match(r.hits[i]) {
				h := r.hits[i]
				r.mu.Unlock()
				return h
			}
		}
		r.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
	return hit{}
}

func (r *receiver) count(match func(hit) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, h := range r.hits {
		if match(h) {
			n++
		}
	}
	return n
}

func TestWebhooks(t *testing.T) {
	ctx := context.Background()
	sandboxAccount(t)
	rcv := startReceiver(t)
	wh := live.client.WebhookEndpoints
	description := "sdk test"
	endpoint, err := wh.Create(ctx, letmepost.WebhookEndpointRequest{URL: rcv.url, Description: &description})
	if err != nil || !strings.HasPrefix(endpoint.SigningSecret, "whsec_") {
		t.Fatalf("create: %v %+v", err, endpoint)
	}
	if got, err := wh.Get(ctx, endpoint.ID); err != nil || got.URL != rcv.url || got.SigningSecret != "" {
		t.Fatalf("get: %v %+v", err, got)
	}
	renamed := "renamed"
	if got, err := wh.Update(ctx, endpoint.ID, letmepost.WebhookEndpointRequest{Description: &renamed}); err != nil || got.Description != "renamed" {
		t.Fatalf("update: %v %+v", err, got)
	}
	if list, err := wh.List(ctx); err != nil || len(list.Data) == 0 {
		t.Fatalf("list: %v", err)
	}

	// a test delivery arrives signed with the endpoint's secret
	result, err := wh.Test(ctx, endpoint.ID, letmepost.WebhookTestRequest{Type: "post.published"})
	if err != nil || !result.Delivered || result.Status != 200 {
		t.Fatalf("test: %v %+v", err, result)
	}
	byDelivery := func(id string) func(hit) bool {
		return func(h hit) bool { return h.header.Get(letmepost.DeliveryIDHeader) == id }
	}
	h := rcv.waitFor(t, "the test delivery", byDelivery(result.DeliveryID))
	event, err := letmepost.VerifyWebhook(h.body, h.header, endpoint.SigningSecret)
	if err != nil || event.ID != result.SentEvent.ID || event.Type != "post.published" {
		t.Fatalf("verify: %v %+v", err, event)
	}
	if _, err := letmepost.VerifyWebhook(h.body, h.header, "whsec_wrong"); !errors.Is(err, letmepost.ErrInvalidSignature) {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, err := letmepost.VerifyWebhook(append(h.body, ' '), h.header, endpoint.SigningSecret); !errors.Is(err, letmepost.ErrInvalidSignature) {
		t.Fatalf("tampered body: %v", err)
	}

	// a real post.published event, then its log entry and a replay
	postID := publish(t, "tell the hook").Results[0].PostID
	ours := func(h hit) bool {
		var e struct{ Data struct{ ID string } }
		return h.header.Get(letmepost.EventHeader) == "post.published" &&
			json.Unmarshal(h.body, &e) == nil && e.Data.ID == postID
	}
	h = rcv.waitFor(t, "post.published for the new post", ours)
	event, err = letmepost.VerifyWebhook(h.body, h.header, endpoint.SigningSecret)
	if err != nil {
		t.Fatal(err)
	}
	page, err := wh.Deliveries(ctx, endpoint.ID, letmepost.ListDeliveriesParams{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	logged := ""
	for _, d := range page.Data {
		if d.EventID == event.ID {
			logged = d.ID
		}
	}
	if logged == "" {
		t.Fatal("the delivery is not in the log")
	}
	all := map[string]bool{}
	it := wh.IterateDeliveries(ctx, endpoint.ID, letmepost.ListDeliveriesParams{Limit: 1})
	for it.Next() {
		all[it.Value().ID] = true
	}
	if it.Err() != nil || !all[logged] {
		t.Fatalf("iterating deliveries: %v", it.Err())
	}
	before := rcv.count(ours)
	replay, err := wh.Replay(ctx, endpoint.ID, event.ID)
	if err != nil || replay.EventID != event.ID {
		t.Fatalf("replay: %v %+v", err, replay)
	}
	deadline := time.Now().Add(20 * time.Second)
	for rcv.count(ours) <= before && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if rcv.count(ours) <= before {
		t.Fatal("the replay never arrived")
	}

	// rotation signs with the new secret at once
	rotated, err := wh.RotateSecret(ctx, endpoint.ID)
	if err != nil || rotated.SigningSecret == "" || rotated.SigningSecret == endpoint.SigningSecret {
		t.Fatalf("rotate: %v", err)
	}
	result, err = wh.Test(ctx, endpoint.ID, letmepost.WebhookTestRequest{})
	if err != nil {
		t.Fatal(err)
	}
	h = rcv.waitFor(t, "the test delivery after rotation", byDelivery(result.DeliveryID))
	if _, err := letmepost.VerifyWebhook(h.body, h.header, rotated.SigningSecret); err != nil {
		t.Fatalf("new secret: %v", err)
	}
	if _, err := letmepost.VerifyWebhook(h.body, h.header, endpoint.SigningSecret); err == nil {
		t.Fatal("the old secret still verifies")
	}

	if del, err := wh.Delete(ctx, endpoint.ID); err != nil || !del.Deleted {
		t.Fatalf("delete: %v", err)
	}
	if _, err := wh.Get(ctx, endpoint.ID); letmepost.ErrorCode(err) != letmepost.CodeNotFound {
		t.Fatalf("after delete: %v", err)
	}
}

func TestReferenceData(t *testing.T) {
	ctx := context.Background()
	rules, err := live.client.Reference.PreflightRules(ctx, "bluesky")
	if err != nil || len(rules.Data) == 0 {
		t.Fatalf("rules: %v", err)
	}
	for _, r := range rules.Data {
		if r.Platform != "bluesky" {
			t.Fatalf("rule %s is for %s", r.ID, r.Platform)
		}
	}
	versions, err := live.client.Reference.PlatformVersions(ctx)
	if err != nil || len(versions.Data) == 0 {
		t.Fatalf("versions: %v", err)
	}
}
