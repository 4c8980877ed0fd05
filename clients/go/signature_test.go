package letmepost_test

// Verification against signatures made by the server's own signing code (webhooks/signing.py).

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	letmepost "github.com/letmepost/letmepost-go"
)

const testSecret = "whsec_0rV1m5kZ2yq8Jp3nXWb7cHs4Lt6Ue9Da1Gf2Hi3Jk4L"

var testBody = []byte(`{"id":"e1","type":"post.published","data":{"text":"h\u00e9llo ✓"}}`)

func serverSigned(t *testing.T, timestamp int64) http.Header {
	t.Helper()
	python := os.Getenv("LETMEPOST_PYTHON")
	if python == "" {
		python = filepath.Join(repoRoot(), ".venv", "bin", "python")
	}
	cmd := exec.Command(python, "-c",
		"import json,sys; from webhooks.signing import signature_headers; "+
			"print(json.dumps(signature_headers(sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]))))",
		testSecret, string(testBody), strconv.FormatInt(timestamp, 10))
	cmd.Dir = repoRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var headers map[string]string
	if err := json.Unmarshal(out, &headers); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, v := range headers {
		h.Set(k, v)
	}
	return h
}

func TestPlainSignature(t *testing.T) {
	header := serverSigned(t, time.Now().Unix()).Get(letmepost.SignatureHeader)
	if !strings.HasPrefix(header, "sha256=") || len(header) != 71 {
		t.Fatalf("header %q", header)
	}
	cases := []struct {
		body   []byte
		header string
		secret string
		want   bool
	}{
		{testBody, header, testSecret, true},
		{testBody, strings.ToUpper(header[7:]), testSecret, true},
		{append(append([]byte{}, testBody...), ' '), header, testSecret, false},
		{testBody, header, testSecret + "x", false},
		{testBody, header[:len(header)-2], testSecret, false},
		{testBody, "", testSecret, false},
	}
	for i, c := range cases {
		if got := letmepost.VerifySignature(c.body, c.header, c.secret); got != c.want {
			t.Errorf("case %d: got %v", i, got)
		}
	}
}

func TestV2SignatureAndTolerance(t *testing.T) {
	ts := time.Now().Unix()
	header := serverSigned(t, ts).Get(letmepost.SignatureV2Header)
	now := time.Unix(ts, 0)
	check := func(name, h string, tolerance time.Duration, at time.Time, want bool) {
		if got := letmepost.VerifySignatureV2(testBody, h, testSecret, tolerance, at); got != want {
			t.Errorf("%s: got %v", name, got)
		}
	}
	check("fresh", header, letmepost.DefaultTolerance, now, true)
	check("too old", header, letmepost.DefaultTolerance, now.Add(301*time.Second), false)
	check("no age check", header, 0, now.Add(time.Hour), true)
	check("extra candidate", header+",v1="+strings.Repeat("0", 64), letmepost.DefaultTolerance, now, true)
	check("other timestamp", strings.Replace(header, "t="+strconv.FormatInt(ts, 10), "t="+strconv.FormatInt(ts+1, 10), 1), letmepost.DefaultTolerance, now, false)
	check("no timestamp", "v1=abc", letmepost.DefaultTolerance, now, false)
}

func TestVerifyWebhookPrefersV2(t *testing.T) {
	headers := serverSigned(t, time.Now().Unix())
	event, err := letmepost.VerifyWebhook(testBody, headers, testSecret)
	if err != nil || event.ID != "e1" || event.Type != "post.published" {
		t.Fatalf("%v %+v", err, event)
	}
	plainOnly := http.Header{}
	plainOnly.Set(letmepost.SignatureHeader, headers.Get(letmepost.SignatureHeader))
	if _, err := letmepost.VerifyWebhook(testBody, plainOnly, testSecret); err != nil {
		t.Fatal(err)
	}
	badV2 := headers.Clone()
	badV2.Set(letmepost.SignatureV2Header, "t="+strconv.FormatInt(time.Now().Unix(), 10)+",v1="+strings.Repeat("0", 64))
	if _, err := letmepost.VerifyWebhook(testBody, badV2, testSecret); !errors.Is(err, letmepost.ErrInvalidSignature) {
		t.Fatalf("a failing V2 was rescued: %v", err)
	}
	if _, err := letmepost.VerifyWebhook(testBody, http.Header{}, testSecret); !errors.Is(err, letmepost.ErrInvalidSignature) {
		t.Fatal("no signature accepted")
	}
}
