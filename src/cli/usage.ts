/**
 * The help texts of `per`, built from the flag table so that every flag is listed.
 *
 * @module
 */

import { type CommandName, type FlagName, FLAGS, flagsOf } from "./flags.ts";

const SUMMARY = `per: how far a layer's activations are from N(0, I), and the PER regularizer

Usage:
  per score FILE… [flags]          distances, PER values and unit summaries per tensor
  per grad FILE --out GRAD.npy     write the PER gradient and print the loss
  per --help | per COMMAND --help
  per --version

Files: .npy (float16, float32, float64; C or Fortran order), .safetensors (every tensor, or
--tensor NAME), .json ({"shape": [...], "data": [...]} or nested arrays) and .csv (one sample
per row). Results go to stdout; progress for inputs of 100 MB or more goes to stderr.

Exit status: 0 on success; 2 for a bad command line or input, with one line on stderr naming
the file and the problem; 1 for an unexpected failure.
`;

const COMMAND_TEXT: Record<CommandName, string> = {
  score: `Usage: per score FILE… [flags]

Scores each tensor of each FILE against N(0, I): PER over random directions and in exact
mode, the sliced Wasserstein distances sw1 and sw2 (exact for each direction), per-unit mean
and standard deviation, the fraction of dead units, and ‖C − I‖_F / d for the covariance C.
Without --json it prints a table per tensor.`,
  grad: `Usage: per grad FILE --out GRAD.npy [flags]

Computes the PER loss of one tensor and its gradient with respect to the activations, writes
the gradient as a float32 .npy of the input's shape, and prints the loss.`,
};

/**
 * The help text for `per --help` or `per COMMAND --help`.
 *
 * @param topic `per` for the overview, or a command
 * @returns the text, ending with a newline
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpText } from "./usage.ts";
 * assert.ok(helpText("score").includes("--projections N"));
 * ```
 */
export function helpText(topic: "per" | CommandName): string {
  if (topic === "per") return SUMMARY;
  const rows = flagsOf(topic).map((name) => [flagLabel(name), flagHelp(name, topic)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.flatMap(([label, text]) => {
    const wrapped = wrap(text, 96 - width - 4);
    return wrapped.map((part, i) => `  ${(i === 0 ? label : "").padEnd(width)}  ${part}`);
  });
  return `${COMMAND_TEXT[topic]}\n\nFlags:\n${lines.join("\n")}\n`;
}

function flagLabel(name: FlagName): string {
  const spec = FLAGS[name];
  const value = "value" in spec ? ` ${spec.value}` : "";
  return name === "help" ? "-h, --help" : `--${name}${value}`;
}

function flagHelp(name: FlagName, command: CommandName): string {
  const help: string | Partial<Record<CommandName, string>> = FLAGS[name].help;
  return typeof help === "string" ? help : help[command] ?? "";
}

/** Breaks text at spaces into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
