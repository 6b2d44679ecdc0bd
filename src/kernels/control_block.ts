/**
 * The layout of the thread pool's control block: 32-bit words at a fixed place in the
 * shared memory, read and written with Atomics by the calling thread and the workers.
 *
 * A job: the caller writes the parameters, resets NEXT, EXITED and FAILED, increments
 * GENERATION and notifies. Everyone (the caller included) takes `GRAIN` tasks at a time
 * with Atomics.add on NEXT until it passes TOTAL. Each worker then adds 1 to EXITED; the
 * caller waits until every worker has checked out before it reads results or writes the
 * next job's parameters, so a worker never sees half-written parameters.
 *
 * @module
 */

/** Word indices of the control block. */
export const CONTROL = {
  /** Incremented to start a job; workers wait on it. */
  GENERATION: 0,
  /** Workers that finished starting up. */
  READY: 1,
  /** Next task to take. */
  NEXT: 2,
  /** Workers that finished the current job. */
  EXITED: 3,
  /** Set by a worker whose kernel call threw. */
  FAILED: 4,
  /** Set to make the workers return. */
  STOP: 5,
  /** Number of workers. */
  WORKERS: 6,
  /** Job parameters (unsigned). */
  TOTAL: 8,
  GRAIN: 9,
  DESCRIPTORS: 10,
  TASKS: 11,
  TASK_LOSS: 12,
  TASK_BAD: 13,
  SIMD: 14,
  SCRATCH: 15,
  SCRATCH_STRIDE: 16,
  /** Words in the block. */
  WORDS: 32,
} as const;

/** Bytes the control block occupies. */
export const CONTROL_BYTES = CONTROL.WORDS * 4;
