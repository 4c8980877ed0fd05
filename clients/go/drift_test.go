package letmepost_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	letmepost "github.com/letmepost/letmepost-go"
)

// specOperations reads the live server's OpenAPI: operationId -> route.
func specOperations(t *testing.T) map[string]letmepost.Route {
	t.Helper()
	resp, err := http.Get(live.baseURL + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&spec); err != nil {
		t.Fatal(err)
	}
	ops := map[string]letmepost.Route{}
	for path, item := range spec.Paths {
		for method, raw := range item {
			switch method {
			case "get", "post", "put", "patch", "delete":
			default:
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			_ = json.Unmarshal(raw, &op)
			id := op.OperationID
			if id == "" {
				id = strings.ToUpper(method) + " " + path
			}
			ops[id] = letmepost.Route{Method: strings.ToUpper(method), Path: path}
		}
	}
	return ops
}

func TestEverySpecOperationIsCoveredOrListedAsNot(t *testing.T) {
	var unknown []string
	for id := range specOperations(t) {
		_, covered := letmepost.Routes[id]
		_, skipped := letmepost.NotCovered[id]
		if !covered && !skipped {
			unknown = append(unknown, id)
		}
		if covered && skipped {
			t.Errorf("%s is both covered and listed as not covered", id)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Fatalf("the spec has operations this SDK neither wraps nor lists in NotCovered: %v", unknown)
	}
}

func TestCoveredRoutesMatchTheSpec(t *testing.T) {
	ops := specOperations(t)
	for id, route := range letmepost.Routes {
		if got, ok := ops[id]; !ok || got != route {
			t.Errorf("%s: SDK calls %v, spec has %v (present: %v)", id, route, got, ok)
		}
	}
	for id := range letmepost.NotCovered {
		if _, ok := ops[id]; !ok {
			t.Errorf("NotCovered names %s, which the spec no longer has", id)
		}
	}
}
