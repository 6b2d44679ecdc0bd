/**
 * Where a PER call spends its time, phase by phase, on one thread: the projection, the f
 * and erf stage, the back-projection, and the copies between the caller's arrays and the
 * kernels' memory. Each phase is timed by calling its kernel alone on the same sizes.
 *
 * @module
 */

import { WasmBackend } from "../../src/backends/wasm.ts";
import { directions } from "../../src/directions.ts";
import { align, defaultVariant, instantiateKernels } from "../../src/kernels/kernels.ts";
import { sampleShape } from "../../src/layout.ts";

/** Median milliseconds of the exact mode's phases at one (B, d). */
export interface ExactPhases {
  shape: [number, number];
  /** The whole call on one thread. */
  total: number;
  /** Copying the batch into the kernels' memory and the gradient out (two copies). */
  copies: number;
  /** Allocating a fresh gradient array, which a call without gradInto pays. */
  allocation: number;
}

/**
 * Times the exact mode on one thread beside its two copies and an allocation, at each
 * (B, d): the kernel's share is the rest.
 *
 * @example
 * ```ts
 * import { exactPhaseProfile } from "./phases.ts";
 * const [p] = await exactPhaseProfile([[8, 8]]);
 * console.log(p.total);
 * ```
 */
export async function exactPhaseProfile(shapes: [number, number][]): Promise<ExactPhases[]> {
  const k = await instantiateKernels(defaultVariant);
  const backend = new WasmBackend(k);
  return shapes.map(([n, d]) => {
    const h = new Float32Array(n * d).map((_, i) => Math.sin(i));
    const view = sampleShape([n, d], n * d);
    const grad = new Float32Array(n * d);
    const total = median(() =>
      backend.run({
        data: h,
        view,
        theta: undefined,
        thetaKey: "",
        scale: 1,
        withGrad: true,
        grad,
      })
    );
    const at = k.heapBase;
    k.ensure(at + 4 * n * d);
    const copies = median(() => {
      k.f32.set(h, at / 4);
      grad.set(k.f32.subarray(at / 4, at / 4 + n * d));
    });
    const allocation = median(() => void new Float32Array(n * d).fill(0, 0, 1));
    return { shape: [n, d], total, copies, allocation };
  });
}

/** Median milliseconds of each phase at one shape. */
export interface Phases {
  shape: [number, number, number];
  project: number;
  erf: number;
  backProject: number;
  copies: number;
  total: number;
}

function median(run: () => void, count = 11): number {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(count / 2)];
}

/**
 * Times each phase at each shape (B, d, s) with the default kernel build.
 *
 * @example
 * ```ts
 * import { phaseProfile } from "./phases.ts";
 * const [p] = await phaseProfile([[8, 8, 8]]);
 * console.log(p.total);
 * ```
 */
export async function phaseProfile(shapes: [number, number, number][]): Promise<Phases[]> {
  const k = await instantiateKernels(defaultVariant);
  const backend = new WasmBackend(k);
  const out: Phases[] = [];
  for (const [n, d, s] of shapes) {
    const dPad = align(d, 4), sPad = align(s, 4);
    const h = new Float32Array(n * d).map((_, i) => Math.sin(i));
    const theta = directions(d, s, 1);
    const view = sampleShape([n, d], n * d);
    const grad = new Float32Array(n * d);
    const total = median(() =>
      backend.run({ data: h, view, theta, thetaKey: "phases", scale: 1, withGrad: true, grad })
    );
    // Separate regions for each phase's operands.
    const at = k.heapBase;
    const thetaT = at, packed = align(thetaT + 4 * d * sPad, 64);
    const hAt = align(packed + 4 * s * dPad, 64), x = align(hAt + 4 * n * dPad, 64);
    const g = align(x + 4 * n * sPad, 64), gradAt = align(g + 4 * n * sPad, 64);
    const staging = align(gradAt + 8 * n * dPad, 64);
    k.ensure(staging + 4 * s * dPad);
    k.owner = phaseProfile;
    const f32 = k.f32;
    for (let r = 0; r < s; r++) f32.set(theta.subarray(r * d, r * d + d), staging / 4 + r * dPad);
    k.exports.pack_panels_f32(staging, dPad, d, sPad, s, 1, thetaT);
    k.exports.pack_panels_f32(staging, dPad, s, dPad, d, 0, packed);
    f32.set(h, hAt / 4);
    const project = median(() =>
      k.exports.gemm_f32_simd(hAt, dPad, thetaT, x, sPad, n, sPad, d, 0)
    );
    const erf = median(() => k.exports.f_erf_f32_simd(x, x, g, n * sPad));
    const backProject = median(() =>
      k.exports.gemm_f32_f64_simd(g, sPad, packed, gradAt, dPad, n, dPad, s, 0)
    );
    const copies = median(() => {
      k.f32.set(h, hAt / 4);
      grad.set(k.f32.subarray(hAt / 4, hAt / 4 + n * d));
    });
    out.push({ shape: [n, d, s], project, erf, backProject, copies, total });
  }
  return out;
}
