/**
 * Properties of score(): SW1 never exceeds PER on the same directions, SW2 is at least SW1,
 * its PER values are perLoss's, and every field is finite over the range the kernels keep
 * finite.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { perLoss, score } from "../mod.ts";
import { batches, ERF_ERROR, runs, U32 } from "./_property.ts";

const scored = fc.record({
  batch: batches(32, 12),
  s: fc.integer({ min: 1, max: 32 }),
  seed: fc.nat({ max: 2 ** 31 }),
});

Deno.test("property: SW1 ≤ PER on the same directions, extremes included", () => {
  fc.assert(
    fc.property(scored, ({ batch, s, seed }) => {
      const { n, d, h } = batch;
      const result = score(h, [n, d], { projections: s, seed, perProjection: true });
      const what = `${batch.kind} (${n}, ${d}) s=${s} seed=${seed}`;
      // Per direction, W1 to N(0, 1) is the cheapest coupling and E|t − Z| with t and Z
      // independent is one coupling, so W1 ≤ PER exactly; both use the same float32
      // projections, and PER adds float32 values of f (within 4e-7 relative) over n samples
      // and s directions.
      const slack = 1 + ERF_ERROR + (n + s + 4) * U32;
      assert.ok(result.sw1 <= result.per * slack, `${what}: SW1 ${result.sw1} > ${result.per}`);
      const { per, w1 } = result.perProjection!;
      for (let k = 0; k < s; k++) {
        assert.ok(w1[k] <= per[k] * slack, `${what}: direction ${k}: W1 ${w1[k]} > ${per[k]}`);
      }
      // SW2 ≥ SW1: the root mean square of W2 is at least the mean of W1 ≤ W2.
      assert.ok(result.sw2 >= result.sw1 * (1 - 1e-12), `${what}: SW2 ${result.sw2} < SW1`);
      // The PER values are perLoss's on the same directions (added in another order, so to
      // the rounding of the sum) and its exact mode (the same call, bit for bit).
      const loss = perLoss(h, [n, d], { projections: s, seed });
      assert.ok(
        Math.abs(result.per - loss) <= (n + s + 4) * U32 * loss,
        `${what}: per ${result.per}, perLoss ${loss}`,
      );
      assert.equal(result.perExact, perLoss(h, [n, d], { projections: Infinity }), what);
    }),
    runs(500),
  );
});

Deno.test("property: every score() field is finite, extremes up to ±1e30 included", () => {
  // Regression: covDistance was Infinity once centred values passed about 1.3e19 (the
  // covariance was formed in float32); the library now falls back to float64 there.
  fc.assert(
    fc.property(batches(24, 12), fc.integer({ min: 1, max: 32 }), (b, s) => {
      const result = score(b.h, [b.n, b.d], { projections: s, perProjection: true });
      const what = `${b.kind} (${b.n}, ${b.d}) s=${s}`;
      const walk = (value: unknown, path: string): void => {
        if (typeof value === "number") {
          assert.ok(Number.isFinite(value), `${what}: ${path} is ${value}`);
        } else if (Array.isArray(value)) {
          value.forEach((v, i) => walk(v, `${path}[${i}]`));
        } else if (typeof value === "object" && value !== null) {
          for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
        }
      };
      walk(result, "");
    }),
    runs(300),
  );
});

Deno.test("property: samples whose norm passes the float32 range are refused by name", () => {
  // Projections of such a sample overflow the float32 kernels, so score() and perLoss refuse
  // the batch naming the first such sample, rather than report Infinity.
  const batch = fc.record({
    n: fc.integer({ min: 1, max: 8 }),
    d: fc.integer({ min: 2, max: 8 }),
    at: fc.nat(),
  }).map(({ n, d, at }) => {
    const h = new Float32Array(n * d).fill(0.5);
    const sample = at % n;
    h.fill(3e38, sample * d, sample * d + d); // norm 3e38·√d > 3.4e38
    return { n, d, h, sample };
  });
  fc.assert(
    fc.property(batch, ({ n, d, h, sample }) => {
      for (const call of [() => score(h, [n, d]), () => perLoss(h, [n, d])]) {
        assert.throws(call, (err: unknown) =>
          err instanceof RangeError &&
          err.message.includes(`overflows: sample ${sample} has norm`));
      }
      // The exact mode sums norms in float64 and has no such limit.
      assert.ok(Number.isFinite(perLoss(h, [n, d], { projections: Infinity })));
    }),
    runs(100),
  );
});
