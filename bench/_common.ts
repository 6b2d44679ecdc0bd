/**
 * What the benchmarks share: the engine's four contract shapes, reproducible activations,
 * and a timer that warms V8 up before it measures.
 *
 * @module
 */

/** (B, d, s) of the engine's contract (issue 2): small, medium, large, and tall-narrow. */
export const SHAPES: [number, number, number][] = [
  [64, 128, 256],
  [256, 512, 256],
  [1024, 1024, 256],
  [8192, 64, 256],
];

/** Median and fastest of a series of timed runs, in milliseconds. */
export interface Timing {
  median: number;
  min: number;
}

/**
 * Times `run` `count` times after warming up: at least `warmup` calls and `warmupMs` of
 * them, because V8 runs WebAssembly in a baseline tier until its optimizing tier takes over,
 * with no on-stack replacement, and µs-sized calls need hundreds of runs before the
 * TypeScript around the kernels is optimized.
 *
 * @example
 * ```ts
 * import { time } from "./_common.ts";
 * const { median } = time(() => Math.sqrt(2), 5, 1, 1);
 * console.log(median >= 0);
 * ```
 */
export function time(run: () => void, count: number, warmup = 5, warmupMs = 200): Timing {
  const until = performance.now() + warmupMs;
  for (let i = 0; i < warmup || performance.now() < until; i++) run();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

/**
 * n values uniform in [−1, 1) from a linear congruential sequence: the same activations on
 * every run and every machine.
 *
 * @example
 * ```ts
 * import { activations } from "./_common.ts";
 * console.log(activations(3, 1).length === 3);
 * ```
 */
export function activations(n: number, seed = 1): Float32Array {
  const h = new Float32Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    h[i] = state / 2 ** 31 - 1;
  }
  return h;
}
