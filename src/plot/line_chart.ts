/**
 * Line chart of named series, such as accuracy per epoch for each training variant.
 *
 * @module
 */

import { Plot } from "./_plot_library.ts";
import { describe, finiteNumber, plotSize, requiredText, textOption } from "./_validate.ts";
import { PALETTE, renderSvg, tickFormat } from "./render.ts";

/** One named series: y[i] is drawn at x[i], in the given order. */
export interface LineSeries {
  /** The series name, shown in the legend; unique within a chart. */
  name: string;
  /** Horizontal positions, finite. */
  x: readonly number[];
  /** Vertical positions, finite, as many as x. */
  y: readonly number[];
}

/** Options of {@linkcode lineChartSvg}. */
export interface LineChartOptions {
  /** Title above the chart; none when absent. */
  title?: string;
  /** Label of the horizontal axis, such as "epoch". */
  xLabel: string;
  /** Label of the vertical axis, such as "test accuracy". */
  yLabel: string;
  /** Outer width in pixels, 120 to 10000; default 640. */
  width?: number;
  /** Outer height in pixels, 120 to 10000; default 400. */
  height?: number;
}

// Series with few points (epochs, typically) also get a dot per point, so that a one-point
// series is visible and the epochs can be read off; beyond this the dots only add clutter.
const MAX_DOTTED = 60;

/**
 * Draws one line per series, each in its own color with a legend under the title.
 *
 * Rendering is synchronous. Series with at most 60 points also get a dot per point. An
 * eleventh series reuses the first color, so keep to ten for a readable chart.
 *
 * @param series The series, at least one, with unique names and x, y of equal length ≥ 1.
 * @param options Title, axis labels and size; see {@linkcode LineChartOptions}.
 * @returns A standalone SVG document string with a viewBox.
 * @throws {TypeError} When series or a field has the wrong type, or a label is missing.
 * @throws {RangeError} When there is no series, a name repeats, x and y differ in length or
 *   are empty, a value is not finite (naming the series and index), or a size is out of range.
 * @example
 * ```ts
 * import { lineChartSvg } from "./line_chart.ts";
 *
 * const svg = lineChartSvg([
 *   { name: "baseline", x: [1, 2, 3], y: [0.91, 0.95, 0.96] },
 *   { name: "PER", x: [1, 2, 3], y: [0.92, 0.96, 0.97] },
 * ], { title: "MNIST", xLabel: "epoch", yLabel: "test accuracy" });
 * if (!svg.includes("baseline")) throw new Error("legend missing");
 * ```
 */
export function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions): string {
  const rows = seriesRows(series);
  const title = textOption(options?.title, "options.title");
  const xLabel = requiredText(options?.xLabel, "options.xLabel");
  const yLabel = requiredText(options?.yLabel, "options.yLabel");
  const width = plotSize(options.width, "options.width", 640);
  const height = plotSize(options.height, "options.height", 400);

  const names = series.map((s) => s.name);
  const colors = names.map((_, i) => PALETTE[i % PALETTE.length]);
  const dotted = series.every((s) => s.x.length <= MAX_DOTTED);
  const marks: Plot.Markish[] = [
    Plot.line(rows, { x: "x", y: "y", z: "name", stroke: "name", strokeWidth: 2 }),
  ];
  if (dotted) marks.push(Plot.dot(rows, { x: "x", y: "y", fill: "name", r: 2.5 }));

  return renderSvg({
    x: { label: xLabel, labelArrow: "none", labelAnchor: "center", inset: 8, tickFormat },
    y: {
      label: yLabel,
      labelArrow: "none",
      labelAnchor: "center",
      grid: true,
      nice: true,
      tickFormat,
    },
    color: { type: "ordinal", domain: names, range: colors },
    marks,
  }, {
    width,
    height,
    title,
    legend: names.map((name, i) => ({ name, color: colors[i], swatch: "line" as const })),
  });
}

/** A checked point of a series, tagged with its name for the library's z channel. */
interface Row {
  name: string;
  x: number;
  y: number;
}

/** Checks the series and flattens them into rows, in series order then point order. */
function seriesRows(series: readonly LineSeries[]): Row[] {
  if (!Array.isArray(series)) {
    throw new TypeError(`series is ${describe(series)}, but it must be an array of series`);
  }
  if (series.length === 0) {
    throw new RangeError("series is empty, but a line chart needs at least one series");
  }
  const seen = new Set<string>();
  const rows: Row[] = [];
  series.forEach((s, k) => {
    const where = `series[${k}]`;
    const name = requiredText(s?.name, `${where}.name`);
    if (seen.has(name)) {
      throw new RangeError(
        `${where}.name is ${JSON.stringify(name)}, which an earlier series has`,
      );
    }
    seen.add(name);
    for (const axis of ["x", "y"] as const) {
      if (!Array.isArray(s[axis])) {
        throw new TypeError(`${where}.${axis} is ${describe(s[axis])}, but it must be number[]`);
      }
    }
    if (s.x.length !== s.y.length || s.x.length === 0) {
      throw new RangeError(
        `${where} has ${s.x.length} x and ${s.y.length} y values, but needs equally many, ≥ 1`,
      );
    }
    for (let i = 0; i < s.x.length; i++) {
      rows.push({
        name,
        x: finiteNumber(s.x[i], `${where}.x[${i}]`),
        y: finiteNumber(s.y[i], `${where}.y[${i}]`),
      });
    }
  });
  return rows;
}
