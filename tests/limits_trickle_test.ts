/**
 * Bodies that trickle in a few bytes a second, from raw TCP clients, end with a 408 at the
 * body deadline, and while they trickle every other client is answered quickly and correctly.
 */

import assert from "node:assert/strict";
import { perLossAndGrad, score } from "../mod.ts";
import { activations, float32Bytes, postHead, startService } from "./_service.ts";

const DEADLINE_MS = 3_000;

/** What a trickling client saw. */
interface Trickled {
  status: number;
  body: string;
  /** Milliseconds from the first byte sent to the answer. */
  ms: number;
  /** Body bytes sent before the answer came. */
  sent: number;
}

/**
 * Sends `head` at once, then `body` `step` bytes every `everyMs` ms, until the server answers
 * or closes the connection.
 */
async function trickle(
  port: number,
  head: string,
  body: Uint8Array,
  step: number,
  everyMs: number,
): Promise<Trickled> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const start = performance.now();
  let answered = false;
  let sent = 0;
  const writing = (async () => {
    try {
      await conn.write(new TextEncoder().encode(head));
      while (!answered && sent < body.length) {
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        if (answered) break;
        sent += await conn.write(body.subarray(sent, sent + step));
      }
    } catch {
      // The server closed the connection: it has answered.
    }
  })();
  let text = "";
  const buf = new Uint8Array(4096);
  const timer = setTimeout(() => conn.close(), DEADLINE_MS + 10_000);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
      if (/\r\n\r\n\{.*\}$/s.test(text)) break;
    }
  } catch {
    // Closed by the timer or the server.
  } finally {
    answered = true;
    clearTimeout(timer);
  }
  const ms = performance.now() - start;
  await writing;
  try {
    conn.close();
  } catch {
    // Already closed.
  }
  const status = Number(/^HTTP\/1\.1 ([0-9]{3})/.exec(text)?.[1] ?? 0);
  return { status, body: text.split("\r\n\r\n").slice(1).join(""), ms, sent };
}

/** A chunked encoding of `body` in pieces of `size` bytes. */
function chunked(body: Uint8Array, size: number): Uint8Array {
  const parts: string[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = new TextDecoder().decode(body.subarray(at, at + size));
    parts.push(`${piece.length.toString(16)}\r\n${piece}\r\n`);
  }
  parts.push("0\r\n\r\n");
  return new TextEncoder().encode(parts.join(""));
}

Deno.test("trickling bodies get 408 at the deadline; others are answered at once", async () => {
  const service = startService({ bodyTimeoutMs: DEADLINE_MS });
  try {
    const json = new TextEncoder().encode(
      JSON.stringify({ shape: [4, 2], data: [0.5, -1, 2, 0.25, 1, -0.5, 0, 1.5] }),
    );
    const type = { "Content-Type": "application/json" };
    const trickles = [
      // 3 bytes a second with a Content-Length, the slow client of the issue.
      trickle(
        service.port,
        postHead("/v1/score", { ...type, "Content-Length": `${json.length}` }),
        json,
        3,
        1_000,
      ),
      // The same, chunked, with no length to judge.
      trickle(
        service.port,
        postHead("/v1/score", { ...type, "Transfer-Encoding": "chunked" }),
        chunked(json, 1),
        6,
        1_000,
      ),
      // Twenty more, one byte every half second each.
      ...Array.from({ length: 20 }, () =>
        trickle(
          service.port,
          postHead("/v1/grad", { ...type, "Content-Length": `${json.length}` }),
          json,
          1,
          500,
        )),
    ];

    // Meanwhile, valid requests one after another, each checked against the library.
    const h = activations(64, 32, 7);
    const expectedGrad = Array.from(perLossAndGrad(h, [64, 32], { seed: 3 }).grad);
    const expectedScore = JSON.parse(JSON.stringify(score(h, [64, 32], { projections: 32 })));
    const latencies: number[] = [];
    const until = performance.now() + DEADLINE_MS - 200;
    for (let i = 0; performance.now() < until; i++) {
      const start = performance.now();
      const grad = i % 2 === 0;
      const res = await fetch(
        `${service.url}/v1/${grad ? "grad?seed=3&" : "score?projections=32&"}shape=64,32`,
        {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body: float32Bytes(h),
        },
      );
      const body = await res.json();
      latencies.push(performance.now() - start);
      assert.equal(res.status, 200, JSON.stringify(body));
      if (grad) assert.deepEqual(body.grad, expectedGrad, `request ${i}`);
      else assert.deepEqual(body, expectedScore, `request ${i}`);
      // A steady client, not a flood: the point is the latency beside the trickles.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    latencies.sort((a, b) => a - b);
    const slowest = latencies[latencies.length - 1];
    assert.ok(latencies.length >= 10, `only ${latencies.length} requests in ${DEADLINE_MS} ms`);
    assert.ok(slowest < 500, `the slowest of ${latencies.length} took ${slowest.toFixed(0)} ms`);

    for (const [i, t] of (await Promise.all(trickles)).entries()) {
      assert.equal(t.status, 408, `trickle ${i}: ${t.status} after ${t.ms} ms: ${t.body}`);
      assert.equal(JSON.parse(t.body).error, "request_timeout", `trickle ${i}`);
      assert.ok(t.sent < json.length, `trickle ${i} sent its whole body (${t.sent} bytes)`);
      // At the deadline, not long after it (timers and a busy machine allow some slack).
      assert.ok(
        t.ms >= DEADLINE_MS - 50 && t.ms < DEADLINE_MS + 1_500,
        `trickle ${i} answered after ${t.ms.toFixed(0)} ms`,
      );
    }
    console.log(
      `${trickles.length} trickling clients, 408 each at ${DEADLINE_MS} ms; ` +
        `${latencies.length} valid requests beside them, median ` +
        `${latencies[latencies.length >> 1].toFixed(1)} ms, slowest ${slowest.toFixed(1)} ms`,
    );
  } finally {
    await service.close();
  }
});
