/**
 * The seeded directions: Philox4x32-10 against its published answers, unit length, the
 * prefix property, independence of seeds and dimensions, orthonormal blocks.
 */

import assert from "node:assert/strict";
import { directions, normalizeDirections } from "../mod.ts";
import { philox4x32 } from "../src/philox.ts";
import { assertThrowsWith } from "./_numeric.ts";

Deno.test("Philox4x32-10 gives the known-answer outputs of Random123", () => {
  const out = new Uint32Array(4);
  const cases: [number[], number[]][] = [
    [[0, 0, 0, 0, 0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0],
      [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    ],
  ];
  for (const [input, expected] of cases) {
    philox4x32(input[0], input[1], input[2], input[3], input[4], input[5], out);
    assert.deepEqual([...out], expected, `counter/key ${input.map((x) => x.toString(16))}`);
  }
});

function norm(theta: Float32Array, d: number, k: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) sum += theta[k * d + j] ** 2;
  return Math.sqrt(sum);
}

Deno.test("directions are unit vectors, and a pure function of (seed, d, s)", () => {
  for (const [d, s] of [[1, 5], [2, 3], [7, 33], [256, 20]]) {
    const theta = directions(d, s, 12345);
    for (let k = 0; k < s; k++) {
      assert.ok(Math.abs(norm(theta, d, k) - 1) < 1e-6, `d=${d} direction ${k} not unit`);
    }
    assert.deepEqual(directions(d, s, 12345), theta, "same arguments, same directions");
    // Direction k does not depend on s: more directions extend the list.
    assert.deepEqual(directions(d, s + 4, 12345).subarray(0, s * d), theta);
    assert.notDeepEqual(directions(d, s, 12346), theta, "another seed");
  }
  // The largest seed, split into its two 32-bit key words.
  assert.equal(directions(3, 1, 2 ** 53 - 1).length, 3);
  // d = 1: every direction is ±1, and both signs appear.
  const signs = new Set(directions(1, 64, 0));
  assert.deepEqual([...signs].sort(), [-1, 1]);
});

Deno.test("Gaussian directions are uniform on the sphere (moments)", () => {
  const d = 3, s = 20000;
  const theta = directions(d, s, 99);
  const mean = [0, 0, 0], second = [0, 0, 0];
  for (let k = 0; k < s; k++) {
    for (let j = 0; j < d; j++) {
      mean[j] += theta[k * d + j] / s;
      second[j] += theta[k * d + j] ** 2 / s;
    }
  }
  // E θ_j = 0 and E θ_j² = 1/d; standard errors about 0.004 and 0.002.
  mean.forEach((m, j) => assert.ok(Math.abs(m) < 0.02, `mean[${j}] = ${m}`));
  second.forEach((m, j) => assert.ok(Math.abs(m - 1 / d) < 0.01, `second[${j}] = ${m}`));
});

Deno.test("orthogonal directions form orthonormal blocks of up to d", () => {
  const d = 5, s = 12;
  const theta = directions(d, s, 7, "orthogonal");
  const gaussian = directions(d, s, 7, "gaussian");
  for (let a = 0; a < s; a++) {
    for (let b = a; b < s; b++) {
      if (Math.floor(a / d) !== Math.floor(b / d)) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += theta[a * d + j] * theta[b * d + j];
      const expected = a === b ? 1 : 0;
      assert.ok(Math.abs(dot - expected) < 1e-6, `θ${a}·θ${b} = ${dot}`);
    }
  }
  // The first direction of each block is the Gaussian sampler's direction.
  for (const first of [0, 5, 10]) {
    for (let j = 0; j < d; j++) {
      assert.ok(Math.abs(theta[first * d + j] - gaussian[first * d + j]) < 1e-6);
    }
  }
});

Deno.test("bad arguments to directions and normalizeDirections", () => {
  assertThrowsWith(() => directions(0, 3), RangeError, ["dimension", "0"], "d = 0");
  assertThrowsWith(() => directions(3, 2.5), RangeError, ["projections", "2.5"], "s");
  assertThrowsWith(() => directions(3, 1, 2 ** 53), RangeError, ["seed"], "seed too large");
  assertThrowsWith(
    () => normalizeDirections([1, 2, 3], 2),
    RangeError,
    ["theta", "3 values", "2"],
    "length",
  );
  assertThrowsWith(
    () => normalizeDirections([1, 0, Infinity, 1], 2),
    RangeError,
    ["theta row 1", "Infinity"],
    "infinite entry",
  );
  // Huge and tiny rows are normalized without overflow or underflow.
  const big = normalizeDirections([3e200, 4e200], 2);
  assert.ok(Math.abs(big[0] - 0.6) < 1e-7 && Math.abs(big[1] - 0.8) < 1e-7);
  const tiny = normalizeDirections([3e-300, -4e-300, 1e-320, 0], 2);
  assert.deepEqual(Array.from(tiny), [Math.fround(0.6), Math.fround(-0.8), 1, 0]);
});
