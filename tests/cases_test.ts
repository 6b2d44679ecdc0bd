/**
 * The shared cases that exercise the engine (../shared/cases): each call's loss and
 * gradient against the float64 values the case gives, within the case's tolerance.
 */

import assert from "node:assert/strict";
import { perLoss, perLossAndGrad, type PerOptions } from "../mod.ts";
import {
  assertArrayClose,
  assertRelative,
  assertThrowsWith,
  numbers,
  readCase,
} from "./_numeric.ts";

// deno-lint-ignore no-explicit-any
type Call = any;

function optionsOf(call: Call): PerOptions {
  const options: PerOptions = {};
  if (call.theta !== undefined) options.theta = numbers(call.theta);
  if (call.projections !== undefined) options.projections = Number(call.projections);
  if (call.layout !== undefined) options.layout = call.layout;
  return options;
}

/** Runs one call of a case and checks loss and gradient against its expected values. */
function checkCall(
  call: Call,
  tolerance: { loss_rel: number; grad_abs?: number; grad_abs_over_max?: number },
  what: string,
): void {
  const data = new Float32Array(numbers(call.data));
  const { loss, grad } = perLossAndGrad(data, call.shape, optionsOf(call));
  assertRelative(loss, call.loss, tolerance.loss_rel, `${what} loss`);
  assert.ok(grad.every(Number.isFinite), `${what}: gradient has a non-finite entry`);
  if (tolerance.grad_abs !== undefined) {
    assertArrayClose(grad, call.grad, tolerance.grad_abs, `${what} grad`, true);
  } else {
    assertArrayClose(grad, call.grad, tolerance.grad_abs_over_max!, `${what} grad`);
  }
  // perLoss runs the same kernels without the back-projection: the same loss exactly.
  assert.equal(perLoss(data, call.shape, optionsOf(call)), loss, `${what} perLoss`);
}

Deno.test("case erf-range: f and erf at every float32 magnitude, no NaN or infinity", () => {
  const c = readCase("erf-range");
  c.calls.forEach((call: Call, i: number) => checkCall(call, c.tolerance, `call ${i}`));
});

Deno.test("case exp-underflow: projections whose exp underflows or whose square overflows", () => {
  const c = readCase("exp-underflow");
  checkCall(c, c.tolerance, "exp-underflow");
});

Deno.test("case erf-bound: every gradient entry is at most 1/n in float32", () => {
  const c = readCase("erf-bound");
  const data = new Float32Array(numbers(c.data));
  const { loss, grad } = perLossAndGrad(data, c.shape, { theta: numbers(c.theta) });
  assertRelative(loss, c.loss, c.tolerance.loss_rel, "loss");
  grad.forEach((g, i) => {
    assert.ok(Math.abs(g) <= c.grad_abs_at_most, `grad[${i}] = ${g} > ${c.grad_abs_at_most}`);
  });
});

Deno.test("case non-finite: NaN and infinities name the flat index and value", () => {
  const c = readCase("non-finite");
  c.calls.forEach((call: Call, i: number) => {
    const values = numbers(call.data);
    const data = call.dtype === "float64" ? new Float64Array(values) : new Float32Array(values);
    for (const run of [perLoss, perLossAndGrad]) {
      assertThrowsWith(
        () => run(data, call.shape, optionsOf(call)),
        RangeError,
        call.error_mentions,
        `call ${i} (${run.name})`,
      );
      assertThrowsWith(
        () => run(data, call.shape, { ...optionsOf(call), backend: "js" }),
        RangeError,
        call.error_mentions,
        `call ${i} (${run.name}, js backend)`,
      );
    }
  });
});

Deno.test("case tiny-s: s = 1, d = 1, n = 1 and bad counts of directions", () => {
  const c = readCase("tiny-s");
  c.calls.forEach((call: Call, i: number) => {
    if (call.error_mentions) {
      const data = new Float32Array(numbers(call.data));
      assertThrowsWith(
        () => perLossAndGrad(data, call.shape, optionsOf(call)),
        RangeError,
        call.error_mentions,
        `call ${i}`,
      );
      return;
    }
    checkCall(call, { loss_rel: 1e-5, grad_abs_over_max: 1e-6 }, `call ${i}`);
  });
});

Deno.test("case simd-tail: lengths around the vector width and an all-odd shape", () => {
  const c = readCase("simd-tail");
  c.calls.forEach((call: Call, i: number) => checkCall(call, c.tolerance, `call ${i}`));
  checkCall(c.odd_shape, c.tolerance, "odd_shape");
});

Deno.test("case shape: layouts map channels to units; bad shapes are clear errors", () => {
  const c = readCase("shape");
  for (const layout of ["flat", "nhwc", "nchw"] as const) {
    const expected = c[layout];
    const data = new Float32Array(c.data);
    const { loss, grad } = perLossAndGrad(data, expected.shape, {
      theta: c.theta,
      layout,
    });
    assertRelative(loss, expected.loss, c.tolerance.loss_rel, `${layout} loss`);
    assertArrayClose(grad, expected.grad, c.tolerance.grad_abs_over_max, `${layout} grad`);
  }
  c.errors.forEach((bad: Call) => {
    const data = new Float32Array(c.data);
    const error = assertThrowsWith(
      () => perLossAndGrad(data, bad.shape, { layout: bad.layout ?? "flat" }),
      RangeError,
      ["shape"],
      `shape ${JSON.stringify(bad.shape)} (${bad.why})`,
    );
    assert.ok(!error.message.endsWith("."), "messages have no trailing period");
  });
});

Deno.test("case constant: zero variance divides by zero nowhere", () => {
  const c = readCase("constant");
  const zeros = new Float32Array(c.zeros.data);
  for (const projections of [1, 7, 256]) {
    const { loss, grad } = perLossAndGrad(zeros, c.zeros.shape, { projections, seed: 9 });
    assertRelative(loss, c.zeros.loss_any_theta, c.tolerance.loss_rel, `zeros s=${projections}`);
    assert.ok(grad.every((g) => g === 0), `zeros s=${projections}: gradient not all 0`);
  }
  const exact = perLossAndGrad(zeros, c.zeros.shape, { projections: Infinity });
  assertRelative(exact.loss, c.zeros.loss_exact, c.tolerance.loss_rel, "zeros exact loss");
  assert.ok(exact.grad.every((g) => g === 0), "zeros exact: gradient not all 0");

  const p = c.twoPointFive;
  const data = new Float32Array(p.data);
  const mc = perLossAndGrad(data, p.shape, { theta: p.theta });
  assertRelative(mc.loss, p.loss, c.tolerance.loss_rel, "2.5 loss");
  assertArrayClose(mc.grad, p.grad, c.tolerance.grad_abs_over_max, "2.5 grad");
  const ex = perLossAndGrad(data, p.shape, { projections: Infinity });
  assertRelative(ex.loss, p.loss_exact, c.tolerance.loss_rel, "2.5 exact loss");
  assertArrayClose(ex.grad, p.grad_exact, c.tolerance.grad_abs_over_max, "2.5 exact grad");
});

Deno.test("case growth: memory grows for a large call and small calls still agree", () => {
  const c = readCase("growth");
  const small = () => {
    const data = new Float32Array(c.small.data);
    const { loss, grad } = perLossAndGrad(data, c.small.shape, { theta: c.small.theta });
    assertRelative(loss, c.small.loss, c.tolerance.loss_rel, "small loss");
    assertArrayClose(grad, c.small.grad, c.tolerance.grad_abs_over_max, "small grad");
  };
  const [n, d] = c.large.shape;
  const large = (type: Float32ArrayConstructor | Float64ArrayConstructor) => {
    // h[i][j] = ((i·4096 + j) mod 17 − 8)/4, theta = e_0: the case's formula.
    const data = new type(n * d);
    for (let i = 0; i < n * d; i++) data[i] = ((i % 17) - 8) / 4;
    const theta = new Float32Array(d);
    theta[0] = 1;
    const { loss, grad } = perLossAndGrad(data, [n, d], { theta });
    assertRelative(loss, c.large.loss, c.tolerance.loss_rel, `large ${type.name} loss`);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const expected = erfOverN(data[i * d], n);
      worst = Math.max(worst, Math.abs(grad[i * d] - expected));
      for (let j = 1; j < d; j++) {
        if (grad[i * d + j] !== 0) assert.fail(`grad[${i}][${j}] = ${grad[i * d + j]}, not 0`);
      }
    }
    assert.ok(worst <= 1e-6 / n, `large ${type.name}: column 0 off by ${worst}`);
  };
  small();
  large(Float32Array);
  small();
  large(Float64Array);
  small();
});

/** erf(x/√2)/n from the float64 library function. */
function erfOverN(x: number, n: number): number {
  return perFPrimeReference(x) / n;
}

import { perFPrime as perFPrimeReference } from "../src/math/erf.ts";
