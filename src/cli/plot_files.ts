/**
 * Writing each tensor's plots for `per score --plot DIR`: a histogram of the projected values
 * against the N(0, 1) density and a QQ plot, as SVG files named after the file and tensor.
 *
 * @module
 */

import { fileError } from "./errors.ts";

/** The plotting functions, loaded on first use: the library and its DOM take ~0.1 s. */
type PlotModule = typeof import("../plot/mod.ts");

/**
 * A directory receiving plots. File names come from the input's base name and the tensor name,
 * with characters other than letters, digits, `.`, `_` and `-` replaced by `_`; a name already
 * used in this run gets `-2`, `-3`… so that no plot overwrites another.
 *
 * @example
 * ```ts ignore
 * import { PlotDirectory } from "./plot_files.ts";
 * const plots = await PlotDirectory.open("plots");
 * const paths = plots.write("model.safetensors", "fc1", new Float64Array([0.1, -0.4]), "fc1");
 * ```
 */
export class PlotDirectory {
  readonly #dir: string;
  readonly #plot: PlotModule;
  readonly #used = new Set<string>();

  private constructor(dir: string, plot: PlotModule) {
    this.#dir = dir;
    this.#plot = plot;
  }

  /**
   * Creates the directory (and its parents) if needed, and loads the plotting library.
   *
   * @param dir the directory given to --plot
   * @returns a PlotDirectory writing there
   * @throws {CliError} naming the directory when it cannot be created
   */
  static async open(dir: string): Promise<PlotDirectory> {
    try {
      await Deno.mkdir(dir, { recursive: true });
    } catch (err) {
      throw fileError(dir, "write", err);
    }
    return new PlotDirectory(dir, await import("../plot/mod.ts"));
  }

  /**
   * Draws and writes the two plots of one tensor.
   *
   * @param file the input file as given
   * @param tensor the tensor's name inside the file, or null for single-tensor formats
   * @param values the projected values to show
   * @param label how the tensor is named elsewhere (`file` or `file [tensor]`); the title is
   *   this label, shortened from the left when it would not fit above the plot
   * @returns the paths written: the histogram, then the QQ plot
   * @throws {CliError} naming the file that could not be written
   */
  write(file: string, tensor: string | null, values: Float64Array, label: string): string[] {
    const stem = this.#uniqueStem(file, tensor);
    const title = plotTitle(label);
    const svgs: [string, string][] = [
      [`${stem}.histogram.svg`, this.#plot.histogramSvg(values, { title })],
      [`${stem}.qq.svg`, this.#plot.qqSvg(values, { title })],
    ];
    return svgs.map(([name, svg]) => {
      const path = `${this.#dir.replace(/[\\/]+$/, "")}/${name}`;
      try {
        Deno.writeTextFileSync(path, svg);
      } catch (err) {
        throw fileError(path, "write", err);
      }
      return path;
    });
  }

  #uniqueStem(file: string, tensor: string | null): string {
    const base = (file.split(/[\\/]/).pop() ?? file).replace(/\.[^.]*$/, "");
    const raw = tensor === null ? base : `${base}.${tensor}`;
    // Long tensor names are cut so that the name, suffix included, stays far below 255 bytes.
    const stem = raw.replace(/[^\w.-]/g, "_").replace(/^\.+/, "_").slice(0, 160) || "tensor";
    let candidate = stem;
    for (let k = 2; this.#used.has(candidate); k++) candidate = `${stem}-${k}`;
    this.#used.add(candidate);
    return candidate;
  }
}

/**
 * Longest title, in characters, that fits above the narrower (480 px) QQ plot in the plot's
 * 15 px bold title font, which averages about 9 px a character.
 */
export const MAX_TITLE_LENGTH = 50;

/**
 * A plot title for a tensor label: the label itself when it fits, otherwise its end, cut at a
 * path separator where one is near, after an ellipsis; the end of a path names the file.
 *
 * @param label `file` or `file [tensor]`
 * @returns at most MAX_TITLE_LENGTH characters
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotTitle } from "./plot_files.ts";
 * assert.equal(plotTitle("runs/a/layer8.npy"), "runs/a/layer8.npy");
 * const long = "experiments/2026-12-03/mnist/activations/vanilla/layer8.npy";
 * assert.equal(plotTitle(long), "…/2026-12-03/mnist/activations/vanilla/layer8.npy");
 * ```
 */
export function plotTitle(label: string): string {
  if (label.length <= MAX_TITLE_LENGTH) return label;
  const tail = label.slice(label.length - (MAX_TITLE_LENGTH - 1));
  const cut = tail.indexOf("/");
  // Cut at a separator unless that would throw away most of the room.
  return "…" + (cut >= 0 && cut < MAX_TITLE_LENGTH / 2 ? tail.slice(cut) : tail);
}
