/**
 * The command in-process: how main() turns failures into one line and an exit code, the
 * argument parser's results, and the table layout.
 */

import assert from "node:assert/strict";
import { main } from "../src/cli.ts";
import { parseCommandLine } from "../src/cli/arguments.ts";
import { CliError, failure } from "../src/cli/errors.ts";
import { BACKENDS } from "../src/cli/flags.ts";
import { formatNumber, formatTable } from "../src/cli/table.ts";
import { memoryTerminal, type Terminal } from "../src/cli/terminal.ts";
import { ReadError } from "../src/io/read_error.ts";

Deno.test("main: unexpected failure is one line, exit 1; closed stdout is exit 0", async () => {
  let err = "";
  const broken: Terminal = {
    out: () => {
      throw new Error("disk on fire\n    at somewhere (file.ts:1:1)");
    },
    err: (t) => void (err += t),
    errIsTerminal: false,
  };
  assert.equal(await main(["--version"], broken), 1);
  assert.equal(err, "per: unexpected error: disk on fire; at somewhere (file.ts:1:1)\n");

  const closed: Terminal = {
    out: () => {
      throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
    err: () => assert.fail("nothing to report"),
    errIsTerminal: false,
  };
  assert.equal(await main(["--version"], closed), 0);
});

Deno.test("failure: input errors exit 2, others exit 1, always one line", () => {
  assert.deepEqual(failure(new CliError("a.npy: bad")), { line: "a.npy: bad", exitCode: 2 });
  assert.deepEqual(failure(new ReadError("b.npy", "is short")), {
    line: "b.npy: is short",
    exitCode: 2,
  });
  assert.deepEqual(failure(new RangeError("x\n  y")), { line: "x; y", exitCode: 2 });
  assert.deepEqual(failure("text"), { line: "unexpected error: text", exitCode: 1 });
});

Deno.test("parseCommandLine: defaults, values and the files after --", () => {
  const score = parseCommandLine(["score", "a.npy", "--json", "--", "--b.npy"]);
  assert.deepEqual(score, {
    kind: "score",
    files: ["a.npy", "--b.npy"],
    flags: {
      tensor: undefined,
      projections: undefined,
      exact: false,
      theta: undefined,
      seed: 0,
      sampler: "gaussian",
      layout: "flat",
      backend: "auto",
      json: true,
      plot: undefined,
      perProjection: false,
    },
  });
  const grad = parseCommandLine([
    "grad",
    "--out=g.npy",
    "h.npy",
    "--reduction",
    "sum",
    "--seed",
    "7",
    "--exact",
  ]);
  assert.equal(grad.kind, "grad");
  if (grad.kind === "grad") {
    assert.deepEqual(
      [grad.file, grad.flags.out, grad.flags.reduction, grad.flags.seed, grad.flags.exact],
      ["h.npy", "g.npy", "sum", 7, true],
    );
  }
  // --backend takes exactly what createEngine takes.
  for (const backend of BACKENDS) {
    const parsed = parseCommandLine(["score", "a.npy", "--backend", backend]);
    assert.equal(parsed.kind === "score" && parsed.flags.backend, backend);
  }
  assert.deepEqual([...BACKENDS], ["auto", "wasm", "webgpu", "js"]);
});

Deno.test("formatTable and formatNumber: aligned columns, six significant digits", () => {
  assert.equal(
    formatTable([["a", "1.5", "x"], ["long name", "-20.25", "y y"]], ["left", "right"], 2),
    "  a             1.5  x\n  long name  -20.25  y y\n",
  );
  assert.deepEqual(
    [0, 1, -0.000123456789, 123456789, 0.5, 999999.4].map(formatNumber),
    ["0", "1.00000", "-1.23457e-4", "1.23457e8", "0.500000", "999999"],
  );
});

Deno.test("main: help and version through a memory terminal", async () => {
  const { terminal, text } = memoryTerminal();
  assert.equal(await main(["score", "--help"], terminal), 0);
  assert.ok(text().out.startsWith("Usage: per score"));
  assert.equal(text().err, "");
});
