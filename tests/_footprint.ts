/**
 * Helpers of the limit tests: what a run of requests cost the process in memory and time.
 *
 * @module
 */

/** What {@linkcode footprint} measured over a run of calls. */
export interface Footprint {
  /** Largest growth, in MiB, of V8's external memory (where ArrayBuffers live) seen after a call. */
  externalMiB: number;
  /** Largest growth, in MiB, of the resident set seen after a call. */
  rssMiB: number;
  /** Slowest call, in milliseconds. */
  slowestMs: number;
}

/**
 * Runs `call` `times` times and reports the largest growth of memory seen after any call and
 * the slowest call. External memory counts an ArrayBuffer from the moment it is allocated,
 * even before its pages are touched, so a buffer sized by a claim shows there at once; the
 * resident set shows what was written.
 *
 * @param times how many calls
 * @param call one call
 * @returns the growth and the slowest call
 */
export async function footprint(times: number, call: () => Promise<void>): Promise<Footprint> {
  const before = Deno.memoryUsage();
  let external = 0, rss = 0, slowest = 0;
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await call();
    slowest = Math.max(slowest, performance.now() - start);
    const now = Deno.memoryUsage();
    external = Math.max(external, now.external - before.external);
    rss = Math.max(rss, now.rss - before.rss);
  }
  return { externalMiB: external / 2 ** 20, rssMiB: rss / 2 ** 20, slowestMs: slowest };
}

/** Formats a footprint for a failure message or a log line. */
export function describeFootprint(f: Footprint): string {
  return `external +${f.externalMiB.toFixed(1)} MiB, resident +${f.rssMiB.toFixed(1)} MiB, ` +
    `slowest ${f.slowestMs.toFixed(1)} ms`;
}
