/**
 * The source of a thread pool worker, as a string: workers are created from it (Node's
 * `worker_threads` with `eval`, or a Blob URL in browsers), so they read no file and need
 * no permission.
 *
 * A worker instantiates the kernels over the shared memory it is sent, then waits on the
 * control block (control_block.ts) for jobs: it takes tasks with an atomic counter, runs
 * them, and checks out of the job. It never returns to its event loop.
 *
 * @module
 */

import { CONTROL } from "./control_block.ts";

/** JavaScript source of a pool worker (runs in Node's worker_threads or a Web Worker). */
export const workerSource: string = `
"use strict";
const C = ${JSON.stringify(CONTROL)};
function start(message) {
  const { module, memory, control, index } = message;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const runTasks = instance.exports.per_tasks_f32;
  const ctl = new Int32Array(memory.buffer, control, C.WORDS);
  const params = new Uint32Array(memory.buffer, control, C.WORDS);
  let seen = Atomics.load(ctl, C.GENERATION);
  Atomics.add(ctl, C.READY, 1);
  Atomics.notify(ctl, C.READY);
  for (;;) {
    Atomics.wait(ctl, C.GENERATION, seen);
    const generation = Atomics.load(ctl, C.GENERATION);
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(ctl, C.STOP)) return;
    const total = params[C.TOTAL], grain = params[C.GRAIN];
    const scratch = params[C.SCRATCH] + index * params[C.SCRATCH_STRIDE];
    try {
      for (;;) {
        const first = Atomics.add(ctl, C.NEXT, grain);
        if (first >= total) break;
        runTasks(params[C.DESCRIPTORS], params[C.TASKS], first, Math.min(total, first + grain),
          scratch, params[C.TASK_LOSS], params[C.TASK_BAD], params[C.SIMD]);
      }
    } catch (error) {
      Atomics.store(ctl, C.FAILED, 1);
    }
    if (Atomics.add(ctl, C.EXITED, 1) + 1 === params[C.WORKERS]) Atomics.notify(ctl, C.EXITED);
  }
}
if (typeof require === "function") {
  require("node:worker_threads").parentPort.once("message", start);
} else {
  self.onmessage = (event) => start(event.data);
}
`;
