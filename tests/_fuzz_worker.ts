/**
 * The worker that runs one fuzz target for tests/_fuzz.ts, so that a hang can be stopped from
 * outside: it says when it is ready for its order, publishes the number of the run in progress
 * in shared memory, and posts the outcome when fast-check is done.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import fc from "fast-check";
import type { FuzzTarget } from "./_fuzz_readers.ts";
import { READER_TARGETS } from "./_fuzz_readers.ts";
import { REQUEST_TARGETS } from "./_fuzz_requests.ts";

/** What the test asks the worker to run. */
export interface FuzzOrder {
  target: string;
  numRuns: number;
  seed: number;
  path?: string;
  /** Int32Array over it: [0] the run in progress. */
  progress: SharedArrayBuffer;
}

/** What the worker answers. */
export interface FuzzOutcome {
  /** fast-check's report of a failure (seed, path, shrunk counterexample), or undefined. */
  failure?: string;
  /** Runs made, shrinking included. */
  runs: number;
  /** The slowest run in milliseconds, and its number. */
  slowestMs: number;
  slowestRun: number;
}

/** A target whose runs never end after the third, to show that the watchdog stops a hang. */
const SPIN: FuzzTarget<number> = {
  inputs: fc.nat(),
  run: () => {
    if (spins++ < 3) return;
    for (;;) {
      // A hang, as a reader stuck in a loop would be.
    }
  },
};
let spins = 0;

const TARGETS = { ...READER_TARGETS, ...REQUEST_TARGETS, spin: SPIN } as Record<
  string,
  FuzzTarget<unknown>
>;

self.onmessage = async (event: MessageEvent<FuzzOrder>) => {
  const { target, numRuns, seed, path, progress } = event.data;
  const counter = new Int32Array(progress);
  const { inputs, run } = TARGETS[target];
  let runs = 0, slowestMs = 0, slowestRun = -1;
  const timed = (input: unknown) => {
    Atomics.store(counter, 0, runs);
    const start = performance.now();
    const done = () => {
      const ms = performance.now() - start;
      if (ms > slowestMs) [slowestMs, slowestRun] = [ms, runs];
      runs++;
    };
    let result: void | Promise<void>;
    try {
      result = run(input);
    } catch (err) {
      done();
      throw err;
    }
    if (result instanceof Promise) return result.finally(done);
    done();
  };
  const parameters = { numRuns, seed, ...(path === undefined ? {} : { path }) };
  const details = target in REQUEST_TARGETS
    ? await fc.check(fc.asyncProperty(inputs, async (x) => await timed(x)), parameters)
    : fc.check(fc.property(inputs, (x) => void timed(x)), parameters);
  const outcome: FuzzOutcome = {
    failure: details.failed ? `${fc.defaultReportMessage(details)}\n${cause(details)}` : undefined,
    runs,
    slowestMs,
    slowestRun,
  };
  self.postMessage(outcome);
};

/** The error the shrunk counterexample raised, which fast-check's report leaves out. */
function cause(details: { errorInstance?: unknown }): string {
  const err = details.errorInstance;
  return err instanceof Error ? `${err.name}: ${err.message}` : `threw ${String(err)}`;
}

// An order posted before the module has loaded was lost under `deno test` when loading took
// seconds (the worker's first type check); the test posts it once it hears this.
self.postMessage("ready");
