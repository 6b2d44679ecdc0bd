/**
 * The uniform block every PER kernel reads, in WGSL and as the bytes the host writes: one
 * layout for all kernels, so that one write per chunk of samples serves the whole chain.
 *
 * @module
 */

/**
 * WGSL declaration of `Params` and the 2-D workgroup grid helper.
 *
 * Grids larger than 65 535 workgroups (the default maxComputeWorkgroupsPerDimension) are
 * laid out as x × y; `linear_group` numbers them back in row-major order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PARAMS_WGSL } from "./params_wgsl.ts";
 * assert.ok(PARAMS_WGSL.includes("struct Params"));
 * ```
 */
export const PARAMS_WGSL = `
struct Params {
  rows: u32,        // n: samples in this chunk
  dim: u32,         // d: units per sample
  dirs: u32,        // s: directions (Monte Carlo)
  with_grad: u32,   // 1: write the gradient
  grad_scale: f32,  // c (Monte Carlo) or c' (exact) of MATH.md
  pieces: u32,      // exact mode: P
  degree: u32,      // exact mode: D
  half_dim: f32,    // exact mode: b = d/2
  kappa_loss: f32,  // exact mode
  kappa_grad: f32,  // exact mode
  pad0: u32,
  pad1: u32,
}

fn linear_group(id: vec3<u32>, grid: vec3<u32>) -> u32 {
  return id.x + id.y * grid.x;
}
`;

/** Bytes of `Params` (twelve 4-byte fields). */
export const PARAMS_BYTES = 48;

/** The fields of `Params`; the exact-mode ones are 0 in Monte Carlo calls. */
export interface KernelParams {
  rows: number;
  dim: number;
  dirs: number;
  withGrad: boolean;
  gradScale: number;
  pieces?: number;
  degree?: number;
  halfDim?: number;
  kappaLoss?: number;
  kappaGrad?: number;
}

/**
 * Encodes `Params` for queue.writeBuffer.
 *
 * @param p the values
 * @returns PARAMS_BYTES bytes in WGSL's uniform layout
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeParams, PARAMS_BYTES } from "./params_wgsl.ts";
 * const bytes = encodeParams({ rows: 3, dim: 2, dirs: 5, withGrad: true, gradScale: 0.5 });
 * assert.equal(bytes.byteLength, PARAMS_BYTES);
 * assert.equal(new Uint32Array(bytes)[2], 5);
 * ```
 */
export function encodeParams(p: KernelParams): ArrayBuffer {
  const buffer = new ArrayBuffer(PARAMS_BYTES);
  const u32 = new Uint32Array(buffer), f32 = new Float32Array(buffer);
  u32[0] = p.rows;
  u32[1] = p.dim;
  u32[2] = p.dirs;
  u32[3] = p.withGrad ? 1 : 0;
  f32[4] = p.gradScale;
  u32[5] = p.pieces ?? 0;
  u32[6] = p.degree ?? 0;
  f32[7] = p.halfDim ?? 0;
  f32[8] = p.kappaLoss ?? 0;
  f32[9] = p.kappaGrad ?? 0;
  return buffer;
}

/**
 * A 2-D grid of `groups` workgroups that respects the per-dimension limit.
 *
 * @param groups workgroups needed, ≥ 1
 * @param limit the device's maxComputeWorkgroupsPerDimension
 * @returns [x, y] with x·y ≥ groups
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grid2d } from "./params_wgsl.ts";
 * assert.deepEqual(grid2d(70000, 65535), [35000, 2]);
 * ```
 */
export function grid2d(groups: number, limit: number): [number, number] {
  const y = Math.ceil(groups / limit);
  return [Math.ceil(groups / y), y];
}
