import { createHmac, timingSafeEqual } from "node:crypto";

import { WebhookSignatureError } from "./errors.js";
import type { WebhookEvent } from "./types.js";

export type { WebhookEvent, WebhookEventType } from "./types.js";

export const SIGNATURE_HEADER = "X-Letmepost-Signature";
export const SIGNATURE_V2_HEADER = "X-Letmepost-Signature-V2";
export const TIMESTAMP_HEADER = "X-Letmepost-Timestamp";
export const EVENT_HEADER = "X-Letmepost-Event";
export const EVENT_ID_HEADER = "X-Letmepost-Event-Id";
export const DELIVERY_ID_HEADER = "X-Letmepost-Delivery-Id";
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The raw body exactly as received: re-serialised JSON will not verify. */
export type RawBody = string | Uint8Array;
export type HeaderBag =
  | Headers
  | Record<string, string | readonly string[] | undefined>;

const toBytes = (body: RawBody): Buffer =>
  typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

// The key is the whole `whsec_…` string as UTF-8, never base64-decoded.
const hmacHex = (secret: string, message: Buffer): string =>
  createHmac("sha256", Buffer.from(secret, "utf8")).update(message).digest("hex");

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Check `X-Letmepost-Signature: sha256=<hex>` (the bare hex is accepted too). No age check. */
export function verifySignature(body: RawBody, header: string, secret: string): boolean {
  let given = header.trim();
  if (given.startsWith("sha256=")) given = given.slice("sha256=".length);
  return sameHex(given, hmacHex(secret, toBytes(body)));
}

/** Check `X-Letmepost-Signature-V2: t=<unix>,v1=<hex>[,v1=…]` and that `t` is within tolerance. */
export function verifySignatureV2(
  body: RawBody,
  header: string,
  secret: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [key, ...rest] = part.trim().split("=");
    const value = rest.join("=");
    if (key === "t" && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === "v1") candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? Date.now() / 1000;
  if (tolerance > 0 && Math.abs(now - timestamp) > tolerance) return false;
  const expected = hmacHex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), toBytes(body)]));
  // check every candidate so the timing does not tell which one matched
  return candidates.map((c) => sameHex(c, expected)).includes(true);
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === "string" ? value : value[0];
  }
  return undefined;
}

/** `@letmepost/sdk`'s arguments: the raw body, the `X-Letmepost-Signature` value, the secret. */
export interface VerifyWebhookArgs {
  body: RawBody;
  signature: string | undefined | null;
  secret: string;
}

/** `@letmepost/sdk`'s check: `X-Letmepost-Signature` only (no age check), never throws. */
export function verifyWebhookSignature(args: VerifyWebhookArgs): boolean {
  if (!args.signature || !args.secret) return false;
  return verifySignature(args.body, args.signature, args.secret);
}

const parseEvent = <T>(body: RawBody): T => JSON.parse(toBytes(body).toString("utf8")) as T;

/**
 * Return the parsed event if the delivery is authentic, else throw WebhookSignatureError.
 * Prefers the timestamped V2 header (replay window) and falls back to the plain one.
 * Dedupe on `event.id`: retries and replays keep it.
 *
 * `verifyWebhook({ body, signature, secret })`, as `@letmepost/sdk` calls it, checks the plain
 * header's value only.
 */
export function verifyWebhook<T = unknown>(args: VerifyWebhookArgs): T;
export function verifyWebhook<T = unknown>(
  body: RawBody,
  headers: HeaderBag,
  secret: string,
  options?: { toleranceSeconds?: number; now?: number },
): WebhookEvent<T>;
export function verifyWebhook<T = unknown>(
  bodyOrArgs: RawBody | VerifyWebhookArgs,
  headers?: HeaderBag,
  secret?: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): WebhookEvent<T> | T {
  if (typeof bodyOrArgs !== "string" && !(bodyOrArgs instanceof Uint8Array)) {
    if (!verifyWebhookSignature(bodyOrArgs)) throw new WebhookSignatureError();
    return parseEvent<T>(bodyOrArgs.body);
  }
  const v2 = headers && header(headers, SIGNATURE_V2_HEADER);
  const v1 = headers && header(headers, SIGNATURE_HEADER);
  const key = secret ?? "";
  const ok =
    v2 !== undefined
      ? verifySignatureV2(bodyOrArgs, v2, key, options)
      : v1 !== undefined && verifySignature(bodyOrArgs, v1, key);
  if (!ok) throw new WebhookSignatureError();
  return parseEvent<WebhookEvent<T>>(bodyOrArgs);
}
