/**
 * Parsing the `per` command line into a checked command: which command, its files, and every
 * flag's value converted and validated, so that the commands never see raw strings.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Backend, Layout, Reduction, Sampler } from "../../mod.ts";
import { CliError } from "./errors.ts";
import {
  BACKENDS,
  type CommandName,
  type FlagName,
  FLAGS,
  flagsOf,
  LAYOUTS,
  REDUCTIONS,
  SAMPLERS,
} from "./flags.ts";

/** What both commands take: where the tensors are, and how directions are chosen. */
export interface CommonFlags {
  /** The tensor to pick from .safetensors files. */
  tensor?: string;
  /** Number of random directions; absent means the default (or the rows of --theta). */
  projections?: number;
  /** --exact was given. */
  exact: boolean;
  /** The file of explicit directions. */
  theta?: string;
  /** Seed of the random directions. */
  seed: number;
  /** Random direction sampler. */
  sampler: Sampler;
  /** How the shape maps to samples × units. */
  layout: Layout;
  /** Where the computation runs. */
  backend: Backend;
  /** Print JSON instead of tables. */
  json: boolean;
}

/** `per score FILE…`. */
export interface ScoreCommand {
  kind: "score";
  files: string[];
  flags: CommonFlags & {
    /** Directory for the SVG plots. */
    plot?: string;
    /** Report each direction's values. */
    perProjection: boolean;
  };
}

/** `per grad FILE --out GRAD.npy`. */
export interface GradCommand {
  kind: "grad";
  file: string;
  flags: CommonFlags & {
    /** Where the gradient goes. */
    out: string;
    /** How per-sample terms combine. */
    reduction: Reduction;
  };
}

/** A parsed command line. */
export type Command =
  | ScoreCommand
  | GradCommand
  | { kind: "help"; topic: "per" | CommandName }
  | { kind: "version" };

const COMMANDS: readonly string[] = ["score", "grad"] satisfies CommandName[];

/**
 * Parses the arguments after `per`.
 *
 * @param args the command line, without the program name
 * @returns the command to run
 * @throws {CliError} naming the flag or argument at fault, for any mistake
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandLine } from "./arguments.ts";
 * const command = parseCommandLine(["score", "a.npy", "--projections", "64"]);
 * assert.ok(command.kind === "score" && command.flags.projections === 64);
 * ```
 */
export function parseCommandLine(args: readonly string[]): Command {
  const [first, ...rest] = args;
  if (first === undefined) {
    throw new CliError(
      "missing command: use per score FILE… or per grad FILE --out GRAD.npy " +
        "(see per --help)",
    );
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = rest[0];
    return { kind: "help", topic: topic === "score" || topic === "grad" ? topic : "per" };
  }
  if (first === "--version") return { kind: "version" };
  if (!COMMANDS.includes(first)) {
    const what = first.startsWith("-") ? "flag" : "command";
    throw new CliError(
      `unknown ${what} '${first}': the commands are score and grad ` +
        "(see per --help)",
    );
  }
  const command = first as CommandName;
  const untilEnd = rest.indexOf("--");
  const beforeEnd = untilEnd === -1 ? rest : rest.slice(0, untilEnd);
  if (beforeEnd.includes("--help") || beforeEnd.includes("-h")) {
    return { kind: "help", topic: command };
  }

  const { values, positionals } = parseFlags(command, rest);
  const common = commonFlags(values);
  if (command === "score") {
    if (positionals.length === 0) {
      throw new CliError("per score needs at least one FILE (see per score --help)");
    }
    return {
      kind: "score",
      files: positionals,
      flags: {
        ...common,
        plot: nonEmpty(values.plot, "plot"),
        perProjection: values["per-projection"] === true,
      },
    };
  }
  if (positionals.length !== 1) {
    throw new CliError(`per grad takes one FILE, got ${positionals.length} (see per grad --help)`);
  }
  const out = nonEmpty(values.out, "out");
  if (out === undefined) throw new CliError("per grad needs --out GRAD.npy for the gradient");
  if (common.exact && (common.projections !== undefined || common.theta !== undefined)) {
    const other = common.projections !== undefined ? "--projections" : "--theta";
    throw new CliError(`--exact uses every direction, so it cannot be combined with ${other}`);
  }
  return {
    kind: "grad",
    file: positionals[0],
    flags: {
      ...common,
      out,
      reduction: choice(values.reduction, "reduction", REDUCTIONS, "mean"),
    },
  };
}

type Values = Partial<Record<FlagName, string | boolean>>;

/** Runs node:util's parser over the command's flags and turns its errors into one line each. */
function parseFlags(command: CommandName, args: string[]) {
  const names = flagsOf(command);
  const options = Object.fromEntries(names.map((name) => [name, { type: FLAGS[name].type }]));
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new CliError(parseProblem(command, err));
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    if (seen.has(token.name)) throw new CliError(`--${token.name} is given twice`);
    seen.add(token.name);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

/** Words node:util's parse errors (which name the flag in quotes) as this command's one line. */
function parseProblem(command: CommandName, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? "a flag";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return `unknown flag ${flag} for per ${command} (see per ${command} --help)`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("does not take an argument")) return `${flag} takes no value`;
    if (message.includes("ambiguous")) {
      return `${flag} needs a value; write ${flag}=VALUE for a value starting with '-'`;
    }
    return `${flag} needs a value`;
  }
  return message.split("\n")[0];
}

function commonFlags(values: Values): CommonFlags {
  return {
    tensor: nonEmpty(values.tensor, "tensor"),
    projections: values.projections === undefined
      ? undefined
      : positiveInteger(values.projections as string, "projections"),
    exact: values.exact === true,
    theta: nonEmpty(values.theta, "theta"),
    seed: values.seed === undefined ? 0 : seedOf(values.seed as string),
    sampler: choice(values.sampler, "sampler", SAMPLERS, "gaussian"),
    layout: choice(values.layout, "layout", LAYOUTS, "flat"),
    backend: choice(values.backend, "backend", BACKENDS, "auto"),
    json: values.json === true,
  };
}

function nonEmpty(value: string | boolean | undefined, flag: FlagName): string | undefined {
  if (value === undefined) return undefined;
  if (value === "") throw new CliError(`--${flag} needs a non-empty value`);
  return value as string;
}

function positiveInteger(text: string, flag: FlagName): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new CliError(`--${flag} must be a positive integer, got '${text}'`);
  }
  return value;
}

function seedOf(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new CliError(`--seed must be an integer from 0 to 2^53 - 1, got '${text}'`);
  }
  return value;
}

function choice<T extends string>(
  value: string | boolean | undefined,
  flag: FlagName,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value as string)) {
    throw new CliError(`--${flag} must be ${orList(allowed)}, got '${value}'`);
  }
  return value as T;
}

function orList(items: readonly string[]): string {
  return items.length === 1
    ? items[0]
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
