/**
 * The shared cases about requests (../shared/cases `json-nan`, `big-body`, `content-length`,
 * `non-finite`) against a real server on a loopback port. Requests fetch() will not send
 * (lying or malformed lengths, a body that stops) go over raw TCP.
 */

import assert from "node:assert/strict";
import { numbers, readCase } from "./_numeric.ts";
import {
  activations,
  assertError,
  assertServing,
  float32Bytes,
  npyBytes,
  post,
  postHead,
  rawRequest,
  startService,
} from "./_service.ts";

const MiB = 2 ** 20;

/** A .npy file whose header declares `shape` but which holds only `values` float32 values. */
function npyClaiming(shape: string, values: number): Uint8Array<ArrayBuffer> {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const padded = dict + " ".repeat(63 - ((10 + dict.length) % 64)) + "\n";
  const out = new Uint8Array(10 + padded.length + 4 * values);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  out.set(new TextEncoder().encode(padded), 10);
  return out;
}

/** Asserts that no value anywhere in a parsed JSON document is null. */
function assertNoNull(value: unknown, why: string): void {
  assert.notEqual(value, null, `${why}: a null in the response`);
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) assertNoNull(v, why);
  }
}

Deno.test("case json-nan: NaN tokens 400, 1e400 422 naming its index, no null", async () => {
  const c = readCase("json-nan");
  const service = startService();
  try {
    for (const request of c.requests) {
      const answer = await post(`${service.url}/v1/score`, request.body, "application/json");
      const why = `json-nan ${request.body}`;
      if (request.status === 200) {
        assert.equal(answer.status, 200, `${why}: ${JSON.stringify(answer.json)}`);
      } else {
        const detail = assertError(answer, request.status, why);
        for (const word of request.detail_mentions ?? []) assert.ok(detail.includes(word), why);
      }
      assertNoNull(answer.json, why);
      await assertServing(service.url, why);
    }
  } finally {
    await service.close();
  }
});

Deno.test("case big-body: bodies over 16 MiB are refused early, however they arrive", async () => {
  const c = readCase("big-body");
  const service = startService();
  try {
    assert.equal(c.limit_default_bytes, 16 * MiB);
    const body = new Uint8Array(17 * MiB);
    const raw = "application/octet-stream";

    // 17 MiB of float32 with Content-Length.
    const declared = await rawRequest(
      service.port,
      postHead("/v1/score?shape=4456448,1", {
        "Content-Type": raw,
        "Content-Length": `${body.length}`,
      }),
      body,
    );
    assert.equal(declared.status, 413, declared.head);
    assert.match(JSON.parse(declared.body).detail, /Content-Length declares 17825792 bytes/);
    await assertServing(service.url, "17 MiB with Content-Length");

    // 17 MiB chunked, no Content-Length: counted while streaming.
    const chunked: Uint8Array[] = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < 17; i++) {
      chunked.push(
        encoder.encode(`${MiB.toString(16)}\r\n`),
        body.subarray(0, MiB),
        encoder.encode("\r\n"),
      );
    }
    chunked.push(encoder.encode("0\r\n\r\n"));
    const stream = new Uint8Array(chunked.reduce((a, b) => a + b.length, 0));
    chunked.reduce((at, part) => (stream.set(part, at), at + part.length), 0);
    const streamed = await rawRequest(
      service.port,
      postHead("/v1/score?shape=4456448,1", {
        "Content-Type": raw,
        "Transfer-Encoding": "chunked",
      }),
      stream,
    );
    assert.equal(streamed.status, 413, streamed.head);
    assert.match(JSON.parse(streamed.body).detail, /more than 16777216 bytes/);
    await assertServing(service.url, "17 MiB chunked");

    // Content-Length 17825792, 10 bytes sent, then the client waits: answered from the header.
    const waiting = await rawRequest(
      service.port,
      postHead("/v1/score", { "Content-Type": raw, "Content-Length": "17825792" }),
      new Uint8Array(10),
      5_000,
    );
    assert.equal(waiting.status, 413, waiting.head);
    assert.ok(waiting.ms < 1_000, `answered after ${waiting.ms} ms, not from the header`);
    await assertServing(service.url, "a claimed 17 MiB");

    // JSON with shape [1e9, 1e9] and 4 values; an npy header claiming (100000000, 1000).
    const json = await post(
      `${service.url}/v1/score`,
      JSON.stringify({ shape: [1e9, 1e9], data: [1, 2, 3, 4] }),
      "application/json",
    );
    assertError(json, c.requests[3].status, "shape [1e9, 1e9]");
    await assertServing(service.url, "shape [1e9, 1e9]");
    const npy = await post(
      `${service.url}/v1/score`,
      npyClaiming("(100000000, 1000)", 4),
      "application/x-npy",
    );
    assertError(npy, c.requests[4].status, "npy claiming (100000000, 1000)");

    // After all that, a valid 256×512 request still gets 200.
    const valid = await post(
      `${service.url}/v1/score?shape=256,512`,
      float32Bytes(activations(256, 512)),
      raw,
    );
    assert.equal(valid.status, 200, JSON.stringify(valid.json));
    assert.equal(valid.json.samples, 256);
  } finally {
    await service.close();
  }
});

Deno.test("case content-length: malformed or lying lengths are refused unparsed", async () => {
  const c = readCase("content-length");
  const service = startService();
  try {
    for (const request of c.requests) {
      const allowed: number[] = request.status;
      if (request.headers) {
        const answer = await rawRequest(
          service.port,
          postHead("/v1/score", {
            "Content-Type": "application/json",
            "Content-Length": request.headers["Content-Length"],
          }),
          new Uint8Array(request.body_bytes).fill(0x20),
          5_000,
        );
        const why = `Content-Length ${request.headers["Content-Length"]}`;
        // The server may also close the connection (status 0): never 2xx or 5xx.
        assert.ok(
          answer.status === 0 || allowed.includes(answer.status),
          `${why}: ${answer.head}`,
        );
        await assertServing(service.url, why);
      } else {
        const answer = await post(
          `${service.url}/v1/score`,
          npyClaiming("(4294967296, 4294967296)", 2),
          "application/x-npy",
        );
        assert.match(assertError(answer, allowed, request.what), /2\*\*53/);
        await assertServing(service.url, request.what);
      }
    }
  } finally {
    await service.close();
  }
});

Deno.test("case non-finite: NaN and infinities are 422 naming the index and value", async () => {
  const c = readCase("non-finite");
  const service = startService();
  try {
    for (const call of c.calls) {
      const values = numbers(call.data);
      const data = call.dtype === "float64" ? new Float64Array(values) : new Float32Array(values);
      const url = new URL(`${service.url}/v1/score`);
      let answer;
      if (call.theta === undefined) {
        answer = await post(url.href, npyBytes(data, call.shape), "application/x-npy");
      } else {
        const d = call.shape[call.shape.length - 1];
        const theta = numbers(call.theta);
        const rows = Array.from(
          { length: theta.length / d },
          (_, k) => theta.slice(k * d, (k + 1) * d),
        );
        answer = await post(
          url.href,
          JSON.stringify({ shape: call.shape, data: values, theta: rows }),
          "application/json",
        );
      }
      const why = `non-finite ${JSON.stringify(call.data)}`;
      // A zero direction is a bad option (400); a non-finite value cannot be scored (422).
      const detail = assertError(answer, call.theta === undefined ? 422 : 400, why);
      for (const word of call.error_mentions) {
        assert.ok(detail.includes(word), `${why}: ${detail}`);
      }
      await assertServing(service.url, why);
    }
  } finally {
    await service.close();
  }
});
