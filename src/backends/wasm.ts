/**
 * The WebAssembly backend: lays out memory for the kernels, streams the batch through
 * them in chunks of samples, and copies the gradient back into the caller's layout.
 *
 * Memory, from the kernels' heap base (64-byte aligned regions):
 *   Monte Carlo   Θᵀ packed (d × sPad) | Θ packed (s × dPad) | X (rowBlock × sPad) |
 *                 H chunk (rows × dPad) | gradient chunk (rows × dPad, float64)
 *   exact         interpolation table (float64) | H chunk | gradient chunk
 * where sPad and dPad round s and d up to multiples of 4 (the vector width) and the
 * padding holds zeros. Chunks hold at most CHUNK_BYTES of samples, so memory stays
 * bounded however large the batch; growth refreshes every view (KernelInstance getters).
 * The packed directions stay resident between calls with the same (seed, d, s, sampler).
 *
 * @module
 */

import { exactTable } from "../math/exact.ts";
import { align, type KernelInstance } from "../kernels/kernels.ts";
import { gatherRows, type SampleShape, scatterRows, sourceIndex } from "../layout.ts";
import { nonFiniteError } from "../finite.ts";

/** Which kernels to run: the SIMD ones, or their scalar twins (tests). */
export type KernelKind = "simd" | "scalar";

/** Bytes of samples (activations and gradient) per chunk. */
const CHUNK_BYTES = 32 << 20;

/** Bytes per sample unit in a chunk: float32 activations and a float64 gradient. */
const BYTES_PER_VALUE = 12;

/**
 * Rows of X per block: X (rows × sPad float32) should stay within 16 KiB, half of L1 on
 * the machines measured (bench/per_bench.ts); at least 4 rows, the micro-kernel height.
 */
export function rowBlockFor(sPad: number): number {
  return Math.max(4, Math.min(64, Math.floor(4096 / sPad / 4) * 4));
}

/** What one call computes. */
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

/** Bytes a batched call may lay out at once before it falls back to one call per layer. */
const BATCH_BYTES = 128 << 20;

/** Slots of a layer descriptor of per_batch_f32 (assembly/batch_f32.ts). */
const DESCRIPTOR_SLOTS = 16;

/** Runs PER calls on one kernel instance. Not reentrant: one call at a time. */
export class WasmBackend {
  readonly kernels: KernelInstance;
  readonly kind: KernelKind;
  #residentTheta = "";

  constructor(kernels: KernelInstance, kind: KernelKind = "simd") {
    this.kernels = kernels;
    this.kind = kind;
  }

  /** Loss (scaled) and, when asked, the gradient written into request.grad. */
  run(request: WasmRequest): number {
    return request.theta ? this.#monteCarlo(request) : this.#exact(request);
  }

  #monteCarlo(request: WasmRequest): number {
    const { view, theta } = request;
    const k = this.kernels;
    const x = this.kind === "simd" ? k.exports.per_f32_simd : k.exports.per_f32_scalar;
    const d = view.dim, n = view.samples, s = theta!.length / d;
    const dPad = align(d, 4), sPad = align(s, 4);
    const rowBlock = rowBlockFor(sPad);
    const chunkRows = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (BYTES_PER_VALUE * dPad))));

    const thetaT = k.heapBase;
    const thetaPacked = align(thetaT + 4 * d * sPad, 64);
    const scratch = align(thetaPacked + 4 * s * dPad, 64);
    const h = align(scratch + 4 * rowBlock * sPad, 64);
    const grad = align(h + 4 * chunkRows * dPad, 64);
    const end = grad + 8 * chunkRows * dPad;
    k.ensure(Math.max(end, h + 4 * s * dPad));

    const key = request.thetaKey && `${request.thetaKey}@${thetaT}`;
    if (k.owner !== this) this.#residentTheta = "";
    k.owner = this;
    if (!key || key !== this.#residentTheta) {
      // Stage Θ with zero-padded rows at h, then pack both orientations for gemm.
      this.#residentTheta = "";
      const f32 = k.f32;
      for (let r = 0; r < s; r++) {
        const row = h / 4 + r * dPad;
        f32.set(theta!.subarray(r * d, r * d + d), row);
        f32.fill(0, row + d, row + dPad);
      }
      k.exports.pack_panels_f32(h, dPad, d, sPad, s, 1, thetaT);
      k.exports.pack_panels_f32(h, dPad, s, dPad, d, 0, thetaPacked);
      this.#residentTheta = key;
    }

    let loss = 0;
    for (let first = 0; first < n; first += chunkRows) {
      const last = Math.min(n, first + chunkRows);
      this.#load(request, first, last, h, dPad);
      loss += x(
        h,
        dPad,
        thetaT,
        thetaPacked,
        grad,
        scratch,
        last - first,
        d,
        s,
        sPad,
        rowBlock,
        request.scale,
        request.withGrad ? 1 : 0,
      );
      if (request.withGrad) {
        scatterRows(k.f64, grad / 8, dPad, view, first, last, request.grad!);
      }
    }
    return loss * request.scale;
  }

  #exact(request: WasmRequest): number {
    const { view } = request;
    const k = this.kernels;
    const run = this.kind === "simd" ? k.exports.exact_f32_simd : k.exports.exact_f32_scalar;
    const d = view.dim, n = view.samples, dPad = align(d, 4);
    const table = exactTable(d);
    const coefficients = table.loss.length;
    const chunkRows = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (BYTES_PER_VALUE * dPad))));

    const tableAt = k.heapBase;
    const h = align(tableAt + 16 * coefficients, 64);
    const grad = align(h + 4 * chunkRows * dPad, 64);
    k.ensure(grad + 4 * chunkRows * dPad);
    this.#residentTheta = "";
    k.owner = this;
    const f64 = k.f64;
    f64.set(table.loss, tableAt / 8);
    f64.set(table.grad, tableAt / 8 + coefficients);

    let loss = 0;
    for (let first = 0; first < n; first += chunkRows) {
      const last = Math.min(n, first + chunkRows);
      this.#load(request, first, last, h, dPad);
      loss += run(
        h,
        dPad,
        grad,
        last - first,
        d,
        tableAt,
        table.pieces,
        table.degree,
        table.b,
        table.kappaLoss,
        table.kappaGrad,
        request.scale,
        request.withGrad ? 1 : 0,
      );
      if (request.withGrad) {
        scatterRows(k.f32, grad / 4, dPad, view, first, last, request.grad!);
      }
    }
    return loss * request.scale;
  }

  /** Copies samples [first, last) into padded rows at h and refuses non-finite values. */
  /**
   * Several layers in one call into WebAssembly: every layer laid out in memory at once,
   * directions shared between layers with the same key. Returns the scaled losses, or
   * undefined when the layers need more than BATCH_BYTES (the caller then runs them one
   * by one, chunked).
   */
  runBatch(requests: readonly WasmRequest[]): number[] | undefined {
    const k = this.kernels;
    let cursor = k.heapBase;
    const take = (bytes: number) => {
      const at = cursor;
      cursor = align(cursor + bytes, 64);
      return at;
    };
    const descriptors = take(8 * DESCRIPTOR_SLOTS * requests.length);
    const packs = new Map<string, { thetaT: number; theta: number; source: Float32Array }>();
    const tables = new Map<number, { at: number; table: ReturnType<typeof exactTable> }>();
    let scratchBytes = 0, stagingBytes = 0;
    const layers = requests.map((request, index) => {
      const d = request.view.dim, n = request.view.samples, dPad = align(d, 4);
      if (request.theta) {
        const s = request.theta.length / d, sPad = align(s, 4);
        const key = request.thetaKey || `layer ${index}`;
        if (!packs.has(key)) {
          packs.set(key, {
            thetaT: take(4 * d * sPad),
            theta: take(4 * s * dPad),
            source: request.theta,
          });
          stagingBytes = Math.max(stagingBytes, 4 * s * dPad);
        }
        const rowBlock = rowBlockFor(sPad);
        scratchBytes = Math.max(scratchBytes, 4 * rowBlock * sPad);
        return { request, d, n, dPad, s, sPad, rowBlock, pack: packs.get(key)!, table: undefined };
      }
      if (!tables.has(d)) {
        const table = exactTable(d);
        tables.set(d, { at: take(16 * table.loss.length), table });
      }
      return {
        request,
        d,
        n,
        dPad,
        s: 0,
        sPad: 0,
        rowBlock: 0,
        pack: undefined,
        table: tables.get(d)!,
      };
    });
    const placed = layers.map((layer) => ({
      ...layer,
      h: take(4 * layer.n * layer.dPad),
      grad: take((layer.pack ? 8 : 4) * layer.n * layer.dPad),
    }));
    const scratch = take(scratchBytes);
    const staging = take(stagingBytes);
    if (cursor - k.heapBase > BATCH_BYTES) return undefined;
    k.ensure(cursor);
    this.#residentTheta = "";
    k.owner = this;

    const f32 = k.f32, f64 = k.f64;
    for (const [, pack] of packs) {
      const d = placed.find((l) => l.pack === pack)!.d;
      const s = pack.source.length / d, dPad = align(d, 4), sPad = align(s, 4);
      for (let r = 0; r < s; r++) {
        f32.set(pack.source.subarray(r * d, r * d + d), staging / 4 + r * dPad);
        f32.fill(0, staging / 4 + r * dPad + d, staging / 4 + (r + 1) * dPad);
      }
      k.exports.pack_panels_f32(staging, dPad, d, sPad, s, 1, pack.thetaT);
      k.exports.pack_panels_f32(staging, dPad, s, dPad, d, 0, pack.theta);
    }
    for (const [, { at, table }] of tables) {
      f64.set(table.loss, at / 8);
      f64.set(table.grad, at / 8 + table.loss.length);
    }
    placed.forEach((layer, index) => {
      gatherRows(layer.request.data, layer.request.view, 0, layer.n, f32, layer.h / 4, layer.dPad);
      const slots = descriptors / 8 + index * DESCRIPTOR_SLOTS;
      const common = [
        layer.pack ? 0 : 1,
        layer.h,
        layer.dPad,
        layer.grad,
        layer.n,
        layer.d,
        layer.request.withGrad ? 1 : 0,
        layer.request.scale,
        0,
      ];
      const specific = layer.pack
        ? [layer.pack.thetaT, layer.pack.theta, scratch, layer.s, layer.sPad, layer.rowBlock]
        : [
          layer.table!.at,
          layer.table!.table.pieces,
          layer.table!.table.degree,
          layer.table!.table.b,
          layer.table!.table.kappaLoss,
          layer.table!.table.kappaGrad,
        ];
      f64.set([...common, ...specific, -1], slots);
    });

    const bad = k.exports.per_batch_f32(
      descriptors,
      requests.length,
      this.kind === "simd" ? 1 : 0,
    );
    if (bad >= 0) {
      const layer = placed[bad];
      const position = k.f64[descriptors / 8 + bad * DESCRIPTOR_SLOTS + 15];
      const index = sourceIndex(
        layer.request.view,
        Math.floor(position / layer.dPad),
        position % layer.dPad,
      );
      throw new RangeError(
        `layer ${bad}: ${nonFiniteError(index, layer.request.data[index]).message}`,
      );
    }
    return placed.map((layer, index) => {
      const loss = k.f64[descriptors / 8 + index * DESCRIPTOR_SLOTS + 8];
      if (layer.request.withGrad) {
        const source = layer.pack ? k.f64 : k.f32;
        const offset = layer.pack ? layer.grad / 8 : layer.grad / 4;
        scatterRows(
          source,
          offset,
          layer.dPad,
          layer.request.view,
          0,
          layer.n,
          layer.request.grad!,
        );
      }
      return loss * layer.request.scale;
    });
  }

  #load(request: WasmRequest, first: number, last: number, h: number, dPad: number): void {
    const k = this.kernels;
    gatherRows(request.data, request.view, first, last, k.f32, h / 4, dPad);
    const scan = this.kind === "simd"
      ? k.exports.first_non_finite_f32_simd
      : k.exports.first_non_finite_f32_scalar;
    const bad = scan(h, (last - first) * dPad);
    if (bad >= 0) {
      const sample = first + Math.floor(bad / dPad);
      const index = sourceIndex(request.view, sample, bad % dPad);
      throw nonFiniteError(index, request.data[index]);
    }
  }
}
