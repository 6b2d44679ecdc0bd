/**
 * `per score FILE…`: reads every tensor of every file, scores it against N(0, I), and prints a
 * table or a JSON line for each, writing plots on request.
 *
 * @module
 */

import {
  createEngine,
  type EngineScoreResult,
  type PerEngine,
  type ScoreOptions,
} from "../../mod.ts";
import type { SampleShape } from "../layout.ts";
import type { Tensor } from "../io/tensor.ts";
import type { ScoreCommand } from "./arguments.ts";
import { about, CliError } from "./errors.ts";
import { checkReadable, type InputFile, readInput } from "./input.ts";
import { PlotDirectory } from "./plot_files.ts";
import { projectedSample, scoredDirections } from "./projected_sample.ts";
import { type PlotsWritten, scoreRecord, scoreTable } from "./score_report.ts";
import { checkThetaDim, loadTheta, type ThetaInput } from "./theta.ts";
import { labelOf, sourcesOf, viewOf } from "./tensor_view.ts";
import type { Terminal } from "./terminal.ts";

/**
 * Runs `per score`: files in order, tensors in file order, one report each as soon as it is
 * ready, so that a long run shows its first layers early.
 *
 * @param command the parsed command line
 * @param terminal where results and progress go
 * @returns when every tensor has been reported
 * @throws {CliError} naming the file (and tensor) at the first problem; reports printed before
 *   it stay printed
 *
 * @example
 * ```ts ignore
 * import { parseCommandLine, type ScoreCommand } from "./arguments.ts";
 * import { runScore } from "./score_command.ts";
 * import { processTerminal } from "./terminal.ts";
 * await runScore(parseCommandLine(["score", "a.npy"]) as ScoreCommand, processTerminal());
 * ```
 */
export async function runScore(command: ScoreCommand, terminal: Terminal): Promise<void> {
  const { flags } = command;
  await checkReadable(flags.theta === undefined ? command.files : [...command.files, flags.theta]);
  const theta = flags.theta === undefined
    ? undefined
    : await loadTheta(flags.theta, flags.projections, terminal);
  const plots = flags.plot === undefined ? undefined : await PlotDirectory.open(flags.plot);
  const engine = await openEngine(flags.backend);
  try {
    await scoreFiles(command, terminal, engine, theta, plots);
  } finally {
    engine.destroy();
  }
}

/**
 * The engine the command computes on. `--backend webgpu` opens the GPU (no adapter is an
 * input error, exit 2). Every other value runs on the CPU without asking for a GPU
 * adapter at all: asking makes Mesa's Vulkan loader print warnings on headless machines,
 * and the command's stderr carries only its own progress and errors.
 */
export async function openEngine(backend: ScoreOptions["backend"]): Promise<PerEngine> {
  try {
    return await createEngine({
      backend: backend === "webgpu" ? "webgpu" : backend === "js" ? "js" : "wasm",
    });
  } catch (err) {
    throw new CliError(`--backend ${backend}: ${(err as Error).message}`);
  }
}

async function scoreFiles(
  command: ScoreCommand,
  terminal: Terminal,
  engine: PerEngine,
  theta: ThetaInput | undefined,
  plots: PlotDirectory | undefined,
): Promise<void> {
  const { flags } = command;
  let printed = 0;
  for (const path of command.files) {
    const input = await readInput(path, flags.tensor, terminal);
    const sources = sourcesOf(path, input.tensors, flags.layout);
    for (const [index, tensor] of input.tensors.entries()) {
      const source = sources[index];
      const view = viewOf(tensor, source);
      if (theta !== undefined) checkThetaDim(theta, view, labelOf(source));
      const result = await scoreOne(engine, command, input, index, labelOf(source), view, theta);

      let written: PlotsWritten | undefined;
      if (plots !== undefined) {
        input.progress.start(`plotting ${labelOf(source)}`);
        const sample = projectedSample(
          tensor.data,
          view,
          scoredDirections(result, view.dim, theta?.unit),
        );
        written = {
          paths: plots.write(path, source.tensor, sample.values, labelOf(source)),
          samples: sample.samples,
          directions: sample.directions,
        };
        input.progress.finish();
      }

      if (flags.json) {
        terminal.out(JSON.stringify(scoreRecord(source, result, flags.exact)) + "\n");
      } else {
        terminal.out((printed > 0 ? "\n" : "") + scoreTable(source, result, flags.exact, written));
      }
      printed++;
    }
  }
}

/** Scores one tensor of a file on the engine, with progress, naming the tensor in errors. */
async function scoreOne(
  engine: PerEngine,
  command: ScoreCommand,
  input: InputFile,
  index: number,
  label: string,
  view: SampleShape,
  theta: ThetaInput | undefined,
): Promise<EngineScoreResult> {
  const { flags } = command;
  const tensor: Tensor = input.tensors[index];
  const options: ScoreOptions = {
    seed: flags.seed,
    sampler: flags.sampler,
    layout: flags.layout,
    perProjection: flags.perProjection,
  };
  if (flags.projections !== undefined) options.projections = flags.projections;
  if (theta !== undefined) options.theta = theta.values;

  const count = input.tensors.length;
  const which = count > 1 ? `, tensor ${index + 1} of ${count}` : "";
  input.progress.start(`scoring ${label} (${view.samples} samples × ${view.dim} units${which})`);
  let result;
  try {
    result = await engine.score(tensor.data, tensor.shape, options);
  } catch (err) {
    throw about(label, err);
  }
  input.progress.finish();
  return result;
}
