/**
 * How the `per` command fails: one line on stderr naming the file and the problem, and an exit
 * code, never a stack trace.
 *
 * @module
 */

import { ReadError } from "../io/read_error.ts";

/** Exit code for a bad command line or a bad input (unreadable, malformed, unsupported). */
export const EXIT_INPUT = 2;

/** Exit code for a failure that is not the input's fault: a bug, or the machine itself. */
export const EXIT_INTERNAL = 1;

/**
 * An error the command reports as it is: its message is the whole line after `per: `.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "./errors.ts";
 * const err = new CliError("x.npy: cannot read: no such file");
 * assert.ok(err.exitCode === 2);
 * ```
 */
export class CliError extends Error {
  /** The process exit code this error ends with. */
  readonly exitCode: number;

  /**
   * @param message one sentence, starting with the file it concerns when there is one
   * @param exitCode the exit code (default 2: the input or the command line is at fault)
   */
  constructor(message: string, exitCode: number = EXIT_INPUT) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/**
 * Wraps a library error raised while handling `where` (a file, or a file and tensor) into a
 * CliError whose message names it; a CliError or ReadError passes through, since those already
 * name their source.
 *
 * @param where the file, or `file [tensor]`, the problem concerns
 * @param err what the library threw
 * @returns an error to throw
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { about } from "./errors.ts";
 * const err = about("nan.npy", new RangeError("activations[6] is NaN"));
 * assert.ok(err.message === "nan.npy: activations[6] is NaN");
 * ```
 */
export function about(where: string, err: unknown): Error {
  if (err instanceof CliError || err instanceof ReadError) return err;
  if (err instanceof RangeError || err instanceof TypeError) {
    return new CliError(`${where}: ${err.message}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Turns a failure of the file system on `path` into a CliError that says what went wrong in
 * words, without the operating system's error number or a stack.
 *
 * @param path the path as the user gave it
 * @param action what was attempted: `read` or `write`
 * @param err what Deno threw
 * @returns a CliError naming the path
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileError } from "./errors.ts";
 * const err = fileError("a.npy", "read", new Deno.errors.NotFound("os error 2"));
 * assert.ok(err.message === "a.npy: cannot read: no such file or directory");
 * ```
 */
export function fileError(path: string, action: "read" | "write", err: unknown): CliError {
  return new CliError(`${path}: cannot ${action}: ${fileProblem(action, err)}`);
}

function fileProblem(action: "read" | "write", err: unknown): string {
  if (err instanceof Deno.errors.NotFound) return "no such file or directory";
  if (err instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (err instanceof Deno.errors.NotADirectory) return "a part of the path is not a directory";
  if (err instanceof Deno.errors.AlreadyExists) return "it exists and is not a directory";
  if (err instanceof Deno.errors.NotCapable) {
    // Deno's message names the permission (read, write, or all for paths such as /proc).
    const needs = /Requires (\w+) access/.exec(String((err as Error).message))?.[1] ?? action;
    return `Deno was not granted ${needs} access to it (run with --allow-${needs})`;
  }
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  // Anything else (a full disk, an I/O error): Deno's own words, without the OS error number.
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\(os error \d+\)/, "").split("\n")[0];
}

/**
 * The line printed for a failure, without the `per: ` prefix, and the exit code.
 *
 * A CliError, a ReadError, or a RangeError or TypeError from validating an input is the user's
 * to fix (exit 2); anything else is reported as unexpected (exit 1). Either way the message is
 * one line.
 *
 * @param err what was thrown
 * @returns the one-line message and the exit code
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failure } from "./errors.ts";
 * const { line, exitCode } = failure(new RangeError("shape [2] is wrong\nsecond line"));
 * assert.ok(line === "shape [2] is wrong; second line" && exitCode === 2);
 * ```
 */
export function failure(err: unknown): { line: string; exitCode: number } {
  if (err instanceof CliError) return { line: oneLine(err.message), exitCode: err.exitCode };
  if (err instanceof ReadError || err instanceof RangeError || err instanceof TypeError) {
    return { line: oneLine(err.message), exitCode: EXIT_INPUT };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: `unexpected error: ${oneLine(message)}`, exitCode: EXIT_INTERNAL };
}

function oneLine(text: string): string {
  return text.trim().split(/\s*\r?\n\s*/).join("; ");
}
