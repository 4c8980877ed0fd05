// Code written for letmepost.dev's `@letmepost/sdk` (in the idiom of its README and its own tests),
// run against a real letmepost. Only the import specifiers differ from the reference
// ("@letmepost/sdk" → "@letmepost/client"). `npm test` type-checks this file with `strict` against
// our .d.ts before running it, so a renamed method, argument or field fails the build.
// Every method of every resource of the reference SDK is called here at least once.
import { strict as assert } from "node:assert";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { after, before, describe, test } from "node:test";

import {
  DELIVERY_ID_HEADER,
  EVENT_HEADER,
  EVENT_ID_HEADER,
  IdempotencyConflictError,
  Letmepost,
  LetmepostError,
  NotFoundError,
  PreflightFailedError,
  SIGNATURE_HEADER,
  UnauthenticatedError,
  UnauthorizedError,
  ValidationError,
  newIdempotencyKey,
  type Account,
  type ApiKey,
  type ClientConfig,
  type CreatePostRequest,
  type CreatePostResponse,
  type MediaAsset,
  type Platform,
  type PostDetail,
  type PostStatus,
  type PostListResponse,
  type TestWebhookDeliveryResponse,
  type WebhookEndpointWithSecret,
} from "@letmepost/client";
import { verifyWebhook, verifyWebhookSignature } from "@letmepost/client/webhooks";

import { startServer, tinyPng } from "./support/server.mjs";

type Server = { baseUrl: string; apiKey: string; stop(): Promise<void> };
type Delivery = { headers: IncomingHttpHeaders; body: string };

let server: Server;
let lmp: Letmepost;
let account: Account;
const sentHeaders: Headers[] = [];

const received: Delivery[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200).end("ok");
  });
});

before(async () => {
  server = (await startServer()) as Server;
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  const config: ClientConfig = {
    apiKey: server.apiKey,
    baseUrl: server.baseUrl,
    retries: 3,
    retryBaseMs: 500,
    retryAfterMaxMs: 30_000,
    defaultHeaders: { "X-Trace-Id": "dropin" },
    fetch: (input, init) => {
      sentHeaders.push(init?.headers as Headers); // a Headers object, as the reference hands it
      return fetch(input, init);
    },
  };
  lmp = new Letmepost(config);
});

after(async () => {
  receiver.close();
  await server?.stop();
});

describe("client", () => {
  test("sends the bearer key, default headers, and an Idempotency-Key on writes only", async () => {
    sentHeaders.length = 0;
    await lmp.posts.list();
    await lmp.webhooks.create({ url: "https://example.com/hook" }).then((w) => lmp.webhooks.delete(w.id));
    const [read, write] = sentHeaders;
    assert.equal(read?.get("authorization"), `Bearer ${server.apiKey}`);
    assert.equal(read?.get("x-trace-id"), "dropin");
    assert.equal(read?.get("idempotency-key"), null);
    assert.match(write?.get("idempotency-key") ?? "", /^[0-9a-f-]{36}$/);
    assert.match(newIdempotencyKey(), /^[0-9a-f-]{36}$/);
  });

  test("a bad key is an UnauthenticatedError; an unreachable server a LetmepostError", async () => {
    const wrong = new Letmepost({ apiKey: "lmp_test_not_a_key", baseUrl: server.baseUrl, retries: 0 });
    await assert.rejects(
      () => wrong.posts.list(),
      (err: unknown) => err instanceof UnauthenticatedError && err.status === 401 && err.code === "unauthenticated",
    );
    const nowhere = new Letmepost({ apiKey: server.apiKey, baseUrl: "http://127.0.0.1:9", retries: 0 });
    await assert.rejects(
      () => nowhere.accounts.list(),
      (err: unknown) => err instanceof LetmepostError && err.status === 0 && err.code === "internal_error",
    );
  });

  test("lmp.http.request reaches any route", async () => {
    const body = await lmp.http.request<{ data: Account[] }>({ method: "GET", path: "/v1/accounts" });
    assert.ok(Array.isArray(body.data));
  });
});

describe("accounts", () => {
  test("connect, completeConnect, list, get", async () => {
    const descriptor = await lmp.accounts.connect("sandbox", {});
    assert.equal(descriptor.platform, "sandbox");
    account = await lmp.accounts.completeConnect("sandbox", { handle: "dropin" });
    assert.equal(account.platform, "sandbox");
    const { data } = await lmp.accounts.list({ profileId: account.profileId });
    assert.ok(data.some((a) => a.id === account.id));
    const one = await lmp.accounts.get(account.id);
    assert.equal(one.platformAccountId, "dropin");
    assert.equal(typeof one.createdAt, "string");
    // fields typed as in the reference: these lines must compile under `strict`
    const name: string | null = one.displayName;
    const platform: Platform = one.platform;
    const board: string | null | undefined = one.pinterest?.defaultBoardId;
    const scopes: string[] | null | undefined = one.instagram?.grantedScopes;
    assert.deepEqual([name, platform, board, scopes], ["dropin", "sandbox", undefined, undefined]);
  });

  test("delete works with an API key", async () => {
    const other = await lmp.accounts.completeConnect("sandbox", { handle: "dropin-gone" });
    const gone = await lmp.accounts.delete(other.id);
    assert.deepEqual(gone, { id: other.id, deleted: true });
    await assert.rejects(() => lmp.accounts.get(other.id), NotFoundError);
  });

  test("the Pinterest board calls reach the server (refused for a non-Pinterest account)", async () => {
    for (const call of [
      () => lmp.accounts.listPinterestBoards(account.id),
      () => lmp.accounts.addPinterestBoard(account.id, { name: "Launch", setAsDefault: true }),
      () => lmp.accounts.setPinterestDefaultBoard(account.id, { boardId: "123" }),
    ]) {
      await assert.rejects(call, (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.status, 400);
        assert.equal(err.rule, "platform.mismatch");
        return true;
      });
    }
  });
});

describe("posts", () => {
  let published: CreatePostResponse;

  test("create, get, list", async () => {
    const request: CreatePostRequest = {
      targets: [{ platform: "sandbox" }],
      text: "Shipped multi-target publishing today.",
    };
    published = await lmp.posts.create(request);
    assert.equal(published.status, "published");
    for (const r of published.results) {
      assert.equal(r.platform, "sandbox");
      assert.equal(r.status, "published");
      assert.match(r.uri ?? "", /^sandbox:\/\//);
    }
    const postId = published.results[0]?.postId ?? "";
    const detail: PostDetail = await lmp.posts.get(postId);
    assert.equal(detail.text, request.text);
    assert.ok(detail.attempts.length >= 1 && detail.attempts.every((a) => typeof a.succeeded === "boolean"));
    const status: PostStatus = detail.status;
    const platform: Platform = detail.platform;
    const finished: string | null = detail.attempts[0]?.finishedAt ?? null;
    const when: string | null = detail.publishedAt;
    assert.equal(status, "published");
    assert.equal(platform, detail.account.platform);
    assert.ok(finished && when && detail.scheduledAt === null);
    assert.equal(detail.mediaRefs.length, 0);
    const page: PostListResponse = await lmp.posts.list({
      platform: ["sandbox"],
      status: ["published", "failed"],
      limit: 1,
    });
    assert.equal(page.data.length, 1);
    assert.ok(page.nextCursor === null || typeof page.nextCursor === "string");
    const single = await lmp.posts.list({ status: "published", profileId: detail.profileId });
    assert.ok(single.data.some((p) => p.id === postId));
  });

  test("an explicit idempotencyKey replays; another body under it conflicts", async () => {
    const idempotencyKey = `post-launch-${newIdempotencyKey()}`;
    const body: CreatePostRequest = { targets: [{ platform: "sandbox" }], text: "hi once" };
    const first = await lmp.posts.create(body, { idempotencyKey });
    const again = await lmp.posts.create(body, { idempotencyKey });
    assert.equal(again.id, first.id);
    await assert.rejects(
      () => lmp.posts.create({ ...body, text: "hi twice" }, { idempotencyKey }),
      (err: unknown) => err instanceof IdempotencyConflictError && err.status === 409,
    );
  });

  test("errors carry the envelope", async () => {
    await assert.rejects(
      () => lmp.posts.create({ targets: [{ platform: "sandbox" }], text: "x".repeat(1000) }),
      (err: unknown) => {
        assert.ok(err instanceof PreflightFailedError);
        assert.equal(err.name, "PreflightFailedError");
        assert.equal(err.code, "preflight_failed");
        assert.equal(err.status, 400);
        assert.equal(err.rule, "sandbox.text.max_graphemes");
        assert.ok(err.remediation && err.docUrl && err.ruleUrl && err.requestId);
        return true;
      },
    );
    await assert.rejects(
      () => lmp.posts.create({ targets: [], text: "nowhere" }),
      (err: unknown) => err instanceof ValidationError && err.code === "validation_failed",
    );
    await assert.rejects(() => lmp.posts.get(newIdempotencyKey()), NotFoundError);
  });
});

describe("media", () => {
  test("list shows an upload made with fetch + FormData, as the reference README advises", async () => {
    const form = new FormData();
    form.append("file", new Blob([await tinyPng()], { type: "image/png" }), "dot.png");
    const res = await fetch(`${server.baseUrl}/v1/media`, {
      method: "POST",
      headers: { Authorization: `Bearer ${server.apiKey}`, "Idempotency-Key": newIdempotencyKey() },
      body: form,
    });
    assert.equal(res.status, 201);
    const uploaded = (await res.json()) as MediaAsset;
    const page = await lmp.media.list({ limit: 50 });
    const found = page.data.find((m) => m.id === uploaded.id);
    assert.ok(found);
    assert.equal(found.contentType, "image/png");
    assert.match(found.sha256, /^[0-9a-f]{64}$/);
  });
});

describe("apiKeys", () => {
  test("list, create, delete — with an API key", async () => {
    const { data } = await lmp.apiKeys.list();
    assert.ok(data.some((k: ApiKey) => server.apiKey.endsWith(k.last4)));
    const profileId = account.profileId;
    const created = await lmp.apiKeys.create({ name: "dropin", prefix: "lmp_test_", scopes: [], profileId });
    assert.ok(created.key.startsWith("lmp_test_"));
    assert.equal(created.profileId, profileId);

    // a profile-scoped key may not create profiles: UnauthorizedError
    const scoped = new Letmepost({ apiKey: created.key, baseUrl: server.baseUrl });
    await assert.rejects(
      () => scoped.profiles.create({ name: "not allowed" }),
      (err: unknown) => err instanceof UnauthorizedError && err.status === 403,
    );

    const revoked = await lmp.apiKeys.delete(created.id);
    assert.equal(revoked.id, created.id);
    assert.ok(Date.parse(revoked.revokedAt));
    await assert.rejects(() => scoped.accounts.list(), UnauthenticatedError);
  });
});

describe("profiles", () => {
  test("list, create, get, update, delete", async () => {
    const before = await lmp.profiles.list();
    assert.ok(before.data.some((p) => p.id === account.profileId));
    const made = await lmp.profiles.create({ name: "Client A" });
    assert.equal((await lmp.profiles.get(made.id)).name, "Client A");
    assert.equal((await lmp.profiles.update(made.id, { name: "Client B" })).name, "Client B");
    assert.deepEqual(await lmp.profiles.delete(made.id), { id: made.id, deleted: true });
    await assert.rejects(() => lmp.profiles.get(made.id), NotFoundError);
  });
});

describe("webhooks", () => {
  let endpoint: WebhookEndpointWithSecret;

  test("create, get, update, list", async () => {
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    endpoint = await lmp.webhooks.create({ url, events: ["post.published"], description: "drop-in" });
    assert.match(endpoint.signingSecret, /^whsec_/);
    assert.equal((await lmp.webhooks.get(endpoint.id)).url, url);
    const changed = await lmp.webhooks.update(endpoint.id, { description: "renamed", active: true });
    assert.equal(changed.description, "renamed");
    assert.equal(changed.active, true);
    const { data } = await lmp.webhooks.list();
    assert.ok(data.some((w) => w.id === endpoint.id));
  });

  test("test() delivers a signed event that verifyWebhook accepts", async () => {
    const result: TestWebhookDeliveryResponse = await lmp.webhooks.test(endpoint.id, "post.published");
    assert.equal(result.delivered, true);
    const deadline = Date.now() + 20_000;
    let hit: Delivery | undefined;
    while (!hit && Date.now() < deadline) {
      hit = received.find((r) => r.headers[DELIVERY_ID_HEADER.toLowerCase()] === result.deliveryId);
      if (!hit) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(hit, "the test delivery arrived");
    const signature = hit.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    const event = verifyWebhook<{ id: string; type: string; data: unknown }>({
      body: hit.body,
      signature,
      secret: endpoint.signingSecret,
    });
    assert.equal(event.type, "post.published");
    assert.equal(event.id, hit.headers[EVENT_ID_HEADER.toLowerCase()]);
    assert.equal(hit.headers[EVENT_HEADER.toLowerCase()], "post.published");
    assert.equal(verifyWebhookSignature({ body: hit.body, signature, secret: endpoint.signingSecret }), true);
    assert.equal(verifyWebhookSignature({ body: `${hit.body} `, signature, secret: endpoint.signingSecret }), false);
    assert.equal(verifyWebhookSignature({ body: hit.body, signature, secret: "whsec_wrong" }), false);
    assert.throws(() => verifyWebhook({ body: hit.body, signature: undefined, secret: endpoint.signingSecret }));
  });

  test("delete", async () => {
    const gone = await lmp.webhooks.delete(endpoint.id);
    assert.equal(gone.deleted, true);
    await assert.rejects(() => lmp.webhooks.get(endpoint.id), NotFoundError);
  });
});
