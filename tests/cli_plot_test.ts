/**
 * `per score --plot DIR`: a histogram and a QQ plot per tensor, as SVG that a strict XML
 * parser accepts, drawn from the projections score() used; and the bounded sample they take.
 */

import assert from "node:assert/strict";
import { DOMParser, type Element, onWarningStopParsing } from "@xmldom/xmldom";
import { directions, score } from "../mod.ts";
import { perF } from "../src/math/erf.ts";
import { writeNpy } from "../src/io/npy.ts";
import { writeSafetensors } from "../src/io/safetensors.ts";
import { sampleShape, sourceIndex } from "../src/layout.ts";
import { projectedSample, scoredDirections } from "../src/cli/projected_sample.ts";
import { MAX_TITLE_LENGTH, plotTitle } from "../src/cli/plot_files.ts";
import { normals } from "./_numeric.ts";
import { jsonLines, runOk, withFiles } from "./_cli.ts";

const N = 48;
const D = 5;
const S = 4;
const H = normals(N * D, 31);

/** Parses an SVG document strictly: any XML warning or error fails the test. */
function parseSvg(text: string, what: string): Element {
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(text, "text/xml");
  const root = doc.documentElement;
  assert.ok(root, `${what}: no root element`);
  assert.equal(root.tagName, "svg", what);
  assert.equal(root.getAttribute("xmlns"), "http://www.w3.org/2000/svg", what);
  return root;
}

function titleOf(root: Element): string {
  return root.getElementsByTagName("title")[0]?.textContent ?? "";
}

Deno.test("score --plot: two strict SVGs per tensor, titled with file and tensor", async () => {
  const dir = await withFiles({
    "c.npy": writeNpy(H, [N, D]),
    "model.safetensors": writeSafetensors([
      { name: "fc1", shape: [N, D], data: H },
      { name: "fc/2", shape: [N, 3], data: normals(N * 3, 32) },
    ]),
  });
  try {
    const out = await runOk(
      ["score", "c.npy", "model.safetensors", "--plot", "plots/run", "--projections", `${S}`],
      dir,
    );
    const names = [...Deno.readDirSync(`${dir}/plots/run`)].map((e) => e.name).sort();
    assert.deepEqual(names, [
      "c.histogram.svg",
      "c.qq.svg",
      "model.fc1.histogram.svg",
      "model.fc1.qq.svg",
      "model.fc_2.histogram.svg",
      "model.fc_2.qq.svg",
    ]);
    assert.ok(out.includes("plots: plots/run/c.histogram.svg, plots/run/c.qq.svg\n"), out);
    assert.ok(out.includes(`(θ·h for all ${N} samples × ${S} directions)`), out);

    const histogram = parseSvg(
      await Deno.readTextFile(`${dir}/plots/run/c.histogram.svg`),
      "histogram",
    );
    assert.equal(titleOf(histogram), "c.npy");
    // Default bins for n·s = 192 values: 2·192^(1/3) rounded up = 12 bars, plus the background.
    assert.ok(histogram.getElementsByTagName("rect").length >= 12);
    const qq = parseSvg(await Deno.readTextFile(`${dir}/plots/run/model.fc1.qq.svg`), "qq");
    assert.equal(titleOf(qq), "model.safetensors [fc1]");
    // Every one of the n·s projected values is a point (fewer than the plot's 1000 budget).
    assert.ok(qq.getElementsByTagName("circle").length >= N * S);
    for (const name of names) {
      parseSvg(await Deno.readTextFile(`${dir}/plots/run/${name}`), name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score --plot: same names get a suffix; --json keeps stdout to JSON lines", async () => {
  const dir = await withFiles({ "c.npy": writeNpy(H, [N, D]) });
  try {
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeFile(`${dir}/sub/c.npy`, writeNpy(H, [N, D]));
    const out = await runOk(["score", "c.npy", "sub/c.npy", "--plot", "p", "--json"], dir);
    assert.equal(jsonLines(out).length, 2);
    const names = [...Deno.readDirSync(`${dir}/p`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["c-2.histogram.svg", "c-2.qq.svg", "c.histogram.svg", "c.qq.svg"]);
    assert.equal(
      titleOf(parseSvg(await Deno.readTextFile(`${dir}/p/c-2.qq.svg`), "c-2")),
      "sub/c.npy",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("projectedSample: θ·h of evenly spaced samples, within the value budget", () => {
  const view = sampleShape([4, 3, 5, 7], 4 * 3 * 5 * 7, "nchw");
  const h = normals(4 * 3 * 5 * 7, 33);
  const theta = directions(3, 20, 5);
  const all = projectedSample(h, view, theta);
  assert.equal(all.samples, view.samples);
  assert.equal(all.directions, 20);
  const limited = projectedSample(h, view, theta, 200);
  assert.equal(limited.directions, 20);
  assert.equal(limited.samples, 10);
  assert.equal(limited.values.length, 200);
  for (let m = 0; m < limited.samples; m++) {
    const i = Math.floor((m * view.samples) / limited.samples);
    for (let k = 0; k < 20; k++) {
      let dot = 0;
      for (let j = 0; j < 3; j++) dot += theta[k * 3 + j] * h[sourceIndex(view, i, j)];
      const got = limited.values[m * 20 + k];
      assert.ok(Math.abs(got - dot) <= 1e-12, `sample ${i} direction ${k}: ${got} vs ${dot}`);
      assert.equal(got, all.values[i * 20 + k]);
    }
  }
  // More directions than the budget: one sample, the first directions.
  const few = projectedSample(h, view, directions(3, 50, 5), 30);
  assert.deepEqual([few.samples, few.directions, few.values.length], [1, 30, 30]);
});

Deno.test("scoredDirections: the plotted projections are the ones score() measured", () => {
  const view = sampleShape([N, D], N * D);
  for (const sampler of ["gaussian", "orthogonal"] as const) {
    const result = score(H, [N, D], { projections: 7, seed: 12, sampler, perProjection: true });
    const { values } = projectedSample(H, view, scoredDirections(result, D));
    // PER of direction k is the mean of f(θ_k·h_i): recompute it from the plotted values.
    for (let k = 0; k < 7; k++) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += perF(values[i * 7 + k]);
      const expected = result.perProjection!.per[k];
      assert.ok(Math.abs(sum / N - expected) <= 1e-5 * expected, `${sampler} direction ${k}`);
    }
  }
  const unit = new Float32Array([0.6, 0.8, 0, 0, 0]);
  const given = score(H, [N, D], { theta: unit });
  assert.equal(scoredDirections(given, D, unit), unit);
  assert.throws(() => scoredDirections(given, D), RangeError);
});

Deno.test("score --plot: a long path is shortened from the left in the title", async () => {
  const deep = "experiments/run-2026-12-03/mnist-mlp/activations/per-mc@0.1";
  const dir = await withFiles({});
  try {
    await Deno.mkdir(`${dir}/${deep}`, { recursive: true });
    await Deno.writeFile(`${dir}/${deep}/layer8.npy`, writeNpy(H, [N, D]));
    // 4000 directions × 48 samples exceed the plots' budget of values: 25 samples are used.
    const out = await runOk(
      ["score", `${deep}/layer8.npy`, "--plot", "p", "--projections", "4000"],
      dir,
    );
    assert.ok(out.includes(`(θ·h for 25 of ${N} samples × 4000 directions)`), out);
    const title = titleOf(parseSvg(await Deno.readTextFile(`${dir}/p/layer8.qq.svg`), "qq"));
    assert.equal(title, "…/mnist-mlp/activations/per-mc@0.1/layer8.npy");
    assert.ok(title.length <= MAX_TITLE_LENGTH);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(plotTitle("x".repeat(80)), "…" + "x".repeat(MAX_TITLE_LENGTH - 1));
});
