/**
 * Reading the command's input files: the bytes (with progress for large files) and the
 * tensors they hold.
 *
 * @module
 */

import { readActivations } from "../io/read_activations.ts";
import type { Tensor } from "../io/tensor.ts";
import { CliError, fileError } from "./errors.ts";
import { type Progress, progressFor } from "./progress.ts";
import type { Terminal } from "./terminal.ts";

/** Bytes read per call, so that progress moves on files of hundreds of megabytes. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** A file's tensors and the progress reporter that goes with the file's size. */
export interface InputFile {
  /** The path as the user gave it. */
  path: string;
  /** The tensors the file holds, in file order. */
  tensors: Tensor[];
  /** Progress for later stages (scoring each tensor), silent for small files. */
  progress: Progress;
}

/**
 * Reads one input file and the tensors it holds.
 *
 * @param path the file, as the user gave it (also the name in messages)
 * @param tensor the tensor to pick from a `.safetensors` file; every tensor when absent
 * @param terminal where progress goes for files of 100 MB and more
 * @returns the tensors and the file's progress reporter
 * @throws {CliError} when the file cannot be read, is malformed or unsupported
 *
 * @example
 * ```ts ignore
 * import { readInput } from "./input.ts";
 * import { processTerminal } from "./terminal.ts";
 * const { tensors } = await readInput("layer1.npy", undefined, processTerminal());
 * ```
 */
export async function readInput(
  path: string,
  tensor: string | undefined,
  terminal: Terminal,
): Promise<InputFile> {
  const { bytes, progress } = await readBytes(path, terminal);
  progress.start(`parsing ${path}`);
  const tensors = readActivations(bytes, path, tensor === undefined ? {} : { tensor });
  progress.finish();
  return { path, tensors, progress };
}

/**
 * Checks that every path names a readable file before any is processed, so that a mistyped
 * fifth name fails at once instead of after the first four have been scored.
 *
 * @param paths the files as the user gave them
 * @returns when every path exists and is not a directory
 * @throws {CliError} naming the first path that cannot be read
 *
 * @example
 * ```ts ignore
 * import { checkReadable } from "./input.ts";
 * await checkReadable(["layer1.npy", "layer2.npy"]);
 * ```
 */
export async function checkReadable(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let info;
    try {
      info = await Deno.stat(path);
    } catch (err) {
      throw fileError(path, "read", err);
    }
    if (info.isDirectory) throw new CliError(`${path}: cannot read: it is a directory`);
  }
}

async function readBytes(
  path: string,
  terminal: Terminal,
): Promise<{ bytes: Uint8Array; progress: Progress }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    throw fileError(path, "read", err);
  }
  try {
    const info = await file.stat();
    if (info.isDirectory) throw new CliError(`${path}: cannot read: it is a directory`);
    const progress = progressFor(terminal, path, info.size);
    // A pipe or device reports no useful size: read it to the end without progress.
    const bytes = info.isFile ? await readSized(file, info.size, progress) : await readAll(file);
    return { bytes, progress };
  } catch (err) {
    throw err instanceof CliError ? err : fileError(path, "read", err);
  } finally {
    file.close();
  }
}

/** Reads a regular file of `size` bytes into one buffer; stops early if it shrank meanwhile. */
async function readSized(file: Deno.FsFile, size: number, progress: Progress) {
  const bytes = new Uint8Array(size);
  let done = 0;
  progress.read(0, size);
  while (done < size) {
    const n = await file.read(bytes.subarray(done, Math.min(size, done + CHUNK_BYTES)));
    if (n === null) break;
    done += n;
    progress.read(done, size);
  }
  return done === size ? bytes : bytes.subarray(0, done);
}

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  let bytes = new Uint8Array(1 << 16);
  let done = 0;
  for (;;) {
    if (done === bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes);
      bytes = grown;
    }
    const n = await file.read(bytes.subarray(done));
    if (n === null) return bytes.subarray(0, done);
    done += n;
  }
}
