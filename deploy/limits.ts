/**
 * Every limit of the HTTP service, in one place, each set by an environment variable with a
 * default.
 *
 * The defaults were measured with `bench/service_limits.ts` on a 2 vCPU AMD EPYC shared with
 * other work: the most expensive request each default admits took 0.1–2.3 s and peaked at
 * 100–580 MB of resident memory, within Deno Deploy's default 768 MB. A Supabase function has
 * 256 MB and 2 s of CPU: there the limits should be set four times lower (the README lists the
 * variables), which measured at most 243 MB and 0.6 s under a 160 MB V8 heap.
 *
 * @module
 */

/** The limits a request must respect; see {@linkcode DEFAULT_LIMITS} for each default. */
export interface Limits {
  /** Largest request body in bytes, judged from Content-Length and while streaming (413). */
  readonly maxBodyBytes: number;
  /** Cap on samples, whose tables and buffers cost about 140 bytes each (413). */
  readonly maxSamples: number;
  /** Cap on samples × dimension × projections, for both endpoints (413). */
  readonly maxWork: number;
  /** Cap on samples × projections, the values /v1/score sorts (413). */
  readonly maxSortedValues: number;
  /** Cap on samples × dimension², the covariance /v1/score summarizes (413). */
  readonly maxCovarianceWork: number;
  /** Cap on projections × dimension, the direction values drawn and held (413). */
  readonly maxDirectionValues: number;
  /** Cap on projections × dimension × min(projections, dimension) for orthogonal directions. */
  readonly maxOrthogonalWork: number;
  /** Milliseconds a request may take to deliver its body (408). */
  readonly bodyTimeoutMs: number;
  /** Bytes of request bodies held at once by the whole process (503 beyond it). */
  readonly maxBufferedBytes: number;
  /** Most projected values drawn in the page's histogram and QQ plot. */
  readonly plotMaxValues: number;
}

/** The environment variable that sets each limit. */
export const LIMIT_VARIABLES: Readonly<Record<keyof Limits, string>> = {
  maxBodyBytes: "PER_MAX_BODY_BYTES",
  maxSamples: "PER_MAX_SAMPLES",
  maxWork: "PER_MAX_WORK",
  maxSortedValues: "PER_MAX_SORTED_VALUES",
  maxCovarianceWork: "PER_MAX_COVARIANCE_WORK",
  maxDirectionValues: "PER_MAX_DIRECTION_VALUES",
  maxOrthogonalWork: "PER_MAX_ORTHOGONAL_WORK",
  bodyTimeoutMs: "PER_BODY_TIMEOUT_MS",
  maxBufferedBytes: "PER_MAX_BUFFERED_BYTES",
  plotMaxValues: "PER_PLOT_MAX_VALUES",
};

/**
 * The defaults. The caps come from timings of score() and perLossAndGrad() on the machine
 * above: 2^30 multiply-adds took 0.2–0.6 s, sorting 2^24 projected values about 0.5 s, 2^32
 * covariance terms about 0.5 s, drawing 2^22 gaussian direction values 0.3 s, and
 * orthonormalizing at 2.5 ns a term about 0.7 s for 2^28; per-sample tables cost about
 * 280 ns and 140 bytes a sample (2^20 samples peaked at 197 MB). The float64 `js` backend
 * measured 2–6× slower than the kernels, so its work counts eight times (work_cap.ts).
 */
export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 16 * 2 ** 20,
  maxSamples: 2 ** 20,
  maxWork: 2 ** 30,
  maxSortedValues: 2 ** 24,
  maxCovarianceWork: 2 ** 32,
  maxDirectionValues: 2 ** 22,
  maxOrthogonalWork: 2 ** 28,
  bodyTimeoutMs: 30_000,
  maxBufferedBytes: 128 * 2 ** 20,
  plotMaxValues: 2 ** 18,
};

/**
 * Reads the limits from environment variables, keeping the default for each one not set.
 *
 * @param get reads one variable, such as `(name) => Deno.env.get(name)`
 * @returns the limits
 * @throws {RangeError} when a variable is set to anything but a positive safe integer in
 *   decimal digits, naming the variable and its value
 *
 * @example
 * ```ts
 * import { limitsFromEnv } from "./limits.ts";
 * const env: Record<string, string> = { PER_MAX_BODY_BYTES: "1048576" };
 * const limits = limitsFromEnv((name) => env[name]);
 * console.assert(limits.maxBodyBytes === 1048576 && limits.maxWork === 2 ** 30);
 * ```
 */
export function limitsFromEnv(get: (name: string) => string | undefined): Limits {
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, name] of Object.entries(LIMIT_VARIABLES)) {
    const text = get(name);
    if (text === undefined || text === "") continue;
    // Digits only: Number("1e3"), Number(" 12 ") and parseInt("12abc") would all be accepted
    // by looser parsing and silently mean something else.
    const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer in decimal digits, got "${text}"`);
    }
    limits[key] = value;
  }
  return limits as unknown as Limits;
}
