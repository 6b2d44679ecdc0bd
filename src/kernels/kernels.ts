/**
 * Instantiation of the WebAssembly kernels, their memory, and views that stay valid
 * across memory growth.
 *
 * The module bytes are embedded (per_kernels.generated.ts), so loading reads no file and
 * opens no connection. Two builds exist: plain SIMD and relaxed SIMD; the relaxed build is
 * used where `WebAssembly.validate` accepts it (its `relaxed_madd` fuses multiply and add).
 * Each comes with unshared memory and with shared memory (for the thread pool).
 *
 * @module
 */

import {
  relaxedSharedWasm,
  relaxedWasm,
  simdSharedWasm,
  simdWasm,
} from "./per_kernels.generated.ts";
import { CONTROL_BYTES } from "./control_block.ts";

/** Which build of the kernels to run. */
export type KernelVariant = "simd" | "relaxed";

/** The functions the kernel module exports (pointers are byte offsets into its memory). */
export interface KernelExports {
  heap_base(): number;
  f_erf_f32_simd(t: number, f: number, g: number, n: number): void;
  f_erf_f32_scalar(t: number, f: number, g: number, n: number): void;
  gemm_f32_simd(
    a: number,
    lda: number,
    b: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
  ): void;
  gemm_f32_scalar(
    a: number,
    lda: number,
    b: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
  ): void;
  gemm_f32_f64_simd(
    a: number,
    lda: number,
    b: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
  ): void;
  gemm_f32_f64_scalar(
    a: number,
    lda: number,
    b: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
  ): void;
  pack_panels_f32(
    src: number,
    ld: number,
    k: number,
    n: number,
    cols: number,
    transposed: number,
    dst: number,
  ): void;
  per_f32_simd(
    h: number,
    ldh: number,
    thetaT: number,
    theta: number,
    grad: number,
    x: number,
    n: number,
    d: number,
    s: number,
    sPad: number,
    rowBlock: number,
    gradScale: number,
    withGrad: number,
  ): number;
  per_f32_scalar(
    h: number,
    ldh: number,
    thetaT: number,
    theta: number,
    grad: number,
    x: number,
    n: number,
    d: number,
    s: number,
    sPad: number,
    rowBlock: number,
    gradScale: number,
    withGrad: number,
  ): number;
  exact_f32_simd(
    h: number,
    ldh: number,
    grad: number,
    n: number,
    d: number,
    table: number,
    pieces: number,
    degree: number,
    b: number,
    kappaLoss: number,
    kappaGrad: number,
    gradScale: number,
    withGrad: number,
  ): number;
  exact_f32_scalar(
    h: number,
    ldh: number,
    grad: number,
    n: number,
    d: number,
    table: number,
    pieces: number,
    degree: number,
    b: number,
    kappaLoss: number,
    kappaGrad: number,
    gradScale: number,
    withGrad: number,
  ): number;
  per_tasks_f32(
    descriptors: number,
    tasks: number,
    first: number,
    last: number,
    scratch: number,
    taskLoss: number,
    taskBad: number,
    simd: number,
  ): void;
  sort_f32(p: number, n: number, temp: number, counts: number): void;
  wasserstein_sorted_f64(x: number, n: number, q: number, phi: number, out: number): void;
  f_sum_f32_simd(x: number, n: number): number;
  f_sum_f32_scalar(x: number, n: number): number;
  column_f32(src: number, ld: number, n: number, column: number, dst: number): void;
  peak_mul_add_f32x4(iterations: number, scale: number): number;
  peak_madd_f32x4(iterations: number, scale: number): number;
  first_non_finite_f32_simd(p: number, count: number): number;
  first_non_finite_f32_scalar(p: number, count: number): number;
}

const PAGE = 65536;

/** Control blocks reserved for successive thread pools (see KernelInstance.controlBlock). */
const CONTROL_BLOCKS = 8;
const MAX_PAGES = 65536;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const bytesOf = {
  simd: { unshared: decodeBase64(simdWasm), shared: decodeBase64(simdSharedWasm) },
  relaxed: { unshared: decodeBase64(relaxedWasm), shared: decodeBase64(relaxedSharedWasm) },
} as const;

/** Whether this runtime validates the relaxed-SIMD build. */
export const relaxedSimdSupported: boolean = WebAssembly.validate(bytesOf.relaxed.unshared);

/** The build used by default: relaxed where supported, plain SIMD otherwise. */
export const defaultVariant: KernelVariant = relaxedSimdSupported ? "relaxed" : "simd";

/**
 * Whether this runtime can share WebAssembly memory between threads (SharedArrayBuffer
 * exists, which browsers allow only on cross-origin isolated pages, and the shared builds
 * validate).
 */
export const sharedMemorySupported: boolean = (() => {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return WebAssembly.validate(bytesOf.simd.shared);
  } catch {
    return false;
  }
})();

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled module of one build (compiled once, asynchronously). */
export function compileKernels(
  variant: KernelVariant,
  shared = false,
): Promise<WebAssembly.Module> {
  const key = `${variant}/${shared}`;
  let module = compiled.get(key);
  if (!module) {
    if (variant === "relaxed" && !relaxedSimdSupported) {
      return Promise.reject(
        new RangeError('kernel variant "relaxed" is not supported by this runtime'),
      );
    }
    module = WebAssembly.compile(bytesOf[variant][shared ? "shared" : "unshared"]);
    compiled.set(key, module);
  }
  return module;
}

/**
 * One instance of the kernels with its own memory. Views are re-created after the memory
 * grows (growth detaches the old buffer), so always read them through the getters.
 */
export class KernelInstance {
  /** The build this instance runs. */
  readonly variant: KernelVariant;
  /** The kernel functions. */
  readonly exports: KernelExports;
  /** The instance's linear memory. */
  readonly memory: WebAssembly.Memory;
  /**
   * Where the thread pools' control blocks start, CONTROL_BLOCKS of them after the static
   * data: each new pool takes the next (controlBlockFor), so workers of a pool just
   * replaced, still waking up to stop, never read a block a newer pool has reset.
   */
  readonly controlBlock: number;
  /** First free byte: after the static data and the control block. */
  readonly heapBase: number;
  /** Whether the memory is shared (a thread pool can run on it). */
  readonly shared: boolean;
  /** The compiled module, for workers that instantiate it over the same memory. */
  readonly module: WebAssembly.Module;
  /**
   * Who laid out the memory last. A user that keeps data resident between calls (the
   * packed directions of WasmBackend) checks that it is still the owner before reusing it.
   */
  owner: unknown = undefined;
  #f32: Float32Array = new Float32Array(0);
  #f64: Float64Array = new Float64Array(0);

  constructor(module: WebAssembly.Module, variant: KernelVariant, shared = false) {
    this.variant = variant;
    this.shared = shared;
    this.module = module;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.controlBlock = align(this.exports.heap_base(), 64);
    this.heapBase = this.controlBlock + CONTROL_BLOCKS * align(CONTROL_BYTES, 64);
    this.ensure(this.heapBase);
  }

  /** The control block of the `generation`-th pool made on this instance. */
  controlBlockFor(generation: number): number {
    return this.controlBlock + (generation % CONTROL_BLOCKS) * align(CONTROL_BYTES, 64);
  }

  /** Float32 view of the whole memory, current after any growth. */
  get f32(): Float32Array {
    if (this.#f32.buffer !== this.memory.buffer) this.#f32 = new Float32Array(this.memory.buffer);
    return this.#f32;
  }

  /** Float64 view of the whole memory, current after any growth. */
  get f64(): Float64Array {
    if (this.#f64.buffer !== this.memory.buffer) this.#f64 = new Float64Array(this.memory.buffer);
    return this.#f64;
  }

  /** Grows the memory so that bytes [0, end) exist; RangeError past the 4 GiB limit. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new RangeError(
        `the kernels need ${end} bytes of memory, more than WebAssembly's 4 GiB`,
      );
    }
    this.memory.grow(pages);
  }
}

/** Rounds n up to a multiple of `to` (a power of two). */
export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * A new instance of one build, on shared memory when `shared` (and the runtime allows it;
 * otherwise unshared).
 */
export async function instantiateKernels(
  variant: KernelVariant = defaultVariant,
  shared = false,
): Promise<KernelInstance> {
  const useShared = shared && sharedMemorySupported;
  return new KernelInstance(await compileKernels(variant, useShared), variant, useShared);
}
