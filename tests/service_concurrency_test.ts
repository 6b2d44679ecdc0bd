/**
 * 200 concurrent requests to a real server on a loopback port, each with its own data, in
 * every format and to both endpoints, with bad requests among them: every answer must be the
 * one for its own request.
 */

import assert from "node:assert/strict";
import { perLossAndGrad, score } from "../mod.ts";
import { readNpy } from "../src/io/mod.ts";
import { activations, float32Bytes, npyBytes, startService } from "./_service.ts";

const REQUESTS = 200;

Deno.test("200 concurrent requests are each answered correctly", async () => {
  const service = startService();
  try {
    const jobs = Array.from({ length: REQUESTS }, (_, i) => {
      const n = 16 + (i % 7) * 8, d = 4 + (i % 5) * 4;
      const h = activations(n, d, i + 1);
      const kind = i % 6;
      const url = `${service.url}/v1/${kind < 3 ? "score" : "grad"}?projections=32&seed=${i}`;
      if (kind === 0) {
        return {
          url,
          init: { body: JSON.stringify({ shape: [n, d], data: Array.from(h) }), type: "json" },
          expect: () => score(h, [n, d], { projections: 32, seed: i }),
        };
      }
      if (kind === 1) {
        return {
          url,
          init: { body: npyBytes(h, [n, d]), type: "x-npy" },
          expect: () => score(h, [n, d], { projections: 32, seed: i }),
        };
      }
      if (kind === 2) {
        return {
          url: `${url}&shape=${n},${d}`,
          init: { body: float32Bytes(h), type: "octet-stream" },
          expect: () => score(h, [n, d], { projections: 32, seed: i }),
        };
      }
      if (kind === 5) {
        // A bad request among the good ones: a NaN at a known index.
        const bad = h.slice();
        bad[i % bad.length] = NaN;
        return {
          url,
          init: { body: npyBytes(bad, [n, d]), type: "x-npy" },
          expect: () => ({ status: 422, detail: `activations[${i % bad.length}] is NaN` }),
        };
      }
      return {
        url,
        init: { body: npyBytes(h, [n, d]), type: "x-npy", accept: kind === 4 ? "npy" : "json" },
        expect: () => perLossAndGrad(h, [n, d], { projections: 32, seed: i }),
      };
    });

    const answers = await Promise.all(jobs.map(async ({ url, init }) => {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": `application/${init.type}`,
          accept: init.accept === "npy" ? "application/x-npy" : "application/json",
        },
        body: init.body,
      });
      return { status: res.status, loss: res.headers.get("x-per-loss"), bytes: await res.bytes() };
    }));

    answers.forEach((answer, i) => {
      const expected = jobs[i].expect() as unknown as Record<string, unknown>;
      const why = `request ${i}`;
      if (expected.status === 422) {
        assert.equal(answer.status, 422, why);
        const body = JSON.parse(new TextDecoder().decode(answer.bytes));
        assert.equal(body.detail, expected.detail, why);
      } else if (jobs[i].init.accept === "npy") {
        assert.equal(answer.status, 200, why);
        const grad = readNpy(answer.bytes, "grad.npy").data;
        assert.deepEqual(Array.from(grad), Array.from(expected.grad as Float32Array), why);
        assert.equal(Number(answer.loss), expected.loss, why);
      } else {
        assert.equal(answer.status, 200, why);
        const body = JSON.parse(new TextDecoder().decode(answer.bytes));
        if ("grad" in expected) {
          assert.equal(body.loss, expected.loss, why);
          assert.deepEqual(body.grad, Array.from(expected.grad as Float32Array), why);
        } else {
          assert.deepEqual(body, JSON.parse(JSON.stringify(expected)), why);
        }
      }
    });
    assert.equal(service.logs.length, REQUESTS);
  } finally {
    await service.close();
  }
});
