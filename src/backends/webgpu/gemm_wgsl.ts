/**
 * WGSL sources of the two matrix products of a PER call, tiled through workgroup memory:
 *
 *     projection       X = H·Θᵀ    (rows × s; H is rows × d, Θ is s × d)
 *     back-projection  ∇ = G·Θ     (rows × d; G is rows × s, c already folded into G)
 *
 * Each workgroup computes a tileM × tileN block of the output. It walks the inner
 * dimension in steps of tileK: every thread copies its share of an A tile and a B tile
 * into workgroup memory (zeros outside the matrices, so no remainder path is needed), and
 * after a barrier each thread adds tileK products to its microM × microN outputs. A
 * thread's outputs are spread threadsX (or threadsY) apart rather than adjacent, so
 * neighbouring threads read neighbouring words of workgroup memory and write
 * neighbouring outputs.
 *
 * Every output is one fused multiply-add chain in the order k = 0, 1, …, K − 1: the
 * result does not depend on the tile sizes' scheduling, and repeats bit for bit.
 *
 * @module
 */

/** Shape of the tiles and of each thread's share. */
export interface GemmTiles {
  /** Output rows per workgroup. */
  tileM: number;
  /** Output columns per workgroup. */
  tileN: number;
  /** Inner-dimension step staged in workgroup memory. */
  tileK: number;
  /** Outputs per thread along rows (tileM / microM threads in y). */
  microM: number;
  /** Outputs per thread along columns (tileN / microN threads in x). */
  microN: number;
}

/**
 * The tiles in use: 64 × 64 outputs per workgroup of 8 × 8 threads, 8 × 8 outputs per
 * thread, K step 32 (16 KiB of workgroup memory, the WebGPU default limit). Chosen by
 * `deno task bench:webgpu --tiles` (bench/webgpu_bench.ts), which times eight shapes at the
 * issue's four sizes, on Mesa lavapipe, the only adapter available: over three runs it
 * had the lowest total time (1.2 s against 1.5 s for 64×64×16 with 4 × 4 per thread, the
 * next), though single runs on this shared 2-core machine vary up to 2× and reorder the
 * leaders. A CPU rasterizer rewards many outputs per thread; on a real GPU 8 × 8 per thread
 * is also a common register blocking, but no hardware adapter was available to tune on.
 */
export const DEFAULT_TILES: GemmTiles = { tileM: 64, tileN: 64, tileK: 32, microM: 8, microN: 8 };

/** Which product a source computes. */
export type GemmKind = "project" | "backProject";

/**
 * WGSL source of one product, entry point `main`. Bindings (group 0): 0 Params, 1 A,
 * 2 B (Θ), 3 the output.
 *
 * @param kind `project` (X = H·Θᵀ) or `backProject` (∇ = G·Θ)
 * @param tiles tile and thread shape; tileM/microM × tileN/microN threads per workgroup
 * @param paramsWgsl the Params declaration (params_wgsl.ts)
 * @returns the shader source
 * @throws {RangeError} when the tiles do not divide into threads
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_TILES, gemmSource } from "./gemm_wgsl.ts";
 * import { PARAMS_WGSL } from "./params_wgsl.ts";
 * const source = gemmSource("project", DEFAULT_TILES, PARAMS_WGSL);
 * assert.ok(source.includes("@workgroup_size(8, 8)"));
 * ```
 */
export function gemmSource(kind: GemmKind, tiles: GemmTiles, paramsWgsl: string): string {
  const { tileM, tileN, tileK, microM, microN } = tiles;
  const tx = tileN / microN, ty = tileM / microM;
  if (!Number.isInteger(tx) || !Number.isInteger(ty) || tx * ty > 1024) {
    throw new RangeError(`tiles ${JSON.stringify(tiles)} do not divide into threads`);
  }
  const threads = tx * ty;
  const project = kind === "project";
  // Output columns and inner dimension: X is rows × s over d; ∇ is rows × d over s.
  const n = project ? "params.dirs" : "params.dim";
  const k = project ? "params.dim" : "params.dirs";
  // Θ element (inner index kk, output column col).
  const bIndex = project ? "col * params.dim + kk" : "kk * params.dim + col";
  // For Θᵀ the inner index is contiguous in memory, so consecutive threads take
  // consecutive kk; for Θ they take consecutive columns.
  const bSplit = project
    ? `let c = e / ${tileK}u; let kq = e % ${tileK}u;`
    : `let kq = e / ${tileN}u; let c = e % ${tileN}u;`;

  const declare: string[] = [], multiply: string[] = [], store: string[] = [];
  for (let i = 0; i < microM; i++) {
    for (let j = 0; j < microN; j++) declare.push(`var acc_${i}_${j} = 0.0;`);
  }
  for (let i = 0; i < microM; i++) {
    multiply.push(`let a${i} = a_tile[kq * ${tileM}u + lid.y + ${i * ty}u];`);
  }
  for (let j = 0; j < microN; j++) {
    multiply.push(`let b${j} = b_tile[kq * ${tileN}u + lid.x + ${j * tx}u];`);
  }
  for (let i = 0; i < microM; i++) {
    for (let j = 0; j < microN; j++) {
      multiply.push(`acc_${i}_${j} = fma(a${i}, b${j}, acc_${i}_${j});`);
    }
  }
  for (let i = 0; i < microM; i++) {
    store.push(`{ let row = row0 + lid.y + ${i * ty}u;`);
    store.push(`  if (row < params.rows) {`);
    for (let j = 0; j < microN; j++) {
      store.push(`    { let col = col0 + lid.x + ${j * tx}u;`);
      store.push(`      if (col < n) { out[row * n + col] = acc_${i}_${j}; } }`);
    }
    store.push(`  } }`);
  }
  const indent = (lines: string[], spaces: number) =>
    lines.map((line) => " ".repeat(spaces) + line).join("\n");

  return `${paramsWgsl}
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> a_tile: array<f32, ${tileM * tileK}>;  // [k][m]
var<workgroup> b_tile: array<f32, ${tileK * tileN}>;  // [k][n]

@compute @workgroup_size(${tx}, ${ty})
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) flat: u32,
) {
  let n = ${n};
  let depth = ${k};
  let row0 = wid.y * ${tileM}u;
  let col0 = wid.x * ${tileN}u;
${indent(declare, 2)}
  for (var k0 = 0u; k0 < depth; k0 += ${tileK}u) {
    // Stage A (rows × depth, row-major) and B; zeros outside the matrices.
    for (var e = flat; e < ${tileM * tileK}u; e += ${threads}u) {
      let m = e / ${tileK}u;
      let kq = e % ${tileK}u;
      let row = row0 + m;
      let kk = k0 + kq;
      var v = 0.0;
      if (row < params.rows && kk < depth) { v = a[row * depth + kk]; }
      a_tile[kq * ${tileM}u + m] = v;
    }
    for (var e = flat; e < ${tileK * tileN}u; e += ${threads}u) {
      ${bSplit}
      let col = col0 + c;
      let kk = k0 + kq;
      var v = 0.0;
      if (col < n && kk < depth) { v = theta[${bIndex}]; }
      b_tile[kq * ${tileN}u + c] = v;
    }
    workgroupBarrier();
    for (var kq = 0u; kq < ${tileK}u; kq++) {
${indent(multiply, 6)}
    }
    workgroupBarrier();
  }
${indent(store, 2)}
}
`;
}
