// Retry, idempotency-key and error mapping, against a scripted local HTTP server: a real
// letmepost cannot be made to answer 503 or a chosen Retry-After on demand.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, beforeEach, test } from "node:test";

import {
  InternalServerError,
  Letmepost,
  LetmepostConnectionError,
  LetmepostError,
  NotFoundError,
  PlatformError,
  RateLimitError,
  RateLimitedError,
  UnauthenticatedError,
  UnauthorizedError,
  ValidationError,
  parseRetryAfter,
} from "../dist/index.js";

let script = []; // answers to give, in order: {status, headers?, body?}
let seen = []; // requests received: {method, url, headers, at}
const stub = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, at: Date.now() });
    const next = script.shift() ?? { status: 200, body: { ok: true } };
    res.writeHead(next.status, { "content-type": "application/json", ...next.headers });
    res.end(typeof next.body === "string" ? next.body : JSON.stringify(next.body ?? {}));
  });
});
let client;

const envelope = (code, extra = {}) => ({
  error: { code, message: code, docUrl: `http://x/docs/errors/${code}`, requestId: "req_1", ...extra },
});

before(async () => {
  stub.listen(0, "127.0.0.1");
  await once(stub, "listening");
  client = new Letmepost({
    apiKey: "lmp_test_x",
    baseUrl: `http://127.0.0.1:${stub.address().port}/`,
    retryBaseMs: 1,
  });
});
after(() => stub.close());
beforeEach(() => {
  script = [];
  seen = [];
});

test("503 then 429 are retried with one Idempotency-Key for the whole call", async () => {
  script = [
    { status: 503, body: envelope("platform_unavailable") },
    { status: 429, body: envelope("rate_limited") },
    { status: 201, body: { id: "med_1" } },
  ];
  const media = await client.media.uploadFromUrl("https://example.com/a.png");
  assert.equal(media.id, "med_1");
  assert.equal(seen.length, 3);
  const keys = new Set(seen.map((r) => r.headers["idempotency-key"]));
  assert.equal(keys.size, 1);
  assert.match([...keys][0], /^[0-9a-f-]{36}$/);
  assert.equal(seen[0].headers.authorization, "Bearer lmp_test_x");
  assert.equal(seen[0].url, "/v1/media");
});

test("a multipart upload sends identical bytes on every attempt", async () => {
  const bodies = [];
  const capture = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      bodies.push({ type: req.headers["content-type"], body: Buffer.concat(chunks) });
      res.writeHead(bodies.length < 2 ? 503 : 201, { "content-type": "application/json" });
      res.end(JSON.stringify(bodies.length < 2 ? envelope("internal_error") : { id: "med_2" }));
    });
  });
  capture.listen(0, "127.0.0.1");
  await once(capture, "listening");
  const c = new Letmepost({ apiKey: "lmp_test_x", baseUrl: `http://127.0.0.1:${capture.address().port}`, retryBaseMs: 1 });
  await c.media.upload(Buffer.from("abc"), { filename: "a.bin" });
  capture.close();
  assert.equal(bodies.length, 2);
  assert.equal(bodies[0].type, bodies[1].type);
  assert.match(bodies[0].type, /^multipart\/form-data; boundary=/);
  assert.deepEqual(bodies[0].body, bodies[1].body);
  assert.match(bodies[0].body.toString(), /filename="a.bin"/);
});

test("Retry-After is waited out", async () => {
  script = [
    { status: 429, headers: { "retry-after": "1" }, body: envelope("rate_limited") },
    { status: 200, body: { data: [] } },
  ];
  await client.accounts.list();
  assert.equal(seen.length, 2);
  assert.ok(seen[1].at - seen[0].at >= 950, `waited only ${seen[1].at - seen[0].at} ms`);
});

test("a Retry-After beyond maxRetryAfterMs is thrown, not slept through", async () => {
  script = [{ status: 429, headers: { "retry-after": "120" }, body: envelope("rate_limited") }];
  await assert.rejects(client.posts.list(), (err) => {
    assert.ok(err instanceof RateLimitError);
    assert.equal(err.retryAfter, 120);
    return true;
  });
  assert.equal(seen.length, 1);
});

test("retries stop after maxRetries", async () => {
  script = Array.from({ length: 5 }, () => ({ status: 503, body: envelope("platform_unavailable") }));
  await assert.rejects(client.posts.get("p1", { maxRetries: 2 }), PlatformError);
  assert.equal(seen.length, 3);
});

test("500, 502 and 4xx are not retried", async () => {
  for (const [status, code, Cls] of [
    [500, "internal_error", InternalServerError],
    [502, "platform_rejected", PlatformError],
    [400, "validation_failed", ValidationError],
  ]) {
    seen = [];
    script = [{ status, body: envelope(code, { rule: "r.x", remediation: "do y" }) }];
    await assert.rejects(client.posts.create({ text: "t", targets: [] }), (err) => {
      assert.ok(err instanceof Cls, `${status} → ${err.name}`);
      assert.equal(err.status, status);
      assert.equal(err.code, code);
      assert.equal(err.rule, "r.x");
      assert.equal(err.remediation, "do y");
      assert.equal(err.requestId, "req_1");
      return true;
    });
    assert.equal(seen.length, 1);
  }
});

test("reads carry no Idempotency-Key; a given key is sent as is; query lists are comma-joined", async () => {
  script = [{ status: 200, body: { data: [], nextCursor: null } }, { status: 200, body: { id: "x", status: "canceled" } }];
  await client.posts.list({ status: ["queued", "failed"], limit: 5, after: new Date(0) });
  await client.posts.cancel("p/1", { idempotencyKey: "my-key" });
  assert.equal(seen[0].headers["idempotency-key"], undefined);
  const query = new URL(seen[0].url, "http://x").searchParams;
  assert.equal(query.get("status"), "queued,failed");
  assert.equal(query.get("after"), "1970-01-01T00:00:00.000Z");
  assert.equal(seen[1].method, "DELETE");
  assert.equal(seen[1].url, "/v1/posts/p%2F1");
  assert.equal(seen[1].headers["idempotency-key"], "my-key");
});

test("an answer without an envelope still becomes a typed error", async () => {
  script = [{ status: 502, body: "<html>bad gateway</html>" }];
  await assert.rejects(client.accounts.list(), (err) => {
    assert.ok(err instanceof InternalServerError);
    assert.equal(err.status, 502);
    assert.equal(err.platformResponse, "<html>bad gateway</html>");
    return true;
  });
});

test("an unreachable server is a LetmepostConnectionError, and is not retried", async () => {
  const closed = createServer();
  closed.listen(0, "127.0.0.1");
  await once(closed, "listening");
  const port = closed.address().port;
  closed.close();
  await once(closed, "close");
  const c = new Letmepost({ apiKey: "lmp_test_x", baseUrl: `http://127.0.0.1:${port}` });
  await assert.rejects(c.accounts.list(), (err) => {
    assert.ok(err instanceof LetmepostConnectionError && err instanceof LetmepostError);
    assert.equal(err.status, 0);
    assert.equal(err.code, "internal_error");
    return true;
  });
});

test("rate_limited is a RateLimitedError with retryAfterSeconds; `retries: 0` turns retries off", async () => {
  const noRetry = new Letmepost({ apiKey: "lmp_test_x", baseUrl: `http://127.0.0.1:${stub.address().port}`, retries: 0 });
  script = [{ status: 429, headers: { "retry-after": "2" }, body: envelope("rate_limited") }];
  await assert.rejects(noRetry.posts.list(), (err) => {
    assert.ok(err instanceof RateLimitedError && err instanceof RateLimitError);
    assert.equal(err.name, "RateLimitedError");
    assert.equal(err.retryAfterSeconds, 2);
    return true;
  });
  assert.equal(seen.length, 1);
});

test("an answer without an envelope gets its code from the status", async () => {
  for (const [status, code, Cls] of [
    [401, "unauthenticated", UnauthenticatedError],
    [403, "unauthorized", UnauthorizedError],
    [404, "not_found", NotFoundError],
    [400, "validation_failed", ValidationError],
  ]) {
    script = [{ status, body: "<html>proxy</html>" }];
    await assert.rejects(client.accounts.list(), (err) => err instanceof Cls && err.code === code && err.status === status);
  }
});

test("an aborted call rejects with the AbortError itself and is not retried", async () => {
  let calls = 0;
  const c = new Letmepost({
    apiKey: "lmp_test_x",
    baseUrl: "http://127.0.0.1:9",
    retries: 3,
    fetch: (url, init) => {
      calls += 1;
      return fetch(url, init);
    },
  });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(c.posts.list({}, { signal: controller.signal }), (err) => {
    assert.equal(err.name, "AbortError");
    assert.ok(!(err instanceof LetmepostError));
    return true;
  });
  assert.equal(calls, 1);
});

test("parseRetryAfter reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("7"), 7);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30);
});
