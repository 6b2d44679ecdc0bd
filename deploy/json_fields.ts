/**
 * The top-level fields of a JSON object, read without parsing the ones skipped.
 *
 * @module
 */

/**
 * Parses the fields of a top-level JSON object except those named in `skip`, whose values are
 * stepped over by matching brackets. The tensor reader has already parsed the whole body; the
 * options beside `data` are read this way so that a 16 MiB array is not parsed a second time
 * (parsing a 15 MiB `[[x], [x], ...]` body twice peaked at 936 MB; bench/service_limits.ts).
 *
 * The text must be valid JSON: this reads positions, it does not validate.
 *
 * @param text a valid JSON document
 * @param skip names of fields not to parse
 * @returns the other fields in a prototype-free object, or `undefined` when the root is not
 *   an object
 *
 * @example
 * ```ts
 * import { topLevelFields } from "./json_fields.ts";
 * const fields = topLevelFields('{"data": [[1, "}"]], "seed": 3}', new Set(["data"]));
 * console.assert(fields?.seed === 3 && !("data" in fields));
 * ```
 */
export function topLevelFields(
  text: string,
  skip: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  let i = space(text, 0);
  if (text[i] !== "{") return undefined;
  const fields: Record<string, unknown> = Object.create(null);
  i = space(text, i + 1);
  while (text[i] === '"') {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = space(text, space(text, keyEnd) + 1); // past the colon
    const end = valueEnd(text, start);
    if (!skip.has(key)) fields[key] = JSON.parse(text.slice(start, end));
    i = space(text, end);
    if (text[i] === ",") i = space(text, i + 1);
  }
  return fields;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c;
const OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;

function space(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/** The index just past the string starting at the quote at `i`. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return text.length;
}

/** The index of the comma or brace that ends the value starting at `i`. */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = stringEnd(text, j) - 1;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth === 0) return j;
      depth--;
    } else if (c === COMMA && depth === 0) {
      return j;
    }
  }
  return text.length;
}
