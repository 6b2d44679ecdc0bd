/**
 * Reading a matrix of samples from CSV text.
 *
 * @module
 */

// The full specifier (not the import map) lets the CLI and the service run from a URL.
// deno-lint-ignore no-import-prefix
import { parse } from "npm:csv-parse@5.6.0/sync";
import { ReadError } from "./read_error.ts";
import type { Tensor } from "./tensor.ts";

// Decimal numbers only: Number() alone would turn "" and " " into 0 and accept "0x1f" and
// "Infinity", none of which a data file should mean.
const NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const DELIMITERS = ["\t", ";", ","];
// Words that spell a non-finite number; a first row of these is data (and an error), not a header.
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Reads CSV text as an (n, d) tensor: one sample per row, one feature per column.
 *
 * The delimiter is the first of tab, semicolon and comma found on the first non-empty line
 * (comma when none is). The first row is a header, and skipped, when none of its fields is a
 * number or a word for one such as `nan`. Empty lines are skipped, text from a `#` to the end
 * of its line is a comment, fields are trimmed, quoted fields are allowed, and a UTF-8 byte
 * order mark is ignored. Values must be decimal numbers; one too large for float64, such as
 * `1e400`, is kept as `Infinity` for the caller to reject by index, while words such as `nan`
 * or `inf` are errors.
 *
 * @param text The CSV text.
 * @param source The file name (or `"request body"`), used as the tensor name and in errors.
 * @returns A float64 tensor of shape `[rows, columns]` named `source`.
 * @throws {ReadError} When the CSV is malformed, holds no rows, has rows of different lengths,
 * or has a field that is not a number; the message names the line and column.
 *
 * @example Read two samples of three features with a header row
 * ```ts
 * import { readCsv } from "./csv.ts";
 *
 * const t = readCsv("a,b,c\n1,2,3\n4,5,6\n", "x.csv");
 * if (t.shape.join() !== "2,3" || t.data[5] !== 6) throw new Error("wrong");
 * ```
 */
export function readCsv(text: string, source: string): Tensor {
  const fail = (detail: string): never => {
    throw new ReadError(source, detail);
  };

  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/)
    .find((line) => line.trim() !== "" && !line.startsWith("#")) ?? "";
  const delimiter = DELIMITERS.find((d) => firstLine.includes(d)) ?? ",";

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      comment: "#",
      info: true,
      relax_column_count: true, // rows of the wrong length get a clearer message below
      skip_empty_lines: true,
      trim: true,
    });
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return fail(`is not valid CSV: ${err.message.replace(/\.$/, "")}`);
  }

  let rows = records;
  if (rows.length > 0 && rows[0].record.every((f) => !NUMBER.test(f) && !NON_FINITE.test(f))) {
    rows = rows.slice(1);
  }
  if (rows.length === 0) fail("holds no rows of numbers");

  const width = rows[0].record.length;
  const values = new Float64Array(rows.length * width);
  let k = 0;
  for (const { record, info } of rows) {
    if (record.length !== width) {
      fail(
        `has ${record.length} ${record.length === 1 ? "column" : "columns"} ` +
          `on line ${info.lines} ` +
          `but ${width} on line ${rows[0].info.lines}`,
      );
    }
    for (let column = 0; column < width; column++) {
      const field = record[column];
      if (!NUMBER.test(field)) {
        const shown = field === "" ? "an empty field" : `'${field.slice(0, 20)}'`;
        fail(`has ${shown} on line ${info.lines}, column ${column + 1}, not a decimal number`);
      }
      values[k++] = Number(field);
    }
  }
  return { name: source, shape: [rows.length, width], dtype: "float64", data: values };
}
