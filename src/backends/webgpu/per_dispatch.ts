/**
 * The WebGPU backend of a PER call: uploads a chunk of samples, runs the kernels in one
 * submission, reads the loss terms and the gradient back, and puts the gradient into the
 * caller's layout.
 *
 * One submission per chunk of samples:
 *
 *     Monte Carlo   check(H) → X = H·Θᵀ → loss partials, G = c·erf(X/√2) → ∇ = G·Θ
 *     exact         check(H) → norms, table, loss per row and ∇ (exact_wgsl.ts)
 *
 * then one copy into a readback buffer: [first bad index | loss terms | ∇]. Chunks keep
 * every bound buffer within the device's maxStorageBufferBindingSize. The directions stay
 * on the device between calls with the same (seed, d, s, sampler), and the exact-mode table
 * between calls with the same d.
 *
 * @module
 */

import type { WasmRequest } from "../wasm.ts";
import { exactTable } from "../../math/exact.ts";
import { nonFiniteError } from "../../finite.ts";
import { gatherRows, scatterRows, sourceIndex } from "../../layout.ts";
import { EngineBuffers, MAP_MODE_READ, USAGE } from "./buffers.ts";
import { type AdapterDescription, describeAdapter, requestPerDevice } from "./device.ts";
import { LOSS_ELEMENTS_PER_GROUP, LOSS_SCALE, LOSS_THREADS } from "./loss_wgsl.ts";
import { encodeParams, grid2d, type KernelParams, PARAMS_BYTES } from "./params_wgsl.ts";
import { bindBuffers, createPipelines, type PerPipelines } from "./pipelines.ts";

/** What one call computes: the same request the WebAssembly backend takes. */
export type GpuRequest = WasmRequest;

const STORAGE = USAGE.STORAGE;
const READ_BACK = USAGE.STORAGE | USAGE.COPY_SRC;
/** Offset of the loss terms in a readback buffer, after the bad-index word. */
const TERMS_AT = 16;
/** "No non-finite value" in the scan's result. */
const NONE = 0xffffffff;

/**
 * The array itself, or a copy where it views shared memory (a WebAssembly memory shared
 * with workers): writeBuffer takes only an ArrayBuffer's views.
 */
function unshared(values: Float32Array): Float32Array<ArrayBuffer> {
  return values.buffer instanceof ArrayBuffer
    ? values as Float32Array<ArrayBuffer>
    : new Float32Array(values);
}

/** A submitted chunk, waiting for its readback. */
interface Pending {
  staging: GPUBuffer;
  mapped: Promise<void>;
  errors: Promise<GPUError | null>;
  first: number;
  last: number;
  terms: number;
  gradAt: number;
}

/**
 * Runs PER calls on one WebGPU device. Calls may overlap: each returns a promise, and
 * calls made before earlier ones resolve are queued behind them on the device.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WebGpuBackend } from "./per_dispatch.ts";
 * import { requestPerAdapter } from "./device.ts";
 * import { sampleShape } from "../../layout.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) {
 *   const gpu = await WebGpuBackend.create(adapter);
 *   const data = new Float32Array([0.5, -1, 2, 0.25]);
 *   const grad = new Float32Array(4);
 *   const loss = await gpu.run({
 *     data, view: sampleShape([2, 2], 4), theta: new Float32Array([1, 0]), thetaKey: "",
 *     scale: 1 / 2, withGrad: true, grad,
 *   });
 *   assert.ok(loss > 0.79);
 *   gpu.destroy();
 * }
 * ```
 */
export class WebGpuBackend {
  /** The device the kernels run on. */
  readonly device: GPUDevice;
  /** The compiled kernels. */
  readonly pipelines: PerPipelines;
  /** The adapter behind the device. */
  readonly adapter: AdapterDescription;
  readonly #buffers: EngineBuffers;
  readonly #params: GPUBuffer;
  readonly #status: GPUBuffer;
  #thetaKey = "";
  #tableDim = 0;
  #lost: string | undefined;

  private constructor(device: GPUDevice, pipelines: PerPipelines, adapter: AdapterDescription) {
    this.device = device;
    this.pipelines = pipelines;
    this.adapter = adapter;
    this.#buffers = new EngineBuffers(device);
    this.#params = device.createBuffer({
      label: "per params",
      size: PARAMS_BYTES,
      usage: USAGE.UNIFORM | USAGE.COPY_DST,
    });
    this.#status = device.createBuffer({
      label: "per status",
      size: 16,
      usage: READ_BACK | USAGE.COPY_DST,
    });
    device.lost.then((info) => {
      this.#lost ??= `the WebGPU device was lost (${info.reason}): ${info.message}`;
    });
  }

  /**
   * Opens a device on `adapter` and compiles the kernels.
   *
   * @param adapter a WebGPU adapter
   * @returns the backend
   */
  static async create(adapter: GPUAdapter): Promise<WebGpuBackend> {
    const device = await requestPerDevice(adapter);
    try {
      return new WebGpuBackend(device, await createPipelines(device), describeAdapter(adapter));
    } catch (error) {
      device.destroy();
      throw error;
    }
  }

  /**
   * Loss (scaled) and, when asked, the gradient written into request.grad.
   *
   * @param request the call, as for the WebAssembly backend
   * @returns the loss
   * @throws {RangeError} for a NaN or infinite activation, naming its index and value, or
   *   directions too large for one storage binding
   */
  async run(request: GpuRequest): Promise<number> {
    if (this.#lost) throw new Error(this.#lost);
    const { view } = request;
    const n = view.samples, d = view.dim;
    const s = request.theta ? request.theta.length / d : 0;
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (4 * s * d > limit) {
      throw new RangeError(
        `${s} directions of dimension ${d} need ${4 * s * d} bytes, over this device's ` +
          `storage binding limit of ${limit}; use fewer directions or the wasm backend`,
      );
    }
    const widest = Math.max(d, s);
    const rowLimit = Math.min(
      Math.floor(limit / (4 * widest)),
      // Row tiles and exact-mode rows must fit the 2-D grids.
      this.device.limits.maxComputeWorkgroupsPerDimension * this.pipelines.tiles.tileM,
    );
    const chunkRows = Math.max(1, Math.min(n, rowLimit));

    // Everything up to the last submit is synchronous: see buffers.ts for why that makes
    // overlapping calls safe.
    const pending: Pending[] = [];
    for (let first = 0; first < n; first += chunkRows) {
      const last = Math.min(n, first + chunkRows);
      pending.push(
        request.theta
          ? this.#submitMonteCarlo(request, first, last, s)
          : this.#submitExact(request, first, last),
      );
    }
    return await this.#collect(request, pending);
  }

  /** Frees every buffer and the device; later calls fail. */
  destroy(): void {
    this.#lost ??= "this PER engine was destroyed";
    this.#buffers.destroy();
    this.#params.destroy();
    this.#status.destroy();
    this.device.destroy();
  }

  /** The chunk's activations as float32 rows of d (the caller's array when it is that). */
  #rows(request: GpuRequest, first: number, last: number): Float32Array {
    const { data, view } = request;
    const d = view.dim;
    if (data instanceof Float32Array && view.layout !== "nchw") {
      return data.subarray(first * d, last * d);
    }
    const rows = new Float32Array((last - first) * d);
    gatherRows(data, view, first, last, rows, 0, d);
    return rows;
  }

  /** Writes the chunk's params and activations, and resets the scan's result. */
  #begin(params: KernelParams, h: Float32Array): GPUBuffer {
    const queue = this.device.queue;
    const hBuffer = this.#buffers.work("h", h.byteLength, STORAGE).buffer;
    queue.writeBuffer(this.#params, 0, encodeParams(params));
    queue.writeBuffer(this.#status, 0, new Uint32Array([NONE]));
    queue.writeBuffer(hBuffer, 0, unshared(h));
    return hBuffer;
  }

  #dispatch1d(pass: GPUComputePassEncoder, groups: number): void {
    const [x, y] = grid2d(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
  }

  #submitMonteCarlo(request: GpuRequest, first: number, last: number, s: number): Pending {
    const device = this.device, p = this.pipelines, d = request.view.dim;
    const rows = last - first;
    const params = { rows, dim: d, dirs: s, withGrad: request.withGrad, gradScale: request.scale };
    const terms = Math.ceil(rows * s / LOSS_ELEMENTS_PER_GROUP);
    const gradBytes = request.withGrad ? 4 * rows * d : 0;

    device.pushErrorScope("validation");
    const h = this.#begin(params, this.#rows(request, first, last));
    const theta = this.#buffers.work("theta", 4 * s * d, STORAGE);
    if (theta.fresh || !request.thetaKey || request.thetaKey !== this.#thetaKey) {
      device.queue.writeBuffer(theta.buffer, 0, unshared(request.theta!));
      this.#thetaKey = request.thetaKey;
    }
    const x = this.#buffers.work("x", 4 * rows * s, STORAGE).buffer;
    const partials = this.#buffers.work("partials", 4 * terms, READ_BACK).buffer;
    const grad = this.#buffers.work("grad", Math.max(4, gradBytes), READ_BACK).buffer;

    const encoder = device.createCommandEncoder({ label: "per monte carlo" });
    const pass = encoder.beginComputePass();
    pass.setPipeline(p.check);
    pass.setBindGroup(0, bindBuffers(device, p.check, [this.#params, h, this.#status]));
    this.#dispatch1d(pass, Math.ceil(rows * d / LOSS_THREADS));
    const tiles = p.tiles;
    pass.setPipeline(p.project);
    pass.setBindGroup(0, bindBuffers(device, p.project, [this.#params, h, theta.buffer, x]));
    pass.dispatchWorkgroups(Math.ceil(s / tiles.tileN), Math.ceil(rows / tiles.tileM));
    pass.setPipeline(p.loss);
    pass.setBindGroup(0, bindBuffers(device, p.loss, [this.#params, x, partials]));
    this.#dispatch1d(pass, terms);
    if (request.withGrad) {
      pass.setPipeline(p.backProject);
      pass.setBindGroup(
        0,
        bindBuffers(device, p.backProject, [this.#params, x, theta.buffer, grad]),
      );
      pass.dispatchWorkgroups(Math.ceil(d / tiles.tileN), Math.ceil(rows / tiles.tileM));
    }
    pass.end();
    return this.#finish(encoder, partials, terms, grad, gradBytes, first, last);
  }

  #submitExact(request: GpuRequest, first: number, last: number): Pending {
    const device = this.device, p = this.pipelines, d = request.view.dim;
    const rows = last - first;
    const table = exactTable(d);
    const params = {
      rows,
      dim: d,
      dirs: 0,
      withGrad: request.withGrad,
      gradScale: request.scale,
      pieces: table.pieces,
      degree: table.degree,
      halfDim: table.b,
      kappaLoss: table.kappaLoss,
      kappaGrad: table.kappaGrad,
    };
    const gradBytes = request.withGrad ? 4 * rows * d : 0;

    device.pushErrorScope("validation");
    const h = this.#begin(params, this.#rows(request, first, last));
    const coefficients = new Float32Array(table.loss.length + table.grad.length);
    coefficients.set(table.loss);
    coefficients.set(table.grad, table.loss.length);
    const tableBuffer = this.#buffers.work("table", coefficients.byteLength, STORAGE);
    if (tableBuffer.fresh || this.#tableDim !== d) {
      device.queue.writeBuffer(tableBuffer.buffer, 0, coefficients);
      this.#tableDim = d;
    }
    const rowLoss = this.#buffers.work("rowLoss", 4 * rows, READ_BACK).buffer;
    const grad = this.#buffers.work("grad", Math.max(4, gradBytes), READ_BACK).buffer;

    const encoder = device.createCommandEncoder({ label: "per exact" });
    const pass = encoder.beginComputePass();
    pass.setPipeline(p.check);
    pass.setBindGroup(0, bindBuffers(device, p.check, [this.#params, h, this.#status]));
    this.#dispatch1d(pass, Math.ceil(rows * d / LOSS_THREADS));
    pass.setPipeline(p.exact);
    pass.setBindGroup(
      0,
      bindBuffers(device, p.exact, [this.#params, h, tableBuffer.buffer, rowLoss, grad]),
    );
    this.#dispatch1d(pass, rows);
    pass.end();
    return this.#finish(encoder, rowLoss, rows, grad, gradBytes, first, last);
  }

  /** Copies status, terms and gradient into a readback buffer, submits, starts the map. */
  #finish(
    encoder: GPUCommandEncoder,
    termsBuffer: GPUBuffer,
    terms: number,
    grad: GPUBuffer,
    gradBytes: number,
    first: number,
    last: number,
  ): Pending {
    const gradAt = TERMS_AT + 16 * Math.ceil(terms / 4);
    const staging = this.#buffers.takeStaging(gradAt + gradBytes);
    encoder.copyBufferToBuffer(this.#status, 0, staging, 0, 4);
    encoder.copyBufferToBuffer(termsBuffer, 0, staging, TERMS_AT, 4 * terms);
    if (gradBytes > 0) encoder.copyBufferToBuffer(grad, 0, staging, gradAt, gradBytes);
    this.device.queue.submit([encoder.finish()]);
    const errors = this.device.popErrorScope();
    const mapped = staging.mapAsync(MAP_MODE_READ, 0, gradAt + gradBytes);
    // Handled below; a rejection left unobserved here would be reported as unhandled.
    mapped.catch(() => {});
    return { staging, mapped, errors, first, last, terms, gradAt };
  }

  /** Waits for every chunk, checks for bad input, sums the loss, scatters the gradient. */
  async #collect(request: GpuRequest, pending: Pending[]): Promise<number> {
    const { view } = request;
    const d = view.dim;
    let sum = 0;
    let failure: unknown;
    for (const chunk of pending) {
      try {
        const error = await chunk.errors;
        if (error) throw new Error(`WebGPU rejected a PER kernel: ${error.message}`);
        await chunk.mapped;
        if (failure !== undefined) continue;
        const bytes = chunk.staging.getMappedRange(
          0,
          chunk.gradAt + 4 *
              (request.withGrad ? (chunk.last - chunk.first) * d : 0),
        );
        const bad = new Uint32Array(bytes, 0, 1)[0];
        if (bad !== NONE) {
          const index = sourceIndex(view, chunk.first + Math.floor(bad / d), bad % d);
          throw nonFiniteError(index, request.data[index]);
        }
        const terms = new Float32Array(bytes, TERMS_AT, chunk.terms);
        for (let i = 0; i < terms.length; i++) sum += terms[i];
        if (request.withGrad) {
          const rows = new Float32Array(bytes, chunk.gradAt, (chunk.last - chunk.first) * d);
          scatterRows(rows, 0, d, view, chunk.first, chunk.last, request.grad!);
        }
      } catch (error) {
        failure ??= error;
      } finally {
        if (chunk.staging.mapState === "mapped") chunk.staging.unmap();
        this.#buffers.releaseStaging(chunk.staging);
      }
    }
    if (failure !== undefined) throw failure;
    return sum / LOSS_SCALE * request.scale;
  }
}
