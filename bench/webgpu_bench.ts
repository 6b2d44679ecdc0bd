/**
 * The WebGPU backend kernel by kernel, beside the WebAssembly backend, at the issue's
 * shapes (B, d, s): the adapter first, then per shape the time of each kernel (scan,
 * projection, erf/loss, back-projection), of the readback (copy of the gradient into a
 * mappable buffer and its map), of one whole engine call, and of the wasm call.
 *
 * A kernel is timed alone, `--repeat` dispatches in as many compute passes after two
 * warm-up ones, by the GPU timestamps at the start and end of each pass where the adapter
 * has "timestamp-query" (lavapipe has), else by the wall clock; the figure is the median.
 * The readback and the calls are wall-clock medians. `--tiles` times candidate gemm tile
 * shapes instead (gemm_wgsl.ts DEFAULT_TILES was chosen from that table). The "round trip"
 * line is one tiny call through the engine: the fixed cost of a GPU call, which the `auto`
 * threshold (src/engine.ts AUTO_WEBGPU_MIN_WORK) weighs.
 *
 * Run: `deno task bench:webgpu` (no permission needed). Options: `--repeat N` (default
 * 10), `--tiles`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createEngine, perLossAndGrad, setThreads, threadsInUse } from "../mod.ts";
import { describeAdapter, requestPerAdapter } from "../src/backends/webgpu/device.ts";
import { USAGE } from "../src/backends/webgpu/buffers.ts";
import { DEFAULT_TILES, gemmSource, type GemmTiles } from "../src/backends/webgpu/gemm_wgsl.ts";
import { LOSS_ELEMENTS_PER_GROUP, LOSS_THREADS } from "../src/backends/webgpu/loss_wgsl.ts";
import { encodeParams, grid2d, PARAMS_WGSL } from "../src/backends/webgpu/params_wgsl.ts";
import {
  bindBuffers,
  createPipelines,
  type PerPipelines,
} from "../src/backends/webgpu/pipelines.ts";
import { directions } from "../src/directions.ts";

const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "10" },
    tiles: { type: "boolean", default: false },
  },
});
const repeat = Number(values.repeat);

const SHAPES: [number, number, number][] = [
  [64, 128, 256],
  [256, 512, 256],
  [1024, 1024, 256],
  [8192, 64, 256],
];

const CANDIDATE_TILES: GemmTiles[] = [
  { tileM: 64, tileN: 64, tileK: 16, microM: 4, microN: 4 },
  { tileM: 32, tileN: 32, tileK: 16, microM: 2, microN: 2 },
  { tileM: 64, tileN: 64, tileK: 8, microM: 4, microN: 4 },
  { tileM: 128, tileN: 64, tileK: 16, microM: 8, microN: 4 },
  { tileM: 64, tileN: 64, tileK: 16, microM: 8, microN: 8 },
  { tileM: 64, tileN: 64, tileK: 32, microM: 8, microN: 8 },
  { tileM: 128, tileN: 128, tileK: 16, microM: 8, microN: 8 },
  { tileM: 32, tileN: 64, tileK: 32, microM: 4, microN: 8 },
];

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function randomActivations(n: number): Float32Array {
  const h = new Float32Array(n);
  let state = 1;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    h[i] = state / 2 ** 31 - 1;
  }
  return h;
}

/** Whether kernel times come from GPU timestamps (else from the wall clock). */
let timestamps = false;

/**
 * Milliseconds of one dispatch encoded by `dispatch`: the median over `repeat` compute
 * passes of the GPU timestamps at the start and end of each pass where the adapter has
 * "timestamp-query"; else the wall-clock time of `repeat` submissions and the wait for
 * the queue, divided by `repeat` (which then includes Deno's completion polling).
 */
async function timeKernel(
  device: GPUDevice,
  dispatch: (pass: GPUComputePassEncoder) => void,
): Promise<number> {
  const run = async (count: number): Promise<number> => {
    const querySet = timestamps
      ? device.createQuerySet({ type: "timestamp", count: 2 * count })
      : undefined;
    const start = performance.now();
    const encoder = device.createCommandEncoder();
    for (let i = 0; i < count; i++) {
      const pass = encoder.beginComputePass(
        querySet
          ? {
            timestampWrites: {
              querySet,
              beginningOfPassWriteIndex: 2 * i,
              endOfPassWriteIndex: 2 * i + 1,
            },
          }
          : {},
      );
      dispatch(pass);
      pass.end();
    }
    if (!querySet) {
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - start) / count;
    }
    const resolved = device.createBuffer({
      size: 16 * count,
      usage: USAGE.QUERY_RESOLVE | USAGE.COPY_SRC,
    });
    const read = device.createBuffer({ size: 16 * count, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    encoder.resolveQuerySet(querySet, 0, 2 * count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, read, 0, 16 * count);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(1);
    const ticks = new BigInt64Array(read.getMappedRange().slice(0));
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(Number(ticks[2 * i + 1] - ticks[2 * i]) / 1e6);
    for (const b of [resolved, read]) b.destroy();
    querySet.destroy();
    return median(times);
  };
  await run(2);
  return await run(repeat);
}

/** Milliseconds of `run`, median of `repeat` after three warm-up calls. */
async function timeCall(run: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Buffers and bind groups of one shape, and an encoder step per kernel. */
function kernelsAt(device: GPUDevice, p: PerPipelines, n: number, d: number, s: number) {
  const make = (bytes: number, usage: number) =>
    device.createBuffer({ size: Math.max(256, bytes), usage: usage | USAGE.COPY_DST });
  const params = make(48, USAGE.UNIFORM);
  const h = make(4 * n * d, USAGE.STORAGE);
  const theta = make(4 * s * d, USAGE.STORAGE);
  const x = make(4 * n * s, USAGE.STORAGE);
  const terms = Math.ceil(n * s / LOSS_ELEMENTS_PER_GROUP);
  const partials = make(4 * terms, USAGE.STORAGE | USAGE.COPY_SRC);
  const grad = make(4 * n * d, USAGE.STORAGE | USAGE.COPY_SRC);
  const status = make(16, USAGE.STORAGE);
  const staging = make(4 * n * d + 4 * terms, USAGE.MAP_READ);
  device.queue.writeBuffer(
    params,
    0,
    encodeParams({ rows: n, dim: d, dirs: s, withGrad: true, gradScale: 1 / (n * s) }),
  );
  device.queue.writeBuffer(h, 0, randomActivations(n * d) as Float32Array<ArrayBuffer>);
  device.queue.writeBuffer(theta, 0, directions(d, s, 1) as Float32Array<ArrayBuffer>);
  const limit = device.limits.maxComputeWorkgroupsPerDimension;
  const pass = (
    pipeline: GPUComputePipeline,
    buffers: GPUBuffer[],
    grid: [number, number],
  ) => {
    const group = bindBuffers(device, pipeline, buffers);
    return (compute: GPUComputePassEncoder) => {
      compute.setPipeline(pipeline);
      compute.setBindGroup(0, group);
      compute.dispatchWorkgroups(grid[0], grid[1]);
    };
  };
  const t = p.tiles;
  return {
    check: pass(p.check, [params, h, status], grid2d(Math.ceil(n * d / LOSS_THREADS), limit)),
    project: pass(p.project, [params, h, theta, x], [
      Math.ceil(s / t.tileN),
      Math.ceil(n / t.tileM),
    ]),
    loss: pass(p.loss, [params, x, partials], grid2d(terms, limit)),
    backProject: pass(p.backProject, [params, x, theta, grad], [
      Math.ceil(d / t.tileN),
      Math.ceil(n / t.tileM),
    ]),
    readback: async () => {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(partials, 0, staging, 0, 4 * terms);
      encoder.copyBufferToBuffer(grad, 0, staging, 4 * terms, 4 * n * d);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(1);
      staging.unmap();
    },
    destroy: () =>
      [params, h, theta, x, partials, grad, status, staging].forEach((b) => b.destroy()),
  };
}

const adapter = await requestPerAdapter();
if (!adapter) {
  console.log("no WebGPU adapter: navigator.gpu.requestAdapter() returned null");
  Deno.exit(0);
}
const info = describeAdapter(adapter);
console.log(
  `adapter: vendor ${JSON.stringify(info.vendor)}, architecture ${
    JSON.stringify(info.architecture)
  }, description ${JSON.stringify(info.description)}, isFallbackAdapter ${info.isFallbackAdapter}`,
);
// The kernels are timed on a device of their own that can write timestamps.
timestamps = adapter.features.has("timestamp-query");
const device = await adapter.requestDevice({
  requiredFeatures: timestamps ? ["timestamp-query"] : [],
  requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
});
const perPipelines = await createPipelines(device);
const engine = await createEngine({ backend: "webgpu" });
console.log(
  `${navigator.hardwareConcurrency} cores; wasm on ${threadsInUse()} threads; ` +
    `kernels: median of ${repeat} dispatches, ${
      timestamps ? "GPU timestamps" : "wall clock"
    }; calls: median of ${repeat} (ms)`,
);

const tiny = new Float32Array([0.5]);
const roundTrip = await timeCall(() => engine.perLossAndGrad(tiny, [1, 1], { projections: 1 }));
console.log(`round trip (one 1×1×1 call through the engine): ${roundTrip.toFixed(3)} ms`);

function print(head: string[], body: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(head));
  for (const row of body) console.log(line(row));
}

if (values.tiles) {
  console.log("\ngemm tiles: projection + back-projection (ms)");
  const tileRows: string[][] = [];
  for (const tiles of CANDIDATE_TILES) {
    const pipelines: PerPipelines = { ...perPipelines, tiles };
    for (const kind of ["project", "backProject"] as const) {
      const module = device.createShaderModule({ code: gemmSource(kind, tiles, PARAMS_WGSL) });
      pipelines[kind] = await device.createComputePipelineAsync({
        layout: "auto",
        compute: { module, entryPoint: "main" },
      });
    }
    const inUse = JSON.stringify(tiles) === JSON.stringify(DEFAULT_TILES) ? " (in use)" : "";
    const row = [
      `${tiles.tileM}×${tiles.tileN}×${tiles.tileK} (${tiles.microM}×${tiles.microN})${inUse}`,
    ];
    for (const [n, d, s] of SHAPES) {
      const k = kernelsAt(device, pipelines, n, d, s);
      row.push(
        ((await timeKernel(device, k.project)) + (await timeKernel(device, k.backProject)))
          .toFixed(3),
      );
      k.destroy();
    }
    tileRows.push(row);
  }
  print(
    ["tiles M×N×K (per thread)", ...SHAPES.map(([n, d, s]) => `(${n}, ${d}, ${s})`)],
    tileRows,
  );
} else {
  const header = [
    "shape (B, d, s)",
    "scan",
    "project",
    "erf/loss",
    "back-proj",
    "readback",
    "webgpu call",
    "GFLOP/s",
    "wasm call",
    "GFLOP/s",
  ];
  const rows: string[][] = [];
  for (const [n, d, s] of SHAPES) {
    const k = kernelsAt(device, perPipelines, n, d, s);
    const times = [
      await timeKernel(device, k.check),
      await timeKernel(device, k.project),
      await timeKernel(device, k.loss),
      await timeKernel(device, k.backProject),
      await timeCall(k.readback),
    ];
    k.destroy();
    const h = randomActivations(n * d);
    const options = { projections: s, seed: 1 };
    const call = await timeCall(() => engine.perLossAndGrad(h, [n, d], options));
    const wasm = await timeCall(() => perLossAndGrad(h, [n, d], options));
    const flops = 4 * n * d * s;
    rows.push([
      `(${n}, ${d}, ${s})`,
      ...times.map((t) => t.toFixed(3)),
      call.toFixed(3),
      (flops / call / 1e6).toFixed(1),
      wasm.toFixed(3),
      (flops / wasm / 1e6).toFixed(1),
    ]);
  }
  print(header, rows);
}
// Stops the worker pool, whose threads would keep the process alive.
setThreads(1);
engine.destroy();
device.destroy();
