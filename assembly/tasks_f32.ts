// The unit of work the TypeScript side schedules, on one thread or many: one task is a
// block of consecutive samples of one layer. Each task scans its rows for non-finite
// values, runs the fused Monte Carlo kernel or the exact-mode kernel on them, and writes
// its own loss. The caller adds the task losses in task order, so the result does not
// depend on how many threads ran the tasks or which thread ran which.
//
// A layer descriptor is DESCRIPTOR_SLOTS float64 values (every field fits exactly):
//   0 mode (0 Monte Carlo, 1 exact)   1 h     2 ldh (floats per row)   3 grad   4 n
//   5 d   6 withGrad   7 gradScale    8 rows per task
//   Monte Carlo:  9 thetaT (packed)  10 theta (packed)  11 s  12 sPad
//   exact:        9 table  10 pieces  11 degree  12 b  13 kappaLoss  14 kappaGrad
// Monte Carlo gradient rows are float64 (see per_f32.ts); exact-mode rows are float32.
// A task table entry is two i32: the layer, and the task's index within the layer.

import { first_non_finite_f32_scalar, first_non_finite_f32_simd } from "./check_f32";
import { exact_f32_scalar, exact_f32_simd } from "./exact_f32";
import { per_f32_scalar, per_f32_simd } from "./per_f32";

export const DESCRIPTOR_SLOTS: i32 = 16;

// @ts-ignore: decorator
@inline function slot(descriptor: usize, index: i32): f64 {
  return load<f64>(descriptor + (<usize>index << 3));
}

/**
 * Runs tasks [first, last) of the table at `tasks`. For task t, taskLoss[t] (float64)
 * receives its summed loss and taskBad[t] (i32) the position of its first NaN or ±∞
 * counted from the task's first row (ldh floats per row), or −1; a task with a bad value
 * computes nothing. `scratch` holds rowsPerTask × sPad floats for this thread alone.
 */
export function per_tasks_f32(
  descriptors: usize, tasks: usize, first: i32, last: i32, scratch: usize,
  taskLoss: usize, taskBad: usize, simd: bool,
): void {
  const stride = <usize>DESCRIPTOR_SLOTS << 3;
  for (let t = first; t < last; t++) {
    const layer = load<i32>(tasks + (<usize>t << 3));
    const task = load<i32>(tasks + (<usize>t << 3), 4);
    const at = descriptors + <usize>layer * stride;
    const ldh = <i32>slot(at, 2), n = <i32>slot(at, 4), d = <i32>slot(at, 5);
    const rowsPerTask = <i32>slot(at, 8);
    const r0 = task * rowsPerTask, m = min(rowsPerTask, n - r0);
    const h = <usize>slot(at, 1) + ((<usize>r0 * <usize>ldh) << 2);
    const bad = simd
      ? first_non_finite_f32_simd(h, m * ldh)
      : first_non_finite_f32_scalar(h, m * ldh);
    store<i32>(taskBad + (<usize>t << 2), bad);
    if (bad >= 0) {
      store<f64>(taskLoss + (<usize>t << 3), 0);
      continue;
    }
    const withGrad = slot(at, 6) != 0, gradScale = slot(at, 7);
    let loss: f64;
    if (slot(at, 0) == 0) {
      const grad = <usize>slot(at, 3) + ((<usize>r0 * <usize>ldh) << 3);
      const thetaT = <usize>slot(at, 9), theta = <usize>slot(at, 10);
      const s = <i32>slot(at, 11), sPad = <i32>slot(at, 12);
      loss = simd
        ? per_f32_simd(h, ldh, thetaT, theta, grad, scratch, m, d, s, sPad, rowsPerTask,
          <f32>gradScale, withGrad)
        : per_f32_scalar(h, ldh, thetaT, theta, grad, scratch, m, d, s, sPad, rowsPerTask,
          <f32>gradScale, withGrad);
    } else {
      const grad = <usize>slot(at, 3) + ((<usize>r0 * <usize>ldh) << 2);
      const table = <usize>slot(at, 9), pieces = <i32>slot(at, 10);
      const degree = <i32>slot(at, 11);
      const b = slot(at, 12), kappaLoss = slot(at, 13), kappaGrad = slot(at, 14);
      loss = simd
        ? exact_f32_simd(h, ldh, grad, m, d, table, pieces, degree, b, kappaLoss, kappaGrad,
          gradScale, withGrad)
        : exact_f32_scalar(h, ldh, grad, m, d, table, pieces, degree, b, kappaLoss,
          kappaGrad, gradScale, withGrad);
    }
    store<f64>(taskLoss + (<usize>t << 3), loss);
  }
}
