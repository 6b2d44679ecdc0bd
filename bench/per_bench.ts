/**
 * Times PER loss + gradient at the shapes of the engine's contract, for each kernel build
 * on one thread and on every core, and the exact mode, and prints ms and GFLOP/s (4·B·d·s floating-point operations for
 * Monte Carlo; bytes per second for the exact mode, which is bound by memory).
 *
 * Run: `deno task bench` (no permission needed). Options: `--repeat N` (default 25).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { WasmBackend } from "../src/backends/wasm.ts";
import { directions } from "../src/directions.ts";
import { instantiateKernels, relaxedSimdSupported } from "../src/kernels/kernels.ts";
import { ThreadPool } from "../src/kernels/thread_pool.ts";
import { sampleShape } from "../src/layout.ts";
import { activations, SHAPES, time } from "./_common.ts";

const { values } = parseArgs({
  options: { repeat: { type: "string", default: "25" } },
});
const repeat = Number(values.repeat);

const rows: string[][] = [];
const variants = relaxedSimdSupported ? (["simd", "relaxed"] as const) : (["simd"] as const);
const cores = navigator.hardwareConcurrency;
const threadCounts = cores > 1 ? [1, cores] : [1];
for (const variant of variants) {
  for (const threads of threadCounts) {
    const kernels = await instantiateKernels(variant, threads > 1);
    const pool = threads > 1
      ? ThreadPool.create(kernels, kernels.module, threads, kernels.controlBlock)
      : undefined;
    if (threads > 1 && !pool) throw new Error("the thread pool did not start");
    const backend = new WasmBackend(kernels, "simd", () => pool);
    const build = `${variant} ×${threads}`;
    for (const [n, d, s] of SHAPES) {
      const data = activations(n * d);
      const view = sampleShape([n, d], n * d);
      const theta = directions(d, s, 1);
      const grad = new Float32Array(n * d);
      const request = {
        data,
        view,
        theta,
        thetaKey: `bench/${d}/${s}`,
        scale: 1 / (n * s),
        withGrad: true,
        grad,
      };
      const { median, min } = time(() => backend.run(request), repeat, 5, 300);
      const flops = 4 * n * d * s;
      rows.push([
        build,
        `(${n}, ${d}, ${s})`,
        median.toFixed(3),
        min.toFixed(3),
        (flops / median / 1e6).toFixed(1) + " GFLOP/s",
      ]);
    }
    for (const [n, d] of SHAPES.map(([n, d]) => [n, d])) {
      const data = activations(n * d);
      const view = sampleShape([n, d], n * d);
      const grad = new Float32Array(n * d);
      const request = {
        data,
        view,
        theta: undefined,
        thetaKey: "",
        scale: 1 / n,
        withGrad: true,
        grad,
      };
      const { median, min } = time(() => backend.run(request), repeat, 5, 300);
      // Read the batch, write the gradient: 8 bytes per value.
      rows.push([
        build,
        `exact (${n}, ${d})`,
        median.toFixed(3),
        min.toFixed(3),
        (8 * n * d / median / 1e6).toFixed(2) + " GB/s",
      ]);
    }
  }
}

const header = ["build × threads", "shape (B, d, s)", "median ms", "min ms", "throughput"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
console.log(`per loss + gradient, ${repeat} runs each, ${cores} cores (${navigator.userAgent})`);
console.log(line(header));
for (const row of rows) console.log(line(row));
