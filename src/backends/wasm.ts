/**
 * The WebAssembly backend: lays out memory for the kernels, splits the work into tasks of
 * consecutive samples (assembly/tasks_f32.ts), runs them on the calling thread or on the
 * thread pool, and copies the gradient back into the caller's layout.
 *
 * Determinism: a task is a fixed block of rows (rowBlockFor(s) rows for Monte Carlo,
 * EXACT_ROWS_PER_TASK for the exact mode), each task writes its own loss, and a layer's
 * loss is the sum of its tasks in order. Which thread ran which task changes nothing, so
 * results are bit-identical whatever the thread count.
 *
 * Memory, from the kernels' heap base (64-byte aligned regions):
 *   packed directions per distinct key: Θᵀ (d × sPad) and Θ (s × dPad) | exact tables
 *   (float64) per distinct d | descriptors | task table | task losses | task errors |
 *   scratch X per thread (rows × sPad) | per layer: H rows (× dPad) and gradient rows
 *   (float64 for Monte Carlo, float32 for exact) | staging for packing directions
 * where sPad and dPad round s and d up to multiples of 4 (the vector width) and padding
 * holds zeros. All layers are laid out at once (one call into WebAssembly) while they fit
 * in BATCH_BYTES; beyond, each layer streams through in chunks of CHUNK_BYTES, so memory
 * stays bounded however large the batch. Packed directions stay resident between calls
 * with the same keys.
 *
 * @module
 */

import { type ExactTable, exactTable } from "../math/exact.ts";
import { align, type KernelInstance } from "../kernels/kernels.ts";
import { MemoryPlan, stagePaddedRows } from "../kernels/memory_plan.ts";
import type { ThreadPool } from "../kernels/thread_pool.ts";
import { gatherRows, type SampleShape, scatterRows, sourceIndex } from "../layout.ts";
import { nonFiniteError } from "../finite.ts";

/** Which kernels to run: the SIMD ones, or their scalar twins (tests). */
export type KernelKind = "simd" | "scalar";

/** Bytes of samples (activations and gradient) per chunk of a layer too large to batch. */
const CHUNK_BYTES = 32 << 20;

/** Bytes all layers of one call may take before they are run one chunk at a time. */
const BATCH_BYTES = 128 << 20;

/** Slots of a layer descriptor (assembly/tasks_f32.ts). */
const DESCRIPTOR_SLOTS = 16;

/** Samples per exact-mode task: large enough that a task costs more than taking it. */
const EXACT_ROWS_PER_TASK = 64;

/**
 * Work below which the calling thread runs alone. Waking the pool and waiting for every
 * worker to check out costs 20–50 µs, and more when the other core is busy; with 2^22
 * flops, (64, 128, 256) ran slower on two threads than on one in bench:peers, so calls
 * start to share at 2^24 flops (about 0.35 ms on one thread).
 */
const POOL_MIN_FLOPS = 1 << 24;
const POOL_MIN_EXACT_VALUES = 1 << 18;

/**
 * Rows of X per block: X (rows × sPad float32) should stay within 16 KiB, half of L1 on
 * the machines measured (bench/per_bench.ts); at least 4 rows, the micro-kernel height.
 */
export function rowBlockFor(sPad: number): number {
  return Math.max(4, Math.min(64, Math.floor(4096 / sPad / 4) * 4));
}

/** What one layer computes. */
export interface WasmRequest {
  /** The caller's activations and how they map to samples. */
  data: Float32Array | Float64Array;
  view: SampleShape;
  /** Directions (s×d float32, unit rows) for Monte Carlo; undefined for exact mode. */
  theta: Float32Array | undefined;
  /** Identifies generated directions, so packed copies can be reused; "" for none. */
  thetaKey: string;
  /** Multiplies the summed loss and the gradient: c or c′ of MATH.md. */
  scale: number;
  /** Whether to compute the gradient. */
  withGrad: boolean;
  /** Where to write the gradient (n·d floats, the caller's layout). */
  grad?: Float32Array;
}

/** A range of samples of one request, laid out and run together with others. */
interface Part {
  request: WasmRequest;
  layer: number;
  first: number;
  last: number;
}

/** Runs PER calls on one kernel instance. Not reentrant: one call at a time. */
export class WasmBackend {
  readonly kernels: KernelInstance;
  readonly kind: KernelKind;
  readonly #pool: () => ThreadPool | undefined;
  #residentPacks = "";

  /**
   * @param kernels the kernel instance
   * @param kind SIMD kernels or their scalar twins
   * @param pool returns the thread pool to use for large calls, if any (may create it)
   */
  constructor(
    kernels: KernelInstance,
    kind: KernelKind = "simd",
    pool: () => ThreadPool | undefined = () => undefined,
  ) {
    this.kernels = kernels;
    this.kind = kind;
    this.#pool = pool;
  }

  /** Loss (scaled) of one layer; the gradient goes into request.grad. */
  run(request: WasmRequest): number {
    return this.runLayers([request], false)[0];
  }

  /**
   * Losses of several layers: in one call into WebAssembly while they fit in
   * BATCH_BYTES, one chunk at a time beyond. Error messages name the layer.
   */
  runBatch(requests: readonly WasmRequest[]): number[] {
    return this.runLayers(requests, true);
  }

  runLayers(requests: readonly WasmRequest[], labelLayers: boolean): number[] {
    const losses = requests.map(() => 0);
    const whole = requests.map((request, layer) => ({
      request,
      layer,
      first: 0,
      last: request.view.samples,
    }));
    const total = whole.reduce((sum, part) => sum + partBytes(part), 0);
    if (total <= BATCH_BYTES) {
      this.#runParts(whole, losses, labelLayers);
    } else {
      for (const part of whole) {
        const dPad = align(part.request.view.dim, 4);
        const rowsPerTask = rowsPerTaskOf(part.request);
        // Chunks are whole tasks, so the task decomposition matches the unchunked one.
        const rows = Math.max(
          rowsPerTask,
          Math.floor(CHUNK_BYTES / (12 * dPad) / rowsPerTask) * rowsPerTask,
        );
        for (let first = 0; first < part.last; first += rows) {
          const chunk = { ...part, first, last: Math.min(part.last, first + rows) };
          this.#runParts([chunk], losses, labelLayers);
        }
      }
    }
    return losses.map((loss, i) => loss * requests[i].scale);
  }

  /** Lays out, runs and collects one group of parts; adds their losses into `losses`. */
  #runParts(parts: readonly Part[], losses: number[], labelLayers: boolean): void {
    const k = this.kernels;
    const pool = parts.some((part) => partTasks(part) > 1) ? this.#poolFor(parts) : undefined;
    const threads = pool?.threads ?? 1;
    const plan = new MemoryPlan(k.heapBase);
    const take = (bytes: number) => plan.take(bytes);

    // Directions first, so their place depends only on the keys and shapes.
    const packs = new Map<string, { thetaT: number; theta: number; request: WasmRequest }>();
    parts.forEach((part, index) => {
      const { theta, view, thetaKey } = part.request;
      if (!theta) return;
      const key = thetaKey ? `${thetaKey}/${view.dim}` : `#${index}`;
      if (packs.has(key)) return;
      const s = theta.length / view.dim;
      packs.set(key, {
        thetaT: take(4 * view.dim * align(s, 4)),
        theta: take(4 * s * align(view.dim, 4)),
        request: part.request,
      });
    });
    const signature = [...packs.keys()].join("|") + `@${plan.end}`;
    const tables = new Map<number, { at: number; table: ExactTable }>();
    for (const part of parts) {
      const d = part.request.view.dim;
      if (part.request.theta || tables.has(d)) continue;
      const table = exactTable(d);
      tables.set(d, { at: take(16 * table.loss.length), table });
    }
    const taskCounts = parts.map(partTasks);
    const taskTotal = taskCounts.reduce((a, b) => a + b, 0);
    const descriptors = take(8 * DESCRIPTOR_SLOTS * parts.length);
    const tasks = take(8 * taskTotal);
    const taskLoss = take(8 * taskTotal);
    const taskBad = take(4 * taskTotal);
    const scratchStride = align(
      Math.max(
        64,
        ...parts.map((p) => {
          const theta = p.request.theta;
          if (!theta) return 0;
          const sPad = align(theta.length / p.request.view.dim, 4);
          return 4 * rowBlockFor(sPad) * sPad;
        }),
      ),
      64,
    );
    const scratch = take(threads * scratchStride);
    const placed = parts.map((part) => {
      const rows = part.last - part.first, dPad = align(part.request.view.dim, 4);
      return {
        part,
        dPad,
        h: take(4 * rows * dPad),
        grad: take((part.request.theta ? 8 : 4) * rows * dPad),
      };
    });
    const staging = plan.end;
    const stagingBytes = Math.max(
      0,
      ...[...packs.values()].map(({ request }) =>
        4 * request.theta!.length / request.view.dim * align(request.view.dim, 4)
      ),
    );
    k.ensure(staging + stagingBytes);

    // Pack directions unless the same ones are still resident from the last call.
    if (k.owner !== this || signature !== this.#residentPacks) {
      this.#residentPacks = "";
      for (const { thetaT, theta, request } of packs.values()) {
        this.#pack(request.theta!, request.view.dim, staging, thetaT, theta);
      }
      this.#residentPacks = [...packs.values()].every(({ request }) => request.thetaKey)
        ? signature
        : "";
    }
    k.owner = this;
    const f64 = k.f64;
    for (const { at, table } of tables.values()) {
      f64.set(table.loss, at / 8);
      f64.set(table.grad, at / 8 + table.loss.length);
    }

    // Rows, descriptors and the task table.
    const f32 = k.f32;
    const taskWords = new Int32Array(k.memory.buffer, tasks, 2 * taskTotal);
    let task = 0;
    placed.forEach(({ part, dPad, h, grad }, index) => {
      const { request } = part;
      gatherRows(request.data, request.view, part.first, part.last, f32, h / 4, dPad);
      const slots = [
        request.theta ? 0 : 1,
        h,
        dPad,
        grad,
        part.last - part.first,
        request.view.dim,
        request.withGrad ? 1 : 0,
        request.scale,
        rowsPerTaskOf(request),
      ];
      if (request.theta) {
        const key = request.thetaKey ? `${request.thetaKey}/${request.view.dim}` : `#${index}`;
        const pack = packs.get(key)!;
        const s = request.theta.length / request.view.dim;
        slots.push(pack.thetaT, pack.theta, s, align(s, 4), 0, 0, 0);
      } else {
        const { at, table } = tables.get(request.view.dim)!;
        slots.push(at, table.pieces, table.degree, table.b, table.kappaLoss, table.kappaGrad, 0);
      }
      f64.set(slots, descriptors / 8 + index * DESCRIPTOR_SLOTS);
      for (let t = 0; t < taskCounts[index]; t++, task++) {
        taskWords[2 * task] = index;
        taskWords[2 * task + 1] = t;
      }
    });

    const simd = this.kind === "simd";
    if (pool) {
      pool.run({
        descriptors,
        tasks,
        total: taskTotal,
        taskLoss,
        taskBad,
        simd,
        scratch,
        scratchStride,
      });
    } else {
      k.exports.per_tasks_f32(
        descriptors,
        tasks,
        0,
        taskTotal,
        scratch,
        taskLoss,
        taskBad,
        simd ? 1 : 0,
      );
    }

    // Errors first (the first bad task in order), then losses and gradients.
    const bad = new Int32Array(k.memory.buffer, taskBad, taskTotal);
    const lossOf = new Float64Array(k.memory.buffer, taskLoss, taskTotal);
    task = 0;
    placed.forEach(({ part, dPad }, index) => {
      const rowsPerTask = rowsPerTaskOf(part.request);
      for (let t = 0; t < taskCounts[index]; t++, task++) {
        if (bad[task] < 0) continue;
        const sample = part.first + t * rowsPerTask + Math.floor(bad[task] / dPad);
        const at = sourceIndex(part.request.view, sample, bad[task] % dPad);
        const error = nonFiniteError(at, part.request.data[at]);
        throw labelLayers ? new RangeError(`layer ${part.layer}: ${error.message}`) : error;
      }
    });
    task = 0;
    placed.forEach(({ part, dPad, grad }, index) => {
      let sum = 0;
      for (let t = 0; t < taskCounts[index]; t++, task++) sum += lossOf[task];
      losses[part.layer] += sum;
      const { request } = part;
      if (!request.withGrad) return;
      const source = request.theta ? k.f64 : k.f32;
      const offset = request.theta ? grad / 8 : grad / 4;
      scatterRows(source, offset, dPad, request.view, part.first, part.last, request.grad!);
    });
  }

  /** Stages Θ with zero-padded rows, then packs both orientations for gemm. */
  #pack(theta: Float32Array, d: number, staging: number, thetaT: number, packed: number): void {
    const k = this.kernels;
    const s = theta.length / d, dPad = align(d, 4);
    stagePaddedRows(theta, d, dPad, k.f32, staging / 4);
    k.exports.pack_panels_f32(staging, dPad, d, align(s, 4), s, 1, thetaT);
    k.exports.pack_panels_f32(staging, dPad, s, dPad, d, 0, packed);
  }

  /** The pool, when the work is large enough to pay for waking it. */
  #poolFor(parts: readonly Part[]): ThreadPool | undefined {
    const flops = parts.reduce((sum, part) => sum + partWork(part), 0);
    const exactValues = parts.reduce(
      (sum, p) => sum + (p.request.theta ? 0 : (p.last - p.first) * p.request.view.dim),
      0,
    );
    if (flops < POOL_MIN_FLOPS && exactValues < POOL_MIN_EXACT_VALUES) return undefined;
    return this.#pool();
  }
}

function rowsPerTaskOf(request: WasmRequest): number {
  if (!request.theta) return EXACT_ROWS_PER_TASK;
  return rowBlockFor(align(request.theta.length / request.view.dim, 4));
}

function partTasks(part: Part): number {
  return Math.ceil((part.last - part.first) / rowsPerTaskOf(part.request));
}

/** Floating-point operations of a Monte Carlo part (4·n·d·s); 0 for exact mode. */
function partWork(part: Part): number {
  const { theta } = part.request;
  return theta ? 4 * (part.last - part.first) * theta.length : 0;
}

/** Bytes a part's rows and gradient take in memory. */
function partBytes(part: Part): number {
  return (part.last - part.first) * align(part.request.view.dim, 4) * 12;
}
