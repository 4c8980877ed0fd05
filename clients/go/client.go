// Package letmepost is a client for the letmepost publishing API: posts, media, accounts,
// webhook endpoints and webhook signature verification. Standard library only.
//
//	c, err := letmepost.New(letmepost.Options{APIKey: os.Getenv("LETMEPOST_API_KEY")})
//	batch, err := c.Posts.Create(ctx, letmepost.CreatePostRequest{
//		Text:    "Hello",
//		Targets: []letmepost.PostTarget{{Platform: "bluesky"}},
//	})
package letmepost

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mathrand "math/rand"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Version of this SDK, sent in the User-Agent.
const Version = "0.1.0"

// DefaultBaseURL is where `make run` serves.
const DefaultBaseURL = "http://127.0.0.1:8000"

// Options configure a Client. Zero values take the documented defaults.
type Options struct {
	// APIKey is `lmp_live_…` or `lmp_test_…`; defaults to $LETMEPOST_API_KEY.
	APIKey string
	// BaseURL defaults to $LETMEPOST_BASE_URL, else DefaultBaseURL.
	BaseURL string
	// HTTPClient defaults to a client with a 60 s timeout per attempt.
	HTTPClient *http.Client
	// MaxRetries after a 429 or 503 answer: default 3; set NoRetries for none.
	MaxRetries int
	NoRetries  bool
	// RetryBase is the first backoff delay without Retry-After (doubles per retry): default 500 ms.
	RetryBase time.Duration
	// RetryMax caps the backoff: default 8 s.
	RetryMax time.Duration
	// MaxRetryAfter: a longer Retry-After is returned as the error, not slept through. Default 30 s.
	MaxRetryAfter time.Duration
	// Headers are sent on every request.
	Headers http.Header
}

// Client talks to one letmepost server. It is safe for concurrent use.
type Client struct {
	baseURL string
	apiKey  string
	http    *http.Client
	opts    Options

	Posts            *PostsService
	Media            *MediaService
	Accounts         *AccountsService
	WebhookEndpoints *WebhookEndpointsService
	Reference        *ReferenceService
	Queues           *QueuesService
}

// New returns a Client, or an error when no API key is given or found in the environment.
func New(opts Options) (*Client, error) {
	if opts.APIKey == "" {
		opts.APIKey = os.Getenv("LETMEPOST_API_KEY")
	}
	if opts.APIKey == "" {
		return nil, errors.New("letmepost: an API key is required (Options.APIKey or LETMEPOST_API_KEY)")
	}
	if opts.BaseURL == "" {
		opts.BaseURL = os.Getenv("LETMEPOST_BASE_URL")
	}
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.MaxRetries == 0 && !opts.NoRetries {
		opts.MaxRetries = 3
	}
	if opts.NoRetries {
		opts.MaxRetries = 0
	}
	if opts.RetryBase == 0 {
		opts.RetryBase = 500 * time.Millisecond
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 8 * time.Second
	}
	if opts.MaxRetryAfter == 0 {
		opts.MaxRetryAfter = 30 * time.Second
	}
	c := &Client{
		baseURL: strings.TrimRight(opts.BaseURL, "/"),
		apiKey:  opts.APIKey,
		http:    opts.HTTPClient,
		opts:    opts,
	}
	c.Posts = &PostsService{c}
	c.Media = &MediaService{c}
	c.Accounts = &AccountsService{c}
	c.WebhookEndpoints = &WebhookEndpointsService{c}
	c.Reference = &ReferenceService{c}
	c.Queues = &QueuesService{c}
	return c, nil
}

// BaseURL is the server this client talks to.
func (c *Client) BaseURL() string { return c.baseURL }

// RequestOption adjusts one call.
type RequestOption func(*callOptions)

type callOptions struct {
	idempotencyKey string
	maxRetries     *int
	headers        http.Header
}

// WithIdempotencyKey sets the Idempotency-Key; without it every write gets a fresh UUID, reused
// across that call's own retries.
func WithIdempotencyKey(key string) RequestOption {
	return func(o *callOptions) { o.idempotencyKey = key }
}

// WithMaxRetries overrides the client's retry count for one call.
func WithMaxRetries(n int) RequestOption {
	return func(o *callOptions) { o.maxRetries = &n }
}

// WithHeader adds a request header.
func WithHeader(name, value string) RequestOption {
	return func(o *callOptions) { o.headers.Add(name, value) }
}

// WithRespondAsync asks POST /v1/posts to answer 202 at once and publish in the background.
func WithRespondAsync() RequestOption { return WithHeader("Prefer", "respond-async") }

// WithSandboxOutcome forces an outcome (an error code) on sandbox targets of POST /v1/posts.
func WithSandboxOutcome(code string) RequestOption {
	return WithHeader("Letmepost-Sandbox-Outcome", code)
}

// Response is an answer's metadata, for Do.
type Response struct {
	Status         int
	Header         http.Header
	Body           []byte
	RequestID      string
	IdempotencyKey string
	// Replayed is true when the server answered from its idempotency store.
	Replayed bool
}

type call struct {
	path        map[string]string
	query       url.Values
	json        any
	body        []byte
	contentType string
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

func fillPath(template string, values map[string]string) (string, error) {
	var missing string
	out := pathParam.ReplaceAllStringFunc(template, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := values[name]
		if !ok || v == "" {
			missing = name
		}
		return url.PathEscape(v)
	})
	if missing != "" {
		return "", fmt.Errorf("letmepost: missing path parameter %s", missing)
	}
	return out, nil
}

func (c *Client) operation(ctx context.Context, id string, in call, out any, opts []RequestOption) (*Response, error) {
	route, ok := Routes[id]
	if !ok {
		return nil, fmt.Errorf("letmepost: unknown operation %s", id)
	}
	path, err := fillPath(route.Path, in.path)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, route.Method, path, in, opts)
	if err != nil {
		return resp, err
	}
	if out != nil && len(resp.Body) > 0 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return resp, fmt.Errorf("letmepost: decoding %s: %w", id, err)
		}
	}
	return resp, nil
}

// Do sends any API request with the client's auth, idempotency and retry handling. body, when
// not nil, is sent as JSON. An error answer is returned as *Error.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body any, opts ...RequestOption) (*Response, error) {
	return c.send(ctx, strings.ToUpper(method), path, call{query: query, json: body}, opts)
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func (c *Client) send(ctx context.Context, method, path string, in call, opts []RequestOption) (*Response, error) {
	o := callOptions{headers: http.Header{}}
	for _, opt := range opts {
		opt(&o)
	}
	maxRetries := c.opts.MaxRetries
	if o.maxRetries != nil {
		maxRetries = *o.maxRetries
	}
	key := ""
	if isWrite(method) {
		key = o.idempotencyKey
		if key == "" {
			key = newUUID()
		}
	}
	body, contentType := in.body, in.contentType
	if body == nil && in.json != nil {
		// encoded once: every retry must carry the same bytes (the idempotency fingerprint)
		encoded, err := json.Marshal(in.json)
		if err != nil {
			return nil, fmt.Errorf("letmepost: encoding request: %w", err)
		}
		body, contentType = encoded, "application/json"
	}
	target := c.baseURL + path
	if len(in.query) > 0 {
		target += "?" + in.query.Encode()
	}

	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		for name, values := range c.opts.Headers {
			req.Header[name] = values
		}
		for name, values := range o.headers {
			req.Header[name] = values
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "letmepost-go/"+Version)
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		httpResp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &ConnectionError{Method: method, URL: target, Err: err}
		}
		payload, err := io.ReadAll(httpResp.Body)
		httpResp.Body.Close()
		if err != nil {
			return nil, &ConnectionError{Method: method, URL: target, Err: err}
		}
		resp := &Response{
			Status:         httpResp.StatusCode,
			Header:         httpResp.Header,
			Body:           payload,
			RequestID:      httpResp.Header.Get("X-Request-Id"),
			IdempotencyKey: key,
			Replayed:       httpResp.Header.Get("Idempotency-Replayed") == "true",
		}
		if resp.Status < 400 {
			return resp, nil
		}
		retryAfter, hasRetryAfter := ParseRetryAfter(httpResp.Header.Get("Retry-After"), time.Now())
		if (resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable) && attempt < maxRetries {
			delay := c.backoff(attempt)
			if hasRetryAfter {
				delay = retryAfter
			}
			if delay <= c.opts.MaxRetryAfter {
				select {
				case <-time.After(delay):
					continue
				case <-ctx.Done():
					return resp, ctx.Err()
				}
			}
		}
		return resp, errorFromBody(resp.Status, payload, resp.RequestID, retryAfter)
	}
}

// backoff is exponential with 50–100 % jitter so many clients do not retry in lockstep.
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := math.Min(float64(c.opts.RetryMax), float64(c.opts.RetryBase)*math.Pow(2, float64(attempt)))
	return time.Duration(ceiling * (0.5 + mathrand.Float64()/2))
}

// ParseRetryAfter reads a Retry-After value: delta-seconds or an HTTP date.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(value, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second)), true
	}
	if at, err := http.ParseTime(value); err == nil {
		d := at.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("letmepost: no randomness for an idempotency key: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Timestamp formats t the way the API writes times: UTC, milliseconds, Z.
func Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
