// The SDK against a real letmepost (embedded mode, sandbox account) started by this file.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";

import {
  IdempotencyConflictError,
  Letmepost,
  LetmepostError,
  NOT_COVERED,
  NotFoundError,
  PreflightError,
  ROUTES,
  ValidationError,
  WebhookSignatureError,
  verifyWebhook,
} from "../dist/index.js";
import { startServer, tinyPng } from "./support/server.mjs";

let server;
let lmp;
let account;
const calls = []; // every request the SDK made: "METHOD /path"

// Collects what letmepost POSTs to the test's webhook endpoint.
const received = [];
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});

async function waitFor(find, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = find();
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  server = await startServer();
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const recordingFetch = (url, init) => {
    calls.push(`${init.method} ${new URL(url).pathname}`);
    return fetch(url, init);
  };
  lmp = new Letmepost({ apiKey: server.apiKey, baseUrl: server.baseUrl, fetch: recordingFetch });
});

after(async () => {
  receiver.close();
  await server?.stop();
});

describe("accounts", () => {
  test("connect describes the sandbox's fields and complete connects it", async () => {
    const started = await lmp.accounts.connect("sandbox");
    assert.equal(started.platform, "sandbox");
    assert.equal(started.descriptor.kind, "credentials");
    assert.deepEqual(
      started.descriptor.fields.map((f) => f.name),
      ["handle"],
    );
    account = await lmp.accounts.complete("sandbox", { handle: "ts" });
    assert.equal(account.platform, "sandbox");
    assert.equal(account.platformAccountId, "ts");
    const listed = await lmp.accounts.list();
    assert.ok(listed.data.some((a) => a.id === account.id));
    assert.equal((await lmp.accounts.get(account.id)).displayName, "ts");
  });

  test("disconnect removes an account", async () => {
    const other = await lmp.accounts.complete("sandbox", { handle: "ts-gone" });
    assert.deepEqual(await lmp.accounts.disconnect(other.id), { id: other.id, deleted: true });
    await assert.rejects(lmp.accounts.get(other.id), NotFoundError);
  });

  test("the Pinterest helpers reach the server and explain a non-Pinterest account", async () => {
    for (const call of [
      () => lmp.accounts.listPinterestBoards(account.id),
      () => lmp.accounts.createPinterestBoard(account.id, { name: "Launch" }),
      () => lmp.accounts.setPinterestDefaultBoard(account.id, "123"),
    ]) {
      await assert.rejects(call(), (err) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.rule, "platform.mismatch");
        assert.equal(err.status, 400);
        return true;
      });
    }
  });
});

describe("posts", () => {
  test("publishes now", async () => {
    const batch = await lmp.posts.create({ text: "hello from ts", targets: [{ accountId: account.id }] });
    assert.equal(batch.status, "published");
    const [result] = batch.results;
    assert.equal(result.status, "published");
    assert.match(result.uri, /^sandbox:\/\//);
    const post = await lmp.posts.get(result.postId);
    assert.equal(post.status, "published");
    assert.equal(post.text, "hello from ts");
    assert.ok(post.attempts.length >= 1);
  });

  test("schedules, reschedules and cancels", async () => {
    const at = new Date(Date.now() + 3600_000);
    const batch = await lmp.posts.create({ text: "later", targets: [{ platform: "sandbox" }], scheduledAt: at });
    assert.equal(batch.status, "queued");
    const postId = batch.results[0].postId;
    const later = new Date(at.getTime() + 3600_000);
    const moved = await lmp.posts.reschedule(postId, later);
    assert.equal(Date.parse(moved.scheduledAt), Math.floor(later.getTime()));
    const canceled = await lmp.posts.cancel(postId);
    assert.equal(canceled.status, "canceled");
    assert.equal((await lmp.posts.get(postId)).status, "canceled");
  });

  test("retries a rejected post as a new one and refuses to retry a published one", async () => {
    const failed = await lmp.posts.create(
      { text: "retry me", targets: [{ accountId: account.id }] },
      { sandboxOutcome: "platform_rejected" },
    );
    const failedId = failed.results[0].postId;
    assert.ok(["failed", "rejected"].includes((await lmp.posts.get(failedId)).status));
    const retried = await lmp.posts.retry(failedId);
    assert.equal(retried.status, "published");
    const [result] = retried.results;
    assert.equal(result.status, "published");
    assert.notEqual(result.postId, failedId);
    assert.notEqual(retried.id, failed.id);
    assert.equal((await lmp.posts.get(result.postId)).text, "retry me");
    await assert.rejects(lmp.posts.retry(result.postId, { idempotencyKey: randomUUID() }), (err) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.status, 409);
      assert.equal(err.rule, "post.retry.status");
      return true;
    });
  });

  test("validate reports violations without publishing", async () => {
    const report = await lmp.posts.validate({ text: "x".repeat(600), targets: [{ platform: "sandbox" }] });
    assert.equal(report.valid, false);
    assert.equal(report.results[0].violations[0].rule, "sandbox.text.max_graphemes");
    const ok = await lmp.posts.validate({ text: "fine", targets: [{ platform: "sandbox" }] });
    assert.equal(ok.valid, true);
  });

  test("a preflight failure is a typed error with the envelope's fields", async () => {
    await assert.rejects(
      lmp.posts.create({ text: "y".repeat(600), targets: [{ platform: "sandbox" }] }),
      (err) => {
        assert.ok(err instanceof PreflightError && err instanceof LetmepostError);
        assert.equal(err.status, 400);
        assert.equal(err.code, "preflight_failed");
        assert.equal(err.rule, "sandbox.text.max_graphemes");
        assert.equal(err.platform, "sandbox");
        assert.match(err.remediation, /Shorten/);
        assert.match(err.docUrl, /\/docs\/errors\/preflight_failed$/);
        assert.match(err.requestId, /\S/);
        assert.equal(err.violations[0].field, "text");
        return true;
      },
    );
  });

  test("a malformed request is a ValidationError; an unknown id is a NotFoundError", async () => {
    await assert.rejects(lmp.posts.create({ text: "no targets", targets: [] }), (err) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, "validation_failed");
      assert.ok(err.rule);
      return true;
    });
    await assert.rejects(lmp.posts.get(randomUUID()), (err) => err instanceof NotFoundError && err.status === 404);
  });

  test("lists pages and iterates every post through the cursor", async () => {
    for (let i = 0; i < 5; i++) {
      await lmp.posts.create({ text: `page ${i}`, targets: [{ platform: "sandbox" }] });
    }
    const everything = await lmp.posts.list({ limit: 200 });
    assert.equal(everything.nextCursor, null);
    const first = await lmp.posts.list({ limit: 2 });
    assert.equal(first.data.length, 2);
    assert.ok(first.nextCursor);
    const second = await lmp.posts.list({ limit: 2, cursor: first.nextCursor });
    assert.notEqual(second.data[0].id, first.data[0].id);
    const seen = [];
    for await (const post of lmp.posts.iterate({ limit: 2 })) seen.push(post.id);
    assert.deepEqual(seen, everything.data.map((p) => p.id));
    const published = [];
    for await (const post of lmp.posts.iterate({ limit: 3, status: ["published"] })) published.push(post);
    assert.ok(published.length >= 6 && published.every((p) => p.status === "published"));
  });

  test("an idempotent write replays instead of publishing twice", async () => {
    const key = randomUUID();
    const body = { text: `once ${key}`, targets: [{ platform: "sandbox" }] };
    const first = await lmp.posts.create(body, { idempotencyKey: key });
    const again = await lmp.posts.create(body, { idempotencyKey: key });
    assert.equal(again.id, first.id);
    const raw = await lmp.request("POST", "/v1/posts", { json: body, options: { idempotencyKey: key } });
    assert.equal(raw.replayed, true);
    assert.equal(raw.idempotencyKey, key);
    assert.equal(raw.data.id, first.id);
    const found = await lmp.posts.list({ q: key });
    assert.equal(found.data.length, 1);
    await assert.rejects(
      lmp.posts.create({ ...body, text: "something else" }, { idempotencyKey: key }),
      (err) => err instanceof IdempotencyConflictError && err.rule === "idempotency_key.body_mismatch",
    );
    // without an explicit key every call is its own write
    const a = await lmp.posts.create({ text: "twice", targets: [{ platform: "sandbox" }] });
    const b = await lmp.posts.create({ text: "twice", targets: [{ platform: "sandbox" }] });
    assert.notEqual(a.id, b.id);
  });
});

describe("media", () => {
  test("uploads from a Buffer and a Blob, lists, gets, posts with and deletes", async () => {
    const png = await tinyPng();
    const fromBuffer = await lmp.media.upload(png, { filename: "dot.png" });
    assert.match(fromBuffer.id, /^med_/);
    assert.equal(fromBuffer.kind, "image");
    assert.equal(fromBuffer.contentType, "image/png");
    assert.equal(fromBuffer.width, 2);
    assert.equal(fromBuffer.sizeBytes, png.length);
    const fromBlob = await lmp.media.upload(new Blob([png], { type: "image/png" }));
    assert.equal(fromBlob.sha256, fromBuffer.sha256);

    assert.equal((await lmp.media.get(fromBuffer.id)).id, fromBuffer.id);
    const page = await lmp.media.list({ limit: 1 });
    assert.equal(page.data.length, 1);
    assert.ok(page.nextCursor);
    const ids = [];
    for await (const m of lmp.media.iterate({ limit: 1 })) ids.push(m.id);
    assert.deepEqual(new Set(ids), new Set([fromBuffer.id, fromBlob.id]));

    const batch = await lmp.posts.create({
      text: "with a picture",
      media: [{ kind: "image", mediaId: fromBuffer.id }],
      targets: [{ platform: "sandbox" }],
    });
    assert.equal(batch.results[0].status, "published");

    assert.deepEqual(await lmp.media.delete(fromBlob.id), { id: fromBlob.id, deleted: true });
    await assert.rejects(lmp.media.get(fromBlob.id), NotFoundError);
  });

  test("an upload the server refuses is a ValidationError", async () => {
    await assert.rejects(lmp.media.upload(Buffer.from("not an image")), (err) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.rule, "media.type_unsupported");
      return true;
    });
  });
});

describe("webhooks", () => {
  let endpoint;

  test("create, get, update, list", async () => {
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    endpoint = await lmp.webhookEndpoints.create({ url, description: "sdk test" });
    assert.match(endpoint.signingSecret, /^whsec_/);
    assert.equal((await lmp.webhookEndpoints.get(endpoint.id)).url, url);
    const changed = await lmp.webhookEndpoints.update(endpoint.id, { description: "renamed" });
    assert.equal(changed.description, "renamed");
    const listed = await lmp.webhookEndpoints.list();
    assert.ok(listed.data.some((e) => e.id === endpoint.id));
  });

  test("a test delivery arrives signed; verifyWebhook accepts it and refuses a wrong secret", async () => {
    const result = await lmp.webhookEndpoints.test(endpoint.id, { type: "post.published" });
    assert.equal(result.delivered, true);
    assert.equal(result.status, 200);
    const hit = await waitFor(
      () => received.find((r) => r.headers["x-letmepost-delivery-id"] === result.deliveryId),
      "the test delivery",
    );
    const event = verifyWebhook(hit.body, hit.headers, endpoint.signingSecret);
    assert.equal(event.id, result.sentEvent.id);
    assert.equal(event.type, "post.published");
    assert.throws(() => verifyWebhook(hit.body, hit.headers, "whsec_wrong"), WebhookSignatureError);
    const tampered = Buffer.concat([hit.body, Buffer.from(" ")]);
    assert.throws(() => verifyWebhook(tampered, hit.headers, endpoint.signingSecret), WebhookSignatureError);
  });

  test("a real post.published event is delivered, logged and replayed", async () => {
    const batch = await lmp.posts.create({ text: "tell the hook", targets: [{ platform: "sandbox" }] });
    const postId = batch.results[0].postId;
    const isOurs = (r) => {
      if (r.headers["x-letmepost-event"] !== "post.published") return false;
      return JSON.parse(r.body.toString()).data.id === postId;
    };
    const hit = await waitFor(() => received.find(isOurs), "post.published for the new post");
    const event = verifyWebhook(hit.body, hit.headers, endpoint.signingSecret);
    assert.equal(event.data.id, postId);

    const deliveries = await lmp.webhookEndpoints.deliveries(endpoint.id, { limit: 50 });
    const logged = deliveries.data.find((d) => d.eventId === event.id);
    assert.ok(logged, "the delivery is in the log");
    const all = [];
    for await (const d of lmp.webhookEndpoints.iterateDeliveries(endpoint.id, { limit: 1 })) all.push(d.id);
    assert.ok(all.includes(logged.id));

    const before = received.filter(isOurs).length;
    const replay = await lmp.webhookEndpoints.replay(endpoint.id, event.id);
    assert.equal(replay.eventId, event.id);
    await waitFor(() => received.filter(isOurs).length > before, "the replayed delivery");
    const replayed = received.filter(isOurs).at(-1);
    assert.equal(verifyWebhook(replayed.body, replayed.headers, endpoint.signingSecret).id, event.id);
  });

  test("rotating the secret signs with the new one at once", async () => {
    const rotated = await lmp.webhookEndpoints.rotateSecret(endpoint.id);
    assert.notEqual(rotated.signingSecret, endpoint.signingSecret);
    const result = await lmp.webhookEndpoints.test(endpoint.id);
    const hit = await waitFor(
      () => received.find((r) => r.headers["x-letmepost-delivery-id"] === result.deliveryId),
      "the test delivery after rotation",
    );
    assert.equal(verifyWebhook(hit.body, hit.headers, rotated.signingSecret).id, result.sentEvent.id);
    assert.throws(() => verifyWebhook(hit.body, hit.headers, endpoint.signingSecret), WebhookSignatureError);
  });

  test("delete", async () => {
    assert.equal((await lmp.webhookEndpoints.delete(endpoint.id)).deleted, true);
    await assert.rejects(lmp.webhookEndpoints.get(endpoint.id), NotFoundError);
  });
});

describe("profiles and API keys", () => {
  test("a profile's life and a scoped key's", async () => {
    const made = await lmp.profiles.create({ name: "Side project" });
    assert.ok((await lmp.profiles.list()).data.some((p) => p.id === made.id));
    assert.equal((await lmp.profiles.update(made.id, { slug: "side" })).slug, "side");
    assert.equal((await lmp.profiles.get(made.id)).name, "Side project");
    const key = await lmp.apiKeys.create({ name: "side", prefix: "lmp_test_", profileId: made.id });
    assert.equal(key.profileId, made.id);
    const scoped = new Letmepost({ apiKey: key.key, baseUrl: server.baseUrl });
    assert.deepEqual(
      (await scoped.profiles.list()).data.map((p) => p.id),
      [made.id],
    );
    assert.ok((await lmp.apiKeys.list()).data.some((k) => k.id === key.id));
    assert.equal((await lmp.apiKeys.delete(key.id)).id, key.id);
    assert.deepEqual(await lmp.profiles.delete(made.id), { id: made.id, deleted: true });
  });
});

describe("queues", () => {
  test("a post takes the next free slot of its profile's queue", async () => {
    // A profile of its own, which nothing live depends on: a test key may set its queue.
    const profile = await lmp.profiles.create({ name: "Queue TS" });
    const slots = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map(
      (weekday) => ({ weekday, time: "03:15" }),
    );
    const queue = await lmp.queues.set(profile.id, { timezone: "Asia/Tokyo", slots });
    assert.deepEqual(await lmp.queues.get(profile.id), queue);
    const queued = await lmp.accounts.complete("sandbox", { handle: "ts-queue", profileId: profile.id });
    const batch = await lmp.posts.create({
      text: "queued from ts",
      targets: [{ accountId: queued.id }],
      scheduledAt: "next_slot",
    });
    assert.equal(batch.status, "queued");
    const [first] = (await lmp.queues.list({ profileId: profile.id, days: 2 })).data;
    assert.equal(first.at, batch.scheduledAt);
    assert.deepEqual(first.posts, [{ id: batch.results[0].postId, status: "queued" }]);
    await lmp.accounts.disconnect(queued.id); // cancels the post
  });
});

describe("reference data", () => {
  test("preflight rules and platform versions", async () => {
    const rules = await lmp.reference.preflightRules({ platform: "bluesky" });
    assert.ok(rules.data.length > 0 && rules.data.every((r) => r.platform === "bluesky"));
    const versions = await lmp.reference.platformVersions();
    assert.ok(versions.data.some((v) => v.platform === "linkedin"));
  });
});

describe("drift guard against /v1/openapi.json", () => {
  const templateToRegex = (path) => new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`);

  async function specOperations() {
    const spec = await (await fetch(`${server.baseUrl}/v1/openapi.json`)).json();
    const ops = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
        ops.set(op.operationId ?? `${method.toUpperCase()} ${path}`, [method.toUpperCase(), path]);
      }
    }
    return ops;
  }

  test("every operation in the spec is covered or explicitly not covered", async () => {
    const ops = await specOperations();
    const unknown = [...ops.keys()].filter((id) => !(id in ROUTES) && !(id in NOT_COVERED));
    assert.deepEqual(unknown, [], "new operations: wrap them in the SDK or list them in NOT_COVERED");
    const both = Object.keys(ROUTES).filter((id) => id in NOT_COVERED);
    assert.deepEqual(both, []);
  });

  test("every covered route still matches the spec's method and path", async () => {
    const ops = await specOperations();
    for (const [id, route] of Object.entries(ROUTES)) {
      assert.deepEqual(ops.get(id), [...route], `${id} moved or disappeared`);
    }
    const stale = Object.keys(NOT_COVERED).filter((id) => !ops.has(id));
    assert.deepEqual(stale, [], "NOT_COVERED names operations the spec no longer has");
  });

  // Runs last: the suites above must have called every covered operation at least once.
  test("the live suite exercised every covered operation", () => {
    const missed = Object.entries(ROUTES)
      .filter(([, [method, path]]) => {
        const re = templateToRegex(path);
        return !calls.some((c) => {
          const [m, p] = c.split(" ");
          return m === method && re.test(p);
        });
      })
      .map(([id]) => id);
    assert.deepEqual(missed, []);
  });
});
