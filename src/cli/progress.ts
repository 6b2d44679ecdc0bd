/**
 * Progress on stderr for large inputs: how much of a file has been read, and which tensor is
 * being scored. Small inputs finish before a person would read a line, so they stay silent.
 *
 * @module
 */

import type { Terminal } from "./terminal.ts";

/**
 * Inputs of this many bytes or more show progress (100 MB). Exported so that tests can size a
 * file just above it.
 */
export const PROGRESS_MIN_BYTES = 100_000_000;

/** Reports the stages of handling one input file. */
export interface Progress {
  /** Bytes read so far of a file of `total` bytes. */
  read(done: number, total: number): void;
  /** A stage starts (parsing, scoring a tensor, plotting); `what` completes "per: …". */
  start(what: string): void;
  /** The stage that started last has finished: a line saying how long it took. */
  finish(): void;
}

const SILENT: Progress = { read() {}, start() {}, finish() {} };

/** Off a terminal, read progress is one line per quarter, not a line per chunk. */
const LOG_STEP = 25;

/**
 * Progress for one input file: silent below PROGRESS_MIN_BYTES, otherwise lines on stderr.
 * On a terminal the read percentage redraws one line in place; elsewhere (a log, a pipe) it
 * prints at 25, 50, 75 and 100 %, so a log holds a few lines, not hundreds.
 *
 * @param terminal where to write (stderr)
 * @param file the file's name as the user gave it
 * @param bytes the file's size
 * @returns a Progress
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoryTerminal } from "./terminal.ts";
 * import { PROGRESS_MIN_BYTES, progressFor } from "./progress.ts";
 * const { terminal, text } = memoryTerminal();
 * const progress = progressFor(terminal, "big.npy", PROGRESS_MIN_BYTES);
 * progress.read(PROGRESS_MIN_BYTES, PROGRESS_MIN_BYTES);
 * assert.ok(text().err === "per: reading big.npy: 100% of 100.0 MB\n");
 * ```
 */
export function progressFor(terminal: Terminal, file: string, bytes: number): Progress {
  if (bytes < PROGRESS_MIN_BYTES) return SILENT;
  let shown = -1;
  let started = 0;
  let stage = "";
  return {
    read(done, total) {
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      const step = terminal.errIsTerminal ? percent : percent - (percent % LOG_STEP);
      if (step === shown) return;
      shown = step;
      const line = `per: reading ${file}: ${step}% of ${megabytes(total)}`;
      if (!terminal.errIsTerminal) {
        if (step > 0) terminal.err(line + "\n");
      } else {
        // \x1b[K clears what a longer earlier line left to the right.
        terminal.err(`\r${line}\x1b[K${done >= total ? "\n" : ""}`);
      }
    },
    start(what) {
      stage = what;
      started = performance.now();
      // On a terminal the stage's line is completed in place when it finishes.
      terminal.err(`per: ${what}…${terminal.errIsTerminal ? "" : "\n"}`);
    },
    finish() {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const line = `per: ${stage}: done in ${seconds} s`;
      terminal.err(terminal.errIsTerminal ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
