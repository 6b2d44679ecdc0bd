/**
 * SVG plots for `per`: how far projected activations are from N(0, 1) (a histogram against
 * the density, a QQ plot against the quantiles), and the training report's charts (lines
 * per variant over epochs, grouped bars per layer).
 *
 * Every function is synchronous, returns a standalone SVG document string (namespace,
 * viewBox, white background, title and axis labels), gives byte-identical output for the
 * same input, and needs no permissions: the plotting library renders into an in-memory DOM.
 * Importing this module costs about 0.1 s (the library and its DOM), so entries that plot
 * only on request may prefer a dynamic `import()`. Why Observable Plot with linkedom, and
 * how it measured against Vega-Lite with Vega, is written at the top of `render.ts`.
 *
 * @example
 * ```ts
 * import { histogramSvg, qqSvg } from "./mod.ts";
 *
 * const values = new Float32Array([-0.8, -0.1, 0.2, 0.5, 1.9]);
 * const svgs = [histogramSvg(values, { title: "fc1" }), qqSvg(values, { title: "fc1" })];
 * if (!svgs.every((s) => s.startsWith("<svg"))) throw new Error("not svg");
 * ```
 *
 * @module
 */

export { type HistogramOptions, histogramSvg } from "./histogram.ts";
export { type QqOptions, qqSvg } from "./qq.ts";
export { type LineChartOptions, lineChartSvg, type LineSeries } from "./line_chart.ts";
export { type Bar, type BarChartOptions, barChartSvg } from "./bar_chart.ts";
export type { FloatInput } from "./_validate.ts";
