/**
 * `per grad` as a subprocess: the gradient file read back against perLossAndGrad() called
 * directly, the printed loss, and every flag.
 */

import assert from "node:assert/strict";
import { perLossAndGrad, type PerOptions } from "../mod.ts";
import { readNpy, writeNpy } from "../src/io/npy.ts";
import { writeSafetensors } from "../src/io/safetensors.ts";
import { normals } from "./_numeric.ts";
import { jsonLines, runOk, withFiles } from "./_cli.ts";

const N = 40;
const D = 6;
const H = normals(N * D, 21, 1.5);
const CONV = normals(2 * 3 * 2 * 5, 22);
const THETA = Float32Array.from(normals(4 * D, 23));

const FILES = {
  "h.npy": writeNpy(H, [N, D]),
  "conv.npy": writeNpy(CONV, [2, 3, 2, 5]),
  "theta.npy": writeNpy(THETA, [4, D]),
  "model.safetensors": writeSafetensors([
    { name: "a", shape: [N, D], data: H },
    { name: "b", shape: [2, 3, 2, 5], data: CONV },
  ]),
};

async function inFiles(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await withFiles(FILES);
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `per grad` with --json and checks the gradient file and the loss. */
async function checkGrad(
  dir: string,
  args: string[],
  h: Float32Array,
  shape: number[],
  options: PerOptions,
): Promise<Record<string, unknown>> {
  const [line] = jsonLines(await runOk(["grad", ...args, "--out", "g.npy", "--json"], dir));
  const { loss, grad } = perLossAndGrad(h, shape, options);
  assert.equal(line.loss, loss, args.join(" "));
  const written = readNpy(await Deno.readFile(`${dir}/g.npy`), "g.npy");
  assert.deepEqual(written.shape, shape);
  assert.equal(written.dtype, "float32");
  assert.deepEqual(written.data, grad, `${args.join(" ")}: gradient differs`);
  await Deno.remove(`${dir}/g.npy`);
  return line;
}

Deno.test("grad: writes perLossAndGrad's gradient and prints its loss", async () => {
  await inFiles(async (dir) => {
    const out = await runOk(["grad", "h.npy", "--out", "grad.npy"], dir);
    const { loss, grad } = perLossAndGrad(H, [N, D]);
    const written = readNpy(await Deno.readFile(`${dir}/grad.npy`), "grad.npy");
    assert.deepEqual(written.shape, [N, D]);
    assert.deepEqual(written.data, grad);
    const lines = out.split("\n");
    assert.equal(lines[0], `h.npy: float32 [${N}, ${D}], layout flat: ${N} samples × ${D} units`);
    assert.match(
      lines[1],
      new RegExp(`^  loss +${String(loss).replace(".", "\\.")} +Monte Carlo`),
    );
    assert.match(lines[2], /^ {2}gradient +grad\.npy +float32 \[40, 6\]$/);
  });
});

Deno.test("grad --json: every flag reaches perLossAndGrad()", async () => {
  await inFiles(async (dir) => {
    const runs: [string[], PerOptions][] = [
      [[], {}],
      [["--projections", "9", "--seed", "4"], { projections: 9, seed: 4 }],
      [["--sampler", "orthogonal", "--projections", "10"], {
        sampler: "orthogonal",
        projections: 10,
      }],
      [["--reduction", "sum"], { reduction: "sum" }],
      [["--reduction", "mean", "--backend", "js"], { reduction: "mean", backend: "js" }],
      [["--backend", "wasm"], { backend: "wasm" }],
      [["--theta", "theta.npy"], { theta: THETA }],
      [["--theta", "theta.npy", "--projections", "4"], { theta: THETA }],
    ];
    for (const [flags, options] of runs) {
      await checkGrad(dir, ["h.npy", ...flags], H, [N, D], options);
    }

    const exact = await checkGrad(dir, ["h.npy", "--exact", "--reduction", "sum"], H, [N, D], {
      projections: Infinity,
      reduction: "sum",
    });
    assert.equal(exact.mode, "exact");
    // Exact mode has no directions: their count, seed and sampler are left out, not null.
    assert.ok(!("projections" in exact) && !("directions" in exact) && !("seed" in exact));
    assert.ok(!Object.values(exact).includes(null), "no null in the record");
  });
});

Deno.test("grad: --layout keeps a rank-4 gradient in the input's layout", async () => {
  await inFiles(async (dir) => {
    for (const layout of ["nchw", "nhwc"] as const) {
      const line = await checkGrad(dir, ["conv.npy", "--layout", layout], CONV, [2, 3, 2, 5], {
        layout,
      });
      assert.equal(line.dim, layout === "nchw" ? 3 : 5);
    }
  });
});

Deno.test("grad --tensor: one tensor of a safetensors file", async () => {
  await inFiles(async (dir) => {
    const line = await checkGrad(
      dir,
      ["model.safetensors", "--tensor", "b", "--layout", "nchw"],
      CONV,
      [2, 3, 2, 5],
      { layout: "nchw" },
    );
    assert.equal(line.tensor, "b");
    assert.equal(line.file, "model.safetensors");
  });
});
