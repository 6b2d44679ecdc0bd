/**
 * Plain-text tables for the terminal: columns padded to a common width, numbers right-aligned
 * so that their digits line up.
 *
 * @module
 */

/** How a column's cells are padded. */
export type Align = "left" | "right";

/**
 * Lays out rows as aligned columns separated by two spaces, each line indented.
 *
 * Widths count UTF-16 code units, which is exact for the ASCII the leading columns hold; the
 * last column is never padded, so notes there may use any characters.
 *
 * @param rows the cells, row by row; rows may be shorter than the longest
 * @param align the alignment of each column (default left)
 * @param indent spaces before each line
 * @returns the lines joined with newlines, with a final newline, without trailing spaces
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTable } from "./table.ts";
 * const text = formatTable([["sw1", "0.5", "note"], ["samples", "128"]], ["left", "right"]);
 * assert.ok(text === "sw1      0.5  note\nsamples  128\n");
 * ```
 */
export function formatTable(rows: readonly string[][], align: readonly Align[] = [], indent = 0) {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, c) => widths[c] = Math.max(widths[c] ?? 0, cell.length));
  }
  const lines = rows.map((row) => {
    const cells = row.map((cell, c) => {
      if (c === row.length - 1 && align[c] !== "right") return cell;
      return align[c] === "right" ? cell.padStart(widths[c]) : cell.padEnd(widths[c]);
    });
    return (" ".repeat(indent) + cells.join("  ")).trimEnd();
  });
  return lines.map((line) => line + "\n").join("");
}

/**
 * A number in at most six significant digits: fixed notation from 0.001 to below 10^6,
 * exponent notation outside, `0` for zero. Enough to compare layers by eye; `--json` carries
 * every digit.
 *
 * @param x a finite number
 * @returns its short text
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./table.ts";
 * assert.ok(formatNumber(6458.615604781859) === "6458.62");
 * assert.ok(formatNumber(5.96e-8) === "5.96000e-8");
 * ```
 */
export function formatNumber(x: number): string {
  if (x === 0) return "0";
  const size = Math.abs(x);
  if (size >= 1e-3 && size < 1e6) return x.toPrecision(6);
  return x.toExponential(5).replace("e+", "e");
}
