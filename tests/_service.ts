/**
 * Helpers of the service tests: a real server on a loopback port, raw HTTP/1.1 over TCP for
 * requests fetch() will not send, and request bodies.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createApp } from "../deploy/app.ts";
import { DEFAULT_LIMITS, type Limits } from "../deploy/limits.ts";
import { writeNpy } from "../src/io/mod.ts";

/** A server started by {@linkcode startService}. */
export interface Service {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Every request log line so far. */
  logs: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the app with Deno.serve on a free loopback port. */
export function startService(
  limits: Partial<Limits> = {},
  corsOrigins: string[] = [],
): Service {
  const logs: string[] = [];
  const app = createApp({
    limits: { ...DEFAULT_LIMITS, ...limits },
    corsOrigins,
    log: (line) => logs.push(line),
    basePath: "",
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs,
    close: () => server.shutdown(),
  };
}

/** What a raw exchange returned: the status (0 when the server closed without one). */
export interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** Milliseconds from connecting to the first byte of the answer. */
  ms: number;
}

/**
 * Sends `head` then `body` over a fresh TCP connection, and reads the answer without waiting
 * for the write to finish (the server may answer, and close, before taking the whole body).
 */
export async function rawRequest(
  port: number,
  head: string,
  body: Uint8Array = new Uint8Array(0),
  waitMs = 10_000,
): Promise<RawAnswer> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const start = performance.now();
  const writing = (async () => {
    try {
      await writeAll(conn, new TextEncoder().encode(head));
      await writeAll(conn, body);
    } catch {
      // The server closed the connection early: expected when it refuses the body.
    }
  })();
  const chunks: Uint8Array[] = [];
  const timer = setTimeout(() => conn.close(), waitMs);
  let ms = -1;
  try {
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      if (ms < 0) ms = performance.now() - start;
      chunks.push(buf.slice(0, n));
      const text = new TextDecoder().decode(concat(chunks));
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const length = /\r\ncontent-length: *([0-9]+)/i.exec(text.slice(0, end));
        if (length && text.length >= end + 4 + Number(length[1])) break;
        if (!length && /^HTTP\/1\.1 [0-9]+/.test(text)) break;
      }
    }
  } catch {
    // Closed by the timer or reset by the server.
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
  await writing;
  const text = new TextDecoder().decode(concat(chunks));
  const [head_, ...rest] = text.split("\r\n\r\n");
  const status = Number(/^HTTP\/1\.1 ([0-9]{3})/.exec(text)?.[1] ?? 0);
  return { status, head: head_, body: rest.join("\r\n\r\n"), ms };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at, at + 65536));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A request head for POST `path` with the given headers. */
export function postHead(path: string, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines}\r\n`;
}

/** Seeded activations in [−2, 2), float32. */
export function activations(n: number, d: number, seed = 1): Float32Array {
  let x = seed >>> 0 || 1;
  return new Float32Array(n * d).map(() => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * 4 - 2;
  });
}

/** The little-endian bytes of float32 values. */
export function float32Bytes(values: Float32Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(values.slice().buffer);
}

/** A .npy file of `values`. */
export function npyBytes(
  values: Float32Array | Float64Array,
  shape: number[],
): Uint8Array<ArrayBuffer> {
  return writeNpy(values, shape) as Uint8Array<ArrayBuffer>;
}

/** POSTs a body and returns the status and parsed JSON (or undefined). */
export async function post(
  url: string,
  body: BodyInit,
  contentType: string,
  accept = "application/json",
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType, accept },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json, headers: res.headers };
}

/** Asserts a failure is a JSON `{error, detail}` with the status, and returns the detail. */
export function assertError(
  answer: { status: number; json: Record<string, unknown> },
  status: number | number[],
  why: string,
): string {
  const allowed = Array.isArray(status) ? status : [status];
  assert.ok(
    allowed.includes(answer.status),
    `${why}: status ${answer.status}, expected ${allowed.join(" or ")}: ` +
      JSON.stringify(answer.json),
  );
  assert.equal(typeof answer.json.error, "string", `${why}: no error field`);
  assert.equal(typeof answer.json.detail, "string", `${why}: no detail field`);
  assert.deepEqual(Object.keys(answer.json).sort(), ["detail", "error"], why);
  return answer.json.detail as string;
}

/** Asserts that the server still answers a valid request correctly. */
export async function assertServing(url: string, why: string): Promise<void> {
  const res = await fetch(`${url}/v1/score?projections=8`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shape: [4, 2], data: [0.5, -1, 2, 0.25, 1, -0.5, 0, 1.5] }),
  });
  const body = await res.json();
  assert.equal(
    res.status,
    200,
    `the server stopped serving after ${why}: ${JSON.stringify(body)}`,
  );
  assert.equal(body.samples, 4, why);
}
