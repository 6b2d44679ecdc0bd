/**
 * The training variants the study compares, and how their names are written on the command
 * line.
 *
 * @module
 */

/** What a variant does to each hidden layer's pre-activations. */
export type VariantKind = "vanilla" | "per" | "l1" | "l2" | "batchnorm";

/** One variant of the network. */
export interface Variant {
  /** Unique name, as written on the command line and in the report: `per-mc@0.1`. */
  name: string;
  /** The kind of regularization or normalization. */
  kind: VariantKind;
  /** The penalty's weight λ (per, l1, l2). */
  lambda?: number;
  /** PER's directions per step; Infinity for the exact mode (per only). */
  projections?: number;
}

/**
 * Parses a variant name: `vanilla`, `batchnorm`, `per-mc@λ` (256 directions),
 * `per-mc<s>@λ` (s directions), `per-exact@λ`, `l1@λ` or `l2@λ`.
 *
 * @param name the name, such as `per-mc@0.1` or `per-exact@1e-2`
 * @returns the variant, keeping `name` as given
 * @throws {RangeError} for an unknown name or a λ that is not a finite number ≥ 0
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseVariant } from "./variants.ts";
 * const v = parseVariant("per-exact@0.1");
 * assert.ok(v.kind === "per" && v.projections === Infinity && v.lambda === 0.1);
 * ```
 */
export function parseVariant(name: string): Variant {
  if (name === "vanilla" || name === "batchnorm") return { name, kind: name };
  const match = /^(per-mc(\d*)|per-exact|l1|l2)@(.+)$/.exec(name);
  if (!match) {
    throw new RangeError(
      `unknown variant "${name}": use vanilla, batchnorm, per-mc@λ, per-mc<s>@λ, ` +
        `per-exact@λ, l1@λ or l2@λ`,
    );
  }
  const lambda = Number(match[3]);
  if (!Number.isFinite(lambda) || lambda < 0 || match[3].trim() === "") {
    throw new RangeError(`variant "${name}" has λ ${match[3]}, not a finite number ≥ 0`);
  }
  const head = match[1];
  if (head === "l1" || head === "l2") return { name, kind: head, lambda };
  if (head === "per-exact") return { name, kind: "per", lambda, projections: Infinity };
  const projections = match[2] === "" ? 256 : Number(match[2]);
  if (!Number.isSafeInteger(projections) || projections < 1) {
    throw new RangeError(`variant "${name}" has ${match[2]} directions, not a positive integer`);
  }
  return { name, kind: "per", lambda, projections };
}
