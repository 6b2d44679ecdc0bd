import assert from "node:assert/strict";
import { ProgressBar } from "../src/train/progress_bar.ts";
import { reportFiles, resultsTable, type Study, studyFromResults } from "../src/train/report.ts";
import { formatMeanSd, meanSd } from "../src/train/stats.ts";
import { WASM_DIST } from "../src/train/tfjs_backend.ts";
import { parseVariant } from "../src/train/variants.ts";

const SCRIPT = new URL("../src/train/train.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

async function train(args: string[], permissions: string[] = []) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, SCRIPT, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("train CLI: a bad option is one line on stderr and exit code 2", async () => {
  for (
    const [args, message] of [
      [["--epochs", "0"], /--epochs must be an integer ≥ 1, got "0"/],
      [["--variants", "vanilla,per@1"], /unknown variant "per@1"/],
      [["--bogus"], /Unknown option '--bogus'/],
      [["--save-activations"], /--save-activations needs --out DIR/],
      [["--report-from", "results.json"], /--report-from needs --out DIR/],
      [["--out", "/nonexistent/report"], /cannot write the report to \/nonexistent\/report/],
    ] as const
  ) {
    const { code, stdout, stderr } = await train([...args]);
    assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
    assert.equal(stdout, "");
    assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    assert.match(stderr, message);
  }
});

Deno.test("train CLI: wasm without read permission fails in one line, naming it", async () => {
  const { code, stderr } = await train(["--seeds", "1", "--epochs", "1"]);
  assert.equal(code, 2);
  assert.equal(
    stderr.trimEnd(),
    `train: tfjs could not start its wasm backend; run with ` +
      `--allow-read=${WASM_DIST}`,
  );
});

Deno.test("train CLI: a tiny run prints the table on stdout and progress on stderr", async () => {
  const { code, stdout, stderr } = await train(
    [
      "--variants",
      "vanilla",
      "--seeds",
      "1",
      "--epochs",
      "1",
      "--train",
      "256",
      "--test",
      "100",
      "--validation",
      "50",
      "--depth",
      "2",
      "--width",
      "16",
      "--no-score",
    ],
    [`--allow-read=${WASM_DIST}`],
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^\| variant +\| test acc. % /);
  assert.match(stdout, /\| vanilla +\| \d+\.\d\d +\|/);
  assert.match(stderr, /vanilla seed 1 +\[#+\] 100%/);
  assert.doesNotMatch(stdout, /seed 1|Hi, looks like/);
});

Deno.test("variant names parse into kinds, λ and directions", () => {
  assert.deepEqual(parseVariant("per-mc@0.1"), {
    name: "per-mc@0.1",
    kind: "per",
    lambda: 0.1,
    projections: 256,
  });
  assert.equal(parseVariant("per-mc64@1").projections, 64);
  assert.equal(parseVariant("per-exact@1e-3").projections, Infinity);
  assert.equal(parseVariant("l2@0.5").kind, "l2");
  assert.throws(() => parseVariant("l1@-1"), /λ -1, not a finite number ≥ 0/);
  assert.throws(() => parseVariant("per-mc0@1"), /0 directions/);
});

Deno.test("stats and the results table", () => {
  assert.deepEqual(meanSd([2]), { mean: 2, sd: 0 });
  assert.equal(formatMeanSd([0.5, 0.7], 1, 100), "60.0 ± 14.1");
  assert.throws(() => meanSd([]), RangeError);
  const run = {
    variant: "vanilla",
    seed: 1,
    epochs: [{ epoch: 1, fitLoss: 1, validationAccuracy: 0.5, testAccuracy: 0.25 }],
    testAccuracy: 0.25,
    validationAccuracy: 0.5,
    trainLoss: 1.5,
    stepMs: 10,
    stepTimes: [10],
    weightsDigest: "0",
  };
  const study = {
    settings: { depth: 2 },
    variants: [{
      variant: parseVariant("vanilla"),
      runs: [run],
      scores: [[{ sw1: 0.5, sw2: 0.6 }, { sw1: 0.25, sw2: 0.3 }]],
    }],
  } as unknown as Study;
  assert.match(
    resultsTable(study),
    /\| vanilla +\| 25\.00 +\| 50\.00 +\| 1\.5000 +\| 10\.0 +\| 0\.500 +\| 0\.250 +\|/,
  );
});

Deno.test("progress bar: redraws in place on a terminal, logs tenths to a file", () => {
  const sink = (terminal: boolean) => {
    const chunks: string[] = [];
    return {
      chunks,
      isTerminal: () => terminal,
      writeSync: (b: Uint8Array) => (chunks.push(new TextDecoder().decode(b)), b.length),
    };
  };
  const file = sink(false);
  const bar = new ProgressBar("run", 100, file);
  for (let i = 1; i <= 100; i++) bar.update(i, "x");
  bar.finish("done");
  assert.equal(file.chunks.length, 11);
  assert.match(file.chunks.at(-1)!, /^run \[#{24}\] 100% \d+s done\n$/);
  const tty = sink(true);
  const live = new ProgressBar("run", 4, tty);
  live.update(4);
  assert.ok(tty.chunks[0].startsWith("\r\x1b[2Krun [" + "#".repeat(24) + "] 100%"));
  assert.throws(() => new ProgressBar("run", 0, tty), /total must be a positive integer, got 0/);
});

Deno.test("the report: Markdown with the command, SVG charts, and no SW1 chart unscored", () => {
  const layer = (sw1: number) => ({
    sw1,
    sw2: sw1,
    perExact: sw1 + 0.5,
    deadReluFraction: 0,
    covDistance: 0.1,
    meanUnitStd: 1,
  });
  const run = (variant: string, seed: number, accuracy: number) => ({
    variant,
    seed,
    epochs: [1, 2].map((epoch) => ({
      epoch,
      fitLoss: 1 / epoch,
      validationAccuracy: accuracy,
      testAccuracy: accuracy - 0.01 / epoch,
    })),
    testAccuracy: accuracy - 0.005,
    validationAccuracy: accuracy,
    trainLoss: 0.1,
    stepMs: 12,
    stepTimes: [11, 12, 13],
    weightsDigest: "abcd0123",
  });
  const settings = {
    command: "deno run src/train/train.ts --epochs 2",
    date: "2026-12-03T00:00:00.000Z",
    machine: "test",
    versions: { deno: "2.9.6" },
    backend: "cpu",
    epochs: 2,
    seeds: [1, 2],
    batchSize: 32,
    learningRate: 0.001,
    depth: 2,
    width: 8,
    split: { train: 100, validation: 10, test: 10, seed: 0 },
    scoreSeed: 1,
  };
  const variants = [
    { variant: parseVariant("vanilla"), runs: [run("vanilla", 1, 0.9), run("vanilla", 2, 0.91)] },
    {
      variant: parseVariant("per-mc@0.1"),
      runs: [run("per-mc@0.1", 1, 0.92), run("per-mc@0.1", 2, 0.9)],
    },
  ];
  const scored = reportFiles({
    settings,
    variants: variants.map((v) => ({
      ...v,
      scores: [[layer(0.5), layer(0.6)], [layer(0.4), layer(0.7)]],
    })),
    penaltyCost: [{ mode: "exact", projections: Infinity, medianMs: 0.5 }],
  });
  assert.deepEqual(Object.keys(scored).sort(), [
    "accuracy.svg",
    "report.md",
    "results.json",
    "step_time.svg",
    "sw1.svg",
    "sw1_per.svg",
  ]);
  for (const name of ["accuracy.svg", "step_time.svg", "sw1.svg", "sw1_per.svg"]) {
    assert.match(scored[name], /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  }
  const md = scored["report.md"];
  assert.ok(md.includes("deno run src/train/train.ts --epochs 2"));
  assert.match(md, /- per-mc: λ = 0.1 \(per-mc@0.1\)/);
  assert.match(md, /\| per-mc@0.1 +\| 0.50 ± 2.12 +\| 1 \/ 1 +\|/);
  assert.match(md, /\| exact +\| 0.50 +\|/);
  assert.equal(JSON.parse(scored["results.json"]).variants[1].variant.projections, 256);

  // Read back from its results.json, the study renders the same report.
  const again = reportFiles(studyFromResults(JSON.parse(scored["results.json"])));
  assert.equal(again["report.md"], md);
  assert.equal(again["results.json"], scored["results.json"]);

  const unscored = reportFiles({ settings, variants, scoreError: "SW1 was not requested" });
  assert.ok(!("sw1.svg" in unscored));
  assert.match(unscored["report.md"], /\*\*SW1 missing\.\*\* SW1 was not requested/);
});
