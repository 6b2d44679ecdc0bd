/**
 * Explicit directions for --theta: read once, checked against --projections, normalized for
 * plotting, and checked against each tensor's number of units.
 *
 * @module
 */

import { normalizeDirections } from "../../mod.ts";
import type { SampleShape } from "../layout.ts";
import { about, CliError } from "./errors.ts";
import { readInput } from "./input.ts";
import type { Terminal } from "./terminal.ts";

/** Directions as read from --theta. */
export interface ThetaInput {
  /** The file given to --theta. */
  path: string;
  /** The values as stored, passed to the library unchanged (it normalizes them itself). */
  values: Float32Array | Float64Array;
  /** The same directions normalized, for the plots. */
  unit: Float32Array;
  /** Number of directions. */
  rows: number;
  /** Values per direction. */
  dim: number;
}

/**
 * Reads --theta: a rank-2 array with one direction per row, or a rank-1 array holding one.
 *
 * @param path the file given to --theta
 * @param projections the value of --projections, if given
 * @param terminal where progress goes for a large file
 * @returns the directions as stored and normalized
 * @throws {CliError} naming the file when it cannot be read, is not of rank 1 or 2, holds a
 *   zero or non-finite row, or holds a different number of directions than --projections
 *
 * @example
 * ```ts ignore
 * import { loadTheta } from "./theta.ts";
 * import { processTerminal } from "./terminal.ts";
 * const theta = await loadTheta("theta.npy", undefined, processTerminal());
 * ```
 */
export async function loadTheta(
  path: string,
  projections: number | undefined,
  terminal: Terminal,
): Promise<ThetaInput> {
  const { tensors } = await readInput(path, undefined, terminal);
  if (tensors.length !== 1) {
    throw new CliError(
      `${path}: holds ${tensors.length} tensors, but --theta takes one array of directions`,
    );
  }
  const [t] = tensors;
  if (t.shape.length !== 1 && t.shape.length !== 2) {
    throw new CliError(
      `${path}: has shape [${t.shape.join(", ")}], but --theta takes one direction per row ` +
        "(rank 2)",
    );
  }
  const rows = t.shape.length === 1 ? 1 : t.shape[0];
  const dim = t.shape[t.shape.length - 1];
  if (projections !== undefined && projections !== rows) {
    throw new CliError(
      `${path}: holds ${rows} direction${rows === 1 ? "" : "s"}, but --projections is ` +
        `${projections}`,
    );
  }
  let unit;
  try {
    unit = normalizeDirections(t.data, dim);
  } catch (err) {
    throw about(path, err);
  }
  return { path, values: t.data, unit, rows, dim };
}

/**
 * Checks that the directions have one value per unit of a tensor.
 *
 * @param theta the directions
 * @param view the tensor as samples × units
 * @param label the file (and tensor) for the message
 * @throws {CliError} naming both when the dimensions differ
 *
 * @example
 * ```ts
 * import { checkThetaDim } from "./theta.ts";
 * import { sampleShape } from "../layout.ts";
 * const unit = new Float32Array([1, 0]);
 * const theta = { path: "t.npy", values: unit, unit, rows: 1, dim: 2 };
 * checkThetaDim(theta, sampleShape([3, 2], 6), "a.npy");
 * ```
 */
export function checkThetaDim(theta: ThetaInput, view: SampleShape, label: string): void {
  if (theta.dim !== view.dim) {
    throw new CliError(
      `${theta.path}: holds directions of ${theta.dim} values, but ${label} has ${view.dim} ` +
        `units per sample (layout ${view.layout})`,
    );
  }
}
