/**
 * The thread pool: results bit-identical whatever the thread count, for Monte Carlo, the
 * exact mode, batches and chunked inputs; the pool really starts in this runtime.
 */

import assert from "node:assert/strict";
import {
  perLossAndGrad,
  perLossAndGradBatch,
  type PerOptions,
  setThreads,
  threads,
  threadsInUse,
} from "../mod.ts";
import { defaultThreadsForTests } from "./_threads.ts";
import { normals } from "./_numeric.ts";

function run(threadCount: number, fn: () => unknown): unknown {
  setThreads(threadCount);
  try {
    return fn();
  } finally {
    setThreads(defaultThreadsForTests);
  }
}

Deno.test("the pool starts here and uses the threads asked for", () => {
  run(3, () => {
    assert.equal(threads(), 3);
    assert.equal(threadsInUse(), 3, "Deno has shared memory and workers: 3 threads expected");
  });
  run(1, () => assert.equal(threadsInUse(), 1));
});

Deno.test("results are bit-identical with 1, 2, 3 and 4 threads", () => {
  const shapes: [number, number, PerOptions][] = [
    [1000, 37, { projections: 129, seed: 1 }],
    [64, 128, { projections: 256, seed: 2 }],
    [3001, 5, { projections: Infinity }],
    [517, 300, { projections: 61, seed: 3, reduction: "sum" }],
    [2048, 96, { projections: 300, seed: 4, sampler: "orthogonal" }],
  ];
  for (const [n, d, options] of shapes) {
    const h = normals(n * d, n + d);
    const results = [1, 2, 3, 4].map((count) =>
      run(count, () => perLossAndGrad(h, [n, d], options)) as ReturnType<typeof perLossAndGrad>
    );
    for (const [i, result] of results.entries()) {
      assert.equal(result.loss, results[0].loss, `(${n}, ${d}) loss with ${i + 1} threads`);
      assert.deepEqual(result.grad, results[0].grad, `(${n}, ${d}) grad with ${i + 1} threads`);
    }
  }
});

Deno.test("batched and chunked calls are bit-identical with 1 and 3 threads", () => {
  const layers = [
    { h: normals(700 * 64, 1), shape: [700, 64] },
    { h: normals(900 * 64, 2), shape: [900, 64] },
    { h: normals(300 * 10, 3), shape: [300, 10], options: { projections: Infinity } },
  ];
  const one = run(1, () => perLossAndGradBatch(layers, { seed: 5 })) as {
    loss: number;
    grad: Float32Array;
  }[];
  const three = run(3, () => perLossAndGradBatch(layers, { seed: 5 })) as typeof one;
  three.forEach((r, i) => {
    assert.equal(r.loss, one[i].loss, `layer ${i} loss`);
    assert.deepEqual(r.grad, one[i].grad, `layer ${i} grad`);
  });
  // 12 million floats: past the 128 MiB a call lays out at once, so it runs in chunks.
  const [n, d] = [120000, 100];
  const big = normals(n * d, 9);
  const a = run(1, () => perLossAndGrad(big, [n, d], { projections: 8, seed: 1 })) as {
    loss: number;
    grad: Float32Array;
  };
  const b = run(2, () => perLossAndGrad(big, [n, d], { projections: 8, seed: 1 })) as typeof a;
  assert.equal(b.loss, a.loss);
  assert.deepEqual(b.grad, a.grad);
});

Deno.test("a non-finite value is found the same way on the pool", () => {
  const h = normals(4000 * 40, 3);
  h[123457] = NaN;
  h[3999 * 40] = Infinity;
  for (const count of [1, 3]) {
    run(count, () =>
      assert.throws(
        () => perLossAndGrad(h, [4000, 40], { seed: 1 }),
        (error: Error) =>
          error instanceof RangeError && error.message === "activations[123457] is NaN",
        `${count} threads`,
      ));
  }
});

Deno.test("without shared memory everything runs on one thread, with the same results", async () => {
  const script = `
    const Memory = WebAssembly.Memory;
    // An edge runtime without shared memory: shared WebAssembly.Memory is refused.
    WebAssembly.Memory = function (descriptor) {
      if (descriptor.shared) throw new TypeError("shared memory is not available");
      return new Memory(descriptor);
    };
    const { perLossAndGrad, setThreads, threadsInUse } = await import(${
    JSON.stringify(new URL("../mod.ts", import.meta.url).href)
  });
    setThreads(4);
    const h = new Float32Array(3000 * 50).map((_, i) => Math.sin(i));
    const { loss, grad } = perLossAndGrad(h, [3000, 50], { seed: 3 });
    console.log(JSON.stringify({ threads: threadsInUse(), loss, sum: grad.reduce((a, b) => a + b) }));
  `;
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/no_shared.js`, script);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--no-lock", `${dir}/no_shared.js`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const result = JSON.parse(new TextDecoder().decode(stdout));
    assert.equal(result.threads, 1);
    const h = new Float32Array(3000 * 50).map((_, i) => Math.sin(i));
    const expected = run(3, () => perLossAndGrad(h, [3000, 50], { seed: 3 })) as {
      loss: number;
      grad: Float32Array;
    };
    assert.equal(result.loss, expected.loss);
    assert.equal(result.sum, expected.grad.reduce((a, b) => a + b));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
