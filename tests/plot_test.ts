// Tests of src/plot: the SVG output is parsed with a strict XML parser (not the DOM library
// that wrote it), and positions are read back through the axes' tick labels, so the checks
// are about what a reader of the chart sees.

import assert from "node:assert/strict";
import { DOMParser, type Element, onWarningStopParsing } from "@xmldom/xmldom";
import { barChartSvg, histogramSvg, lineChartSvg, qqSvg } from "../src/plot/mod.ts";
import { densityBins } from "../src/plot/histogram.ts";
import { qqPoints } from "../src/plot/qq.ts";
import { normalPdf, normalQuantile } from "../src/math/normal.ts";
import { tickFormat } from "../src/plot/render.ts";

const SVG_NS = "http://www.w3.org/2000/svg";
const PEAK = 1 / Math.sqrt(2 * Math.PI);

/** Seeded N(mean, sd²) sample by Box–Muller over a 31-bit Lehmer generator. */
function gaussian(n: number, seed: number, mean = 0, sd = 1): Float64Array {
  let s = seed;
  const uniform = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = mean + sd * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}

/** Parses an SVG string strictly; any XML warning or error fails the test. */
function parse(svg: string): Element {
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, "text/xml");
  const root = doc.documentElement;
  assert.ok(root, "the document has no root element");
  assert.equal(root.tagName, "svg");
  assert.equal(root.getAttribute("xmlns"), SVG_NS);
  const viewBox = root.getAttribute("viewBox")?.split(" ").map(Number);
  assert.deepEqual(viewBox, [
    0,
    0,
    Number(root.getAttribute("width")),
    Number(root.getAttribute("height")),
  ]);
  assert.ok(
    !svg.includes("NaN") && !svg.includes("Infinity"),
    "the SVG holds a non-finite number",
  );
  return root;
}

/** All elements named `tag` below `root`. */
function all(root: Element, tag: string): Element[] {
  return Array.from(root.getElementsByTagName(tag));
}

/** The children named `tag` of the `<g>` the library labels `label` (one per mark). */
function markItems(root: Element, label: string, tag: string): Element[] {
  const groups = all(root, "g").filter((g) => g.getAttribute("aria-label") === label);
  assert.equal(groups.length, 1, `expected one <g aria-label="${label}">`);
  return all(groups[0], tag);
}

/** Reads "translate(a,b)" into [a, b]. */
function translate(el: Element): [number, number] {
  const m = /translate\(([^,]+),([^)]+)\)/.exec(el.getAttribute("transform") ?? "");
  assert.ok(m, "tick label without a translate transform");
  return [Number(m[1]), Number(m[2])];
}

/**
 * The data-to-pixel map of an axis, fitted to its tick labels: each label is a number at a
 * pixel position, and the map is the line through the first and last; the others must lie
 * on it, which also checks that the scale is linear.
 */
function axis(
  root: Element,
  name: "x" | "y",
): { px: (v: number) => number; value: (p: number) => number } {
  const ticks = markItems(root, `${name}-axis tick label`, "text").map((t) => {
    const [x, y] = translate(t);
    return { v: Number(t.textContent!.replaceAll("−", "-")), p: name === "x" ? x : y };
  });
  assert.ok(ticks.length >= 2, `the ${name} axis has fewer than two ticks`);
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  const slope = (b.p - a.p) / (b.v - a.v);
  const px = (v: number) => a.p + (v - a.v) * slope;
  for (const t of ticks) assert.ok(Math.abs(px(t.v) - t.p) < 0.02, `tick ${t.v} is off the line`);
  return { px, value: (p: number) => a.v + (p - a.p) / slope };
}

/** Points of a path made of M and L commands. */
function pathPoints(d: string): [number, number][] {
  assert.match(d, /^M[-\d.e,L]+$/, "the path has commands other than M and L");
  return d.slice(1).split("L").map((pair) => pair.split(",").map(Number) as [number, number]);
}

/** The visible title text. */
function titleText(root: Element): string | undefined {
  const t = all(root, "text").find((e) => e.getAttribute("class") === "title");
  return t?.textContent ?? undefined;
}

Deno.test("histogram: valid SVG with title, axis labels, legend and a viewBox", () => {
  const svg = histogramSvg(gaussian(2000, 1), {
    title: "layer 3 — pooled",
    width: 500,
    height: 320,
  });
  const root = parse(svg);
  assert.equal(root.getAttribute("viewBox"), "0 0 500 320");
  assert.equal(titleText(root), "layer 3 — pooled");
  assert.equal(all(root, "title")[0].textContent, "layer 3 — pooled");
  assert.equal(markItems(root, "x-axis label", "text")[0].textContent, "projected value θ·h");
  assert.equal(markItems(root, "y-axis label", "text")[0].textContent, "density");
  const legend = all(root, "g").find((g) => g.getAttribute("class") === "legend")!;
  assert.deepEqual(all(legend, "text").map((t) => t.textContent), [
    "projections",
    "N(0, 1) density",
  ]);
});

Deno.test("histogram: one bar per bin, total area 1 through the axes' scales", () => {
  const values = gaussian(50_000, 7, 0.5, 1.5);
  for (const bins of [1, 7, 40, 100]) {
    const root = parse(histogramSvg(values, { bins }));
    const bars = markItems(root, "rect", "rect");
    assert.equal(bars.length, bins);
    const x = axis(root, "x");
    const y = axis(root, "y");
    let area = 0;
    for (const bar of bars) {
      const left = x.value(Number(bar.getAttribute("x")));
      const right = x.value(Number(bar.getAttribute("x")) + Number(bar.getAttribute("width")));
      const top = y.value(Number(bar.getAttribute("y")));
      const bottom = y.value(Number(bar.getAttribute("y")) + Number(bar.getAttribute("height")));
      assert.ok(Math.abs(bottom) < 1e-3, `a bar starts at density ${bottom}, not 0`);
      area += (right - left) * (top - bottom);
    }
    assert.ok(Math.abs(area - 1) < 2e-3, `${bins} bins have area ${area}`);
  }
});

Deno.test("histogram: the N(0, 1) curve spans the data and ±4, peaking at 1/√(2π)", () => {
  const root = parse(histogramSvg(gaussian(3000, 3, 2, 1)));
  const x = axis(root, "x");
  const y = axis(root, "y");
  const curve = markItems(root, "line", "path");
  assert.equal(curve.length, 1);
  const points = pathPoints(curve[0].getAttribute("d")!).map((
    [px, py],
  ) => [x.value(px), y.value(py)]);
  assert.ok(points.length >= 300, `the curve has only ${points.length} points`);
  assert.ok(points[0][0] <= -4 + 1e-3, `the curve starts at ${points[0][0]}`);
  assert.ok(points[points.length - 1][0] >= 5.5, "the curve stops before the data's maximum");
  const top = points.reduce((m, p) => (p[1] > m[1] ? p : m));
  assert.ok(Math.abs(top[0]) < 1e-3 && Math.abs(top[1] - PEAK) < 1e-3, `peak at ${top}`);
  for (const [vx, vy] of points) {
    assert.ok(Math.abs(vy - normalPdf(vx)) < 2e-3, `curve at ${vx} is ${vy}, not φ(${vx})`);
  }
});

Deno.test("histogram: densityBins counts every value once and has area 1 in float64", () => {
  const values = gaussian(10_001, 11);
  const bars = densityBins(values, 33);
  assert.equal(bars.length, 33);
  assert.equal(bars[0].x0, Math.min(...values));
  assert.equal(bars[32].x1, Math.max(...values));
  let area = 0;
  let counted = 0;
  for (const b of bars) {
    area += b.density * (b.x1 - b.x0);
    counted += Math.round(b.density * (b.x1 - b.x0) * values.length);
  }
  assert.ok(Math.abs(area - 1) < 1e-12, `area ${area}`);
  assert.equal(counted, values.length);
  assert.deepEqual(
    densityBins(new Float64Array([0, 1, 1, 2]), 2).map((b) => b.density),
    [0.25, 0.75],
  );
});

Deno.test("histogram: n = 1, all zeros, 1e30 and ±1.7e308 give finite bars of area 1", () => {
  const cases: [string, number[] | Float32Array][] = [
    ["n = 1", [0.7]],
    ["all zeros", new Array(100).fill(0)],
    ["float32 zeros", new Float32Array(64)],
    ["1e30", [1e30, -1e30, 3, 1e29]],
    ["all 1e30", [1e30, 1e30]],
    ["extremes", [Number.MAX_VALUE, -Number.MAX_VALUE, 0]],
  ];
  for (const [what, values] of cases) {
    const bars = densityBins(Float64Array.from(values), 10);
    let area = 0;
    for (const b of bars) {
      assert.ok(b.x1 > b.x0 && Number.isFinite(b.density), `${what}: bar ${JSON.stringify(b)}`);
      area += b.density * (b.x1 - b.x0);
    }
    assert.ok(Math.abs(area - 1) < 1e-9, `${what}: area ${area}`);
    if (what === "extremes") continue; // binned, but wider than an axis can show; see below
    const root = parse(histogramSvg(values, { title: what, bins: 10 }));
    assert.equal(markItems(root, "rect", "rect").length, 10, what);
  }
});

Deno.test("values spanning more than 1e300 are a RangeError naming the span", () => {
  for (const plot of [histogramSvg, qqSvg]) {
    assert.throws(
      () => plot([0, Number.MAX_VALUE, -1e300]),
      (e: Error) =>
        e instanceof RangeError && e.message.includes("-1e+300") &&
        e.message.includes(String(Number.MAX_VALUE)),
    );
    plot([1e300, 0]); // exactly at the limit still renders
  }
});

Deno.test("histogram: all-equal values stand as one bar centred on them", () => {
  for (const v of [0, 2.5, -1e30]) {
    const bars = densityBins(new Float64Array(20).fill(v), 10);
    const full = bars.filter((b) => b.density > 0);
    assert.equal(full.length, 1);
    const centre = full[0].x0 / 2 + full[0].x1 / 2;
    const tol = Math.max(1, Math.abs(v)) * 1e-12;
    assert.ok(Math.abs(centre - v) <= tol, `bar centred at ${centre}, not ${v}`);
  }
  const root = parse(histogramSvg(new Float64Array(50)));
  const x = axis(root, "x");
  const tallest = markItems(root, "rect", "rect").reduce((m, r) =>
    Number(r.getAttribute("height")) > Number(m.getAttribute("height")) ? r : m
  );
  const mid = x.value(
    Number(tallest.getAttribute("x")) + Number(tallest.getAttribute("width")) / 2,
  );
  assert.ok(Math.abs(mid) < 1e-3, `the zeros' bar is centred at ${mid}`);
});

Deno.test("qq: the point count respects maxPoints", () => {
  const values = gaussian(100_000, 5);
  for (
    const [n, maxPoints, expected] of [[100_000, 500, 500], [10, 500, 10], [
      100_000,
      undefined,
      1000,
    ], [
      3,
      2,
      2,
    ]] as const
  ) {
    const root = parse(qqSvg(values.subarray(0, n), { maxPoints }));
    assert.equal(
      markItems(root, "dot", "circle").length,
      expected,
      `n ${n}, maxPoints ${maxPoints}`,
    );
  }
});

Deno.test("qq: the extremes are the data's min and max at Φ⁻¹(1/(2n)) and Φ⁻¹(1 − 1/(2n))", () => {
  const values = gaussian(20_000, 9, 0.3, 1.4);
  const n = values.length;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const root = parse(qqSvg(values, { maxPoints: 700, title: "extremes" }));
  const x = axis(root, "x");
  const y = axis(root, "y");
  const dots = markItems(root, "dot", "circle").map((c) => [
    x.value(Number(c.getAttribute("cx"))),
    y.value(Number(c.getAttribute("cy"))),
  ]);
  dots.sort((a, b) => a[0] - b[0]);
  const first = dots[0];
  const last = dots[dots.length - 1];
  // 1/100 px of rounding, over about 60 px per unit on either axis.
  const tol = 1e-3;
  assert.ok(Math.abs(first[0] - normalQuantile(0.5 / n)) < tol, `first x ${first[0]}`);
  assert.ok(Math.abs(first[1] - min) < tol, `first y ${first[1]}, min ${min}`);
  assert.ok(Math.abs(last[0] - normalQuantile(1 - 0.5 / n)) < tol, `last x ${last[0]}`);
  assert.ok(Math.abs(last[1] - max) < tol, `last y ${last[1]}, max ${max}`);
  // Sorted: y never decreases along x.
  for (let i = 1; i < dots.length; i++) assert.ok(dots[i][1] >= dots[i - 1][1] - tol);
});

Deno.test("qq: the reference line is y = x", () => {
  const root = parse(qqSvg(gaussian(500, 2, 1, 2)));
  const x = axis(root, "x");
  const y = axis(root, "y");
  const line = markItems(root, "line", "path");
  assert.equal(line.length, 1);
  const ends = pathPoints(line[0].getAttribute("d")!).map((
    [px, py],
  ) => [x.value(px), y.value(py)]);
  assert.equal(ends.length, 2);
  for (const [vx, vy] of ends) assert.ok(Math.abs(vx - vy) < 1e-3, `(${vx}, ${vy}) is off y = x`);
  assert.ok(ends[1][0] - ends[0][0] > 5, "the reference line is too short");
});

Deno.test("qq: qqPoints keeps evenly spread ranks with both extremes", () => {
  const data = new Float64Array(1001).map((_, i) => 1000 - i);
  const points = qqPoints(data, 11);
  assert.deepEqual(points.map((p) => p.sample), [
    0,
    100,
    200,
    300,
    400,
    500,
    600,
    700,
    800,
    900,
    1000,
  ]);
  assert.equal(points[5].theoretical, 0);
  assert.equal(points[0].theoretical, normalQuantile(0.5 / 1001));
  assert.deepEqual(data.subarray(0, 2), new Float64Array([1000, 999]), "the input was modified");
  const one = qqPoints(new Float64Array([4]), 10);
  assert.deepEqual(one, [{ theoretical: 0, sample: 4 }]);
});

Deno.test("qq: n = 1, all zeros and 1e30 render finite, readable plots", () => {
  for (
    const values of [[0.7], new Array(9).fill(0), [1e30, -1e30, 3, 1e29], new Float32Array(5)]
  ) {
    const root = parse(qqSvg(values, { title: "edge" }));
    assert.equal(markItems(root, "dot", "circle").length, values.length);
    assert.ok(all(root, "text").length > 4, "the axes have no tick labels");
  }
});

Deno.test("line chart: one path per series, legend and axis labels", () => {
  const x = [1, 2, 3, 4, 5];
  const svg = lineChartSvg([
    { name: "baseline", x, y: [0.9, 0.93, 0.95, 0.96, 0.965] },
    { name: "PER λ=0.1", x, y: [0.91, 0.94, 0.955, 0.965, 0.97] },
    { name: "BN", x, y: [0.92, 0.95, 0.96, 0.97, 0.975] },
  ], { title: "accuracy", xLabel: "epoch", yLabel: "test accuracy" });
  const root = parse(svg);
  assert.equal(titleText(root), "accuracy");
  assert.equal(markItems(root, "line", "path").length, 3);
  assert.equal(markItems(root, "dot", "circle").length, 15);
  assert.equal(markItems(root, "x-axis label", "text")[0].textContent, "epoch");
  assert.equal(markItems(root, "y-axis label", "text")[0].textContent, "test accuracy");
  const legend = all(root, "g").find((g) => g.getAttribute("class") === "legend")!;
  assert.deepEqual(all(legend, "text").map((t) => t.textContent), ["baseline", "PER λ=0.1", "BN"]);
  // The last point of "BN" is drawn at (5, 0.975).
  const xs = axis(root, "x");
  const ys = axis(root, "y");
  const bn = pathPoints(markItems(root, "line", "path")[2].getAttribute("d")!);
  const [px, py] = bn[bn.length - 1];
  assert.ok(Math.abs(xs.value(px) - 5) < 1e-3 && Math.abs(ys.value(py) - 0.975) < 1e-4);
});

Deno.test("bar chart: one bar per entry, grouped, with legend and labels", () => {
  const bars = ["fc1", "fc2", "fc3"].flatMap((group, i) =>
    ["baseline", "PER"].map((name, j) => ({ group, name, value: 0.4 - 0.1 * i - 0.2 * j }))
  );
  const root = parse(
    barChartSvg(bars, { title: "SW1 per layer", xLabel: "layer", yLabel: "SW1" }),
  );
  assert.equal(titleText(root), "SW1 per layer");
  const rects = markItems(root, "bar", "rect");
  assert.equal(rects.length, 6);
  assert.equal(markItems(root, "y-axis label", "text")[0].textContent, "SW1");
  const texts = all(root, "text").map((t) => t.textContent);
  for (const word of ["layer", "fc1", "fc2", "fc3", "baseline", "PER"]) {
    assert.ok(texts.includes(word), `missing text ${word}`);
  }
  // Heights through the y scale: fc3/PER is 0.4 − 0.2 − 0.2 = 0, fc1/baseline 0.4.
  const y = axis(root, "y");
  const heights = rects.map((r) =>
    y.value(Number(r.getAttribute("y"))) -
    y.value(Number(r.getAttribute("y")) + Number(r.getAttribute("height")))
  );
  assert.ok(Math.abs(Math.max(...heights) - 0.4) < 1e-3, `tallest ${Math.max(...heights)}`);
});

Deno.test("every plot renders byte-identical SVG for the same input", () => {
  const values = gaussian(5000, 4);
  const series = [{ name: "a", x: [1, 2, 3], y: [0.5, 0.7, 0.8] }];
  const bars = [{ group: "g", name: "a", value: 1 }, { group: "g", name: "b", value: 2 }];
  const labels = { xLabel: "x", yLabel: "y" };
  const render = () => [
    histogramSvg(values, { title: "h" }),
    qqSvg(values, { title: "q" }),
    lineChartSvg(series, labels),
    barChartSvg(bars, labels),
  ];
  const first = render();
  qqSvg(gaussian(100, 8)); // other renders in between must not leak state (ids, counters)
  const second = render();
  for (let i = 0; i < first.length; i++) assert.equal(second[i], first[i]);
});

Deno.test("titles with markup characters stay text", () => {
  const title = `a < b & "c" > 'd'`;
  const root = parse(histogramSvg([1, 2, 3], { title }));
  assert.equal(titleText(root), title);
  assert.equal(all(root, "title")[0].textContent, title);
  // Characters XML cannot hold at all are dropped rather than breaking the document.
  assert.equal(titleText(parse(qqSvg([1, 2], { title: "a\u0001b\uD800c" }))), "abc");
});

Deno.test("non-finite values are RangeErrors naming the index and value", () => {
  for (const plot of [histogramSvg, qqSvg]) {
    assert.throws(
      () => plot([1, 2, NaN, 4]),
      (e: Error) =>
        e instanceof RangeError && e.message.includes("values[2]") && e.message.includes("NaN"),
    );
    assert.throws(
      () => plot(new Float32Array([0, Infinity])),
      (e: Error) =>
        e instanceof RangeError && e.message.includes("values[1]") &&
        e.message.includes("Infinity"),
    );
    assert.throws(() => plot(new Float64Array([-Infinity])), /values\[0\] is -Infinity/);
    assert.throws(() => plot([]), RangeError);
    assert.throws(() => plot(["1"] as unknown as number[]), TypeError);
    assert.throws(() => plot("123" as unknown as number[]), TypeError);
  }
  assert.throws(
    () =>
      lineChartSvg([{ name: "a", x: [1], y: [1] }, { name: "b", x: [1, 2, 3], y: [1, 2, NaN] }], {
        xLabel: "x",
        yLabel: "y",
      }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes("series[1].y[2]") && e.message.includes("NaN"),
  );
  assert.throws(
    () => barChartSvg([{ group: "g", name: "a", value: Infinity }], { xLabel: "x", yLabel: "y" }),
    /bars\[0\]\.value is Infinity/,
  );
});

Deno.test("bad options and shapes are errors that name them", () => {
  assert.throws(() => histogramSvg([1], { bins: 0 }), /options\.bins is 0/);
  assert.throws(() => histogramSvg([1], { bins: 2.5 }), RangeError);
  assert.throws(() => qqSvg([1], { maxPoints: 1 }), /options\.maxPoints is 1/);
  assert.throws(() => qqSvg([1], { width: 50 }), /options\.width is 50/);
  assert.throws(() => histogramSvg([1], { title: 3 as unknown as string }), TypeError);
  const labels = { xLabel: "x", yLabel: "y" };
  assert.throws(() => lineChartSvg([], labels), RangeError);
  assert.throws(
    () => lineChartSvg([{ name: "a", x: [1, 2], y: [1] }], labels),
    /series\[0\] has 2 x and 1 y/,
  );
  assert.throws(
    () => lineChartSvg([{ name: "a", x: [1], y: [1] }, { name: "a", x: [1], y: [2] }], labels),
    /series\[1\]\.name is "a"/,
  );
  assert.throws(
    () => lineChartSvg([{ name: "a", x: [1], y: [1] }], { xLabel: "x" } as never),
    /options\.yLabel/,
  );
  assert.throws(
    () =>
      barChartSvg(
        [{ group: "g", name: "a", value: 1 }, { group: "g", name: "a", value: 2 }],
        labels,
      ),
    /bars\[1\] repeats group "g" and name "a"/,
  );
  // Messages are one sentence without a trailing period.
  try {
    histogramSvg([NaN]);
  } catch (e) {
    assert.ok(!(e as Error).message.endsWith("."));
  }
});

Deno.test("tick labels do not depend on the locale and use a true minus", () => {
  assert.equal(tickFormat(0.30000000000000004), "0.3");
  assert.equal(tickFormat(-2), "−2");
  assert.equal(tickFormat(1e30), "1e30");
  assert.equal(tickFormat(-1.2e30), "−1.2e30");
  assert.equal(tickFormat(25000), "25000");
  assert.equal(tickFormat(0.00002), "2e−5");
  assert.equal(tickFormat(-0.00002), "−2e−5");
  assert.equal(tickFormat(0), "0");
});
