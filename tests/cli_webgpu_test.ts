/**
 * `--backend webgpu` through the command: the gradient computed on the GPU matches the
 * WebAssembly kernels and the output names the backend; without an adapter, one line and
 * exit 2.
 */

import assert from "node:assert/strict";
import { perLossAndGrad } from "../mod.ts";
import { readNpy, writeNpy } from "../src/io/npy.ts";
import { adapter, gpuTest } from "./_webgpu.ts";
import { assertArrayClose, assertRelative, normals } from "./_numeric.ts";
import { runCli, withFiles } from "./_cli.ts";

const h = normals(300 * 24, 12);

gpuTest("per grad --backend webgpu computes on the GPU and says so", async () => {
  const dir = await withFiles({ "h.npy": writeNpy(h, [300, 24]) });
  try {
    const run = await runCli(
      ["grad", "h.npy", "--out", "g.npy", "--backend", "webgpu", "--seed", "4", "--json"],
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    const record = JSON.parse(run.stdout);
    assert.equal(record.backend, "webgpu");
    const expected = perLossAndGrad(h, [300, 24], { seed: 4 });
    assertRelative(record.loss, expected.loss, 1e-5, "loss");
    const grad = readNpy(await Deno.readFile(`${dir}/g.npy`), "g.npy");
    assertArrayClose(grad.data, expected.grad, 1e-5, "gradient");
    const scored = await runCli(["score", "h.npy", "--backend", "webgpu", "--json"], dir);
    assert.equal(scored.code, 0, scored.stderr);
    assert.equal(JSON.parse(scored.stdout).samples, 300);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "per --backend webgpu without an adapter is one line and exit 2",
  ignore: adapter !== null,
  async fn() {
    const dir = await withFiles({ "h.npy": writeNpy(h, [300, 24]) });
    try {
      const run = await runCli(["grad", "h.npy", "--out", "g.npy", "--backend", "webgpu"], dir);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^per: --backend webgpu: .*\n$/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
