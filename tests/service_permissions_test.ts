/**
 * The service's three entry points run as separate processes with `--allow-net --allow-env`
 * and no other permission, and answer real requests: `deno task serve`'s script, `deno serve`
 * on the default export (as Deno Deploy runs it), and the Supabase function.
 */

import assert from "node:assert/strict";
import { score } from "../mod.ts";
import { activations } from "./_service.ts";

const ROOT = new URL("../", import.meta.url);

interface Entry {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** The path the entry mounts the service under. */
  base: string;
}

const ENTRIES: Entry[] = [
  {
    name: "deploy/serve.ts (deno task serve)",
    args: ["run", "--allow-net", "--allow-env", "deploy/serve.ts"],
    env: { PORT: "0" },
    base: "",
  },
  {
    name: "deno serve deploy/main.ts",
    args: ["serve", "--allow-net", "--allow-env", "--port", "0", "deploy/main.ts"],
    env: {},
    base: "",
  },
  {
    name: "the Supabase function",
    // Without any deno.json: the function needs no import map, as on Supabase.
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--no-config",
      "deploy/supabase/functions/per/index.ts",
    ],
    env: { DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0" },
    base: "/per",
  },
];

for (const entry of ENTRIES) {
  Deno.test(`${entry.name} serves with --allow-net --allow-env only`, async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: entry.args,
      cwd: ROOT,
      env: { ...entry.env, NO_COLOR: "1", PER_LOG: "on" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Both streams are collected: where "Listening on" goes differs between entries.
    const output: string[] = [];
    const collect = (stream: ReadableStream<Uint8Array<ArrayBuffer>>) =>
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (text) => void output.push(text) }),
      );
    const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
    try {
      // Wait for "Listening on http://HOST:PORT/" (at most 60 s for a cold module cache).
      const deadline = Date.now() + 60_000;
      let port = 0;
      while (port === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        port = Number(/Listening on https?:\/\/[^:]+:([0-9]+)/.exec(output.join(""))?.[1] ?? 0);
      }
      assert.ok(port > 0, `no listening line: ${output.join("")}`);
      const url = `http://127.0.0.1:${port}${entry.base}`;

      const health = await fetch(`${url}/v1/health`);
      assert.equal(health.status, 200);
      await health.body?.cancel();

      const h = activations(32, 8, 5);
      const res = await fetch(`${url}/v1/score?projections=16&plots=true`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ shape: [32, 8], data: Array.from(h) }),
      });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.per, score(h, [32, 8], { projections: 16 }).per);
      assert.match(body.plots.histogram, /^<svg/);

      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Drop an \.npy or \.json file here/);

      const bad = await fetch(`${url}/v1/grad`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"data": [1, 1e400]}',
      });
      assert.equal(bad.status, 422);
      await bad.body?.cancel();
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    }
    const errors = output.join("");
    assert.doesNotMatch(errors, /NotCapable|PermissionDenied|Requires .* access/, errors);
  });
}
