/**
 * A process-wide budget of request-body bytes held in memory at once.
 *
 * @module
 */

/**
 * Counts the bytes of request bodies held at once, so that many large uploads arriving
 * together are turned away (503) instead of together exhausting the isolate's memory: the
 * body limit bounds one request, this bounds their sum.
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./body_budget.ts";
 * const budget = new BodyBudget(100);
 * console.assert(budget.reserve(60) && !budget.reserve(60));
 * budget.release(60);
 * console.assert(budget.reserve(60) && budget.held === 60);
 * ```
 */
export class BodyBudget {
  /** The most bytes held at once. */
  readonly capacity: number;
  #held = 0;

  /** @param capacity the most bytes held at once */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Bytes held now. */
  get held(): number {
    return this.#held;
  }

  /**
   * Takes `bytes` from the budget when they fit.
   *
   * @param bytes how many bytes to hold
   * @returns true when reserved, false when the budget cannot hold them now
   */
  reserve(bytes: number): boolean {
    if (this.#held + bytes > this.capacity) return false;
    this.#held += bytes;
    return true;
  }

  /**
   * Gives back bytes taken by {@linkcode BodyBudget.reserve}.
   *
   * @param bytes how many bytes to give back
   */
  release(bytes: number): void {
    this.#held = Math.max(0, this.#held - bytes);
  }
}
