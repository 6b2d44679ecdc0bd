/**
 * Histogram of projected activations against the N(0, 1) density.
 *
 * @module
 */

import { Plot } from "./_plot_library.ts";
import { normalPdf } from "../math/normal.ts";
import {
  axisSpan,
  finiteFloat64,
  type FloatInput,
  integerOption,
  plotSize,
  textOption,
} from "./_validate.ts";
import { PALETTE, renderSvg, tickFormat } from "./render.ts";

/** Options of {@linkcode histogramSvg}. */
export interface HistogramOptions {
  /** Title above the chart; none when absent. */
  title?: string;
  /** Number of bars, an integer from 1 to 1000; default 2·n^(1/3) clamped to [10, 100]. */
  bins?: number;
  /** Outer width in pixels, 120 to 10000; default 640. */
  width?: number;
  /** Outer height in pixels, 120 to 10000; default 400. */
  height?: number;
}

/** One bar: the bin [x0, x1) and its density, so that the bars' total area is 1. */
export interface HistogramBin {
  x0: number;
  x1: number;
  density: number;
}

// The density curve is drawn through 161 points across [−4, 4], where it bends, plus 241
// spread over the whole axis; at 10 000 px wide a segment still spans under 60 px.
const CURVE_CORE = 160;
const CURVE_SPAN = 240;
const PEAK = normalPdf(0);
const BAR = PALETTE[0];
const CURVE = PALETTE[2];

/**
 * Draws a density histogram of `values` (bars of total area 1) with the N(0, 1) density
 * overlaid, over an x range covering both the data and [−4, 4].
 *
 * Bins are equal-width over [min, max]. When the values are all equal, or so close that
 * equal bins cannot be told apart in float64, the bins span 1 in all (2^−20·|value| for large
 * values) with the values in the middle of the central bin, so that an all-zero layer shows
 * one tall bar over 0 next to the curve. Rendering is synchronous.
 *
 * @param values Projected activations x_ik = θ_k·h_i, pooled over directions or for one;
 *   any length from 1 up, all finite.
 * @param options Title, bin count and size; see {@linkcode HistogramOptions}.
 * @returns A standalone SVG document string with a viewBox.
 * @throws {TypeError} When values is not a float array, or an option has the wrong type.
 * @throws {RangeError} When values is empty, holds NaN or an infinity (naming the index) or
 *   spans more than 1e300, or when an option is out of range.
 * @example
 * ```ts
 * import { histogramSvg } from "./histogram.ts";
 *
 * const svg = histogramSvg([-1.2, -0.3, 0, 0.4, 0.9, 2.1], { title: "layer 3", bins: 12 });
 * if (!svg.includes("layer 3")) throw new Error("title missing");
 * ```
 */
export function histogramSvg(values: FloatInput, options: HistogramOptions = {}): string {
  const data = finiteFloat64(values, "values");
  axisSpan(data, "values");
  const title = textOption(options.title, "options.title");
  const bins = integerOption(options.bins, "options.bins", 1, 1000, defaultBins(data.length));
  const width = plotSize(options.width, "options.width", 640);
  const height = plotSize(options.height, "options.height", 400);

  const bars = densityBins(data, bins);
  const lo = Math.min(bars[0].x0, -4);
  const hi = Math.max(bars[bars.length - 1].x1, 4);
  const curve = densityCurve(lo, hi);
  const top = bars.reduce((m, b) => Math.max(m, b.density), PEAK);

  return renderSvg({
    x: {
      domain: [lo, hi],
      label: "projected value θ·h",
      labelArrow: "none",
      labelAnchor: "center",
      tickFormat,
    },
    y: {
      domain: [0, top * 1.05],
      label: "density",
      labelArrow: "none",
      labelAnchor: "center",
      grid: true,
      tickFormat,
    },
    marks: [
      Plot.rectY(bars, {
        x1: "x0",
        x2: "x1",
        y: "density",
        fill: BAR,
        fillOpacity: 0.6,
        stroke: BAR,
        strokeWidth: 0.5,
      }),
      Plot.line(curve, { x: "x", y: "y", stroke: CURVE, strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
  }, {
    width,
    height,
    title,
    legend: [
      { name: "projections", color: BAR, swatch: "box" },
      { name: "N(0, 1) density", color: CURVE, swatch: "line" },
    ],
  });
}

/**
 * Default bar count: the Rice rule 2·n^(1/3), clamped to [10, 100] so that a few values still
 * show a spread and 10^7 values do not give bars narrower than a pixel or two.
 */
function defaultBins(n: number): number {
  return Math.min(100, Math.max(10, Math.ceil(2 * Math.cbrt(n))));
}

/**
 * Bins float64 values into `bins` equal-width bars normalized to total area 1.
 *
 * Every intermediate is computed in halves (x/2 − lo/2) so that values near ±1.7e308 do not
 * overflow, and every bin is returned, empty ones included, so the bar count equals `bins`.
 *
 * @param data Finite values, at least one.
 * @param bins Number of bars, at least 1.
 * @returns The bars in increasing x, the last one closed on the right.
 * @example
 * ```ts
 * import { densityBins } from "./histogram.ts";
 *
 * const bars = densityBins(new Float64Array([0, 1, 1, 2]), 2);
 * // [0, 1) holds 1 value and [1, 2] holds 3; each bar has width 1, so densities 1/4, 3/4.
 * if (bars[1].density !== 0.75) throw new Error("bad density");
 * ```
 */
export function densityBins(data: Float64Array, bins: number): HistogramBin[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const w = ((hi / 2 - lo / 2) / bins) * 2;
  // Equal bins must be distinguishable at both ends, and 1/w finite so densities are too.
  if (!(lo + w > lo && hi - w < hi && 1 / w < Infinity)) {
    // Place the values in the middle of the central bin, so one bar stands over them.
    const centre = lo / 2 + hi / 2;
    const step = Math.max(1, Math.abs(centre) * 2 ** -20) / bins;
    const below = Math.floor(bins / 2) + 0.5;
    lo = Math.max(centre - below * step, -Number.MAX_VALUE);
    hi = Math.min(centre + (bins - below) * step, Number.MAX_VALUE);
  }

  const half = hi / 2 - lo / 2;
  const counts = new Float64Array(bins);
  for (const v of data) {
    const k = Math.floor(((v / 2 - lo / 2) / half) * bins);
    counts[Math.min(bins - 1, Math.max(0, k))]++;
  }

  // Edges as convex combinations of lo and hi: they cannot overflow, and the last is hi.
  const edge = (k: number) => k === bins ? hi : lo * (1 - k / bins) + hi * (k / bins);
  const out: HistogramBin[] = [];
  for (let k = 0; k < bins; k++) {
    const x0 = edge(k);
    const x1 = edge(k + 1);
    // Dividing the fraction by the width (not the count by n·width) keeps n·width from
    // overflowing when both are large.
    out.push({ x0, x1, density: counts[k] / data.length / (x1 - x0) });
  }
  return out;
}

/** Points of the N(0, 1) density over [lo, hi], denser inside [−4, 4], x increasing. */
function densityCurve(lo: number, hi: number): { x: number; y: number }[] {
  const xs: number[] = [];
  // (k − 80)/20 hits 0 and ±4 exactly, so the peak 1/√(2π) is drawn, not approximated.
  for (let k = 0; k <= CURVE_CORE; k++) xs.push((k - CURVE_CORE / 2) / 20);
  for (let k = 0; k <= CURVE_SPAN; k++) {
    xs.push(lo * (1 - k / CURVE_SPAN) + hi * (k / CURVE_SPAN));
  }
  xs.sort((a, b) => a - b);
  const out: { x: number; y: number }[] = [];
  for (const x of xs) {
    if (out.length > 0 && out[out.length - 1].x === x) continue;
    out.push({ x, y: normalPdf(x) });
  }
  return out;
}
