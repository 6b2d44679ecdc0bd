/**
 * One entry point that reads activations from any supported file format.
 *
 * @module
 */

import { readCsv } from "./csv.ts";
import { readJsonTensor } from "./json.ts";
import { readNpy } from "./npy.ts";
import { ReadError } from "./read_error.ts";
import { readSafetensors } from "./safetensors.ts";
import type { Tensor } from "./tensor.ts";

/** Options for {@linkcode readActivations}. */
export interface ReadActivationsOptions {
  /** The tensor to read from a `.safetensors` file; without it every tensor is returned. */
  tensor?: string;
}

type Format = "npy" | "safetensors" | "json" | "csv";

const BY_EXTENSION: Record<string, Format> = {
  npy: "npy",
  safetensors: "safetensors",
  json: "json",
  csv: "csv",
  tsv: "csv",
};

/**
 * Reads the tensors held by a file's bytes, choosing the reader by the file extension of
 * `source` (`.npy`, `.safetensors`, `.json`, `.csv` or `.tsv`, in any letter case) and, when
 * the extension is missing or unknown (as for `"request body"`), by the contents: the `.npy`
 * magic string, a safetensors header length followed by `{`, JSON text starting with `{` or
 * `[`, or CSV text whose first line holds a delimiter or starts with a number.
 *
 * @param bytes The whole file or request body.
 * @param source The file name or `"request body"`; used to pick the format and in errors.
 * @param options `tensor` selects one tensor of a safetensors file.
 * @returns The tensors read: one for `.npy`, JSON and CSV; one or more for safetensors.
 * @throws {ReadError} When the format cannot be told, `tensor` is given for a format that
 * holds a single tensor, text is not UTF-8, a safetensors file holds no tensors, or the chosen
 * reader rejects the contents.
 *
 * @example Read a request body by its contents
 * ```ts
 * import { readActivations } from "./read_activations.ts";
 *
 * const body = new TextEncoder().encode('{"shape": [1, 2], "data": [0.5, -0.5]}');
 * const [t] = readActivations(body, "request body");
 * if (t.shape.join() !== "1,2" || t.data[1] !== -0.5) throw new Error("wrong");
 * ```
 */
export function readActivations(
  bytes: Uint8Array,
  source: string,
  options: ReadActivationsOptions = {},
): Tensor[] {
  const format = formatFromName(source) ?? formatFromContents(bytes);
  if (format === undefined) {
    throw new ReadError(
      source,
      "is in an unknown format (expected .npy, .safetensors, .json or .csv, " +
        "by file extension or by contents)",
    );
  }
  if (options.tensor !== undefined && format !== "safetensors") {
    throw new ReadError(
      source,
      `holds a single ${format} tensor, so the tensor name '${options.tensor}' ` +
        "cannot select one (names apply to .safetensors files)",
    );
  }

  switch (format) {
    case "npy":
      return [readNpy(bytes, source)];
    case "safetensors": {
      const tensors = readSafetensors(bytes, source, options.tensor);
      if (tensors.length === 0) throw new ReadError(source, "holds no tensors");
      return tensors;
    }
    case "json":
      return [readJsonTensor(decodeText(bytes, source), source)];
    case "csv":
      return [readCsv(decodeText(bytes, source), source)];
  }
}

function formatFromName(source: string): Format | undefined {
  const base = source.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const extension = base.slice(dot + 1).toLowerCase();
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension] : undefined;
}

function formatFromContents(bytes: Uint8Array): Format | undefined {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
  if (magic.every((b, i) => bytes[i] === b)) {
    return "npy";
  }
  if (bytes.length >= 10) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getBigUint64(0, true);
    if (headerLength >= 2n && headerLength <= BigInt(bytes.length - 8) && bytes[8] === 0x7b) {
      return "safetensors";
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (text.includes("\0")) return undefined;
  const start = text.trimStart()[0];
  if (start === "{" || start === "[") return "json";
  const firstLine = text.split(/\r?\n/)
    .find((line) => line.trim() !== "" && !line.startsWith("#"));
  if (firstLine !== undefined && /[,;\t]|^\s*"?[-+.0-9]/.test(firstLine)) return "csv";
  return undefined;
}

function decodeText(bytes: Uint8Array, source: string): string {
  try {
    // fatal: a wrong byte would otherwise become U+FFFD and surface later as a baffling value.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ReadError(source, "is not valid UTF-8 text");
  }
}
