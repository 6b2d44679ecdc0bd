/**
 * GPU memory of one engine: work buffers that grow on demand and are reused by every
 * call, and a pool of readback buffers, one per call in flight.
 *
 * Reuse is safe with calls in flight because a call writes its inputs
 * (queue.writeBuffer) and submits its kernels in one synchronous step: the queue runs
 * writes and submissions in the order they were made, so a later call's writes land after
 * every earlier call's kernels have read theirs. Only readback buffers are mapped
 * asynchronously, so each call takes its own from the pool. A buffer replaced by a larger
 * one may still be read by submitted work; it is destroyed once the queue has finished
 * that work.
 *
 * @module
 */

/**
 * Buffer usage flags and the read map mode, by their values in the WebGPU specification
 * (GPUBufferUsage, GPUMapMode): the globals exist only where WebGPU does, and the library
 * entry must import everywhere.
 */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;

/** GPUMapMode.READ. */
export const MAP_MODE_READ = 0x0001;

/** Smallest allocation: bindings must not be empty, and small sizes grow often. */
const MIN_BYTES = 256;

/** The next size to allocate for `bytes`: a power of two, at most `cap` where it fits. */
function grownSize(bytes: number, cap: number): number {
  const size = Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
  return size > cap && bytes <= cap ? cap : size;
}

/**
 * Every buffer of one engine.
 *
 * @example
 * ```ts
 * import { EngineBuffers, USAGE } from "./buffers.ts";
 * import { requestPerAdapter, requestPerDevice } from "./device.ts";
 * const adapter = await requestPerAdapter();
 * if (adapter) {
 *   const device = await requestPerDevice(adapter);
 *   const buffers = new EngineBuffers(device);
 *   buffers.work("h", 1000, USAGE.STORAGE);
 *   buffers.destroy();
 *   device.destroy();
 * }
 * ```
 */
export class EngineBuffers {
  readonly #device: GPUDevice;
  readonly #work = new Map<string, GPUBuffer>();
  readonly #freeStaging: GPUBuffer[] = [];
  readonly #allStaging = new Set<GPUBuffer>();
  readonly #retired = new Set<GPUBuffer>();
  #destroyed = false;

  /** @param device the engine's device */
  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /**
   * The work buffer `name`, at least `bytes` long, with `usage` (COPY_DST added). Grows by
   * powers of two, up to the device's binding limit where the request fits under it.
   *
   * @param name which buffer
   * @param bytes the size needed
   * @param usage usage flags (USAGE)
   * @returns the buffer, and whether it is new (its old contents are gone)
   */
  work(name: string, bytes: number, usage: number): { buffer: GPUBuffer; fresh: boolean } {
    const current = this.#work.get(name);
    if (current && current.size >= bytes) return { buffer: current, fresh: false };
    if (current) this.#retire(current);
    const cap = this.#device.limits.maxStorageBufferBindingSize;
    const buffer = this.#device.createBuffer({
      label: `per ${name}`,
      size: grownSize(bytes, cap),
      usage: usage | USAGE.COPY_DST,
    });
    this.#work.set(name, buffer);
    return { buffer, fresh: true };
  }

  /**
   * A readback buffer of at least `bytes` (MAP_READ | COPY_DST), unmapped; give it back
   * with releaseStaging once read.
   *
   * @param bytes the size needed
   * @returns a buffer no other call holds
   */
  takeStaging(bytes: number): GPUBuffer {
    let best = -1;
    this.#freeStaging.forEach((buffer, i) => {
      if (buffer.size >= bytes && (best < 0 || buffer.size < this.#freeStaging[best].size)) {
        best = i;
      }
    });
    if (best >= 0) return this.#freeStaging.splice(best, 1)[0];
    const buffer = this.#device.createBuffer({
      label: "per readback",
      size: grownSize(bytes, Infinity),
      usage: USAGE.MAP_READ | USAGE.COPY_DST,
    });
    this.#allStaging.add(buffer);
    return buffer;
  }

  /**
   * Returns a readback buffer to the pool (it must be unmapped). Keeps at most a few, so
   * that one large call does not hold its memory for good.
   *
   * @param buffer a buffer from takeStaging
   */
  releaseStaging(buffer: GPUBuffer): void {
    if (this.#destroyed) return;
    this.#freeStaging.push(buffer);
    this.#freeStaging.sort((a, b) => a.size - b.size);
    while (this.#freeStaging.length > 4) {
      const largest = this.#freeStaging.pop()!;
      this.#allStaging.delete(largest);
      largest.destroy();
    }
  }

  /** Frees every buffer, retired ones included. */
  destroy(): void {
    this.#destroyed = true;
    for (const buffer of this.#work.values()) buffer.destroy();
    for (const buffer of this.#allStaging) buffer.destroy();
    for (const buffer of this.#retired) buffer.destroy();
    this.#work.clear();
    this.#allStaging.clear();
    this.#retired.clear();
    this.#freeStaging.length = 0;
  }

  #retire(buffer: GPUBuffer): void {
    this.#retired.add(buffer);
    this.#device.queue.onSubmittedWorkDone().then(() => {
      if (this.#retired.delete(buffer)) buffer.destroy();
    }, () => {});
  }
}
