/**
 * Where the `per` command writes: results to stdout, progress and errors to stderr. Commands
 * take this interface rather than touching Deno.stdout, so that tests can capture both.
 *
 * @module
 */

/** The two output streams of the command. */
export interface Terminal {
  /** Writes results (tables, JSON lines, the loss); text includes its own newlines. */
  out(text: string): void;
  /** Writes progress and error lines; text includes its own newlines or carriage returns. */
  err(text: string): void;
  /** Whether stderr is a terminal, where progress may redraw one line in place. */
  readonly errIsTerminal: boolean;
}

/**
 * The process's stdout and stderr, written synchronously so that lines from the two streams
 * keep their order and nothing is lost when the process exits.
 *
 * @returns a Terminal on Deno.stdout and Deno.stderr
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processTerminal } from "./terminal.ts";
 * const terminal = processTerminal();
 * assert.ok(typeof terminal.errIsTerminal === "boolean");
 * ```
 */
export function processTerminal(): Terminal {
  const encoder = new TextEncoder();
  const write = (stream: typeof Deno.stdout | typeof Deno.stderr, text: string) => {
    const bytes = encoder.encode(text);
    // writeSync may write fewer bytes than asked (a full pipe); loop until all are out.
    for (let at = 0; at < bytes.length;) at += stream.writeSync(bytes.subarray(at));
  };
  return {
    out: (text) => write(Deno.stdout, text),
    err: (text) => write(Deno.stderr, text),
    errIsTerminal: Deno.stderr.isTerminal(),
  };
}

/**
 * A Terminal that keeps what is written, for tests and for callers that want the text.
 *
 * @returns the Terminal and the text written to each stream so far
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryTerminal } from "./terminal.ts";
 * const { terminal, text } = memoryTerminal();
 * terminal.out("a\n");
 * assert.ok(text().out === "a\n" && text().err === "");
 * ```
 */
export function memoryTerminal(): {
  terminal: Terminal;
  text: () => { out: string; err: string };
} {
  let out = "";
  let err = "";
  return {
    terminal: {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      errIsTerminal: false,
    },
    text: () => ({ out, err }),
  };
}
