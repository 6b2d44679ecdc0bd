/**
 * The WebAssembly kernels one by one, in both builds: the SIMD erf and f against float64
 * on 10^7 values and every special value, each SIMD kernel against its scalar twin (bit
 * for bit in the plain SIMD build, where neither fuses), and gemm against float64 on
 * sizes around every tile.
 */

import assert from "node:assert/strict";
import {
  align,
  instantiateKernels,
  type KernelInstance,
  type KernelVariant,
  relaxedSimdSupported,
} from "../src/kernels/kernels.ts";
import { perF, perFPrime } from "../src/math/erf.ts";
import { WasmBackend } from "../src/backends/wasm.ts";
import { directions } from "../src/directions.ts";
import { sampleShape } from "../src/layout.ts";
import { assertArrayClose, normals, uniform } from "./_numeric.ts";

const variants: KernelVariant[] = relaxedSimdSupported ? ["simd", "relaxed"] : ["simd"];
const ERF_BOUND = 4e-7; // absolute, erf(t/√2), every float32 t
const F_BOUND = 4e-7; // relative, f(t)

/** Values every evaluation must get right: zeros, subnormals, the branch points, huge. */
function specialValues(): Float32Array {
  const values = [
    0,
    -0,
    1e-45,
    -1e-45,
    1.1754942e-38,
    1.1754944e-38,
    1e-30,
    -1e-30,
    1e-7,
    1.0606601,
    1.0606602, // z = 0.75: the switch between the two erf forms
    5.5,
    5.7,
    5.8,
    5.85, // erf saturating to 1 in float32
    13.1,
    13.2,
    13.3,
    14.0,
    14.4,
    14.5,
    26,
    27, // exp(−t²/2) subnormal, then 0
    1e19,
    1.8e19,
    1.9e19,
    1e20,
    1e30,
    -1e30,
    3.4028235e38,
    -3.4028235e38,
  ];
  return new Float32Array([...values, ...values.map((v) => -v)]);
}

/** f and erf over `values` through one build's SIMD or scalar entry point. */
function evaluate(
  k: KernelInstance,
  values: Float32Array,
  kind: "simd" | "scalar",
): { f: Float32Array; g: Float32Array } {
  const n = values.length;
  const t = k.heapBase, f = align(t + 4 * n, 64), g = align(f + 4 * n, 64);
  k.ensure(g + 4 * n);
  k.f32.set(values, t / 4);
  (kind === "simd" ? k.exports.f_erf_f32_simd : k.exports.f_erf_f32_scalar)(t, f, g, n);
  return {
    f: k.f32.slice(f / 4, f / 4 + n),
    g: k.f32.slice(g / 4, g / 4 + n),
  };
}

function checkErf(values: Float32Array, f: Float32Array, g: Float32Array, what: string) {
  let worstErf = 0, worstF = 0, atErf = 0, atF = 0;
  for (let i = 0; i < values.length; i++) {
    const t = values[i];
    const erfError = Math.abs(g[i] - perFPrime(t));
    const fError = Math.abs(f[i] - perF(t)) / perF(t);
    if (!(erfError <= worstErf)) (worstErf = erfError), (atErf = t);
    if (!(fError <= worstF)) (worstF = fError), (atF = t);
    if (Math.abs(g[i]) > 1) assert.fail(`${what}: |erf(${t}/√2)| = ${Math.abs(g[i])} > 1`);
  }
  assert.ok(worstErf <= ERF_BOUND, `${what}: erf(t/√2) off by ${worstErf} at t = ${atErf}`);
  assert.ok(worstF <= F_BOUND, `${what}: f(t) off by ${worstF} (relative) at t = ${atF}`);
}

for (const variant of variants) {
  Deno.test(`${variant}: erf(t/√2) within 4e-7 and f within 4e-7 on 10^7 values`, async () => {
    const k = await instantiateKernels(variant);
    const next = uniform(variant === "simd" ? 1 : 2);
    const batch = 1 << 20;
    const values = new Float32Array(batch);
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < batch; i++) {
        // Half uniform on [−8, 8] where erf bends, half log-uniform over every magnitude.
        const u = next();
        values[i] = i & 1 ? 16 * u - 8 : (next() < 0.5 ? -1 : 1) * 2 ** (256 * u - 128);
      }
      const { f, g } = evaluate(k, values, "simd");
      checkErf(values, f, g, `${variant} round ${round}`);
    }
  });

  Deno.test(`${variant}: special values, SIMD and scalar`, async () => {
    const k = await instantiateKernels(variant);
    const values = specialValues();
    for (const kind of ["simd", "scalar"] as const) {
      const { f, g } = evaluate(k, values, kind);
      checkErf(values, f, g, `${variant} ${kind}`);
      values.forEach((t, i) => {
        if (Math.abs(t) >= 6) {
          assert.equal(g[i], Math.sign(t), `${kind}: erf(${t}/√2) must round to ±1`);
          assert.equal(f[i], Math.abs(t), `${kind}: f(${t}) must round to |t|`);
        }
      });
    }
  });

  Deno.test(`${variant}: gemm against float64 around every tile size`, async () => {
    const k = await instantiateKernels(variant);
    for (const m of [1, 3, 4, 5, 8, 13]) {
      for (const n of [4, 8, 12, 20]) {
        for (const depth of [1, 7, 64, 65, 130]) {
          const a = normals(m * depth, m + n + depth), b = normals(depth * n, depth);
          const expected = new Float64Array(m * n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              for (let p = 0; p < depth; p++) {
                expected[i * n + j] += a[i * depth + p] * b[p * n + j];
              }
            }
          }
          const aAt = k.heapBase, bAt = align(aAt + 4 * a.length, 64);
          const packed = align(bAt + 4 * b.length, 64), cAt = align(packed + 4 * b.length, 64);
          k.ensure(cAt + 8 * m * n);
          k.f32.set(a, aAt / 4);
          k.f32.set(b, bAt / 4);
          k.exports.pack_panels_f32(bAt, n, depth, n, n, 0, packed);
          const what = `${variant} gemm ${m}×${depth}·${depth}×${n}`;
          for (const kind of ["simd", "scalar"] as const) {
            const f32 = kind === "simd" ? k.exports.gemm_f32_simd : k.exports.gemm_f32_scalar;
            f32(aAt, depth, packed, cAt, n, m, n, depth, 0);
            const c32 = k.f32.slice(cAt / 4, cAt / 4 + m * n);
            assertArrayClose(c32, expected, 2e-6 * Math.sqrt(depth), `${what} ${kind} f32`);
            const f64 = kind === "simd"
              ? k.exports.gemm_f32_f64_simd
              : k.exports.gemm_f32_f64_scalar;
            f64(aAt, depth, packed, cAt, n, m, n, depth, 0);
            const c64 = k.f64.slice(cAt / 8, cAt / 8 + m * n);
            assertArrayClose(c64, expected, 2e-6 * Math.sqrt(depth), `${what} ${kind} f64`);
          }
        }
      }
    }
  });
}

Deno.test("simd build: every SIMD kernel equals its scalar twin bit for bit", async () => {
  const k = await instantiateKernels("simd");
  const simd = new WasmBackend(k, "simd"), scalar = new WasmBackend(k, "scalar");
  const next = uniform(77);
  for (let trial = 0; trial < 30; trial++) {
    const n = 1 + Math.floor(next() * 40), d = 1 + Math.floor(next() * 40);
    const s = 1 + Math.floor(next() * 150);
    const data = normals(n * d, trial, 2);
    const view = sampleShape([n, d], n * d);
    const theta = directions(d, s, trial);
    for (const exact of [false, true]) {
      const run = (backend: WasmBackend) => {
        const grad = new Float32Array(n * d);
        const loss = backend.run({
          data,
          view,
          theta: exact ? undefined : theta,
          thetaKey: "",
          scale: 1 / n,
          withGrad: true,
          grad,
        });
        return { loss, grad };
      };
      const a = run(simd), b = run(scalar);
      const what = `trial ${trial} (${n}, ${d}, ${exact ? "exact" : s})`;
      assert.equal(a.loss, b.loss, `${what}: loss`);
      a.grad.forEach((v, i) => {
        if (!Object.is(v, b.grad[i])) assert.fail(`${what}: grad[${i}] ${v} vs ${b.grad[i]}`);
      });
    }
  }
  const values = specialValues();
  const a = evaluate(k, values, "simd"), b = evaluate(k, values, "scalar");
  assert.deepEqual(a, b, "f_erf SIMD vs scalar");
});

Deno.test("the non-finite scan finds the first bad value at every position", async () => {
  for (const variant of variants) {
    const k = await instantiateKernels(variant);
    for (const count of [1, 3, 4, 15, 16, 17, 40]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let at = 0; at < count; at++) {
          const data = new Float32Array(count).fill(1e38);
          data[at] = bad;
          if (at + 2 < count) data[at + 2] = NaN;
          k.f32.set(data, k.heapBase / 4);
          for (
            const scan of [
              k.exports.first_non_finite_f32_simd,
              k.exports.first_non_finite_f32_scalar,
            ]
          ) {
            assert.equal(scan(k.heapBase, count), at, `${variant} ${bad} at ${at} of ${count}`);
          }
        }
        k.f32.fill(3, k.heapBase / 4, k.heapBase / 4 + count);
        assert.equal(k.exports.first_non_finite_f32_simd(k.heapBase, count), -1);
      }
    }
  }
});

Deno.test("sort_f32 orders every float32, below and above the insertion-sort cutoff", async () => {
  const k = await instantiateKernels();
  const next = uniform(31);
  for (const n of [1, 2, 47, 48, 49, 100, 2049, 70000]) {
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = next();
      // Every magnitude and sign, with repeats, signed zeros and the extremes.
      values[i] = u < 0.05
        ? [0, -0, 3.4028235e38, -3.4028235e38, 1e-45, -1e-45, 1, 1][i % 8]
        : (next() < 0.5 ? -1 : 1) * 2 ** (200 * u - 100);
    }
    const at = k.heapBase, temp = align(at + 4 * n, 64), counts = align(temp + 4 * n, 64);
    k.ensure(counts + 3 * 2048 * 4);
    k.f32.set(values, at / 4);
    k.exports.sort_f32(at, n, temp, counts);
    const sorted = k.f32.slice(at / 4, at / 4 + n);
    const expected = Float32Array.from(values).sort();
    for (let i = 0; i < n; i++) {
      // −0 and +0 may come in either order; every other value must match exactly.
      if (sorted[i] !== expected[i]) assert.fail(`n=${n}: [${i}] ${sorted[i]} vs ${expected[i]}`);
      if (i > 0 && sorted[i] < sorted[i - 1]) assert.fail(`n=${n}: not ascending at ${i}`);
    }
  }
});
