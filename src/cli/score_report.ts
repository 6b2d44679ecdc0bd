/**
 * How `per score` shows one tensor's result: a table for people, or one JSON line with the
 * keys of score() plus `file` and `tensor`.
 *
 * @module
 */

import type { EngineScoreResult as ScoreResult } from "../../mod.ts";
import { formatNumber, formatTable } from "./table.ts";
import { labelOf, type TensorSource } from "./tensor_view.ts";

/** The plots written for a tensor, and the projections they show. */
export interface PlotsWritten {
  /** The SVG files: the histogram, then the QQ plot. */
  paths: string[];
  /** Samples whose projections are shown (evenly spread when fewer than all). */
  samples: number;
  /** Directions whose projections are shown. */
  directions: number;
}

/**
 * The JSON record of one tensor: `file`, `tensor`, then every key of score() in its order.
 * With `exact`, `per` holds the exact-mode PER (as `perExact` does) and the Monte Carlo value
 * follows it as `perMonteCarlo`, so that `per` is the loss `per grad --exact` reports.
 *
 * @param source the file and tensor
 * @param result what score() returned
 * @param exact whether --exact was given
 * @returns a plain object ready for JSON.stringify
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { score } from "../../mod.ts";
 * import { scoreRecord } from "./score_report.ts";
 * const result = score(new Float32Array([0.5, -1, 2, 0.25]), [4, 1], { projections: 2 });
 * const source = {
 *   file: "a.npy",
 *   tensor: null,
 *   dtype: "float32",
 *   shape: [4, 1],
 *   layout: "flat" as const,
 * };
 * const record = scoreRecord(source, result, true);
 * assert.ok(record.per === result.perExact && record.perMonteCarlo === result.per);
 * ```
 */
export function scoreRecord(
  source: TensorSource,
  result: ScoreResult,
  exact: boolean,
): Record<string, unknown> {
  // `tensor` only where the file names its tensors (safetensors): no null in the output.
  const record: Record<string, unknown> = source.tensor === null
    ? { file: source.file }
    : { file: source.file, tensor: source.tensor };
  for (const [key, value] of Object.entries(result)) {
    if (key === "per" && exact) {
      record.per = result.perExact;
      record.perMonteCarlo = value;
    } else {
      record[key] = value;
    }
  }
  return record;
}

/**
 * The table of one tensor: a heading naming the file and tensor, the distances and PER values
 * with what each means, then min, mean and max over units (and over directions when the
 * per-projection values are present).
 *
 * @param source the file and tensor
 * @param result what score() returned
 * @param exact whether --exact was given (`per` is then the exact-mode value)
 * @param plots the plots written for this tensor, if any
 * @returns the lines of text, ending with a newline
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { score } from "../../mod.ts";
 * import { scoreTable } from "./score_report.ts";
 * const result = score(new Float32Array([0.5, -1, 2, 0.25]), [4, 1], { projections: 2 });
 * const source = {
 *   file: "a.npy",
 *   tensor: null,
 *   dtype: "float32",
 *   shape: [4, 1],
 *   layout: "flat" as const,
 * };
 * assert.ok(scoreTable(source, result, false).startsWith("a.npy: float32 [4, 1]"));
 * ```
 */
export function scoreTable(
  source: TensorSource,
  result: ScoreResult,
  exact: boolean,
  plots?: PlotsWritten,
): string {
  const heading = `${labelOf(source)}: ${source.dtype} [${source.shape.join(", ")}], layout ` +
    `${source.layout}: ${result.samples} samples × ${result.dim} units`;
  const s = result.projections;
  const over = result.directions === "theta"
    ? `the ${s} direction${s === 1 ? "" : "s"} of --theta`
    : `${s} ${result.directions} direction${s === 1 ? "" : "s"} (seed ${result.seed})`;
  const monteCarlo = `Monte Carlo PER over ${over}`;
  const exactNote = "PER in exact mode, over all directions";
  const dead = Math.round(result.deadFraction * result.dim);
  const rows = [
    ["per", formatNumber(exact ? result.perExact : result.per), exact ? exactNote : monteCarlo],
    exact
      ? ["perMonteCarlo", formatNumber(result.per), monteCarlo]
      : ["perExact", formatNumber(result.perExact), exactNote],
    ["sw1", formatNumber(result.sw1), "sliced 1-Wasserstein distance to N(0, I), same directions"],
    ["sw2", formatNumber(result.sw2), "sliced 2-Wasserstein distance to N(0, I), same directions"],
    ["covDistance", formatNumber(result.covDistance), "‖C − I‖_F / d for the covariance C"],
    [
      "deadFraction",
      formatNumber(result.deadFraction),
      `${dead} of ${result.dim} units are 0 on every sample`,
    ],
    ["backend", result.backend],
  ];
  const summaries = [
    ["", "min", "mean", "max"],
    ["unitMean", ...range(result.unitMean)],
    ["unitStd", ...range(result.unitStd)],
  ];
  if (result.perProjection !== undefined) {
    summaries.push(
      ["per, by direction", ...range(result.perProjection.per)],
      ["w1, by direction", ...range(result.perProjection.w1)],
      ["w2, by direction", ...range(result.perProjection.w2)],
    );
  }
  let text = `${heading}\n${formatTable(rows, ["left", "right", "left"], 2)}\n` +
    formatTable(summaries, ["left", "right", "right", "right"], 2);
  if (plots !== undefined) {
    const of = plots.samples < result.samples ? `${plots.samples} of ` : "all ";
    text += `\n  plots: ${plots.paths.join(", ")}\n` +
      `  (θ·h for ${of}${result.samples} samples × ${plots.directions} directions)\n`;
  }
  return text;
}

/** Min, mean and max of the values, formatted. */
function range(values: readonly number[]): string[] {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return [min, sum / values.length, max].map(formatNumber);
}
