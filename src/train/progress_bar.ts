/**
 * A one-line progress bar on stderr, for the training script.
 *
 * Written here rather than taken from npm: the common progress bar packages reach for
 * `process.stdout`, terminal size queries or environment variables, which under Deno ask
 * for permissions that a training run otherwise does not need. Writing to stderr needs none.
 *
 * @module
 */

/** Where the bar is drawn. */
export interface BarSink {
  /** Writes bytes, all of them. */
  writeSync(bytes: Uint8Array): number;
  /** Whether it is a terminal (the bar redraws in place) or a file or pipe (it logs). */
  isTerminal(): boolean;
}

const WIDTH = 24;
const REDRAW_MS = 100;

/**
 * Draws `label [#####-----]  42%  detail` and redraws it in place on a terminal. When
 * stderr is a file or pipe, it writes one line per tenth of the way instead, so that logs
 * stay readable.
 *
 * @example
 * ```ts
 * import { ProgressBar } from "./progress_bar.ts";
 * const bar = new ProgressBar("vanilla seed 1", 10);
 * for (let i = 1; i <= 10; i++) bar.update(i, `loss ${(1 / i).toFixed(3)}`);
 * bar.finish("done");
 * ```
 */
export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #sink: BarSink;
  readonly #terminal: boolean;
  readonly #encoder = new TextEncoder();
  readonly #start = performance.now();
  #drawn = -Infinity;
  #loggedTenths = -1;

  /**
   * @param label what the bar counts, shown at its left
   * @param total the count at completion, ≥ 1
   * @param sink where to draw (default Deno.stderr)
   * @throws {RangeError} when total is not a positive integer
   */
  constructor(label: string, total: number, sink: BarSink = Deno.stderr) {
    if (!Number.isSafeInteger(total) || total < 1) {
      throw new RangeError(`total must be a positive integer, got ${total}`);
    }
    this.#label = label;
    this.#total = total;
    this.#sink = sink;
    this.#terminal = sink.isTerminal();
  }

  /**
   * Shows `done` of total, with a short detail such as the current loss.
   *
   * @param done the count so far, clamped to [0, total]
   * @param detail text after the percentage
   */
  update(done: number, detail = ""): void {
    const fraction = Math.min(1, Math.max(0, done / this.#total));
    if (this.#terminal) {
      const now = performance.now();
      if (now - this.#drawn < REDRAW_MS && fraction < 1) return;
      this.#drawn = now;
      this.#write(`\r\x1b[2K${this.#line(fraction, detail)}`);
    } else {
      // The last tenth is finish()'s line.
      const tenths = Math.floor(fraction * 10);
      if (tenths === this.#loggedTenths || tenths === 10) return;
      this.#loggedTenths = tenths;
      this.#write(`${this.#line(fraction, detail)}\n`);
    }
  }

  /**
   * Draws the full bar with a final detail and ends the line.
   *
   * @param detail text after the percentage, such as the final accuracy
   */
  finish(detail = ""): void {
    const line = this.#line(1, detail);
    this.#write(this.#terminal ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  #line(fraction: number, detail: string): string {
    const filled = Math.round(fraction * WIDTH);
    const bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const seconds = ((performance.now() - this.#start) / 1000).toFixed(0);
    return `${this.#label} [${bar}] ${percent} ${seconds}s ${detail}`.trimEnd();
  }

  #write(text: string): void {
    const bytes = this.#encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += this.#sink.writeSync(bytes.subarray(written));
  }
}
