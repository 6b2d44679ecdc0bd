// Exact one-dimensional Wasserstein distances between the empirical distribution of n
// sorted values and N(0, 1) (MATH.md §4), in float64.
//
// With q_i = Φ⁻¹(i/n) (q_0 = −∞, q_n = +∞), x_(i) is matched with the quantiles in
// [q_{i−1}, q_i], which carry probability 1/n each:
//   W1  = Σ_i ∫ |x_(i) − z| φ(z) dz over [a, b] = [q_{i−1}, q_i]
//       = Σ_i x(2Φ(c) − Φ(a) − Φ(b)) + 2φ(c) − φ(a) − φ(b),   c = clamp(x, a, b)
//   W2² = 1/n Σ_i x_(i)² − 2 Σ_i x_(i)(φ(q_{i−1}) − φ(q_i)) + 1
// Φ(a) = (i−1)/n and Φ(b) = i/n are exact fractions; φ(q_i) comes precomputed (shared by
// every direction). Φ(x) and φ(x) are needed only when x falls inside its own interval.

import { normalCdf, normalPdf } from "./normal_f64";

/**
 * W1 and W2² of n sorted float32 values at x against N(0, 1); `phi` holds φ(q_i) for
 * i = 0 … n (φ(q_0) = φ(q_n) = 0) and `q` the quantiles q_i likewise (±∞ at the ends).
 * Writes W1 to out[0] and W2² (clamped at 0) to out[1], as float64.
 */
export function wasserstein_sorted_f64(x: usize, n: i32, q: usize, phi: usize, out: usize): void {
  const inverse = 1 / <f64>n;
  let w1: f64 = 0, squares: f64 = 0, cross: f64 = 0;
  let a = load<f64>(q), phiA = load<f64>(phi);
  for (let i = 1; i <= n; i++) {
    const value = <f64>load<f32>(x + (<usize>(i - 1) << 2));
    const b = load<f64>(q + (<usize>i << 3)), phiB = load<f64>(phi + (<usize>i << 3));
    const mass = phiA - phiB; // ∫ z φ(z) dz over [a, b]
    if (value <= a) {
      w1 += mass - value * inverse;
    } else if (value >= b) {
      w1 += value * inverse - mass;
    } else {
      const twiceBelow = 2 * normalCdf(value) - <f64>(2 * i - 1) * inverse;
      w1 += value * twiceBelow + 2 * normalPdf(value) - phiA - phiB;
    }
    squares += value * value;
    cross += value * mass;
    a = b;
    phiA = phiB;
  }
  store<f64>(out, w1);
  store<f64>(out, max<f64>(0, squares * inverse - 2 * cross + 1), 8);
}
