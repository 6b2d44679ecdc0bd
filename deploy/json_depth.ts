/**
 * A scan of JSON bytes for their nesting depth, before any parser builds the tree.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

const QUOTE = 0x22, BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;

/**
 * Refuses JSON nested deeper than `maxDepth` arrays and objects, counting brackets outside
 * strings. `JSON.parse` builds the whole tree before a reader can look at its depth, and 8 MiB
 * of `[` builds four million arrays (about 240 MB, measured); this scan costs one pass over the
 * bytes and allocates nothing.
 *
 * @param bytes the UTF-8 JSON text (brackets and quotes are single bytes in UTF-8)
 * @param maxDepth the deepest nesting allowed
 * @throws {HttpError} 400 naming the byte offset where the nesting goes too deep
 *
 * @example
 * ```ts
 * import { checkJsonDepth } from "./json_depth.ts";
 * checkJsonDepth(new TextEncoder().encode('{"data": [[1, 2]], "s": "[[["}'), 3);
 * ```
 */
export function checkJsonDepth(bytes: Uint8Array, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) {
        throw new HttpError(
          400,
          "invalid_json",
          `the JSON body nests arrays and objects deeper than ${maxDepth} levels at byte ${i}`,
        );
      }
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--;
    }
  }
}
