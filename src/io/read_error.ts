/**
 * The error every reader throws when its input is malformed or unsupported.
 *
 * The message is one sentence that starts with the source, so that a command line tool can
 * print `err.message` alone and the user still learns which file is wrong, what is wrong and
 * where (byte offset, field, index or tensor name). `detail` is the same sentence without the
 * source, for callers (such as an HTTP service) that report the source separately.
 *
 * @example Catch a reader's error and show it
 * ```ts
 * import { ReadError } from "./read_error.ts";
 *
 * const err = new ReadError("c.npy", "header declares shape (4, 3) but the data holds 10 values");
 * if (err.message !== "c.npy: header declares shape (4, 3) but the data holds 10 values") {
 *   throw new Error("unexpected message");
 * }
 * if (err.source !== "c.npy" || !(err instanceof Error)) throw new Error("unexpected fields");
 * ```
 */
export class ReadError extends Error {
  /** Where the bytes came from: a file name, or `"request body"`. */
  readonly source: string;
  /** What is wrong and where, without the source prefix. */
  readonly detail: string;

  /**
   * @param source The file name or `"request body"`; it prefixes the message.
   * @param detail What is wrong and where, as one sentence without a trailing period.
   * @param options Standard error options; `cause` keeps a lower-level error for debugging.
   */
  constructor(source: string, detail: string, options?: ErrorOptions) {
    super(`${source}: ${detail}`, options);
    this.name = "ReadError";
    this.source = source;
    this.detail = detail;
  }
}
