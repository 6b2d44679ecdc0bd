/**
 * Glue between the plots and the plotting library: turns Observable Plot options into one
 * standalone, deterministic SVG document.
 *
 * Library choice. Observable Plot 0.6.17 with linkedom 0.18.15 as its DOM, over Vega-Lite
 * 6.5.0 + Vega 6.4.0 (`view.toSVG()`). Both were measured in Deno 2.9.6 on a histogram
 * (10^5 values binned to 50 bars, plus a 361-point density curve) and a QQ plot (1 000
 * points), under `deno run --allow-net --allow-env` and under no permissions at all:
 *
 * | | Plot + linkedom | Vega-Lite + Vega |
 * |---|---|---|
 * | import | 80–150 ms | 80–200 ms |
 * | both plots, first render, with binning and sorting | 30–45 ms | 75–115 ms |
 * | both plots, median of 15 | 10–12 ms | 40–57 ms |
 * | histogram / QQ bytes | 10 234 / 68 344 | 26 096 / 293 532 |
 * | npm packages / disk | 63 / 16 MB | 79 / 25 MB |
 * | byte-identical reruns | yes | yes |
 *
 * Both need no file or network access and no permissions. Plot won on speed, output size
 * (Vega writes every symbol as a path with its own style attributes) and a smaller tree;
 * what Vega gives for free, a standalone SVG with a namespace and a background, is added
 * here in a few lines. The rendering is synchronous, so every plot returns a string. As
 * shipped (legend, 400-point curve, coordinates rounded to 1/100 px) a 10^5-value histogram
 * is about 15 KB and a 1 000-point QQ plot about 43 KB.
 *
 * @module
 */

import { parseHTML, Plot } from "./_plot_library.ts";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Text color of titles, axes and labels; set on the root so nothing depends on the page. */
const INK = "#1f2328";
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/**
 * Ten distinguishable colors (the Tableau 10 scheme) for the series of line and bar charts;
 * an eleventh series reuses the first color. The histogram and QQ plot use the first (data)
 * and the third (N(0, 1)).
 */
export const PALETTE: readonly string[] = [
  "#4e79a7",
  "#f28e2c",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc949",
  "#af7aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ab",
];

/**
 * The part of a DOM element used here. linkedom provides it, but its declarations refer to
 * the browser's DOM types, which Deno's type library does not have.
 */
interface SvgNode {
  readonly nodeType: number;
  readonly tagName: string;
  readonly localName: string;
  readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
  readonly childNodes: Iterable<SvgNode>;
  readonly firstChild: SvgNode | null;
  readonly nextSibling: SvgNode | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  appendChild(child: SvgNode): SvgNode;
  insertBefore(child: SvgNode, before: SvgNode | null): SvgNode;
  querySelectorAll(selector: string): Iterable<SvgNode>;
}

/** The part of a DOM document used here. */
interface SvgDocument {
  createElementNS(namespace: string, tag: string): SvgNode;
}

/** One entry of a legend drawn in a row under the title. */
export interface LegendEntry {
  /** The name shown beside the swatch. */
  name: string;
  /** Its CSS color. */
  color: string;
  /** The swatch's shape, matching the mark: a box (bars), a line or a dot; default box. */
  swatch?: "box" | "line" | "dot";
}

/** What the glue adds around the library's chart. */
export interface Frame {
  /** Outer width in pixels. */
  width: number;
  /** Outer height in pixels. */
  height: number;
  /** A title drawn above the chart and stored as the SVG's `<title>`. */
  title?: string;
  /** Names and colors, in rows under the title. */
  legend?: readonly LegendEntry[];
}

// Geometry attributes whose numbers are pixel positions; the library writes them with 17
// significant digits, and two decimals (1/100 px) halve the size of a 1 000-point QQ plot.
const GEOMETRY = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "d"];
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;
const TITLE_SPACE = 34;
const MARGIN_LEFT = 40;
// Estimated advance of a 10 px tick label character, digits and signs, rounded up.
const TICK_CHAR = 6.2;
const LEGEND_ROW = 18;
// A generous average advance of an 11 px sans-serif character; there is no font to measure
// with, and an overestimate only leaves a wider gap between legend entries.
const LEGEND_CHAR = 6.6;

/**
 * Renders Observable Plot options into a standalone SVG document string.
 *
 * The result has the SVG namespace, a viewBox, a white background, dark text that does not
 * inherit the embedding page's color, an optional title (visible and as `<title>`), an
 * optional legend, and pixel coordinates rounded to 1/100 px. The same input always gives
 * the same bytes: nothing depends on the clock, the locale or a counter.
 *
 * @param options Observable Plot options (marks and scales); `document`, the size, the top
 *   margin and the style are set here, and the left margin unless the options give one.
 * @param frame Size, title and legend.
 * @returns The SVG document as a string, starting with `<svg`.
 * @example
 * ```ts
 * import { Plot } from "./_plot_library.ts";
 * import { renderSvg } from "./render.ts";
 *
 * const svg = renderSvg(
 *   { marks: [Plot.dot([[0, 1], [1, 2]])] },
 *   { width: 320, height: 200, title: "Two points" },
 * );
 * if (!svg.startsWith("<svg") || !svg.includes("Two points")) throw new Error("bad svg");
 * ```
 */
export function renderSvg(options: Plot.PlotOptions, frame: Frame): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>") as unknown as {
    document: SvgDocument;
  };
  const titleSpace = frame.title === undefined ? 0 : TITLE_SPACE;
  const rows = frame.legend ? legendRows(frame.legend, frame.width - 60) : [];
  const draw = (marginLeft: number) =>
    Plot.plot({
      ...options,
      // linkedom implements the part of the DOM that Plot uses; its types are its own.
      document: document as unknown as Plot.PlotOptions["document"],
      width: frame.width,
      height: frame.height,
      marginTop: 20 + titleSpace + rows.length * LEGEND_ROW,
      marginLeft,
      style: { color: INK, background: "white" },
    }) as unknown as SvgNode;

  // Plot does not size the left margin to its tick labels, and the labels are known only
  // after rendering: render, measure the longest, and render again when it does not fit.
  let node = draw(options.marginLeft ?? MARGIN_LEFT);
  if (options.marginLeft === undefined) {
    const needed = leftMargin(node, hasYLabel(options));
    if (needed > MARGIN_LEFT) node = draw(needed);
  }

  // Plot wraps the SVG in an HTML <figure> only for its own title, caption or legend, which
  // are never passed; anything else would not be a standalone SVG.
  if (node.tagName.toLowerCase() !== "svg") {
    throw new TypeError(`the chart rendered as <${node.tagName}>, but an <svg> was expected`);
  }
  node.setAttribute("xmlns", SVG_NS);
  node.setAttribute("font-family", FONT);

  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", "white");
  background.setAttribute("aria-hidden", "true");
  node.insertBefore(background, firstAfterStyle(node));

  if (frame.title !== undefined) {
    const title = document.createElementNS(SVG_NS, "title");
    title.textContent = frame.title;
    node.insertBefore(title, node.firstChild);
    const text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("class", "title");
    text.setAttribute("x", String(frame.width / 2));
    text.setAttribute("y", "24");
    text.setAttribute("font-size", "15");
    text.setAttribute("font-weight", "600");
    text.setAttribute("text-anchor", "middle");
    text.textContent = frame.title;
    node.appendChild(text);
  }

  if (rows.length > 0) node.appendChild(legend(document, rows, 50, titleSpace + 8));

  roundGeometry(node);
  return xml(node);
}

/**
 * Formats an axis tick without the runtime's locale: plain decimals between 1e−4 and 1e5,
 * otherwise three significant digits in exponent form, and true minus signs (U+2212).
 *
 * @param v The tick value.
 * @returns Its label, for example `"0.25"`, `"−2"` or `"1e30"`.
 * @example
 * ```ts
 * import { tickFormat } from "./render.ts";
 *
 * if (tickFormat(-2) !== "−2" || tickFormat(1e30) !== "1e30") throw new Error("bad tick");
 * ```
 */
export function tickFormat(v: number): string {
  const a = Math.abs(v);
  // Axis ticks are multiples of a step, so six significant digits drop float noise such as
  // 0.30000000000000004 without hiding any real digit of a tick.
  const text = a !== 0 && (a < 1e-4 || a >= 1e5)
    ? Number(v.toPrecision(3)).toExponential().replace("e+", "e")
    : String(Number(v.toPrecision(6)));
  return text.replaceAll("-", "−");
}

/** Whether the options give the y axis a label, which is drawn rotated left of the ticks. */
function hasYLabel(options: Plot.PlotOptions): boolean {
  const y = options.y as { label?: unknown } | undefined;
  return typeof y?.label === "string" && y.label !== "";
}

/** The left margin that fits the rendered y tick labels: tick, gap, text, rotated label. */
function leftMargin(svg: SvgNode, label: boolean): number {
  let longest = 0;
  for (const text of svg.querySelectorAll('[aria-label="y-axis tick label"] text')) {
    longest = Math.max(longest, text.textContent?.length ?? 0);
  }
  return Math.ceil(6 + 3 + longest * TICK_CHAR + (label ? 18 : 4));
}

/** The node before which the background goes: after Plot's `<style>`, under every mark. */
function firstAfterStyle(svg: SvgNode): SvgNode | null {
  const first = svg.firstChild;
  return first && first.tagName?.toLowerCase() === "style" ? first.nextSibling : first;
}

/** One placed legend entry: the entry and its x offset within its row. */
interface Placed {
  entry: LegendEntry;
  x: number;
}

/** Splits the legend into rows no wider than `room`, keeping the entries' order. */
function legendRows(entries: readonly LegendEntry[], room: number): Placed[][] {
  const rows: Placed[][] = [];
  let row: Placed[] = [];
  let x = 0;
  for (const entry of entries) {
    const w = 18 + entry.name.length * LEGEND_CHAR + 16;
    if (row.length > 0 && x + w > room) {
      rows.push(row);
      row = [];
      x = 0;
    }
    row.push({ entry, x });
    x += w;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** Builds the legend group: per entry a swatch shaped like its mark, then the name. */
function legend(
  document: SvgDocument,
  rows: readonly Placed[][],
  x: number,
  y: number,
): SvgNode {
  const group = document.createElementNS(SVG_NS, "g");
  group.setAttribute("class", "legend");
  group.setAttribute("font-size", "11");
  group.setAttribute("text-anchor", "start");
  group.setAttribute("transform", `translate(${x},${y})`);
  rows.forEach((row, r) => {
    const mid = r * LEGEND_ROW + 6;
    for (const { entry, x } of row) {
      const item = document.createElementNS(SVG_NS, "g");
      item.setAttribute("class", "legend-entry");
      item.setAttribute("transform", `translate(${x},${mid})`);
      item.appendChild(swatch(document, entry));
      const label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("x", "18");
      label.setAttribute("y", "3.5");
      label.textContent = entry.name;
      item.appendChild(label);
      group.appendChild(item);
    }
  });
  return group;
}

/** A 12 px wide swatch centred on y = 0: a box, a line or a dot. */
function swatch(
  document: SvgDocument,
  entry: LegendEntry,
): SvgNode {
  const shape = entry.swatch ?? "box";
  if (shape === "line") {
    const line = document.createElementNS(SVG_NS, "line");
    for (const [k, v] of [["x2", "12"], ["stroke", entry.color], ["stroke-width", "2"]]) {
      line.setAttribute(k, v);
    }
    return line;
  }
  if (shape === "dot") {
    const dot = document.createElementNS(SVG_NS, "circle");
    for (const [k, v] of [["cx", "6"], ["r", "3"], ["fill", entry.color]]) dot.setAttribute(k, v);
    return dot;
  }
  const box = document.createElementNS(SVG_NS, "rect");
  for (const [k, v] of [["y", "-5.5"], ["width", "12"], ["height", "11"]]) box.setAttribute(k, v);
  box.setAttribute("fill", entry.color);
  return box;
}

// Characters XML 1.0 forbids even when escaped: C0 controls other than tab, LF and CR, the
// non-characters U+FFFE and U+FFFF, and unpaired surrogates (matched as UTF-16 code units).
// deno-lint-ignore no-control-regex
const NOT_XML_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Makes text fit for XML content or a double-quoted attribute value. */
function escapeXml(text: string, attribute: boolean): string {
  const clean = text.replace(NOT_XML_CHAR, "").replace(LONE_SURROGATE, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return attribute ? clean.replace(/"/g, "&quot;") : clean;
}

/**
 * Serializes a node as XML. linkedom writes HTML, which leaves `<` and `&` unescaped in
 * attribute values; a title like "a < b" would then break every XML parser. Text escapes
 * only `&` and `<`, so that the CSS in `<style>` also survives when the SVG is inlined into
 * an HTML page, where style text is not unescaped.
 */
function xml(node: SvgNode): string {
  if (node.nodeType === TEXT_NODE) {
    return escapeXml(node.textContent ?? "", false);
  }
  if (node.nodeType !== ELEMENT_NODE) return "";
  let out = `<${node.localName}`;
  for (const { name, value } of node.attributes) {
    out += ` ${name}="${escapeXml(value, true)}"`;
  }
  const children = [...node.childNodes].map(xml).join("");
  return children === "" ? `${out}/>` : `${out}>${children}</${node.localName}>`;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Rounds the pixel numbers of every geometry attribute below root to two decimals. */
function roundGeometry(root: SvgNode): void {
  for (const element of [root, ...root.querySelectorAll("*")]) {
    for (const name of GEOMETRY) {
      const value = element.getAttribute(name);
      if (value === null || !value.includes(".")) continue;
      element.setAttribute(name, value.replace(NUMBER, round));
    }
    const transform = element.getAttribute("transform");
    if (transform?.includes(".")) {
      element.setAttribute("transform", transform.replace(NUMBER, round));
    }
  }
}

function round(token: string): string {
  // String(-0) is "0", so rounding never writes "-0".
  return String(Math.round(Number(token) * 100) / 100);
}
