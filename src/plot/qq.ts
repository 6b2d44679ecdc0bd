/**
 * Normal QQ plot of projected activations: sorted values against N(0, 1) quantiles.
 *
 * @module
 */

import { Plot } from "./_plot_library.ts";
import { normalQuantile } from "../math/normal.ts";
import {
  axisSpan,
  finiteFloat64,
  type FloatInput,
  integerOption,
  plotSize,
  textOption,
} from "./_validate.ts";
import { PALETTE, renderSvg, tickFormat } from "./render.ts";

/** Options of {@linkcode qqSvg}. */
export interface QqOptions {
  /** Title above the chart; none when absent. */
  title?: string;
  /** Most points drawn, an integer from 2 to 100 000; default 1000. */
  maxPoints?: number;
  /** Outer width in pixels, 120 to 10000; default 480. */
  width?: number;
  /** Outer height in pixels, 120 to 10000; default 480. */
  height?: number;
}

/** One point of a QQ plot: the N(0, 1) quantile and the sample value of the same rank. */
export interface QqPoint {
  /** Φ⁻¹((i + 1/2)/n) for the value of 0-based rank i. */
  theoretical: number;
  /** The value of rank i. */
  sample: number;
}

const POINT = PALETTE[0];
const REFERENCE = PALETTE[2];

/**
 * Draws a normal QQ plot: the sorted values against N(0, 1) quantiles, with the y = x line
 * that N(0, 1) data would follow.
 *
 * Rendering is synchronous. At most `maxPoints` points are drawn, at ranks evenly spread
 * over [0, n − 1] (so evenly spread in probability), always including the minimum and the
 * maximum; see {@linkcode qqPoints}.
 *
 * @param values Projected activations x_ik = θ_k·h_i, pooled over directions or for one;
 *   any length from 1 up, all finite.
 * @param options Title, point budget and size; see {@linkcode QqOptions}.
 * @returns A standalone SVG document string with a viewBox.
 * @throws {TypeError} When values is not a float array, or an option has the wrong type.
 * @throws {RangeError} When values is empty, holds NaN or an infinity (naming the index) or
 *   spans more than 1e300, or when an option is out of range.
 * @example
 * ```ts
 * import { qqSvg } from "./qq.ts";
 *
 * const svg = qqSvg(new Float32Array([0.3, -1.1, 0.8, 2.4, -0.2]), { title: "layer 1" });
 * if (!svg.includes("layer 1")) throw new Error("title missing");
 * ```
 */
export function qqSvg(values: FloatInput, options: QqOptions = {}): string {
  const data = finiteFloat64(values, "values");
  axisSpan(data, "values");
  const title = textOption(options.title, "options.title");
  const maxPoints = integerOption(options.maxPoints, "options.maxPoints", 2, 100_000, 1000);
  const width = plotSize(options.width, "options.width", 480);
  const height = plotSize(options.height, "options.height", 480);

  const points = qqPoints(data, maxPoints);
  const first = points[0];
  const last = points[points.length - 1];
  // With one value both axes would collapse to a point; ±1 around it keeps a readable frame.
  const [x0, x1] = widen(first.theoretical, last.theoretical);
  const [y0, y1] = widen(Math.min(first.sample, x0), Math.max(last.sample, x1));

  return renderSvg({
    x: {
      domain: [x0, x1],
      nice: true,
      inset: 6,
      label: "N(0, 1) quantile",
      labelArrow: "none",
      labelAnchor: "center",
      tickFormat,
    },
    y: {
      domain: [y0, y1],
      nice: true,
      inset: 6,
      grid: true,
      label: "sample quantile",
      labelArrow: "none",
      labelAnchor: "center",
      tickFormat,
    },
    marks: [
      Plot.line([[x0, x0], [x1, x1]], { stroke: REFERENCE, strokeWidth: 1.5 }),
      Plot.dot(points, { x: "theoretical", y: "sample", r: 2, fill: POINT, stroke: null }),
    ],
  }, {
    width,
    height,
    title,
    legend: [
      { name: "sorted projections", color: POINT, swatch: "dot" },
      { name: "y = x (N(0, 1))", color: REFERENCE, swatch: "line" },
    ],
  });
}

/**
 * Picks the points of a QQ plot: sorts a float64 copy, then keeps at most `maxPoints` ranks
 * evenly spread over [0, n − 1], the first and the last always included, each paired with
 * the N(0, 1) quantile at its plotting position (i + 1/2)/n (the median of the probability
 * interval [i/n, (i + 1)/n] that rank i covers in MATH.md section 4).
 *
 * @param data Finite values, at least one; not modified.
 * @param maxPoints Most points kept, at least 2.
 * @returns Points in increasing rank, min(n, maxPoints) of them.
 * @example
 * ```ts
 * import { qqPoints } from "./qq.ts";
 *
 * const points = qqPoints(new Float64Array([3, 1, 2]), 2);
 * // The extremes: rank 0 (value 1) at Φ⁻¹(1/6) and rank 2 (value 3) at Φ⁻¹(5/6).
 * if (points.length !== 2 || points[0].sample !== 1 || points[1].sample !== 3) {
 *   throw new Error("bad points");
 * }
 * ```
 */
export function qqPoints(data: Float64Array, maxPoints: number): QqPoint[] {
  const sorted = Float64Array.from(data).sort();
  const n = sorted.length;
  const m = Math.min(n, maxPoints);
  const out: QqPoint[] = [];
  for (let j = 0; j < m; j++) {
    // Rounding the evenly spaced rank j(n − 1)/(m − 1) hits 0 and n − 1 exactly, and
    // distinct j give distinct ranks because the spacing is at least 1.
    const i = m === 1 ? 0 : Math.round((j * (n - 1)) / (m - 1));
    out.push({ theoretical: normalQuantile((i + 0.5) / n), sample: sorted[i] });
  }
  return out;
}

/**
 * Returns [lo, hi] unchanged when lo < hi; otherwise a range around them of width 2, or
 * 2^−19·|lo| for large values, clamped to finite numbers.
 */
function widen(lo: number, hi: number): [number, number] {
  if (lo < hi) return [lo, hi];
  const half = Math.max(1, Math.abs(lo) * 2 ** -20);
  return [Math.max(lo - half, -Number.MAX_VALUE), Math.min(hi + half, Number.MAX_VALUE)];
}
