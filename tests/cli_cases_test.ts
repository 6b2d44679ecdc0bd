/**
 * The shared cases about files and shapes (../shared/cases `f16`, `npy-layout`, `constant`,
 * `shape`) through the real command line.
 */

import assert from "node:assert/strict";
import { writeNpy } from "../src/io/npy.ts";
import { npyBytes, npyHeader, readSharedCase } from "./_io_fixtures.ts";
import { assertArrayClose, assertRelative, numbers, readCase } from "./_numeric.ts";
import { assertOneLineError, inParallel, jsonLines, runCli, runOk, withFiles } from "./_cli.ts";
import { readNpy } from "../src/io/npy.ts";

async function inDir(
  files: Record<string, Uint8Array | string>,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await withFiles(files);
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Column means of a row-major n×d array, in float64. */
function columnMeans(values: readonly number[], d: number): number[] {
  const n = values.length / d;
  return Array.from({ length: d }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i * d + j];
    return sum / n;
  });
}

Deno.test("case f16: both orders score as score_with_theta; nan.npy is exit 2", async () => {
  const { json, files } = readSharedCase("f16");
  const expected = json.score_with_theta as Record<string, number>;
  const rel = (json.tolerance as { rel: number }).rel;
  const decoded = json.decoded as number[];
  await inDir(files, async (dir) => {
    const out = await runOk(
      ["score", "c.npy", "fortran.npy", "--theta", "theta.npy", "--json"],
      dir,
    );
    const lines = jsonLines(out);
    assert.deepEqual(lines.map((l) => l.file), ["c.npy", "fortran.npy"]);
    for (const line of lines) {
      assert.equal(line.samples, expected.samples);
      assert.equal(line.dim, expected.dim);
      assert.equal(line.directions, "theta");
      for (const key of ["per", "sw1", "sw2"]) {
        assertRelative(line[key] as number, expected[key], rel, `${line.file} ${key}`);
      }
      // The unit means are the decoded values' column means: both orders decode alike.
      assertArrayClose(line.unitMean as number[], columnMeans(decoded, 3), 1e-12, "unitMean");
    }
    const nan = json.nan_file as { exit: number; stderr_mentions: string[] };
    const run = await runCli(["score", "nan.npy"], dir);
    assertOneLineError(run, "nan.npy", nan.stderr_mentions, nan.exit);
  });
});

Deno.test("case npy-layout: long header, unaligned data, versions 2 and 3 agree", async () => {
  const { json, files } = readSharedCase("npy-layout");
  const expected = json.score_with_theta as Record<string, number>;
  const rel = (json.tolerance as { rel: number }).rel;
  await inDir(files, async (dir) => {
    const names = ["long-header.npy", "unaligned.npy", "v2.npy", "v3.npy"];
    const lines = jsonLines(
      await runOk(["score", ...names, "--theta", "theta.npy", "--json"], dir),
    );
    assert.equal(lines.length, 4);
    for (const line of lines) {
      assert.equal(line.samples, expected.samples);
      assert.equal(line.dim, expected.dim);
      for (const key of ["per", "sw1", "sw2"]) {
        assertRelative(line[key] as number, expected[key], rel, `${line.file} ${key}`);
      }
      assert.deepEqual({ ...line, file: "" }, { ...lines[0], file: "" }, `${line.file}`);
    }
  });
});

Deno.test("case constant: zero variance scores and differentiates, no division by 0", async () => {
  const { zeros, twoPointFive, tolerance } = readCase("constant");
  const files = {
    "zeros.npy": writeNpy(new Float32Array(numbers(zeros.data)), zeros.shape),
    "two-point-five.npy": writeNpy(
      new Float32Array(numbers(twoPointFive.data)),
      twoPointFive.shape,
    ),
    "theta.npy": writeNpy(new Float32Array(twoPointFive.theta), [2, 2]),
  };
  await inDir(files, async (dir) => {
    const [line] = jsonLines(
      await runOk(["score", "zeros.npy", "--json", "--projections", "5"], dir),
    );
    for (const [key, value] of Object.entries(zeros.score)) {
      if (Array.isArray(value)) assert.deepEqual(line[key], value, key);
      else {assert.ok(
          Math.abs((line[key] as number) - (value as number)) <= tolerance.score_abs,
          key,
        );}
    }
    assertRelative(line.per as number, zeros.loss_any_theta, tolerance.loss_rel, "zeros per");
    assertRelative(line.perExact as number, zeros.loss_exact, tolerance.loss_rel, "zeros exact");

    const grads: [string[], number, number[] | "all 0"][] = [
      [["zeros.npy"], zeros.loss_any_theta, "all 0"],
      [["zeros.npy", "--exact"], zeros.loss_exact, "all 0"],
      [["two-point-five.npy", "--theta", "theta.npy"], twoPointFive.loss, twoPointFive.grad],
      [["two-point-five.npy", "--exact"], twoPointFive.loss_exact, twoPointFive.grad_exact],
    ];
    for (const [index, [args, loss, grad]] of grads.entries()) {
      const out = `g-${index}.npy`;
      const [result] = jsonLines(await runOk(["grad", ...args, "--out", out, "--json"], dir));
      assertRelative(result.loss as number, loss, tolerance.loss_rel, args.join(" "));
      const written = readNpy(await Deno.readFile(`${dir}/${out}`), out).data;
      if (grad === "all 0") assert.ok(written.every((v) => v === 0), `${args.join(" ")}: grad`);
      else assertArrayClose(written, grad, tolerance.grad_abs_over_max, args.join(" "));
    }
  });
});

Deno.test("case shape: layouts through --layout, and every bad shape is exit 2", async () => {
  const shape = readCase("shape");
  const data = new Float32Array(numbers(shape.data));
  const files: Record<string, Uint8Array | string> = {
    "nchw.npy": writeNpy(data, shape.nchw.shape),
    "nhwc.npy": writeNpy(data, shape.nhwc.shape),
    "flat.npy": writeNpy(data, shape.flat.shape),
    "theta.npy": writeNpy(new Float32Array(shape.theta), [3, 3]),
    // A header claiming 10^18 values over 96 bytes: refused before allocating.
    "absurd.npy": npyBytes(npyHeader("<f4", "(1000000000, 1000000000)"), new Uint8Array(96)),
  };
  shape.errors.forEach((e: { shape: number[] }, i: number) => {
    files[`bad-${i}.json`] = JSON.stringify({ shape: e.shape, data: shape.data });
  });
  await inDir(files, async (dir) => {
    for (const layout of ["nchw", "nhwc", "flat"]) {
      const expected = shape[layout];
      const args = [`${layout}.npy`, "--layout", layout, "--theta", "theta.npy"];
      const [result] = jsonLines(
        await runOk(["grad", ...args, "--out", `${layout}-g.npy`, "--json"], dir),
      );
      assert.equal(result.samples, expected.samples);
      assert.equal(result.dim, expected.dim);
      assertRelative(result.loss as number, expected.loss, shape.tolerance.loss_rel, layout);
      const grad = readNpy(await Deno.readFile(`${dir}/${layout}-g.npy`), "g").data;
      assertArrayClose(grad, expected.grad, shape.tolerance.grad_abs_over_max, layout);
      const [scored] = jsonLines(await runOk(["score", ...args, "--json"], dir));
      assertRelative(scored.per as number, expected.loss, shape.tolerance.loss_rel, layout);
    }

    const bad = shape.errors.map((
      e: { layout?: string },
      i: number,
    ) => ["score", `bad-${i}.json`, ...(e.layout ? ["--layout", e.layout] : [])]);
    bad.push(["score", "absurd.npy"]);
    const runs = await inParallel(bad, 4, (args: string[]) => runCli(args, dir));
    runs.forEach((run, i) => {
      const file = bad[i][1];
      const why = shape.errors[i]?.why ?? "absurd npy header";
      assertOneLineError(run, `${file} (${why})`, [`${file}:`, "shape"]);
    });
  });
});
