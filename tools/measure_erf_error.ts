/**
 * Measures the error of the kernels' float32 f(t) and erf(t/√2) against float64 over every
 * non-negative finite float32 t (2^31 − 2^23 values; both functions are symmetric, and the
 * kernels compute them from |t|), for both builds. Prints the largest absolute error of
 * erf(t/√2), the largest relative error of f(t), and where they occur.
 *
 * Run: `deno run tools/measure_erf_error.ts` (no permission; a few minutes).
 *
 * @module
 */

import { align, instantiateKernels, relaxedSimdSupported } from "../src/kernels/kernels.ts";
import { perF, perFPrime } from "../src/math/erf.ts";

const BATCH = 1 << 22;
const LAST_FINITE_BITS = 0x7f7fffff;

for (const variant of relaxedSimdSupported ? ["simd", "relaxed"] as const : ["simd"] as const) {
  const k = await instantiateKernels(variant);
  const t = k.heapBase, f = align(t + 4 * BATCH, 64), g = align(f + 4 * BATCH, 64);
  k.ensure(g + 4 * BATCH);
  const bits = new Uint32Array(k.memory.buffer, t, BATCH);
  const values = new Float32Array(k.memory.buffer, t, BATCH);
  const fs = new Float32Array(k.memory.buffer, f, BATCH);
  const gs = new Float32Array(k.memory.buffer, g, BATCH);
  let erfWorst = 0, erfAt = 0, fWorst = 0, fAt = 0;
  const start = performance.now();
  for (let first = 0; first <= LAST_FINITE_BITS; first += BATCH) {
    const count = Math.min(BATCH, LAST_FINITE_BITS - first + 1);
    for (let i = 0; i < count; i++) bits[i] = first + i;
    k.exports.f_erf_f32_simd(t, f, g, count);
    for (let i = 0; i < count; i++) {
      const x = values[i];
      const erfError = Math.abs(gs[i] - perFPrime(x));
      if (erfError > erfWorst) (erfWorst = erfError), (erfAt = x);
      const exact = perF(x);
      const fError = Math.abs(fs[i] - exact) / exact;
      if (fError > fWorst) (fWorst = fError), (fAt = x);
    }
  }
  const seconds = ((performance.now() - start) / 1000).toFixed(0);
  console.log(
    `${variant}: every float32 t ≥ 0 (${seconds} s): |erf(t/√2) error| ≤ ${
      erfWorst.toExponential(3)
    } (at t = ${erfAt}), relative f(t) error ≤ ${fWorst.toExponential(3)} (at t = ${fAt})`,
  );
}
