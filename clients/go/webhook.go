package letmepost

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook request headers.
const (
	SignatureHeader   = "X-Letmepost-Signature"
	SignatureV2Header = "X-Letmepost-Signature-V2"
	TimestampHeader   = "X-Letmepost-Timestamp"
	EventHeader       = "X-Letmepost-Event"
	EventIDHeader     = "X-Letmepost-Event-Id"
	DeliveryIDHeader  = "X-Letmepost-Delivery-Id"
)

// DefaultTolerance is how old a V2-signed delivery may be.
const DefaultTolerance = 5 * time.Minute

// The key is the whole `whsec_…` string as UTF-8, never base64-decoded.
func signHex(secret string, message []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(message)
	out := make([]byte, hex.EncodedLen(sha256.Size))
	hex.Encode(out, mac.Sum(nil))
	return out
}

// VerifySignature checks `X-Letmepost-Signature: sha256=<hex>` (bare hex accepted) over the raw
// body. It has no age check; prefer VerifyWebhook, which uses the timestamped header when present.
func VerifySignature(body []byte, header, secret string) bool {
	given := strings.TrimPrefix(strings.TrimSpace(header), "sha256=")
	// hmac.Equal is constant-time (and false on a length mismatch)
	return hmac.Equal([]byte(strings.ToLower(given)), signHex(secret, body))
}

// VerifySignatureV2 checks `X-Letmepost-Signature-V2: t=<unix>,v1=<hex>[,v1=…]` and that t is
// within tolerance of now (tolerance 0 skips the age check).
func VerifySignatureV2(body []byte, header, secret string, tolerance time.Duration, now time.Time) bool {
	var timestamp int64 = -1
	var candidates []string
	for _, part := range strings.Split(header, ",") {
		key, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch key {
		case "t":
			if t, err := strconv.ParseInt(value, 10, 64); err == nil && t >= 0 {
				timestamp = t
			}
		case "v1":
			candidates = append(candidates, strings.ToLower(value))
		}
	}
	if timestamp < 0 || len(candidates) == 0 {
		return false
	}
	if tolerance > 0 && math.Abs(float64(now.Unix()-timestamp)) > tolerance.Seconds() {
		return false
	}
	message := append([]byte(strconv.FormatInt(timestamp, 10)+"."), body...)
	expected := signHex(secret, message)
	ok := false
	for _, c := range candidates { // every candidate is compared: timing tells nothing
		if hmac.Equal([]byte(c), expected) {
			ok = true
		}
	}
	return ok
}

// VerifyWebhook returns the parsed event if the delivery is authentic, else ErrInvalidSignature.
// Pass the raw body exactly as received. It checks the timestamped V2 header (within
// DefaultTolerance) when present, else the plain one. Dedupe on the event's ID.
func VerifyWebhook(body []byte, header http.Header, secret string) (*WebhookEvent, error) {
	return VerifyWebhookAt(body, header, secret, DefaultTolerance, time.Now())
}

// VerifyWebhookAt is VerifyWebhook with an explicit tolerance and clock.
func VerifyWebhookAt(body []byte, header http.Header, secret string, tolerance time.Duration, now time.Time) (*WebhookEvent, error) {
	var ok bool
	if v2 := header.Get(SignatureV2Header); v2 != "" {
		ok = VerifySignatureV2(body, v2, secret, tolerance, now)
	} else if v1 := header.Get(SignatureHeader); v1 != "" {
		ok = VerifySignature(body, v1, secret)
	}
	if !ok {
		return nil, ErrInvalidSignature
	}
	event := &WebhookEvent{}
	if err := json.Unmarshal(body, event); err != nil {
		return nil, err
	}
	return event, nil
}
