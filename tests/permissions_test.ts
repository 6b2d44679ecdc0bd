/**
 * The library needs no permission: a script that imports it and computes runs under
 * `deno run` with no flag, and the module loads by URL from an HTTP server on loopback
 * with only `--allow-import` for that host.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);
const DENO = Deno.execPath();

const SCRIPT = (entry: string) => `
import { perLossAndGrad, perLoss } from "${entry}";
const h = new Float32Array(32 * 16).map((_, i) => Math.sin(i));
const mc = perLossAndGrad(h, [32, 16], { projections: 64, seed: 3 });
const exact = perLoss(h, [32, 16], { projections: Infinity });
console.log(JSON.stringify({ loss: mc.loss, grad: mc.grad.length, exact }));
`;

async function run(
  args: string[],
  cwd: string,
): Promise<{ code: number; out: string; stdout: string }> {
  const { code, stdout, stderr } = await new Deno.Command(DENO, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout) + text.decode(stderr), stdout: text.decode(stdout) };
}

Deno.test("a script using the library runs with no --allow flag", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = `${dir}/use.ts`;
    await Deno.writeTextFile(script, SCRIPT(new URL("mod.ts", ROOT).href));
    const { code, out, stdout } = await run(["run", "--no-config", "--no-lock", script], dir);
    assert.equal(code, 0, out);
    const result = JSON.parse(stdout);
    assert.ok(result.loss > 0 && result.exact > 0 && result.grad === 512, out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Serves the repository's files on a loopback port for the duration of `use`. */
async function serveRepository(use: (host: string) => Promise<void>): Promise<void> {
  const root = fileURLToPath(ROOT);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(`${root}${path}`);
      const type = path.endsWith(".json") ? "application/json" : "application/typescript";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  try {
    await use(`127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("the per command runs by URL: deno run <url>/src/cli.ts score FILE", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const csv = `${dir}/h.csv`;
    await Deno.writeTextFile(csv, "a,b\n0.5,-1\n2,0.25\n1,1\n");
    await serveRepository(async (host) => {
      const { code, out, stdout } = await run([
        "run",
        "--no-config",
        "--no-lock",
        "--reload",
        `--allow-import=${host}`,
        `--allow-read=${dir}`,
        `http://${host}/src/cli.ts`,
        "score",
        "--json",
        csv,
      ], dir);
      assert.equal(code, 0, out);
      const result = JSON.parse(stdout);
      assert.equal(result.samples, 3);
      assert.equal(result.dim, 2);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the library imports by URL with only --allow-import for that host", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await serveRepository(async (host) => {
      const script = `${dir}/remote.ts`;
      await Deno.writeTextFile(script, SCRIPT(`http://${host}/mod.ts`));
      const { code, out, stdout } = await run(
        ["run", "--no-config", "--no-lock", "--reload", `--allow-import=${host}`, script],
        dir,
      );
      assert.equal(code, 0, out);
      const result = JSON.parse(stdout);
      assert.ok(result.loss > 0 && result.exact > 0, out);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
