/**
 * `per score` as a subprocess: every reader on files the test writes, every flag, and the
 * --json output against score() called directly on the same values.
 */

import assert from "node:assert/strict";
import { score, type ScoreOptions } from "../mod.ts";
import { writeNpy } from "../src/io/npy.ts";
import { writeSafetensors } from "../src/io/safetensors.ts";
import { formatNumber } from "../src/cli/table.ts";
import { floatBytes, npyBytes, npyHeader } from "./_io_fixtures.ts";
import { normals } from "./_numeric.ts";
import { jsonLines, runOk, withFiles } from "./_cli.ts";

const N = 48;
const D = 5;
const H = normals(N * D, 11, 1.3);
const FC2 = normals(N * 3, 12).map((v) => Math.max(0, v));
const FC3 = Float64Array.from(normals(N * D, 14, 0.5));
const CONV = normals(2 * 3 * 4 * 4, 13);
const THETA = Float32Array.from([1, 2, 0, 0, -1, 0, 0, 3, 1, 1, 0.5, -0.5, 0, 0, 2]);

/** Values in column-major order, as a Fortran-order .npy stores them. */
function fortranOrder(values: Float32Array, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out.push(values[i * cols + j]);
  return out;
}

/** Rows of values as nested arrays. */
function nested(values: Float32Array, rows: number, cols: number): number[][] {
  return Array.from(
    { length: rows },
    (_, i) => Array.from(values.subarray(i * cols, i * cols + cols)),
  );
}

const FILES = {
  "c.npy": writeNpy(H, [N, D]),
  "fortran.npy": npyBytes(
    npyHeader("<f4", `(${N}, ${D})`, true),
    floatBytes(fortranOrder(H, N, D), 4),
  ),
  "f8.npy": writeNpy(Float64Array.from(H), [N, D]),
  "model.safetensors": writeSafetensors([
    { name: "fc1", shape: [N, D], data: H },
    { name: "fc2", shape: [N, 3], data: FC2 },
    { name: "fc3", shape: [N, D], data: FC3 },
  ]),
  "object.json": JSON.stringify({ shape: [N, D], data: Array.from(H) }),
  "nested.json": JSON.stringify(nested(H, N, D)),
  "rows.csv": nested(H, N, D).map((row) => row.join(",")).join("\n") + "\n",
  "conv.npy": writeNpy(CONV, [2, 3, 4, 4]),
  "theta.npy": writeNpy(THETA, [3, D]),
};

/**
 * The JSON line the CLI must print for a tensor: file, tensor (for safetensors only: no
 * null), then score()'s keys.
 */
function expected(
  file: string,
  tensor: string | null,
  h: Float32Array | Float64Array,
  shape: number[],
  options: ScoreOptions = {},
) {
  return { file, ...(tensor === null ? {} : { tensor }), ...score(h, shape, options) };
}

/** Runs a test body in a directory holding FILES, removed afterwards. */
async function inFiles(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await withFiles(FILES);
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("score --json: npy (C, Fortran, float64), JSON (both forms) and CSV", async () => {
  await inFiles(async (dir) => {
    const files = ["c.npy", "fortran.npy", "f8.npy", "object.json", "nested.json", "rows.csv"];
    const lines = jsonLines(await runOk(["score", ...files, "--json"], dir));
    const h64 = Float64Array.from(H);
    assert.deepEqual(lines, [
      expected("c.npy", null, H, [N, D]),
      expected("fortran.npy", null, H, [N, D]),
      expected("f8.npy", null, h64, [N, D]),
      expected("object.json", null, h64, [N, D]),
      expected("nested.json", null, h64, [N, D]),
      expected("rows.csv", null, h64, [N, D]),
    ]);
  });
});

Deno.test("score --json: every tensor of a safetensors file, or one with --tensor", async () => {
  await inFiles(async (dir) => {
    const all = jsonLines(await runOk(["score", "model.safetensors", "--json"], dir));
    assert.deepEqual(all, [
      expected("model.safetensors", "fc1", H, [N, D]),
      expected("model.safetensors", "fc2", FC2, [N, 3]),
      expected("model.safetensors", "fc3", FC3, [N, D]),
    ]);
    const one = jsonLines(
      await runOk(["score", "model.safetensors", "--tensor", "fc2", "--json"], dir),
    );
    assert.deepEqual(one, [expected("model.safetensors", "fc2", FC2, [N, 3])]);
  });
});

Deno.test("score --json: each direction flag reaches score()", async () => {
  await inFiles(async (dir) => {
    const runs: [string[], ScoreOptions][] = [
      [["--projections", "7"], { projections: 7 }],
      [["--seed", "9007199254740991"], { seed: 2 ** 53 - 1 }],
      [["--seed", "3", "--sampler", "orthogonal", "--projections", "12"], {
        seed: 3,
        sampler: "orthogonal",
        projections: 12,
      }],
      [["--backend", "js", "--projections", "5"], { backend: "js", projections: 5 }],
      [["--backend", "wasm"], { backend: "wasm" }],
      [["--backend", "auto"], { backend: "auto" }],
      [["--per-projection", "--projections", "4"], { perProjection: true, projections: 4 }],
      [["--theta", "theta.npy"], { theta: THETA }],
      [["--theta", "theta.npy", "--projections", "3"], { theta: THETA, projections: 3 }],
    ];
    for (const [flags, options] of runs) {
      const lines = jsonLines(await runOk(["score", "c.npy", "--json", ...flags], dir));
      assert.deepEqual(lines, [expected("c.npy", null, H, [N, D], options)], flags.join(" "));
    }
  });
});

Deno.test("score --json: --layout nchw and nhwc read rank-4 tensors", async () => {
  await inFiles(async (dir) => {
    for (const layout of ["nchw", "nhwc"] as const) {
      const lines = jsonLines(
        await runOk(
          ["score", "conv.npy", "--layout", layout, "--json", "--projections", "6"],
          dir,
        ),
      );
      assert.deepEqual(lines, [
        expected("conv.npy", null, CONV, [2, 3, 4, 4], { layout, projections: 6 }),
      ]);
      assert.equal(lines[0].dim, layout === "nchw" ? 3 : 4);
    }
    const flat = jsonLines(await runOk(["score", "c.npy", "--layout", "flat", "--json"], dir));
    assert.deepEqual(flat, [expected("c.npy", null, H, [N, D], { layout: "flat" })]);
  });
});

Deno.test("score --json --exact: per is the exact-mode PER; Monte Carlo moves", async () => {
  await inFiles(async (dir) => {
    const [line] = jsonLines(
      await runOk(["score", "c.npy", "--json", "--exact", "--projections", "9"], dir),
    );
    const result = score(H, [N, D], { projections: 9 });
    assert.equal(line.per, result.perExact);
    assert.equal(line.perExact, result.perExact);
    assert.equal(line.perMonteCarlo, result.per);
    assert.equal(line.sw1, result.sw1);
    assert.equal(line.projections, 9);
    const keys = Object.keys(line);
    assert.deepEqual(keys.slice(keys.indexOf("per"), keys.indexOf("per") + 3), [
      "per",
      "perMonteCarlo",
      "perExact",
    ]);
  });
});

Deno.test("score: the table names file and tensor and aligns the numbers of score()", async () => {
  await inFiles(async (dir) => {
    const out = await runOk(["score", "model.safetensors", "c.npy", "--per-projection"], dir);
    const blocks = out.split("\n\n");
    // Two parts (values, ranges) per tensor: fc1, fc2, fc3 and c.npy.
    assert.equal(blocks.length, 8, out);
    assert.ok(blocks[0].startsWith(`model.safetensors [fc1]: float32 [${N}, ${D}], layout flat`));
    assert.ok(blocks[2].startsWith("model.safetensors [fc2]: float32"));
    assert.ok(blocks[4].startsWith("model.safetensors [fc3]: float64"));
    assert.ok(blocks[6].startsWith(`c.npy: float32 [${N}, ${D}], layout flat: ${N} samples`));

    const result = score(H, [N, D], { perProjection: true });
    const rows = blocks[6].split("\n").slice(1);
    const value = (name: string) => rows.find((r) => r.trim().startsWith(name + " "));
    for (const key of ["per", "perExact", "sw1", "sw2", "covDistance", "deadFraction"] as const) {
      const row = value(key);
      assert.ok(row !== undefined, `row ${key} missing:\n${blocks[6]}`);
      assert.ok(row.includes(` ${formatNumber(result[key])} `), `${key}: ${row}`);
    }
    assert.ok(value("backend")?.includes("wasm"));
    // Right-aligned values end in the same column.
    const ends = rows.slice(0, 6).map((r) => r.search(/\S\s{2}[A-Za-z‖0-9]/));
    assert.equal(new Set(ends).size, 1, `values not aligned:\n${blocks[6]}`);

    const ranges = blocks[7].split("\n");
    assert.match(ranges[0], /^\s+min\s+mean\s+max$/);
    const unitStd = ranges.find((r) => r.trim().startsWith("unitStd"))!;
    const std = result.unitStd;
    const mean = std.reduce((a, b) => a + b, 0) / std.length;
    assert.deepEqual(
      unitStd.trim().split(/\s+/).slice(1),
      [Math.min(...std), mean, Math.max(...std)].map(formatNumber),
    );
    const w1 = ranges.find((r) => r.trim().startsWith("w1, by direction"));
    assert.ok(w1 !== undefined, blocks[7]);
  });
});

Deno.test("score --exact: the table's per row is the exact value", async () => {
  await inFiles(async (dir) => {
    const out = await runOk(["score", "c.npy", "--exact"], dir);
    const result = score(H, [N, D]);
    const per = out.split("\n").find((r) => r.trim().startsWith("per "))!;
    assert.ok(per.includes(formatNumber(result.perExact)) && per.includes("exact"), per);
    const monteCarlo = out.split("\n").find((r) => r.trim().startsWith("perMonteCarlo "))!;
    assert.ok(monteCarlo.includes(formatNumber(result.per)), monteCarlo);
  });
});

Deno.test("score: a path with .. and spaces, and a file name after --", async () => {
  await inFiles(async (dir) => {
    await Deno.mkdir(`${dir}/sub dir`);
    await Deno.writeFile(`${dir}/-dash.npy`, FILES["c.npy"]);
    const out = await runOk(["score", "--json", "--", "-dash.npy"], dir);
    assert.equal(jsonLines(out)[0].file, "-dash.npy");
    const up = await runOk(["score", "--json", "../c.npy"], `${dir}/sub dir`);
    assert.deepEqual(jsonLines(up), [expected("../c.npy", null, H, [N, D])]);
  });
});
