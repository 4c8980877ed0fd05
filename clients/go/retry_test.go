package letmepost_test

// Retry, idempotency-key and error mapping against a scripted local server: a real letmepost
// cannot be made to answer 503 or a chosen Retry-After on demand.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	letmepost "github.com/letmepost/letmepost-go"
)

type answer struct {
	status int
	header map[string]string
	body   string
}

type seenRequest struct {
	method, uri string
	header      http.Header
	body        []byte
	at          time.Time
}

type stub struct {
	mu     sync.Mutex
	script []answer
	seen   []seenRequest
	client *letmepost.Client
}

func newStub(t *testing.T, opts letmepost.Options, script ...answer) *stub {
	s := &stub{script: script}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, seenRequest{r.Method, r.RequestURI, r.Header.Clone(), body, time.Now()})
		next := answer{status: 200, body: `{}`}
		if len(s.script) > 0 {
			next, s.script = s.script[0], s.script[1:]
		}
		s.mu.Unlock()
		for k, v := range next.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(next.status)
		_, _ = w.Write([]byte(next.body))
	}))
	t.Cleanup(srv.Close)
	opts.APIKey, opts.BaseURL = "lmp_test_x", srv.URL+"/"
	if opts.RetryBase == 0 {
		opts.RetryBase = time.Millisecond
	}
	c, err := letmepost.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	return s
}

func envelope(code string) string {
	return `{"error":{"code":"` + code + `","message":"m","rule":"r.x","remediation":"do y","docUrl":"http://x/docs/errors/` + code + `","requestId":"req_1"}}`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRetries503And429WithOneIdempotencyKey(t *testing.T) {
	s := newStub(t, letmepost.Options{},
		answer{503, nil, envelope("platform_unavailable")},
		answer{429, nil, envelope("rate_limited")},
		answer{201, nil, `{"id":"med_1"}`},
	)
	media, err := s.client.Media.UploadFromURL(context.Background(), "https://example.com/a.png", "")
	if err != nil || media.ID != "med_1" {
		t.Fatalf("%v %+v", err, media)
	}
	if len(s.seen) != 3 {
		t.Fatalf("%d requests", len(s.seen))
	}
	key := s.seen[0].header.Get("Idempotency-Key")
	if !uuidPattern.MatchString(key) {
		t.Fatalf("key %q is not a UUIDv4", key)
	}
	for _, r := range s.seen {
		if r.header.Get("Idempotency-Key") != key || r.header.Get("Authorization") != "Bearer lmp_test_x" || r.uri != "/v1/media" {
			t.Fatalf("request %+v", r)
		}
	}
}

func TestMultipartRetrySendsIdenticalBytes(t *testing.T) {
	s := newStub(t, letmepost.Options{}, answer{503, nil, envelope("internal_error")}, answer{201, nil, `{"id":"med_2"}`})
	if _, err := s.client.Media.Upload(context.Background(), strings.NewReader("abc"), letmepost.UploadOptions{Filename: "a.bin"}); err != nil {
		t.Fatal(err)
	}
	a, b := s.seen[0], s.seen[1]
	if a.header.Get("Content-Type") != b.header.Get("Content-Type") || !bytes.Equal(a.body, b.body) {
		t.Fatal("the retry sent different bytes")
	}
	if !strings.HasPrefix(a.header.Get("Content-Type"), "multipart/form-data; boundary=") || !bytes.Contains(a.body, []byte(`filename="a.bin"`)) {
		t.Fatalf("multipart body %q", a.body)
	}
}

func TestRetryAfterIsWaitedOut(t *testing.T) {
	s := newStub(t, letmepost.Options{},
		answer{429, map[string]string{"Retry-After": "1"}, envelope("rate_limited")},
		answer{200, nil, `{"data":[]}`},
	)
	if _, err := s.client.Accounts.List(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if waited := s.seen[1].at.Sub(s.seen[0].at); waited < 950*time.Millisecond {
		t.Fatalf("waited only %v", waited)
	}
}

func TestLongRetryAfterIsReturnedNotSlept(t *testing.T) {
	s := newStub(t, letmepost.Options{}, answer{429, map[string]string{"Retry-After": "120"}, envelope("rate_limited")})
	_, err := s.client.Posts.List(context.Background(), letmepost.ListPostsParams{})
	e := apiError(t, err)
	if e.Code != letmepost.CodeRateLimited || e.RetryAfter != 120*time.Second || len(s.seen) != 1 {
		t.Fatalf("%+v after %d requests", e, len(s.seen))
	}
}

func TestRetriesStopAfterMaxRetries(t *testing.T) {
	var script []answer
	for i := 0; i < 5; i++ {
		script = append(script, answer{503, nil, envelope("platform_unavailable")})
	}
	s := newStub(t, letmepost.Options{}, script...)
	_, err := s.client.Posts.Get(context.Background(), "p1", letmepost.WithMaxRetries(2))
	if letmepost.ErrorCode(err) != letmepost.CodePlatformUnavailable || len(s.seen) != 3 {
		t.Fatalf("%v after %d requests", err, len(s.seen))
	}
	s = newStub(t, letmepost.Options{NoRetries: true}, script...)
	_, _ = s.client.Posts.Get(context.Background(), "p1")
	if len(s.seen) != 1 {
		t.Fatalf("NoRetries made %d requests", len(s.seen))
	}
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	for status, code := range map[int]string{500: "internal_error", 502: "platform_rejected", 400: "validation_failed", 409: "idempotency_conflict"} {
		s := newStub(t, letmepost.Options{}, answer{status, nil, envelope(code)})
		_, err := s.client.Posts.Create(context.Background(), letmepost.CreatePostRequest{Text: "t"})
		e := apiError(t, err)
		if e.Status != status || e.Code != code || e.Rule != "r.x" || e.Remediation != "do y" || e.RequestID != "req_1" || len(s.seen) != 1 {
			t.Fatalf("%d: %+v after %d requests", status, e, len(s.seen))
		}
	}
}

func TestReadsHaveNoKeyWritesKeepAGivenOne(t *testing.T) {
	s := newStub(t, letmepost.Options{}, answer{200, nil, `{"data":[],"nextCursor":null}`}, answer{200, nil, `{"id":"x","status":"canceled"}`})
	ctx := context.Background()
	if _, err := s.client.Posts.List(ctx, letmepost.ListPostsParams{Status: []string{"queued", "failed"}, Limit: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.Posts.Cancel(ctx, "p/1", letmepost.WithIdempotencyKey("my-key")); err != nil {
		t.Fatal(err)
	}
	if s.seen[0].header.Get("Idempotency-Key") != "" || s.seen[0].uri != "/v1/posts?limit=5&status=queued%2Cfailed" {
		t.Fatalf("list request %+v", s.seen[0])
	}
	if s.seen[1].method != "DELETE" || s.seen[1].uri != "/v1/posts/p%2F1" || s.seen[1].header.Get("Idempotency-Key") != "my-key" {
		t.Fatalf("cancel request %+v", s.seen[1])
	}
}

func TestAnswerWithoutEnvelopeIsStillTyped(t *testing.T) {
	s := newStub(t, letmepost.Options{}, answer{502, nil, "<html>bad gateway</html>"})
	_, err := s.client.Accounts.List(context.Background(), "")
	e := apiError(t, err)
	if e.Status != 502 || e.Code != letmepost.CodeInternalError || !strings.Contains(string(e.PlatformResponse), "bad gateway") {
		t.Fatalf("%+v", e)
	}
}

func TestUnreachableServerIsAConnectionError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := letmepost.New(letmepost.Options{APIKey: "lmp_test_x", BaseURL: url})
	_, err := c.Accounts.List(context.Background(), "")
	var connErr *letmepost.ConnectionError
	if !errors.As(err, &connErr) {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d, ok := letmepost.ParseRetryAfter("7", now); !ok || d != 7*time.Second {
		t.Fatal(d, ok)
	}
	if d, ok := letmepost.ParseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now); !ok || d != 30*time.Second {
		t.Fatal(d, ok)
	}
	if _, ok := letmepost.ParseRetryAfter("soon", now); ok {
		t.Fatal("parsed nonsense")
	}
}
