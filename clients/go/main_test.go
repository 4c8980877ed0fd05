package letmepost_test

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	letmepost "github.com/letmepost/letmepost-go"
)

// The live tests share one real letmepost, started through clients/testserver.py.
var live struct {
	baseURL string
	apiKey  string
	client  *letmepost.Client
	mu      sync.Mutex
	calls   []string // "METHOD /path" of every request the SDK made
}

type recorder struct{ next http.RoundTripper }

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	live.mu.Lock()
	live.calls = append(live.calls, req.Method+" "+req.URL.Path)
	live.mu.Unlock()
	return r.next.RoundTrip(req)
}

func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}

func TestMain(m *testing.M) {
	flag.Parse()
	root := repoRoot()
	python := os.Getenv("LETMEPOST_PYTHON")
	if python == "" {
		python = filepath.Join(root, ".venv", "bin", "python")
	}
	cmd := exec.Command(python, filepath.Join(root, "clients", "testserver.py"))
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start testserver.py (run `make install` first):", err)
		os.Exit(1)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	var info struct{ BaseURL, APIKey string }
	if err == nil {
		err = json.Unmarshal([]byte(line), &info)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testserver.py did not report a server:", err)
		_ = cmd.Process.Kill()
		os.Exit(1)
	}
	live.baseURL, live.apiKey = info.BaseURL, info.APIKey
	live.client, err = letmepost.New(letmepost.Options{
		APIKey:     info.APIKey,
		BaseURL:    info.BaseURL,
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: recorder{http.DefaultTransport}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	code := m.Run()
	// Only a full run can say whether every covered operation was exercised.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		if missed := unexercised(); len(missed) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the live tests never called these covered operations: %v\n", missed)
			code = 1
		}
	}
	stdin.Close() // testserver.py stops the server when its stdin closes
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
	}
	os.Exit(code)
}

var pathParam = regexp.MustCompile(`\{\w+\}`)

func unexercised() []string {
	live.mu.Lock()
	defer live.mu.Unlock()
	var missed []string
	for id, route := range letmepost.Routes {
		re := regexp.MustCompile("^" + pathParam.ReplaceAllString(route.Path, "[^/]+") + "$")
		hit := false
		for _, c := range live.calls {
			method, path, _ := strings.Cut(c, " ")
			if method == route.Method && re.MatchString(path) {
				hit = true
				break
			}
		}
		if !hit {
			missed = append(missed, id)
		}
	}
	sort.Strings(missed)
	return missed
}
