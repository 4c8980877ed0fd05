package letmepost

// Route is one API operation: its method and OpenAPI path template.
type Route struct {
	Method string
	Path   string
}

// Routes lists every operation this SDK calls, by OpenAPI operationId. The drift test fails when
// /v1/openapi.json has an operation in neither Routes nor NotCovered, when a route here no longer
// matches the spec, or when the live suite never exercised one.
var Routes = map[string]Route{
	// posts
	"createPost":     {"POST", "/v1/posts"},
	"validatePost":   {"POST", "/v1/posts/validate"},
	"listPosts":      {"GET", "/v1/posts"},
	"getPost":        {"GET", "/v1/posts/{post_id}"},
	"reschedulePost": {"PATCH", "/v1/posts/{post_id}"},
	"cancelPost":     {"DELETE", "/v1/posts/{post_id}"},
	"retryPost":      {"POST", "/v1/posts/{post_id}/retry"},
	// media
	"createMedia": {"POST", "/v1/media"},
	"listMedia":   {"GET", "/v1/media"},
	"getMedia":    {"GET", "/v1/media/{media_id}"},
	"deleteMedia": {"DELETE", "/v1/media/{media_id}"},
	// accounts
	"listAccounts":             {"GET", "/v1/accounts"},
	"getAccount":               {"GET", "/v1/accounts/{account_id}"},
	"disconnectAccount":        {"DELETE", "/v1/accounts/{account_id}"},
	"connectAccount":           {"POST", "/v1/accounts/connect/{platform}"},
	"completeConnect":          {"POST", "/v1/accounts/connect/{platform}/complete"},
	"listPinterestBoards":      {"GET", "/v1/accounts/{account_id}/pinterest/boards"},
	"createPinterestBoard":     {"POST", "/v1/accounts/{account_id}/pinterest/boards"},
	"setPinterestDefaultBoard": {"PATCH", "/v1/accounts/{account_id}/pinterest/default-board"},
	// webhook endpoints
	"listWebhookEndpoints":        {"GET", "/v1/webhook-endpoints"},
	"createWebhookEndpoint":       {"POST", "/v1/webhook-endpoints"},
	"getWebhookEndpoint":          {"GET", "/v1/webhook-endpoints/{endpoint_id}"},
	"updateWebhookEndpoint":       {"PATCH", "/v1/webhook-endpoints/{endpoint_id}"},
	"deleteWebhookEndpoint":       {"DELETE", "/v1/webhook-endpoints/{endpoint_id}"},
	"testWebhookEndpoint":         {"POST", "/v1/webhook-endpoints/{endpoint_id}/test"},
	"listWebhookDeliveries":       {"GET", "/v1/webhook-endpoints/{endpoint_id}/deliveries"},
	"replayWebhookEvent":          {"POST", "/v1/webhook-endpoints/{endpoint_id}/replay/{event_id}"},
	"rotateWebhookEndpointSecret": {"POST", "/v1/webhook-endpoints/{endpoint_id}/rotate-secret"},
	// queues
	"getProfileQueue": {"GET", "/v1/profiles/{profile_id}/queue"},
	"setProfileQueue": {"PUT", "/v1/profiles/{profile_id}/queue"},
	"listQueue":       {"GET", "/v1/queue"},
	// reference data
	"listPreflightRules":   {"GET", "/v1/preflight/rules"},
	"listPlatformVersions": {"GET", "/v1/platform-versions"},
}

// NotCovered lists the spec's operations this SDK deliberately does not wrap, and why.
// Client.Do still reaches them.
var NotCovered = map[string]string{
	"health":              "liveness probe for operators, not an API call",
	"ready":               "readiness probe for operators, not an API call",
	"oauthCallback":       "the platform redirects the user's browser here, never a client",
	"getAccountSelection": "choosing among OAuth-found accounts: use the dashboard, the Python SDK or Client.Do",
	"selectAccounts":      "choosing among OAuth-found accounts: use the dashboard, the Python SDK or Client.Do",
	"listProfiles":        "workspace administration: use the dashboard, the Python SDK or Client.Do",
	"createProfile":       "workspace administration: use the dashboard, the Python SDK or Client.Do",
	"getProfile":          "workspace administration: use the dashboard, the Python SDK or Client.Do",
	"updateProfile":       "workspace administration: use the dashboard, the Python SDK or Client.Do",
	"deleteProfile":       "workspace administration: use the dashboard, the Python SDK or Client.Do",
	"listApiKeys":         "key management: use the dashboard, the Python SDK or Client.Do",
	"createApiKey":        "key management: use the dashboard, the Python SDK or Client.Do",
	"revokeApiKey":        "key management: use the dashboard, the Python SDK or Client.Do",
}
