/**
 * `per grad FILE --out GRAD.npy`: the PER loss of one tensor and its gradient with respect to
 * the activations, written as a float32 `.npy` of the input's shape.
 *
 * @module
 */

import type { PerOptions } from "../../mod.ts";
import { writeNpy } from "../io/npy.ts";
import type { GradCommand } from "./arguments.ts";
import { about, CliError, fileError } from "./errors.ts";
import { readInput } from "./input.ts";
import { openEngine } from "./score_command.ts";
import { formatTable } from "./table.ts";
import { labelOf, sourcesOf, viewOf } from "./tensor_view.ts";
import { checkThetaDim, loadTheta } from "./theta.ts";
import type { Terminal } from "./terminal.ts";

/**
 * Runs `per grad`: reads the tensor, computes loss and gradient, writes the gradient, then
 * prints the loss (a table, or one JSON object with --json).
 *
 * @param command the parsed command line
 * @param terminal where results and progress go
 * @returns when the gradient is written and the loss printed
 * @throws {CliError} naming the file at fault: the input, --theta or --out
 *
 * @example
 * ```ts ignore
 * import { type GradCommand, parseCommandLine } from "./arguments.ts";
 * import { runGrad } from "./grad_command.ts";
 * import { processTerminal } from "./terminal.ts";
 * const command = parseCommandLine(["grad", "a.npy", "--out", "g.npy"]) as GradCommand;
 * await runGrad(command, processTerminal());
 * ```
 */
export async function runGrad(command: GradCommand, terminal: Terminal): Promise<void> {
  const { flags, file } = command;
  const theta = flags.theta === undefined
    ? undefined
    : await loadTheta(flags.theta, flags.projections, terminal);
  const input = await readInput(file, flags.tensor, terminal);
  if (input.tensors.length !== 1) {
    const names = input.tensors.map((t) => t.name);
    const shown = names.length > 8 ? [...names.slice(0, 8), "…"] : names;
    throw new CliError(
      `${file}: holds ${names.length} tensors (${
        shown.join(", ")
      }); choose one with --tensor NAME`,
    );
  }
  const [tensor] = input.tensors;
  const [source] = sourcesOf(file, input.tensors, flags.layout);
  const label = labelOf(source);
  const view = viewOf(tensor, source);
  if (theta !== undefined) checkThetaDim(theta, view, label);

  const options: PerOptions = {
    seed: flags.seed,
    sampler: flags.sampler,
    layout: flags.layout,
    reduction: flags.reduction,
  };
  if (flags.exact) options.projections = Infinity;
  else if (flags.projections !== undefined) options.projections = flags.projections;
  if (theta !== undefined) options.theta = theta.values;

  input.progress.start(`computing the PER gradient of ${label}`);
  const engine = await openEngine(flags.backend);
  let loss, grad, backend;
  try {
    backend = engine.backendFor(tensor.data, tensor.shape, options);
    ({ loss, grad } = await engine.perLossAndGrad(tensor.data, tensor.shape, options));
  } catch (err) {
    throw about(label, err);
  } finally {
    engine.destroy();
  }
  input.progress.finish();
  try {
    await Deno.writeFile(flags.out, writeNpy(grad, tensor.shape));
  } catch (err) {
    throw fileError(flags.out, "write", err);
  }

  const projections = flags.exact ? null : theta?.rows ?? flags.projections ?? 256;
  const directions = theta !== undefined ? "theta" : flags.sampler;
  if (flags.json) {
    // Keys that do not apply (the tensor name outside safetensors; directions, their count
    // and seed in exact mode) are left out rather than written as null.
    const record = {
      file,
      ...(source.tensor === null ? {} : { tensor: source.tensor }),
      shape: tensor.shape,
      samples: view.samples,
      dim: view.dim,
      mode: flags.exact ? "exact" : "monteCarlo",
      ...(flags.exact ? {} : { projections, seed: flags.seed, directions }),
      reduction: flags.reduction,
      layout: flags.layout,
      backend,
      loss,
      out: flags.out,
    };
    terminal.out(JSON.stringify(record) + "\n");
    return;
  }
  const mode = flags.exact
    ? "PER in exact mode, over all directions"
    : theta !== undefined
    ? `PER over the ${projections} direction${projections === 1 ? "" : "s"} of --theta`
    : `Monte Carlo PER over ${projections} ${directions} direction${
      projections === 1 ? "" : "s"
    } (seed ${flags.seed})`;
  const heading = `${label}: ${tensor.dtype} [${tensor.shape.join(", ")}], layout ` +
    `${flags.layout}: ${view.samples} samples × ${view.dim} units`;
  const rows = [
    ["loss", String(loss), `${mode}, ${flags.reduction} reduction`],
    ["gradient", flags.out, `float32 [${tensor.shape.join(", ")}]`],
    ["backend", backend, "where it was computed"],
  ];
  terminal.out(`${heading}\n${formatTable(rows, [], 2)}`);
}
