/**
 * The `per` command: parses the command line, runs the command, and turns any failure into
 * one line on stderr and an exit code.
 *
 * @module
 */

import { parseCommandLine } from "./arguments.ts";
import { failure } from "./errors.ts";
import { runGrad } from "./grad_command.ts";
import { runScore } from "./score_command.ts";
import type { Terminal } from "./terminal.ts";
import { helpText } from "./usage.ts";
import { VERSION } from "./version.ts";

/**
 * Runs `per` with the given arguments.
 *
 * @param args the arguments after the program name
 * @param terminal where results (stdout) and progress and errors (stderr) go
 * @returns the exit code: 0 on success, 2 for a bad command line or input, 1 otherwise
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./main.ts";
 * import { memoryTerminal } from "./terminal.ts";
 * const { terminal, text } = memoryTerminal();
 * const code = await main(["score", "--projections", "0", "a.npy"], terminal);
 * assert.ok(code === 2 && text().err.startsWith("per: --projections"));
 * ```
 */
export async function main(args: readonly string[], terminal: Terminal): Promise<number> {
  try {
    const command = parseCommandLine(args);
    switch (command.kind) {
      case "help":
        terminal.out(helpText(command.topic));
        break;
      case "version":
        terminal.out(`per ${VERSION}\n`);
        break;
      case "score":
        await runScore(command, terminal);
        break;
      case "grad":
        await runGrad(command, terminal);
        break;
    }
    return 0;
  } catch (err) {
    // A reader of stdout that went away (`per score … | head`) is not a failure of per.
    if (err instanceof Deno.errors.BrokenPipe) return 0;
    const { line, exitCode } = failure(err);
    try {
      terminal.err(`per: ${line}\n`);
    } catch {
      // stderr is gone too; the exit code still tells.
    }
    return exitCode;
  }
}
