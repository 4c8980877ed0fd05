export { Letmepost } from "./client.js";
export {
  DEFAULT_BASE_URL,
  VERSION,
  newIdempotencyKey,
  parseRetryAfter,
  type ApiResponse,
  type ClientConfig,
  type ClientOptions,
  type FetchLike,
  type HttpRequest,
  type Query,
  type RequestOptions,
} from "./http.js";
export * from "./errors.js";
export * from "./webhooks.js";
export { NOT_COVERED, ROUTES, type Method, type OperationId } from "./routes.js";
export type { CreatePostOptions, RetryPostOptions, UploadOptions } from "./resources.js";
export type * from "./types.js";
export type * from "./aliases.js";
