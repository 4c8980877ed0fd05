import type { ErrorBody, ErrorCode, Violation } from "./types.js";

export type { ErrorCode, Platform } from "./types.js";

/** The `error` object of an answer, as `@letmepost/sdk` names it. */
export type ErrorEnvelope = Omit<Partial<ErrorBody>, "code" | "message"> & {
  code: ErrorCode | string;
  message: string;
  traceId?: string;
};

/** What every error class is built from (the shape `@letmepost/sdk` uses). */
export interface LetmepostErrorInit extends ErrorEnvelope {
  status: number;
  /** From `Retry-After`, when the server sent one. */
  retryAfterSeconds?: number;
}

/**
 * An error answer from the API: the envelope's fields and the HTTP status (0 when the server was
 * not reached). Switch on `code` (or `instanceof` a subclass), never on `message`.
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
  readonly traceId: string | undefined;
  /** Preflight violations (`preflight_failed`), else empty. */
  readonly violations: Violation[];
  /** Seconds from `Retry-After`, on any error that carried one. */
  readonly retryAfter: number | undefined;
  /** The whole `error` object as received. */
  readonly body: Partial<ErrorBody>;

  constructor(init: LetmepostErrorInit, options?: { cause?: unknown }) {
    super(init.message, options);
    this.name = new.target.name;
    const { status, retryAfterSeconds, ...body } = init;
    this.status = status;
    this.code = body.code;
    this.rule = body.rule;
    this.remediation = body.remediation;
    this.platform = body.platform;
    this.platformVersion = body.platformVersion;
    this.platformResponse = body.platformResponse;
    this.docUrl = body.docUrl;
    this.ruleUrl = body.ruleUrl;
    this.requestId = body.requestId;
    this.traceId = body.traceId;
    this.violations = body.violations ?? [];
    this.retryAfter = retryAfterSeconds;
    this.body = body as Partial<ErrorBody>;
  }
}

// One class per wire code, named as in @letmepost/sdk; our earlier names stay as aliases below.

/** `validation_failed`: the request's shape or a precondition is wrong. Fix it, use a new key. */
export class ValidationError extends LetmepostError {}
/** `preflight_failed`: the post breaks a platform rule; see `violations`. */
export class PreflightFailedError extends LetmepostError {}
/** `unauthenticated`: missing, malformed, unknown or revoked API key. */
export class UnauthenticatedError extends LetmepostError {}
/** `unauthorized`: valid credential, action not allowed. */
export class UnauthorizedError extends LetmepostError {}
/** `not_found`: no such resource in this workspace or profile. */
export class NotFoundError extends LetmepostError {}
/** `idempotency_conflict`: the key was used with another body, or its first request still runs. */
export class IdempotencyConflictError extends LetmepostError {}
/** `rate_limited` or `quota_exceeded`; `retryAfterSeconds` says how long to wait. */
export class RateLimitError extends LetmepostError {
  get retryAfterSeconds(): number | undefined {
    return this.retryAfter;
  }
}
/** `rate_limited`. */
export class RateLimitedError extends RateLimitError {}
/** `platform_*`: the social platform refused or could not be reached. */
export class PlatformError extends LetmepostError {}
/** `platform_auth_failed`: reconnect the account. */
export class PlatformAuthError extends PlatformError {}
/** `platform_rejected`: the platform refused the content. */
export class PlatformRejectedError extends PlatformError {}
/** `platform_unavailable`: the platform is down or slow; safe to retry later. */
export class PlatformUnavailableError extends PlatformError {}
/** `platform_not_enabled`: this server has no app credentials for the platform. */
export class PlatformNotEnabledError extends PlatformError {}
/** `internal_error`, or a 5xx answer without an envelope. */
export class InternalError extends LetmepostError {}

export {
  PreflightFailedError as PreflightError,
  UnauthenticatedError as AuthenticationError,
  UnauthorizedError as PermissionDeniedError,
  InternalError as InternalServerError,
};

const BY_CODE: Record<string, typeof LetmepostError> = {
  validation_failed: ValidationError,
  preflight_failed: PreflightFailedError,
  unauthenticated: UnauthenticatedError,
  unauthorized: UnauthorizedError,
  not_found: NotFoundError,
  idempotency_conflict: IdempotencyConflictError,
  rate_limited: RateLimitedError,
  quota_exceeded: RateLimitError,
  platform_auth_failed: PlatformAuthError,
  platform_rejected: PlatformRejectedError,
  platform_unavailable: PlatformUnavailableError,
  platform_not_enabled: PlatformNotEnabledError,
  internal_error: InternalError,
};

/** The code of an answer that has no envelope (a proxy's page, say), as @letmepost/sdk infers it. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "unauthenticated";
  if (status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 409) return "idempotency_conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "internal_error";
  return "validation_failed";
}

/** Build the typed error for an answer; a body without an envelope gets a code from its status. */
export function errorFromResponse(
  status: number,
  payload: unknown,
  requestId: string | undefined,
  retryAfter: number | undefined,
): LetmepostError {
  const envelope = (payload as { error?: unknown } | null)?.error;
  let body: ErrorEnvelope;
  if (envelope && typeof envelope === "object" && typeof (envelope as ErrorEnvelope).code === "string") {
    body = envelope as ErrorEnvelope;
  } else {
    body = {
      code: codeForStatus(status),
      message: `HTTP ${status} without a letmepost error envelope`,
      platformResponse: payload,
    };
  }
  if (!body.requestId && requestId) body = { ...body, requestId };
  const Cls = BY_CODE[body.code] ?? LetmepostError;
  return new Cls({ ...body, message: body.message ?? `HTTP ${status}`, status, retryAfterSeconds: retryAfter });
}

/**
 * The server could not be reached, or did not answer within the timeout (status 0, code
 * internal_error, as @letmepost/sdk reports it). Not retried: the request may have arrived.
 */
export class LetmepostConnectionError extends LetmepostError {
  constructor(message: string, options?: { cause?: unknown }) {
    super({ status: 0, code: "internal_error", message }, options);
  }
}

/** A webhook whose signature does not match its body and secret (or is too old). */
export class WebhookSignatureError extends Error {
  constructor(message = "The webhook signature does not match.") {
    super(message);
    this.name = "WebhookSignatureError";
  }
}
