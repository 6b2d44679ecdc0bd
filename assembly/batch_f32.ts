// Several layers in one call into WebAssembly, for a training step that regularizes many
// layers: scan every layer for non-finite values first, then run the fused kernel of each.
//
// A descriptor is DESCRIPTOR_SLOTS float64 values (every field fits exactly):
//   0 mode (0 Monte Carlo, 1 exact)   1 h        2 ldh       3 grad     4 n      5 d
//   6 withGrad                        7 gradScale            8 loss (written back)
//   Monte Carlo:  9 thetaT  10 theta  11 x  12 s  13 sPad  14 rowBlock
//   exact:        9 table   10 pieces 11 degree  12 b  13 kappaLoss  14 kappaGrad
//   15 first non-finite index in h, or −1 (written back)

import { first_non_finite_f32_scalar, first_non_finite_f32_simd } from "./check_f32";
import { exact_f32_scalar, exact_f32_simd } from "./exact_f32";
import { per_f32_scalar, per_f32_simd } from "./per_f32";

export const DESCRIPTOR_SLOTS: i32 = 16;

// @ts-ignore: decorator
@inline function slot(descriptor: usize, index: i32): f64 {
  return load<f64>(descriptor + (<usize>index << 3));
}

/**
 * Runs `count` layer descriptors at `descriptors`. Returns the index of the first layer
 * holding a NaN or ±∞ (its slot 15 names the value's position) before computing anything,
 * or −1 when every layer was computed (slot 8 holds each summed loss).
 */
export function per_batch_f32(descriptors: usize, count: i32, simd: bool): i32 {
  const stride = <usize>DESCRIPTOR_SLOTS << 3;
  for (let layer = 0; layer < count; layer++) {
    const at = descriptors + <usize>layer * stride;
    const h = <usize>slot(at, 1), ldh = <i32>slot(at, 2), n = <i32>slot(at, 4);
    const bad = simd
      ? first_non_finite_f32_simd(h, n * ldh)
      : first_non_finite_f32_scalar(h, n * ldh);
    store<f64>(at + 15 * 8, <f64>bad);
    if (bad >= 0) return layer;
  }
  for (let layer = 0; layer < count; layer++) {
    const at = descriptors + <usize>layer * stride;
    const h = <usize>slot(at, 1), ldh = <i32>slot(at, 2), grad = <usize>slot(at, 3);
    const n = <i32>slot(at, 4), d = <i32>slot(at, 5), withGrad = slot(at, 6) != 0;
    const gradScale = slot(at, 7);
    let loss: f64;
    if (slot(at, 0) == 0) {
      const thetaT = <usize>slot(at, 9), theta = <usize>slot(at, 10), x = <usize>slot(at, 11);
      const s = <i32>slot(at, 12), sPad = <i32>slot(at, 13), rowBlock = <i32>slot(at, 14);
      loss = simd
        ? per_f32_simd(h, ldh, thetaT, theta, grad, x, n, d, s, sPad, rowBlock,
          <f32>gradScale, withGrad)
        : per_f32_scalar(h, ldh, thetaT, theta, grad, x, n, d, s, sPad, rowBlock,
          <f32>gradScale, withGrad);
    } else {
      const table = <usize>slot(at, 9), pieces = <i32>slot(at, 10);
      const degree = <i32>slot(at, 11);
      const b = slot(at, 12), kappaLoss = slot(at, 13), kappaGrad = slot(at, 14);
      loss = simd
        ? exact_f32_simd(h, ldh, grad, n, d, table, pieces, degree, b, kappaLoss, kappaGrad,
          gradScale, withGrad)
        : exact_f32_scalar(h, ldh, grad, n, d, table, pieces, degree, b, kappaLoss,
          kappaGrad, gradScale, withGrad);
    }
    store<f64>(at + 8 * 8, loss);
  }
  return -1;
}
