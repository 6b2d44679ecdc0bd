/**
 * Running a fuzz target in a worker under a watchdog, with its case count and seed from the
 * environment: `PER_FUZZ_CASES` sets the cases of every target (CI keeps the defaults),
 * `PER_FUZZ_SEED` and `PER_FUZZ_PATH` replay what a failure printed.
 *
 * @module
 */

import type { FuzzOrder, FuzzOutcome } from "./_fuzz_worker.ts";

/** A target stuck this long on one case is a hang. */
const STALL_MS = 20_000;

/** The worker's start: a first run type-checks its modules, which took 20 s on 2 busy cores. */
const START_MS = 180_000;

/** What a fuzz run did. */
export interface FuzzReport {
  target: string;
  cases: number;
  seed: number;
  ms: number;
  slowestMs: number;
}

/**
 * Runs `target` for `defaultCases` cases (or `PER_FUZZ_CASES`) in a worker, and throws
 * fast-check's report when a case breaks the target's contract, or names the case that ran
 * longer than `stallMs` and stops it.
 */
export async function fuzz(
  target: string,
  defaultCases: number,
  stallMs = STALL_MS,
): Promise<FuzzReport> {
  const cases = Number(Deno.env.get("PER_FUZZ_CASES") ?? defaultCases);
  const seed = Number(Deno.env.get("PER_FUZZ_SEED") ?? (Math.random() * 2 ** 31) | 0);
  const path = Deno.env.get("PER_FUZZ_PATH");
  if (!Number.isSafeInteger(cases) || cases < 1) throw new RangeError("PER_FUZZ_CASES");
  const progress = new SharedArrayBuffer(4);
  const counter = new Int32Array(progress);
  counter[0] = -1; // until the worker has loaded and taken the order
  const worker = new Worker(new URL("./_fuzz_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const start = performance.now();
  let watchdog: ReturnType<typeof setInterval> | undefined;
  try {
    const outcome = await new Promise<FuzzOutcome>((resolve, reject) => {
      const order: FuzzOrder = { target, numRuns: cases, seed, path, progress };
      worker.onmessage = (event: MessageEvent<FuzzOutcome | "ready">) => {
        if (event.data === "ready") worker.postMessage(order);
        else resolve(event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`${target}: the worker failed: ${event.message}`));
      };
      let last = -1, since = performance.now();
      watchdog = setInterval(() => {
        const now = Atomics.load(counter, 0);
        if (now !== last) [last, since] = [now, performance.now()];
        else if (now < 0 && performance.now() - since > START_MS) {
          reject(new Error(`${target}: the worker did not start within ${START_MS} ms`));
        } else if (now >= 0 && performance.now() - since > stallMs) {
          reject(
            new Error(
              `${target}: case ${now} ran for over ${stallMs} ms (seed ${seed}; when no ` +
                `failure came before it, PER_FUZZ_SEED=${seed} PER_FUZZ_PATH=${now} replays it)`,
            ),
          );
        }
      }, 1_000);
    });
    if (outcome.failure !== undefined) {
      throw new Error(`${target} (PER_FUZZ_SEED=${seed}):\n${outcome.failure}`);
    }
    return {
      target,
      cases: outcome.runs,
      seed,
      ms: performance.now() - start,
      slowestMs: outcome.slowestMs,
    };
  } finally {
    clearInterval(watchdog);
    worker.terminate();
  }
}

/** One line for the test's output. */
export function describeFuzz(r: FuzzReport): string {
  return `${r.target}: ${r.cases} cases in ${(r.ms / 1000).toFixed(1)} s, slowest ` +
    `${r.slowestMs.toFixed(1)} ms (seed ${r.seed})`;
}
