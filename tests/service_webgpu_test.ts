/**
 * `backend=webgpu` through the service: the gradient and the score computed by the
 * process's WebGPU engine, the backend named in the answer.
 */

import assert from "node:assert/strict";
import { perLossAndGrad, score } from "../mod.ts";
import { adapter, gpuTest } from "./_webgpu.ts";
import { assertArrayClose, assertRelative, normals } from "./_numeric.ts";
import { startService } from "./_service.ts";

/** Runs `use` against a fresh server on a loopback port. */
async function withServer(use: (base: string) => Promise<void>): Promise<void> {
  const service = startService();
  try {
    await use(service.url);
  } finally {
    await service.close();
  }
}

const h = normals(200 * 16, 5);
const body = JSON.stringify({ shape: [200, 16], data: Array.from(h), seed: 2 });

gpuTest("backend=webgpu computes the gradient and the score on the GPU engine", async () => {
  await withServer(async (base) => {
    const grad = await fetch(`${base}/v1/grad?backend=webgpu`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(grad.status, 200, await grad.clone().text());
    assert.equal(grad.headers.get("x-per-backend"), "webgpu");
    const answer = await grad.json();
    assert.equal(answer.backend, "webgpu");
    const expected = perLossAndGrad(h, [200, 16], { seed: 2 });
    assertRelative(answer.loss, expected.loss, 1e-5, "loss");
    assertArrayClose(answer.grad, expected.grad, 1e-5, "gradient");

    const scored = await fetch(`${base}/v1/score?backend=webgpu`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(scored.status, 200);
    const result = await scored.json();
    assertRelative(result.sw1, score(h, [200, 16], { seed: 2 }).sw1, 1e-6, "sw1");
  });
});

Deno.test({
  name: "backend=webgpu without an adapter is a 400 that says why",
  ignore: adapter !== null,
  async fn() {
    await withServer(async (base) => {
      const res = await fetch(`${base}/v1/grad?backend=webgpu`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error, "backend_unavailable");
    });
  },
});
