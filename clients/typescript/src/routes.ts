/**
 * Every API operation this SDK calls, by OpenAPI operationId, and every one it deliberately leaves
 * out. The drift test (test/live.test.mjs) fails when /v1/openapi.json has an operation in neither
 * table, when a route here no longer matches the spec, or when the live suite never exercised one.
 */

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export const ROUTES = {
  // posts
  createPost: ["POST", "/v1/posts"],
  validatePost: ["POST", "/v1/posts/validate"],
  listPosts: ["GET", "/v1/posts"],
  getPost: ["GET", "/v1/posts/{post_id}"],
  reschedulePost: ["PATCH", "/v1/posts/{post_id}"],
  cancelPost: ["DELETE", "/v1/posts/{post_id}"],
  retryPost: ["POST", "/v1/posts/{post_id}/retry"],
  // media
  createMedia: ["POST", "/v1/media"],
  listMedia: ["GET", "/v1/media"],
  getMedia: ["GET", "/v1/media/{media_id}"],
  deleteMedia: ["DELETE", "/v1/media/{media_id}"],
  // accounts
  listAccounts: ["GET", "/v1/accounts"],
  getAccount: ["GET", "/v1/accounts/{account_id}"],
  disconnectAccount: ["DELETE", "/v1/accounts/{account_id}"],
  connectAccount: ["POST", "/v1/accounts/connect/{platform}"],
  completeConnect: ["POST", "/v1/accounts/connect/{platform}/complete"],
  listPinterestBoards: ["GET", "/v1/accounts/{account_id}/pinterest/boards"],
  createPinterestBoard: ["POST", "/v1/accounts/{account_id}/pinterest/boards"],
  setPinterestDefaultBoard: ["PATCH", "/v1/accounts/{account_id}/pinterest/default-board"],
  // webhook endpoints
  listWebhookEndpoints: ["GET", "/v1/webhook-endpoints"],
  createWebhookEndpoint: ["POST", "/v1/webhook-endpoints"],
  getWebhookEndpoint: ["GET", "/v1/webhook-endpoints/{endpoint_id}"],
  updateWebhookEndpoint: ["PATCH", "/v1/webhook-endpoints/{endpoint_id}"],
  deleteWebhookEndpoint: ["DELETE", "/v1/webhook-endpoints/{endpoint_id}"],
  testWebhookEndpoint: ["POST", "/v1/webhook-endpoints/{endpoint_id}/test"],
  listWebhookDeliveries: ["GET", "/v1/webhook-endpoints/{endpoint_id}/deliveries"],
  replayWebhookEvent: ["POST", "/v1/webhook-endpoints/{endpoint_id}/replay/{event_id}"],
  rotateWebhookEndpointSecret: ["POST", "/v1/webhook-endpoints/{endpoint_id}/rotate-secret"],
  // profiles
  listProfiles: ["GET", "/v1/profiles"],
  createProfile: ["POST", "/v1/profiles"],
  getProfile: ["GET", "/v1/profiles/{profile_id}"],
  updateProfile: ["PATCH", "/v1/profiles/{profile_id}"],
  deleteProfile: ["DELETE", "/v1/profiles/{profile_id}"],
  // queues
  getProfileQueue: ["GET", "/v1/profiles/{profile_id}/queue"],
  setProfileQueue: ["PUT", "/v1/profiles/{profile_id}/queue"],
  listQueue: ["GET", "/v1/queue"],
  // API keys
  listApiKeys: ["GET", "/v1/api-keys"],
  createApiKey: ["POST", "/v1/api-keys"],
  revokeApiKey: ["DELETE", "/v1/api-keys/{key_id}"],
  // reference data
  listPreflightRules: ["GET", "/v1/preflight/rules"],
  listPlatformVersions: ["GET", "/v1/platform-versions"],
} as const satisfies Record<string, readonly [Method, string]>;

export type OperationId = keyof typeof ROUTES;

/** Operations in the spec that the SDK does not wrap, and why. `request()` still reaches them. */
export const NOT_COVERED: Readonly<Record<string, string>> = {
  health: "liveness probe for operators, not an API call",
  ready: "readiness probe for operators, not an API call",
  oauthCallback: "the platform redirects the user's browser here, never a client",
  getAccountSelection: "choosing among OAuth-found accounts: use the dashboard or the Python SDK",
  selectAccounts: "choosing among OAuth-found accounts: use the dashboard or the Python SDK",
};
