/**
 * The page's plots of one request: projected activations θ·h against N(0, 1), as a histogram
 * and as a normal QQ plot, rendered to SVG on the server so that the page needs no plotting
 * code.
 *
 * @module
 */

import { directions, normalizeDirections, type Sampler } from "../mod.ts";
import type { SampleCounts } from "./work_cap.ts";

/** The two plots, as standalone SVG documents. */
export interface ScorePlots {
  /** Histogram of the projected values with the N(0, 1) density. */
  histogram: string;
  /** Their sorted values against N(0, 1) quantiles. */
  qq: string;
  /** How many directions and samples the plotted values come from. */
  directions: number;
  samples: number;
}

/** Directions pooled in the plots: enough to show the shape, few enough to stay cheap. */
const PLOT_DIRECTIONS = 8;

/** Where the projections come from: the request's directions or its seed and sampler. */
export interface PlotDirections {
  /** Explicit directions, s × d row-major (normalized here). */
  theta?: Float64Array;
  /** Directions drawn by the library otherwise. */
  projections: number;
  seed: number;
  sampler: string | undefined;
}

/**
 * Projects up to `maxValues` values x = θ_k·h_i (the first eight directions of the request,
 * over evenly spaced samples when there are more than fit) and renders both plots. The plot
 * module loads on the first call, so requests without plots never pay for it.
 *
 * @param data the activations, already checked finite by score()
 * @param shape their shape
 * @param layout their layout
 * @param counts samples and units of the shape under the layout
 * @param from the request's directions
 * @param maxValues the most values to plot
 * @returns the SVG documents and what they show
 *
 * @example
 * ```ts
 * import { scorePlots } from "./score_plots.ts";
 * const h = new Float32Array(64 * 4).map((_, i) => Math.sin(i));
 * const counts = { samples: 64, dim: 4 };
 * const from = { projections: 16, seed: 0, sampler: undefined };
 * const plots = await scorePlots(h, [64, 4], undefined, counts, from, 1000);
 * console.assert(plots.histogram.startsWith("<svg") && plots.directions === 8);
 * ```
 */
export async function scorePlots(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  layout: string | undefined,
  counts: SampleCounts,
  from: PlotDirections,
  maxValues: number,
): Promise<ScorePlots> {
  const { samples: n, dim: d } = counts;
  const theta = from.theta !== undefined
    ? normalizeDirections(from.theta, d)
    : directions(d, from.projections, from.seed, (from.sampler ?? "gaussian") as Sampler);
  const k = Math.min(PLOT_DIRECTIONS, theta.length / d);
  const m = Math.max(1, Math.min(n, Math.floor(maxValues / k)));

  // Sample i's unit j sits at offset(i) + j·stride in the caller's array (layout.ts).
  const positions = layout === "nchw" ? shape[2] * shape[3] : 1;
  const stride = layout === "nchw" ? positions : 1;
  const offset = (i: number) =>
    layout === "nchw" ? Math.floor(i / positions) * d * positions + (i % positions) : i * d;

  const values = new Float64Array(m * k);
  for (let a = 0; a < m; a++) {
    const base = offset(Math.floor((a * n) / m));
    for (let q = 0; q < k; q++) {
      let x = 0;
      for (let j = 0; j < d; j++) x += theta[q * d + j] * data[base + j * stride];
      values[a * k + q] = x;
    }
  }

  const plot = await import("../src/plot/mod.ts");
  const what = `θ·h over ${k} direction${k === 1 ? "" : "s"} and ${m} sample${m === 1 ? "" : "s"}`;
  return {
    histogram: plot.histogramSvg(values, { title: `Histogram of ${what} against N(0, 1)` }),
    qq: plot.qqSvg(values, { title: `Normal QQ plot of ${what}` }),
    directions: k,
    samples: m,
  };
}
