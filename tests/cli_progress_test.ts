/**
 * Progress for large inputs: a file of PROGRESS_MIN_BYTES or more reports reading and scoring
 * on stderr, and stdout still holds only results; smaller files stay silent.
 */

import assert from "node:assert/strict";
import { score } from "../mod.ts";
import { PROGRESS_MIN_BYTES, progressFor } from "../src/cli/progress.ts";
import { memoryTerminal } from "../src/cli/terminal.ts";
import { jsonLines, runCli, runOk } from "./_cli.ts";

const SMALL = Float32Array.from({ length: 8 * 4 }, (_, i) => Math.sin(i));

/**
 * Writes a safetensors file just over the threshold without generating its bytes: a zero
 * tensor `big` (the file is extended with truncate, which most file systems store sparsely)
 * and a small tensor `small` at the end.
 */
async function largeFile(path: string): Promise<{ rows: number }> {
  const rows = Math.ceil(PROGRESS_MIN_BYTES / 16);
  const bigBytes = rows * 16;
  const header = JSON.stringify({
    big: { dtype: "F32", shape: [rows, 4], data_offsets: [0, bigBytes] },
    small: { dtype: "F32", shape: [8, 4], data_offsets: [bigBytes, bigBytes + SMALL.byteLength] },
  });
  const headerBytes = new TextEncoder().encode(header.padEnd(Math.ceil(header.length / 8) * 8));
  const start = 8 + headerBytes.length;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const prefix = new Uint8Array(start);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
    prefix.set(headerBytes, 8);
    await file.write(prefix);
    await file.truncate(start + bigBytes);
    await file.seek(start + bigBytes, Deno.SeekMode.Start);
    await file.write(new Uint8Array(SMALL.buffer));
  } finally {
    file.close();
  }
  return { rows };
}

Deno.test("progress: a file over the threshold reports on stderr, never stdout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "per-cli-progress-" });
  try {
    const { rows } = await largeFile(`${dir}/large.safetensors`);
    assert.ok((await Deno.stat(`${dir}/large.safetensors`)).size >= PROGRESS_MIN_BYTES);
    const run = await runCli(["score", "large.safetensors", "--projections", "1", "--json"], dir);
    assert.equal(run.code, 0, run.stderr);
    // stdout: exactly the two results, nothing of the progress.
    const lines = jsonLines(run.stdout);
    assert.deepEqual(lines.map((l) => [l.tensor, l.samples]), [["big", rows], ["small", 8]]);
    assert.deepEqual(lines[1], {
      file: "large.safetensors",
      tensor: "small",
      ...score(SMALL, [8, 4], { projections: 1 }),
    });
    assert.equal(lines[0].deadFraction, 1);

    const err = run.stderr.split("\n");
    const mb = (PROGRESS_MIN_BYTES / 1e6).toFixed(1);
    for (const percent of [25, 50, 75, 100]) {
      assert.ok(
        err.some((l) => l.startsWith(`per: reading large.safetensors: ${percent}% of ${mb}`)),
        `no ${percent}% line in:\n${run.stderr}`,
      );
    }
    assert.ok(
      err.includes(
        `per: scoring large.safetensors [big] (${rows} samples × 4 units, ` +
          "tensor 1 of 2)…",
      ),
      run.stderr,
    );
    assert.ok(
      err.includes(
        "per: scoring large.safetensors [small] (8 samples × 4 units, " +
          "tensor 2 of 2)…",
      ),
      run.stderr,
    );
    const done = err.filter((l) => /^per: (parsing|scoring) .*: done in \d+\.\d s$/.test(l));
    assert.equal(done.length, 3, run.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("progress: files under the threshold print nothing on stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "per-cli-progress-" });
  try {
    const npy = new Uint8Array(128 + SMALL.byteLength);
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (8, 4), }";
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    npy.set(new TextEncoder().encode(header.padEnd(117) + "\n"), 10);
    npy.set(new Uint8Array(SMALL.buffer), 128);
    await Deno.writeFile(`${dir}/small.npy`, npy);
    await runOk(["score", "small.npy"], dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("progressFor: silent below the threshold; one line per quarter off a terminal", () => {
  const quiet = memoryTerminal();
  const small = progressFor(quiet.terminal, "a.npy", PROGRESS_MIN_BYTES - 1);
  small.read(10, 10);
  small.start("scoring");
  small.finish();
  assert.equal(quiet.text().err, "");

  const log = memoryTerminal();
  const large = progressFor(log.terminal, "b.npy", 2e8);
  for (let done = 0; done <= 2e8; done += 1e7) large.read(done, 2e8);
  assert.deepEqual(log.text().err.trim().split("\n"), [
    "per: reading b.npy: 25% of 200.0 MB",
    "per: reading b.npy: 50% of 200.0 MB",
    "per: reading b.npy: 75% of 200.0 MB",
    "per: reading b.npy: 100% of 200.0 MB",
  ]);
  large.start("scoring b.npy");
  large.finish();
  assert.match(
    log.text().err,
    /\nper: scoring b\.npy…\nper: scoring b\.npy: done in \d\.\d s\n$/,
  );
  assert.equal(log.text().out, "");

  // On a terminal the percentage redraws one line, and a stage's line is completed in place.
  let text = "";
  const tty = { out: () => {}, err: (t: string) => void (text += t), errIsTerminal: true };
  const live = progressFor(tty, "c.npy", 1e8);
  for (let done = 0; done <= 1e8; done += 1e6) live.read(done, 1e8);
  live.start("scoring c.npy");
  live.finish();
  assert.equal(text.split("\r").length - 1, 101 + 1);
  assert.equal(text.split("\n").length - 1, 2);
  assert.ok(text.includes("\rper: reading c.npy: 37% of 100.0 MB\x1b[K\rper: reading c.npy: 38%"));
  assert.ok(text.endsWith("\x1b[K\n"), JSON.stringify(text));
  assert.match(text, /per: scoring c\.npy…\rper: scoring c\.npy: done in \d\.\d s/);
});
