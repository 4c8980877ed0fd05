export { Letmepost } from "./client.js";
export {
  DEFAULT_BASE_URL,
  VERSION,
  parseRetryAfter,
  type ApiResponse,
  type ClientOptions,
  type Query,
  type RequestOptions,
} from "./http.js";
export * from "./errors.js";
export * from "./webhooks.js";
export { NOT_COVERED, ROUTES, type Method, type OperationId } from "./routes.js";
export type { CreatePostOptions, RetryPostOptions, UploadOptions } from "./resources.js";
export type * from "./types.js";
