/**
 * `per --help`, `per COMMAND --help` and `per --version`, and the `per` task of deno.json run
 * from another directory.
 */

import assert from "node:assert/strict";
import { writeNpy } from "../src/io/npy.ts";
import { flagsOf } from "../src/cli/flags.ts";
import { CONFIG_PATH, jsonLines, runOk, TASK_PERMISSIONS, withFiles } from "./_cli.ts";

const CONFIG = JSON.parse(await Deno.readTextFile(CONFIG_PATH));

Deno.test("help: per --help names both commands, on stdout with exit 0", async () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const out = await runOk(args, ".");
    assert.match(out, /^per: /);
    assert.ok(out.includes("per score FILE…") && out.includes("per grad FILE --out GRAD.npy"));
    assert.ok(out.includes("Exit status"));
  }
});

Deno.test("help: per score --help and per grad --help list every flag they accept", async () => {
  for (const command of ["score", "grad"] as const) {
    for (const args of [[command, "--help"], [command, "-h"], ["help", command]]) {
      const out = await runOk(args, ".");
      assert.ok(out.startsWith(`Usage: per ${command}`), out);
      const listed = [...out.matchAll(/^ {2}(?:-h, )?--([\w-]+)/gm)].map((m) => m[1]);
      assert.deepEqual(listed, flagsOf(command), `per ${command} --help`);
      for (const line of out.split("\n")) assert.ok(line.length < 100, `too long: ${line}`);
    }
  }
  // Help wins over other mistakes on the same line.
  assert.ok((await runOk(["score", "--bogus", "--help"], ".")).startsWith("Usage: per score"));
  const grad = await runOk(["grad", "--help"], ".");
  assert.ok(grad.includes("--out FILE") && grad.includes("--reduction NAME"));
  assert.ok(!grad.includes("--plot"));
});

Deno.test("version: per --version prints deno.json's version", async () => {
  assert.equal(await runOk(["--version"], "."), `per ${CONFIG.version}\n`);
});

Deno.test("task: deno task per resolves paths from the caller's directory", async () => {
  // The task grants read and write and nothing else.
  assert.deepEqual(TASK_PERMISSIONS, ["--allow-read", "--allow-write"]);
  const dir = await withFiles({ "h.npy": writeNpy(new Float32Array([1, -1, 0.5, 2]), [2, 2]) });
  try {
    await Deno.mkdir(`${dir}/deeper`);
    // deno task keeps an INIT_CWD it inherits (npm sets one, and `npx deno task test`
    // runs this file): a user's shell has none, so the child starts without it.
    const env = Deno.env.toObject();
    delete env.INIT_CWD;
    const command = new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "--config", CONFIG_PATH, "per", "score", "../h.npy", "--json"],
      cwd: `${dir}/deeper`,
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
      env: { ...env, NO_COLOR: "1" },
    });
    const { code, stdout, stderr } = await command.output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.equal(jsonLines(text)[0].file, "../h.npy");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
