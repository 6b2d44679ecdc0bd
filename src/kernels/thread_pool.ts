/**
 * A pool of worker threads that run kernel tasks over one shared WebAssembly memory, for
 * the synchronous API: the calling thread hands out tasks, works on them too, and blocks
 * with Atomics.wait until every worker has checked out (control_block.ts).
 *
 * Workers come from Node's `worker_threads` where it exists (Deno and Node: created from
 * source text with `eval`, and unref'ed so an idle pool never keeps the process alive),
 * otherwise from a Blob URL (browsers). Neither reads a file or needs a permission. Where
 * shared memory or workers are missing (some edge runtimes), createThreadPool returns
 * undefined and the kernels run on the calling thread alone.
 *
 * @module
 */

import { CONTROL, CONTROL_BYTES } from "./control_block.ts";
import type { KernelInstance } from "./kernels.ts";
import { workerSource } from "./worker_source.ts";

/** What one job runs: tasks [0, total) of a task table (assembly/tasks_f32.ts). */
export interface PoolJob {
  descriptors: number;
  tasks: number;
  total: number;
  taskLoss: number;
  taskBad: number;
  simd: boolean;
  /** Scratch of thread i at scratch + i·scratchStride (the caller is thread 0). */
  scratch: number;
  scratchStride: number;
}

interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

type WorkerFactory = () => PoolWorker;

// Node's worker_threads, where the runtime has it (a failed import means a browser).
const nodeWorkerThreads = await import("node:worker_threads").catch(() => undefined);

function workerFactory(): WorkerFactory | undefined {
  const NodeWorker = nodeWorkerThreads?.Worker;
  if (NodeWorker) {
    return () => {
      const worker = new NodeWorker(workerSource, { eval: true });
      worker.unref();
      return worker;
    };
  }
  if (typeof Worker === "function" && typeof Blob === "function") {
    const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
    return () => new Worker(url);
  }
  return undefined;
}

/** Seconds to wait for workers before giving up on them. */
const STARTUP_TIMEOUT_MS = 10_000;
const JOB_TIMEOUT_MS = 600_000;

/** Tasks a thread takes at a time: one keeps the load balanced; tasks are ≥ 16 rows. */
const GRAIN = 1;

/** Whether this thread may block in Atomics.wait (browsers forbid it on the main thread). */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, CONTROL.STOP, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Worker threads sharing one kernel instance's memory. */
export class ThreadPool {
  /** Threads that run tasks: the workers and the calling thread. */
  readonly threads: number;
  readonly #kernels: KernelInstance;
  readonly #workers: PoolWorker[];
  readonly #control: number;
  readonly #blocking: boolean;

  private constructor(kernels: KernelInstance, workers: PoolWorker[], control: number) {
    this.#kernels = kernels;
    this.#workers = workers;
    this.#control = control;
    this.threads = workers.length + 1;
    this.#blocking = canBlock(this.#words());
  }

  /**
   * Starts `threads − 1` workers on the kernels' shared memory, with the control block at
   * byte `control`. Returns undefined when the runtime cannot (no shared memory, no
   * workers, or workers that do not start).
   */
  static create(
    kernels: KernelInstance,
    module: WebAssembly.Module,
    threads: number,
    control: number,
  ): ThreadPool | undefined {
    const factory = workerFactory();
    if (!kernels.shared || !factory || threads < 2) return undefined;
    const workers: PoolWorker[] = [];
    try {
      kernels.ensure(control + CONTROL_BYTES);
      const words = new Int32Array(kernels.memory.buffer, control, CONTROL.WORDS);
      words.fill(0);
      words[CONTROL.WORKERS] = threads - 1;
      for (let index = 1; index < threads; index++) {
        const worker = factory();
        workers.push(worker);
        worker.postMessage({ module, memory: kernels.memory, control, index });
      }
      const pool = new ThreadPool(kernels, workers, control);
      if (!pool.#waitFor(CONTROL.READY, threads - 1, STARTUP_TIMEOUT_MS)) {
        pool.terminate();
        return undefined;
      }
      return pool;
    } catch {
      for (const worker of workers) worker.terminate();
      return undefined;
    }
  }

  #words(): Int32Array {
    return new Int32Array(this.#kernels.memory.buffer, this.#control, CONTROL.WORDS);
  }

  /** Blocks until word `index` reaches `target`; false on timeout. */
  #waitFor(index: number, target: number, timeoutMs: number): boolean {
    const words = this.#words();
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = Atomics.load(words, index);
      if (value >= target) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      if (this.#blocking) Atomics.wait(words, index, value, Math.min(left, 1000));
    }
  }

  /** Runs a job on every thread and returns when all of its tasks are done. */
  run(job: PoolJob): void {
    const words = this.#words();
    const params = new Uint32Array(words.buffer, words.byteOffset, CONTROL.WORDS);
    params[CONTROL.TOTAL] = job.total;
    params[CONTROL.GRAIN] = GRAIN;
    params[CONTROL.DESCRIPTORS] = job.descriptors;
    params[CONTROL.TASKS] = job.tasks;
    params[CONTROL.TASK_LOSS] = job.taskLoss;
    params[CONTROL.TASK_BAD] = job.taskBad;
    params[CONTROL.SIMD] = job.simd ? 1 : 0;
    params[CONTROL.SCRATCH] = job.scratch;
    params[CONTROL.SCRATCH_STRIDE] = job.scratchStride;
    Atomics.store(words, CONTROL.NEXT, 0);
    Atomics.store(words, CONTROL.EXITED, 0);
    Atomics.store(words, CONTROL.FAILED, 0);
    Atomics.add(words, CONTROL.GENERATION, 1);
    Atomics.notify(words, CONTROL.GENERATION);
    const run = this.#kernels.exports.per_tasks_f32;
    for (;;) {
      const first = Atomics.add(words, CONTROL.NEXT, GRAIN);
      if (first >= job.total) break;
      run(
        job.descriptors,
        job.tasks,
        first,
        Math.min(job.total, first + GRAIN),
        job.scratch,
        job.taskLoss,
        job.taskBad,
        job.simd ? 1 : 0,
      );
    }
    if (!this.#waitFor(CONTROL.EXITED, this.#workers.length, JOB_TIMEOUT_MS)) {
      throw new Error("the kernel worker threads stopped responding");
    }
    if (Atomics.load(words, CONTROL.FAILED)) {
      throw new Error("a kernel worker thread failed");
    }
  }

  /** Stops the workers. The pool cannot run jobs afterwards. */
  terminate(): void {
    const words = this.#words();
    Atomics.store(words, CONTROL.STOP, 1);
    Atomics.add(words, CONTROL.GENERATION, 1);
    Atomics.notify(words, CONTROL.GENERATION);
    for (const worker of this.#workers) worker.terminate();
  }
}
