// Signature verification against signatures made by the server's own signing code (webhooks/signing.py).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  WebhookSignatureError,
  verifySignature,
  verifySignatureV2,
  verifyWebhook,
} from "../dist/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const python = process.env.LETMEPOST_PYTHON ?? resolve(root, ".venv/bin/python");
const secret = "whsec_0rV1m5kZ2yq8Jp3nXWb7cHs4Lt6Ue9Da1Gf2Hi3Jk4L";
const body = '{"id":"e1","type":"post.published","data":{"text":"h\\u00e9llo ✓"}}';
const timestamp = Math.floor(Date.now() / 1000);

// Sign with the server's module so a drift in either implementation fails here.
const signed = JSON.parse(
  execFileSync(
    python,
    [
      "-c",
      "import json,sys; from webhooks.signing import signature_headers; " +
        "print(json.dumps(signature_headers(sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]))))",
      secret,
      body,
      String(timestamp),
    ],
    { cwd: root, encoding: "utf8" },
  ),
);

test("the plain signature verifies, as string or bytes, prefixed or bare", () => {
  const header = signed["X-Letmepost-Signature"];
  assert.match(header, /^sha256=[0-9a-f]{64}$/);
  assert.equal(verifySignature(body, header, secret), true);
  assert.equal(verifySignature(Buffer.from(body), header, secret), true);
  assert.equal(verifySignature(body, header.slice(7).toUpperCase(), secret), true);
  assert.equal(verifySignature(body + " ", header, secret), false);
  assert.equal(verifySignature(body, header, `${secret}x`), false);
  assert.equal(verifySignature(body, header.slice(0, -2), secret), false);
  assert.equal(verifySignature(body, "", secret), false);
});

test("the V2 signature verifies within the tolerance only", () => {
  const header = signed["X-Letmepost-Signature-V2"];
  assert.equal(verifySignatureV2(body, header, secret), true);
  assert.equal(verifySignatureV2(body, header, secret, { now: timestamp + 301 }), false);
  assert.equal(verifySignatureV2(body, header, secret, { now: timestamp + 301, toleranceSeconds: 0 }), true);
  assert.equal(verifySignatureV2(body, `${header},v1=${"0".repeat(64)}`, secret), true);
  assert.equal(verifySignatureV2(body, header.replace(/t=\d+/, `t=${timestamp + 1}`), secret), false);
  assert.equal(verifySignatureV2(body, "v1=abc", secret), false);
});

test("verifyWebhook prefers V2, falls back to the plain header, and parses the event", () => {
  const event = verifyWebhook(body, signed, secret);
  assert.equal(event.id, "e1");
  assert.equal(event.data.text, "héllo ✓");
  const lower = { "x-letmepost-signature": signed["X-Letmepost-Signature"] };
  assert.equal(verifyWebhook(Buffer.from(body), lower, secret).type, "post.published");
  const headers = new Headers(signed);
  assert.equal(verifyWebhook(body, headers, secret).id, "e1");
  // a V2 header that fails is not rescued by a valid plain one
  const badV2 = { ...signed, "X-Letmepost-Signature-V2": `t=${timestamp},v1=${"0".repeat(64)}` };
  assert.throws(() => verifyWebhook(body, badV2, secret), WebhookSignatureError);
  assert.throws(() => verifyWebhook(body, {}, secret), WebhookSignatureError);
});
