import type { ErrorBody, ErrorCode, Violation } from "./types.js";

/**
 * An error answer from the API: the envelope's fields, the HTTP status and, when the server sent
 * one, `retryAfter` in seconds. Switch on `code` (or `instanceof` a subclass), never on `message`.
 */
export class LetmepostError extends Error {
  readonly status: number;
  readonly code: ErrorCode | string;
  readonly rule: string | undefined;
  readonly remediation: string | undefined;
  readonly platform: string | undefined;
  readonly platformVersion: string | undefined;
  readonly platformResponse: unknown;
  readonly docUrl: string | undefined;
  readonly ruleUrl: string | undefined;
  readonly requestId: string | undefined;
  readonly violations: Violation[];
  readonly retryAfter: number | undefined;
  /** The whole `error` object as received. */
  readonly body: Partial<ErrorBody>;

  constructor(status: number, body: Partial<ErrorBody>, retryAfter?: number) {
    super(body.message ?? `HTTP ${status}`);
    this.name = new.target.name;
    this.status = status;
    this.code = body.code ?? "internal_error";
    this.rule = body.rule;
    this.remediation = body.remediation;
    this.platform = body.platform;
    this.platformVersion = body.platformVersion;
    this.platformResponse = body.platformResponse;
    this.docUrl = body.docUrl;
    this.ruleUrl = body.ruleUrl;
    this.requestId = body.requestId;
    this.violations = body.violations ?? [];
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

/** `validation_failed`: the request's shape or a precondition is wrong. Fix it, use a new key. */
export class ValidationError extends LetmepostError {}
/** `preflight_failed`: the post breaks a platform rule; see `violations`. */
export class PreflightError extends LetmepostError {}
/** `unauthenticated`: missing, malformed, unknown or revoked API key. */
export class AuthenticationError extends LetmepostError {}
/** `unauthorized`: valid credential, action not allowed. */
export class PermissionDeniedError extends LetmepostError {}
/** `not_found`: no such resource in this workspace or profile. */
export class NotFoundError extends LetmepostError {}
/** `idempotency_conflict`: the key was used with another body, or its first request still runs. */
export class IdempotencyConflictError extends LetmepostError {}
/** `rate_limited` or `quota_exceeded`. */
export class RateLimitError extends LetmepostError {}
/** `platform_*`: the social platform refused or could not be reached. */
export class PlatformError extends LetmepostError {}
/** `internal_error` or any answer without an envelope. */
export class InternalServerError extends LetmepostError {}

const BY_CODE: Record<string, typeof LetmepostError> = {
  validation_failed: ValidationError,
  preflight_failed: PreflightError,
  unauthenticated: AuthenticationError,
  unauthorized: PermissionDeniedError,
  not_found: NotFoundError,
  idempotency_conflict: IdempotencyConflictError,
  rate_limited: RateLimitError,
  quota_exceeded: RateLimitError,
  platform_auth_failed: PlatformError,
  platform_rejected: PlatformError,
  platform_unavailable: PlatformError,
  platform_not_enabled: PlatformError,
  internal_error: InternalServerError,
};

/** Build the typed error for an answer; a body that is not an envelope becomes internal_error. */
export function errorFromResponse(
  status: number,
  payload: unknown,
  requestId: string | undefined,
  retryAfter: number | undefined,
): LetmepostError {
  const envelope = (payload as { error?: unknown } | null)?.error;
  let body: Partial<ErrorBody>;
  if (envelope && typeof envelope === "object") {
    body = envelope as Partial<ErrorBody>;
  } else {
    body = {
      code: "internal_error",
      message: `HTTP ${status} without a letmepost error envelope`,
      platformResponse: payload,
    };
  }
  if (!body.requestId && requestId) body = { ...body, requestId };
  const Cls = BY_CODE[body.code ?? ""] ?? LetmepostError;
  return new Cls(status, body, retryAfter);
}

/** The server could not be reached, or did not answer within the timeout. Not retried. */
export class LetmepostConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LetmepostConnectionError";
  }
}

/** A webhook whose signature does not match its body and secret (or is too old). */
export class WebhookSignatureError extends Error {
  constructor(message = "The webhook signature does not match.") {
    super(message);
    this.name = "WebhookSignatureError";
  }
}
