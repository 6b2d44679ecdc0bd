/**
 * Every flag of the `per` command in one table: its value, which commands take it, and its
 * help line. The parser and the help text both read this table, so they cannot disagree.
 *
 * @module
 */

import type { Backend, Layout, Reduction, Sampler } from "../../mod.ts";

/** The command a flag belongs to. */
export type CommandName = "score" | "grad";

/** One flag of the command line. */
export interface FlagSpec {
  /** `string` flags take a value, `boolean` flags do not. */
  type: "string" | "boolean";
  /** The value's placeholder in help, such as `N` or `FILE`. */
  value?: string;
  /** The commands that accept the flag. */
  commands: readonly CommandName[];
  /** The help text, for each command that words it differently, or for all. */
  help: string | Partial<Record<CommandName, string>>;
}

/** Layouts a shape can be read in, as score() and perLossAndGrad() accept them. */
export const LAYOUTS = ["flat", "nchw", "nhwc"] as const satisfies readonly Layout[];

/** Direction samplers, as score() and perLossAndGrad() accept them. */
export const SAMPLERS = ["gaussian", "orthogonal"] as const satisfies readonly Sampler[];

/**
 * Backends, as createEngine accepts them: the commands run every computation through an
 * engine, which reports the backend each call used.
 */
export const BACKENDS = ["auto", "wasm", "webgpu", "js"] as const satisfies readonly Backend[];

/** How --reduction combines per-sample terms, as perLossAndGrad() accepts it. */
export const REDUCTIONS = ["mean", "sum"] as const satisfies readonly Reduction[];

const BOTH: readonly CommandName[] = ["score", "grad"];

/**
 * The flags of `per score` and `per grad`, in the order help lists them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FLAGS } from "./flags.ts";
 * assert.ok(FLAGS.projections.type === "string" && FLAGS.json.type === "boolean");
 * ```
 */
export const FLAGS = {
  tensor: {
    type: "string",
    value: "NAME",
    commands: BOTH,
    help: {
      score: "score only this tensor of each .safetensors file (default: every tensor)",
      grad: "the tensor of a .safetensors file holding several",
    },
  },
  projections: {
    type: "string",
    value: "N",
    commands: BOTH,
    help: "number of random directions (default 256, or the rows of --theta)",
  },
  exact: {
    type: "boolean",
    commands: BOTH,
    help: {
      score: "report the exact-mode PER (all directions) as `per`; the Monte Carlo value " +
        "moves to `perMonteCarlo`; sw1 and sw2 still use the directions",
      grad: "exact mode: the loss and gradient of the expectation over all directions",
    },
  },
  theta: {
    type: "string",
    value: "FILE",
    commands: BOTH,
    help: "explicit directions, one per row (.npy or any input format), normalized",
  },
  seed: {
    type: "string",
    value: "S",
    commands: BOTH,
    help: "seed of the random directions, an integer from 0 to 2^53 - 1 (default 0)",
  },
  sampler: {
    type: "string",
    value: "NAME",
    commands: BOTH,
    help: `random directions: ${SAMPLERS.join(" or ")} (default gaussian)`,
  },
  layout: {
    type: "string",
    value: "NAME",
    commands: BOTH,
    help: `how the shape maps to samples × units: ${LAYOUTS.join(", ")} (default flat)`,
  },
  backend: {
    type: "string",
    value: "NAME",
    commands: BOTH,
    help: `where it computes: ${BACKENDS.join(", ")} (default auto: the WebAssembly ` +
      `kernels; webgpu: the GPU)`,
  },
  reduction: {
    type: "string",
    value: "NAME",
    commands: ["grad"],
    help: "mean over samples and directions, or sum over samples (default mean)",
  },
  out: {
    type: "string",
    value: "FILE",
    commands: ["grad"],
    help: "where to write the gradient, a float32 .npy of the input's shape (required)",
  },
  json: {
    type: "boolean",
    commands: BOTH,
    help: {
      score: "one JSON object per tensor per line, with the keys of score() plus file and " +
        "tensor",
      grad: "print one JSON object instead of the table",
    },
  },
  "per-projection": {
    type: "boolean",
    commands: ["score"],
    help: "also report each direction's per, w1 and w2 (JSON key perProjection; the " +
      "table shows their range)",
  },
  plot: {
    type: "string",
    value: "DIR",
    commands: ["score"],
    help: "write a histogram and a QQ plot (SVG) of each tensor's projections into DIR",
  },
  help: { type: "boolean", commands: BOTH, help: "show this help" },
} as const satisfies Record<string, FlagSpec>;

/** The name of a flag, without its dashes. */
export type FlagName = keyof typeof FLAGS;

/**
 * The flags a command accepts, in help order.
 *
 * @param command `score` or `grad`
 * @returns the flag names
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flagsOf } from "./flags.ts";
 * assert.ok(flagsOf("grad").includes("out") && !flagsOf("score").includes("out"));
 * ```
 */
export function flagsOf(command: CommandName): FlagName[] {
  return (Object.keys(FLAGS) as FlagName[]).filter((name) =>
    (FLAGS[name].commands as readonly CommandName[]).includes(command)
  );
}
