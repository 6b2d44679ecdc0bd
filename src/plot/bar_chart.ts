/**
 * Grouped bar chart, such as a per-layer metric (the groups) for each variant (the bars).
 *
 * @module
 */

import { Plot } from "./_plot_library.ts";
import { describe, finiteNumber, plotSize, requiredText, textOption } from "./_validate.ts";
import { PALETTE, renderSvg, tickFormat } from "./render.ts";

/** One bar: its group along the x axis, its name (color and legend) and its height. */
export interface Bar {
  /** The group, such as a layer name; groups appear in order of first appearance. */
  group: string;
  /** The bar's name within the group, such as a variant; one bar per group and name. */
  name: string;
  /** The bar's height, finite; negative values go below the zero line. */
  value: number;
}

/** Options of {@linkcode barChartSvg}. */
export interface BarChartOptions {
  /** Title above the chart; none when absent. */
  title?: string;
  /** Label of the group axis, such as "layer". */
  xLabel: string;
  /** Label of the value axis, such as "SW1". */
  yLabel: string;
  /** Outer width in pixels, 120 to 10000; default 640. */
  width?: number;
  /** Outer height in pixels, 120 to 10000; default 400. */
  height?: number;
}

/**
 * Draws grouped bars: one cluster per group along x, one colored bar per name inside it,
 * with a legend of names under the title.
 *
 * Rendering is synchronous. Groups and names keep the order in which they first appear; a
 * (group, name) pair that is absent leaves a gap. An eleventh name reuses the first color.
 *
 * @param bars The bars, at least one, each (group, name) pair at most once.
 * @param options Title, axis labels and size; see {@linkcode BarChartOptions}.
 * @returns A standalone SVG document string with a viewBox.
 * @throws {TypeError} When bars or a field has the wrong type, or a label is missing.
 * @throws {RangeError} When there is no bar, a (group, name) pair repeats, a value is not
 *   finite (naming the index), or a size is out of range.
 * @example
 * ```ts
 * import { barChartSvg } from "./bar_chart.ts";
 *
 * const svg = barChartSvg([
 *   { group: "fc1", name: "baseline", value: 0.41 },
 *   { group: "fc1", name: "PER", value: 0.12 },
 *   { group: "fc2", name: "baseline", value: 0.36 },
 *   { group: "fc2", name: "PER", value: 0.09 },
 * ], { title: "SW1 per layer", xLabel: "layer", yLabel: "SW1" });
 * if (!svg.includes("fc2")) throw new Error("group missing");
 * ```
 */
export function barChartSvg(bars: readonly Bar[], options: BarChartOptions): string {
  const rows = checkBars(bars);
  const title = textOption(options?.title, "options.title");
  const xLabel = requiredText(options?.xLabel, "options.xLabel");
  const yLabel = requiredText(options?.yLabel, "options.yLabel");
  const width = plotSize(options.width, "options.width", 640);
  const height = plotSize(options.height, "options.height", 400);

  const groups = [...new Set(rows.map((r) => r.group))];
  const names = [...new Set(rows.map((r) => r.name))];
  const colors = names.map((_, i) => PALETTE[i % PALETTE.length]);

  return renderSvg({
    // The groups are facets along x, each with its own band scale of names inside it.
    fx: { domain: groups, label: xLabel, labelAnchor: "center", padding: 0.15 },
    x: { domain: names, axis: null, padding: 0.08 },
    y: {
      label: yLabel,
      labelArrow: "none",
      labelAnchor: "center",
      grid: true,
      nice: true,
      tickFormat,
    },
    color: { type: "ordinal", domain: names, range: colors },
    marginBottom: 36,
    marks: [
      Plot.barY(rows, { fx: "group", x: "name", y: "value", fill: "name" }),
      Plot.ruleY([0]),
    ],
  }, {
    width,
    height,
    title,
    legend: names.map((name, i) => ({ name, color: colors[i], swatch: "box" as const })),
  });
}

/** Checks the bars and copies them, so later edits by the caller cannot change the chart. */
function checkBars(bars: readonly Bar[]): Bar[] {
  if (!Array.isArray(bars)) {
    throw new TypeError(`bars is ${describe(bars)}, but it must be an array of bars`);
  }
  if (bars.length === 0) {
    throw new RangeError("bars is empty, but a bar chart needs at least one bar");
  }
  const seen = new Set<string>();
  return bars.map((bar, i) => {
    const group = requiredText(bar?.group, `bars[${i}].group`);
    const name = requiredText(bar.name, `bars[${i}].name`);
    const value = finiteNumber(bar.value, `bars[${i}].value`);
    const key = JSON.stringify([group, name]);
    if (seen.has(key)) {
      throw new RangeError(
        `bars[${i}] repeats group ${JSON.stringify(group)} and name ${JSON.stringify(name)}`,
      );
    }
    seen.add(key);
    return { group, name, value };
  });
}
