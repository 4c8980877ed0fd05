import { randomUUID } from "node:crypto";

import { LetmepostConnectionError, errorFromResponse } from "./errors.js";
import { ROUTES, type OperationId } from "./routes.js";

export const VERSION = "0.2.0";
export const DEFAULT_BASE_URL = "http://127.0.0.1:8000";

/** The `fetch` the client calls; any implementation taking a URL string and init will do. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** `lmp_live_…` or `lmp_test_…`; defaults to the LETMEPOST_API_KEY environment variable. */
  apiKey?: string;
  /** Defaults to LETMEPOST_BASE_URL, else http://127.0.0.1:8000 (`make run`). */
  baseUrl?: string;
  /** A fetch implementation; defaults to the global one. */
  fetch?: FetchLike;
  /** Retries after a 429 or 503 answer. Default 3. */
  maxRetries?: number;
  /** `@letmepost/sdk`'s name for maxRetries. */
  retries?: number;
  /** First backoff delay when no Retry-After is given; doubles per retry. Default 500 ms. */
  retryBaseMs?: number;
  /** Backoff ceiling. Default 8 s. */
  retryMaxMs?: number;
  /** A Retry-After longer than this is not waited out: the error is thrown. Default 30 s. */
  maxRetryAfterMs?: number;
  /** `@letmepost/sdk`'s name for maxRetryAfterMs (there a longer wait is cut short, here thrown). */
  retryAfterMaxMs?: number;
  /** Per attempt. Default 60 s. */
  timeoutMs?: number;
  /** Sent on every request. */
  headers?: Record<string, string>;
  /** `@letmepost/sdk`'s name for headers. */
  defaultHeaders?: Record<string, string>;
}

/** `@letmepost/sdk`'s name for the constructor's options. */
export type ClientConfig = ClientOptions;

export interface RequestOptions {
  /** Reused across this call's own retries; a fresh UUID is made for every write without one. */
  idempotencyKey?: string;
  maxRetries?: number;
  /** `@letmepost/sdk`'s name for maxRetries (`{ retries: 0 }` turns retries off). */
  retries?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One call in `@letmepost/sdk`'s shape, for `lmp.http.request()`. */
export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  path: string;
  query?: Query | undefined;
  body?: unknown;
}

export type Query = Record<
  string,
  string | number | boolean | Date | readonly string[] | null | undefined
>;

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  data: T;
  /** From X-Request-Id: quote it when reporting a problem. */
  requestId: string | undefined;
  /** The Idempotency-Key this call sent (writes only). */
  idempotencyKey: string | undefined;
  /** True when the server answered from its idempotency store instead of running again. */
  replayed: boolean;
}

export interface Call {
  path?: Record<string, string>;
  query?: Query;
  json?: unknown;
  /** A prepared body (multipart); sent byte-for-byte on every attempt. */
  body?: { bytes: Uint8Array; contentType: string };
  options?: RequestOptions;
}

/** A fresh Idempotency-Key (UUIDv4), as every write without one gets. */
export function newIdempotencyKey(): string {
  return randomUUID();
}

const RETRY_STATUSES = new Set([429, 503]);
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Seconds from a Retry-After header (delta-seconds or HTTP-date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

function encodeQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    // list filters are comma lists on the wire (`status=queued,failed`)
    const text = Array.isArray(value)
      ? value.join(",")
      : value instanceof Date
        ? value.toISOString()
        : String(value);
    params.set(name, text);
  }
  const encoded = params.toString();
  return encoded ? `?${encoded}` : "";
}

function fillPath(template: string, values: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === "") throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Sends requests: auth, idempotency keys, retries on 429/503, typed errors. */
export class Transport {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: FetchLike;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? process.env.LETMEPOST_API_KEY;
    if (!apiKey) throw new TypeError("an API key is required (apiKey or LETMEPOST_API_KEY)");
    this.apiKey = apiKey;
    this.baseUrl = (options.baseUrl ?? process.env.LETMEPOST_BASE_URL ?? DEFAULT_BASE_URL).replace(
      /\/+$/,
      "",
    );
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.maxRetries = options.maxRetries ?? options.retries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 8_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? options.retryAfterMaxMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.headers = { ...options.defaultHeaders, ...options.headers };
  }

  /** Exponential backoff with 50–100 % jitter so many clients do not retry in lockstep. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
    return ceiling * (0.5 + Math.random() / 2);
  }

  operation<T>(id: OperationId, call: Call = {}): Promise<ApiResponse<T>> {
    const [method, template] = ROUTES[id];
    return this.request<T>(method, fillPath(template, call.path), call);
  }

  async request<T>(method: string, path: string, call: Call = {}): Promise<ApiResponse<T>> {
    const options = call.options ?? {};
    const upper = method.toUpperCase();
    const idempotencyKey = WRITE_METHODS.has(upper)
      ? (options.idempotencyKey ?? newIdempotencyKey())
      : undefined;
    // a Headers object, as @letmepost/sdk hands its `fetch`: wrappers may call headers.get()
    const headers = new Headers({
      Accept: "application/json",
      "User-Agent": `letmepost-typescript/${VERSION}`,
      ...this.headers,
      ...options.headers,
      Authorization: `Bearer ${this.apiKey}`,
    });
    if (idempotencyKey) headers.set("Idempotency-Key", idempotencyKey);
    let body: Uint8Array | string | undefined;
    if (call.body) {
      body = call.body.bytes;
      headers.set("Content-Type", call.body.contentType);
    } else if (call.json !== undefined) {
      // serialised once: every retry must carry the same bytes as the idempotency fingerprint
      body = JSON.stringify(call.json);
      headers.set("Content-Type", "application/json");
    }
    const url = `${this.baseUrl}${path}${encodeQuery(call.query)}`;
    const maxRetries = options.maxRetries ?? options.retries ?? this.maxRetries;

    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(url, { method: upper, headers, body, signal });
        text = await response.text();
      } catch (cause) {
        if (options.signal?.aborted) throw options.signal.reason;
        const why = timeout.aborted ? "timed out" : "failed";
        throw new LetmepostConnectionError(`${upper} ${url} ${why}`, { cause });
      }
      const requestId = response.headers.get("x-request-id") ?? undefined;
      let data: unknown = undefined;
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      if (response.ok) {
        return {
          status: response.status,
          headers: response.headers,
          data: data as T,
          requestId,
          idempotencyKey,
          replayed: response.headers.get("idempotency-replayed") === "true",
        };
      }
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      if (RETRY_STATUSES.has(response.status) && attempt < maxRetries) {
        const delay = retryAfter !== undefined ? retryAfter * 1000 : this.backoff(attempt);
        if (delay <= this.maxRetryAfterMs) {
          await sleep(delay, options.signal);
          continue;
        }
      }
      throw errorFromResponse(response.status, data, requestId, retryAfter);
    }
  }
}
