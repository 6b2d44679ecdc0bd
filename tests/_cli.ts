/**
 * Helpers for the CLI tests: run the real `per` command in a subprocess with the permissions
 * of `deno task per`, write input files into a fresh directory, and check the one-line errors.
 *
 * @module
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The entry the tests run, and the config that maps its imports. */
export const CLI_PATH = new URL("src/cli.ts", ROOT).pathname;
export const CONFIG_PATH = new URL("deno.json", ROOT).pathname;

/**
 * The permission flags of the `per` task in deno.json, so that the tests run the command with
 * exactly the permissions users get.
 */
export const TASK_PERMISSIONS: string[] = (() => {
  const config = JSON.parse(Deno.readTextFileSync(CONFIG_PATH));
  const task = String(config.tasks?.per ?? "");
  return task.match(/--allow-[\w-]+(=\S+)?/g) ?? [];
})();

/** What a run of the command produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `per ARGS…` as a subprocess (deno run with the task's permissions) in `cwd`.
 *
 * @param args the arguments after `per`
 * @param cwd the working directory; relative paths in args are resolved there
 * @param permissions permission flags (default: the task's)
 * @returns exit code, stdout and stderr
 */
export async function runCli(
  args: readonly string[],
  cwd: string,
  permissions: readonly string[] = TASK_PERMISSIONS,
): Promise<CliRun> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "--config", CONFIG_PATH, CLI_PATH, ...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // A private XDG_RUNTIME_DIR keeps Mesa's Vulkan loader quiet when --backend webgpu
    // opens the GPU (tests/_webgpu.ts sets one for this process).
    env: { NO_COLOR: "1", XDG_RUNTIME_DIR: Deno.env.get("XDG_RUNTIME_DIR") ?? "" },
  });
  const { code, stdout, stderr } = await command.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * Runs the command and asserts success: exit 0 and nothing on stderr.
 *
 * @returns stdout
 */
export async function runOk(args: readonly string[], cwd: string): Promise<string> {
  const run = await runCli(args, cwd);
  assert.equal(run.code, 0, `per ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  assert.equal(run.stderr, "", `per ${args.join(" ")} wrote to stderr`);
  return run.stdout;
}

/**
 * Asserts that a run failed as the CLI promises: the exit code, nothing on stdout, and exactly
 * one line on stderr starting with `per: ` that mentions every string given, with no stack.
 */
export function assertOneLineError(
  run: CliRun,
  what: string,
  mentions: readonly string[],
  code = 2,
): void {
  assert.equal(run.code, code, `${what}: exit code ${run.code}, stderr ${run.stderr}`);
  assert.equal(run.stdout, "", `${what}: stdout should be empty, got ${run.stdout}`);
  const lines = run.stderr.split("\n");
  assert.equal(lines.length, 2, `${what}: stderr is not one line: ${JSON.stringify(run.stderr)}`);
  assert.equal(lines[1], "", `${what}: stderr must end with a newline`);
  assert.ok(lines[0].startsWith("per: "), `${what}: stderr "${lines[0]}" lacks "per: "`);
  assert.ok(
    !/\n\s+at |Uncaught|Stack backtrace/.test(run.stderr),
    `${what}: stack: ${run.stderr}`,
  );
  for (const text of mentions) {
    assert.ok(lines[0].includes(text), `${what}: "${lines[0]}" does not mention "${text}"`);
  }
}

/**
 * A fresh temporary directory holding the given files (name → bytes or text).
 *
 * @returns its path
 */
export async function withFiles(files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "per-cli-test-" });
  for (const [name, content] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  return dir;
}

/**
 * Runs tasks with at most `limit` at a time, in order of the list, and returns their results
 * in the same order. Subprocess tests run a few at once to use both cores.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Parses the JSON lines of `per score --json` output. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split("\n");
  assert.equal(lines.pop(), "", "output must end with a newline");
  return lines.map((line) => JSON.parse(line));
}
