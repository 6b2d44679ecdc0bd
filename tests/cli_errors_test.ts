/**
 * Every way `per` can fail: bad command lines, unreadable paths, malformed, truncated or
 * unsupported files, non-finite values, bad shapes and directions, unwritable outputs. Each
 * must print one line on stderr that names the file and the problem, exit with code 2, and
 * leave stdout empty.
 */

import assert from "node:assert/strict";
import { writeNpy } from "../src/io/npy.ts";
import { writeSafetensors } from "../src/io/safetensors.ts";
import { floatBytes, npyBytes, npyHeader, safetensorsBytes } from "./_io_fixtures.ts";
import { assertOneLineError, inParallel, runCli, withFiles } from "./_cli.ts";

const OK = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
const TWO = writeSafetensors([
  { name: "x", shape: [3, 2], data: new Float32Array([0.5, 1, -1, 2, 0, 1]) },
  { name: "y", shape: [3, 2], data: new Float32Array([1, 2, 3, 4, NaN, 6]) },
]);

/** Hand-made inputs, each wrong in one way. */
const FILES: Record<string, Uint8Array | string> = {
  "ok.npy": OK,
  "garbage.npy": "this is not an npy file",
  "empty.npy": new Uint8Array(0),
  "truncated.npy": OK.subarray(0, OK.length - 3),
  "header-cut.npy": OK.subarray(0, 20),
  "int.npy": npyBytes(npyHeader("<i4", "(2, 2)"), new Uint8Array(16)),
  "bool.npy": npyBytes(npyHeader("|b1", "(4,)"), new Uint8Array(4)),
  "mismatch.npy": npyBytes(
    npyHeader("<f4", "(4, 3)"),
    floatBytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4),
  ),
  "nan.npy": writeNpy(new Float32Array([1, 2, 3, 4, 5, NaN]), [3, 2]),
  "inf.npy": writeNpy(new Float32Array([1, 2, -Infinity, 4, 5, 6]), [3, 2]),
  "huge.npy": writeNpy(new Float64Array([1, 2, 3, 1e300, 5, 6]), [3, 2]),
  "rank3.npy": writeNpy(new Float32Array(24), [2, 3, 4]),
  "two.safetensors": TWO,
  "cut.safetensors": TWO.subarray(0, TWO.length - 5),
  "i32.safetensors": safetensorsBytes(
    { x: { dtype: "I32", shape: [2], data_offsets: [0, 8] } },
    new Uint8Array(8),
  ),
  "none.safetensors": safetensorsBytes({}, new Uint8Array(0)),
  "bad.json": "{not json",
  "ragged.json": "[[1, 2], [3]]",
  "bad.csv": "1,2\n3,x\n",
  "ragged.csv": "1,2\n3\n",
  "unknown.bin": new Uint8Array([0, 1, 2, 3, 250, 251]),
  "theta3.npy": writeNpy(new Float32Array(8), [2, 2, 2]),
  "theta-zero.npy": writeNpy(new Float32Array([1, 0, 0, 0]), [2, 2]),
  "theta-nan.npy": writeNpy(new Float32Array([1, NaN]), [1, 2]),
  "theta-dim.npy": writeNpy(new Float32Array([1, 0, 0, 0, 1, 0]), [2, 3]),
};

/** [arguments, strings the one line must contain]. */
type Case = [string[], string[]];

const COMMAND_LINE: Case[] = [
  [[], ["missing command"]],
  [["scor"], ["unknown command 'scor'"]],
  [["--frobnicate"], ["unknown flag '--frobnicate'"]],
  [["score"], ["needs at least one FILE"]],
  [["score", "ok.npy", "--frobnicate"], ["unknown flag --frobnicate", "per score"]],
  [["score", "ok.npy", "--out", "g.npy"], ["unknown flag --out for per score"]],
  [["grad", "ok.npy", "--out", "g.npy", "--plot", "p"], ["unknown flag --plot for per grad"]],
  [["score", "ok.npy", "--projections"], ["--projections needs a value"]],
  [["score", "ok.npy", "--projections", "0"], ["--projections", "positive integer", "'0'"]],
  [["score", "ok.npy", "--projections", "2.5"], ["--projections", "'2.5'"]],
  [["score", "ok.npy", "--projections", "ten"], ["--projections", "'ten'"]],
  [["score", "ok.npy", "--projections", "1e3"], ["--projections", "'1e3'"]],
  [["score", "ok.npy", "--seed", "-1"], ["--seed needs a value", "--seed=VALUE"]],
  [["score", "ok.npy", "--seed=-1"], ["--seed", "0 to 2^53 - 1", "'-1'"]],
  [["score", "ok.npy", "--seed", "9007199254740992"], ["--seed", "'9007199254740992'"]],
  [["score", "ok.npy", "--seed", "0x10"], ["--seed", "'0x10'"]],
  [["score", "ok.npy", "--layout", "nwhc"], ["--layout must be flat, nchw or nhwc", "'nwhc'"]],
  [["score", "ok.npy", "--sampler", "sobol"], ["--sampler must be gaussian or orthogonal"]],
  [["score", "ok.npy", "--backend", "cuda"], [
    "--backend must be auto, wasm, webgpu or js",
    "'cuda'",
  ]],
  [["grad", "ok.npy", "--out", "g.npy", "--reduction", "max"], ["--reduction must be mean"]],
  [["score", "ok.npy", "--json=yes"], ["--json takes no value"]],
  [["score", "ok.npy", "--seed", "1", "--seed", "2"], ["--seed is given twice"]],
  [["score", "ok.npy", "--tensor", ""], ["--tensor needs a non-empty value"]],
  [["grad", "ok.npy"], ["per grad needs --out"]],
  [["grad", "ok.npy", "ok.npy", "--out", "g.npy"], ["per grad takes one FILE, got 2"]],
  [["grad", "--out", "g.npy"], ["per grad takes one FILE, got 0"]],
  [["grad", "ok.npy", "--out", "g.npy", "--exact", "--projections", "8"], [
    "--exact",
    "--projections",
  ]],
  [["grad", "ok.npy", "--out", "g.npy", "--exact", "--theta", "theta-zero.npy"], [
    "--exact",
    "--theta",
  ]],
];

const INPUTS: Case[] = [
  [["score", "missing.npy"], ["missing.npy: cannot read: no such file or directory"]],
  [["score", "ok.npy", "missing.npy"], ["missing.npy: cannot read"]],
  [["score", "."], [".: cannot read: it is a directory"]],
  [["score", "garbage.npy"], ["garbage.npy:", "magic"]],
  [["score", "empty.npy"], ["empty.npy:", "0 bytes"]],
  [["score", "truncated.npy"], ["truncated.npy:", "21 bytes"]],
  [["score", "header-cut.npy"], ["header-cut.npy:", "header"]],
  [["score", "int.npy"], ["int.npy:", "'<i4'", "not supported"]],
  [["score", "bool.npy"], ["bool.npy:", "'|b1'", "not supported"]],
  [["score", "mismatch.npy"], ["mismatch.npy:", "shape (4, 3)", "10 values"]],
  [["score", "nan.npy"], ["nan.npy: activations[5] is NaN"]],
  [["grad", "nan.npy", "--out", "g.npy"], ["nan.npy: activations[5] is NaN"]],
  [["score", "inf.npy"], ["inf.npy: activations[2] is -Infinity"]],
  [["score", "huge.npy"], ["huge.npy: activations[3]", "float32 range"]],
  [["score", "cut.safetensors"], ["cut.safetensors:", "past the end"]],
  [["score", "i32.safetensors"], ["i32.safetensors:", "I32", "not supported"]],
  [["score", "none.safetensors"], ["none.safetensors: holds no tensors"]],
  [["score", "two.safetensors", "--tensor", "z"], ["two.safetensors:", "no tensor named 'z'"]],
  [["score", "ok.npy", "--tensor", "x"], ["ok.npy:", "'x'", ".safetensors"]],
  [["score", "two.safetensors", "--tensor", "y"], ["two.safetensors [y]: activations[4] is NaN"]],
  [["grad", "two.safetensors", "--out", "g.npy"], [
    "two.safetensors: holds 2 tensors (x, y)",
    "--tensor",
  ]],
  [["score", "bad.json"], ["bad.json:", "not valid JSON"]],
  [["score", "ragged.json"], ["ragged.json:", "data[1]"]],
  [["score", "bad.csv"], ["bad.csv:", "line 2, column 2"]],
  [["score", "ragged.csv"], ["ragged.csv:", "line 2"]],
  [["score", "unknown.bin"], ["unknown.bin:", "unknown format"]],
  [["score", "rank3.npy"], ["rank3.npy:", "rank 3", "flat"]],
  [["score", "rank3.npy", "--layout", "nchw"], ["rank3.npy:", "rank 3", "nchw"]],
  [["grad", "rank3.npy", "--layout", "nhwc", "--out", "g.npy"], ["rank3.npy:", "nhwc"]],
  [["score", "ok.npy", "--theta", "missing.npy"], ["missing.npy: cannot read"]],
  [["score", "ok.npy", "--theta", "theta3.npy"], ["theta3.npy:", "[2, 2, 2]", "one direction"]],
  [["score", "ok.npy", "--theta", "theta-zero.npy"], ["theta-zero.npy:", "row 1 is zero"]],
  [["score", "ok.npy", "--theta", "theta-nan.npy"], ["theta-nan.npy:", "NaN"]],
  [["score", "ok.npy", "--theta", "theta-dim.npy"], [
    "theta-dim.npy: holds directions of 3 values",
    "ok.npy has 2 units",
  ]],
  [["grad", "ok.npy", "--theta", "theta-dim.npy", "--out", "g.npy"], ["theta-dim.npy:"]],
  [["score", "ok.npy", "--theta", "theta-zero.npy", "--projections", "3"], [
    "theta-zero.npy: holds 2 directions, but --projections is 3",
  ]],
  [["score", "ok.npy", "--theta", "two.safetensors"], ["two.safetensors:", "one array"]],
  [["grad", "ok.npy", "--out", "no/such/dir/g.npy"], ["no/such/dir/g.npy: cannot write"]],
  [["grad", "ok.npy", "--out", "."], [".: cannot write: it is a directory"]],
  [["score", "ok.npy", "--plot", "ok.npy"], ["ok.npy: cannot write", "not a directory"]],
];

async function checkCases(cases: Case[]): Promise<void> {
  const dir = await withFiles(FILES);
  try {
    const runs = await inParallel(cases, 4, ([args]) => runCli(args, dir));
    cases.forEach(([args, mentions], i) => {
      assertOneLineError(runs[i], `per ${args.join(" ")}`, mentions);
    });
    // No failed run may leave an output file behind.
    await assert.rejects(Deno.stat(`${dir}/g.npy`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("errors: every bad command line is one line and exit 2", async () => {
  await checkCases(COMMAND_LINE);
});

Deno.test("errors: bad inputs, directions and output paths: one line, exit 2", async () => {
  await checkCases(INPUTS);
});

Deno.test("errors: results printed before a bad tensor stay printed", async () => {
  const dir = await withFiles(FILES);
  try {
    const run = await runCli(["score", "ok.npy", "two.safetensors", "--json"], dir);
    assert.equal(run.code, 2);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.file, l.tensor]), [["ok.npy", undefined], [
      "two.safetensors",
      "x",
    ]]);
    assert.equal(run.stderr, "per: two.safetensors [y]: activations[4] is NaN\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("errors: without read permission the line says which flag grants it", async () => {
  const dir = await withFiles(FILES);
  try {
    const run = await runCli(["score", "ok.npy"], dir, []);
    assertOneLineError(run, "no --allow-read", ["ok.npy: cannot read", "--allow-read"]);
    const write = await runCli(["grad", "ok.npy", "--out", "g.npy"], dir, ["--allow-read"]);
    assertOneLineError(write, "no --allow-write", ["g.npy: cannot write", "--allow-write"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
