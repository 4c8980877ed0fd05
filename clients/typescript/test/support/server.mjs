// Starts a real letmepost through clients/testserver.py and hands back {baseUrl, apiKey, stop}.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

// Walk up to the repository root: this file also runs compiled into build/test/support.
function findRoot(dir) {
  while (!existsSync(resolve(dir, "clients/testserver.py"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("clients/testserver.py not found above the tests");
    dir = up;
  }
  return dir;
}

const root = findRoot(dirname(fileURLToPath(import.meta.url)));
const python = process.env.LETMEPOST_PYTHON ?? resolve(root, ".venv/bin/python");

export async function startServer() {
  if (!existsSync(python)) throw new Error(`no Python at ${python}: run \`make install\` first`);
  const child = spawn(python, [resolve(root, "clients/testserver.py")], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`testserver.py exited with ${code} before it was ready`);
  });
  const [first] = await Promise.race([once(lines, "line"), exited]);
  exited.catch(() => {}); // later exits are expected (stop())
  const info = JSON.parse(first);
  return {
    ...info,
    async stop() {
      child.stdin.end(); // testserver.py stops the server when its stdin closes
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

/** A valid 2x2 PNG, made here so the test needs no fixture file. */
export async function tinyPng() {
  const { deflateSync } = await import("node:zlib");
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); // width
  ihdr.writeUInt32BE(2, 4); // height
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
