/**
 * Load benchmark of the HTTP service: requests per second and p50/p99 latency of a 256 × 512
 * float32 score request (256 projections), sent as JSON and as .npy by `wrk` on loopback to
 * `deploy/serve.ts` running in its own process with `--allow-net --allow-env` and its request
 * log on (drained, as a platform would). Each run is bounded in time (`--seconds`, default 10)
 * and in count (`--max`, default 20000 requests, after which wrk's threads stop). Any answer
 * other than 200 fails the run, and one answer of each format is checked against score()
 * before the load starts.
 *
 * Run: `deno task bench:service` (needs Debian's `wrk`: `apt-get install -y wrk`). Options:
 * `--seconds N`, `--max N`, `--connections N` (default 4), `--threads N` (default 1).
 * Prints one JSON document with the date, the machine, the commands and the figures.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { score } from "../mod.ts";
import { writeNpy } from "../src/io/mod.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    max: { type: "string", default: "20000" },
    connections: { type: "string", default: "4" },
    threads: { type: "string", default: "1" },
  },
});
const seconds = Number(values.seconds), max = Number(values.max);
const connections = Number(values.connections), threads = Number(values.threads);
const N = 256, D = 512, S = 256;

// wrk sends one fixed body; its Lua script stops each thread after its share of `max`.
const LUA = `
local f = assert(io.open(os.getenv("PER_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("PER_CONTENT_TYPE")
local limit = tonumber(os.getenv("PER_MAX_PER_THREAD"))
local seen = 0
function response(status, headers, body)
  seen = seen + 1
  if seen >= limit then wrk.thread:stop() end
end
`;

/** Seeded activations, the same on every run. */
function activations(): Float32Array {
  let x = 12345;
  return new Float32Array(N * D).map(() => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x / 2 ** 32) * 4 - 2;
  });
}

async function which(name: string): Promise<string | undefined> {
  const { code, stdout } = await new Deno.Command("sh", {
    args: ["-c", `command -v ${name}`],
    stdout: "piped",
  }).output();
  return code === 0 ? new TextDecoder().decode(stdout).trim() : undefined;
}

/** The trimmed standard output of a command. */
async function text(command: string, args: string[]): Promise<string> {
  const { stdout } = await new Deno.Command(command, { args, stdout: "piped" }).output();
  return new TextDecoder().decode(stdout).trim();
}

async function machine(): Promise<Record<string, unknown>> {
  // /proc is read through cat: Deno asks for every permission to read it directly.
  const cpuinfo = await text("cat", ["/proc/cpuinfo"]);
  return {
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${await text("uname", ["-r"])}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    wrk: (await text("wrk", ["--version"])).split("\n")[0],
    // Other work on the machine competes with the service and wrk for the same cores.
    loadAverage: (await text("cat", ["/proc/loadavg"])).split(" ").slice(0, 3).join(" "),
  };
}

/** Starts the service on a free port and returns its URL and a way to stop it. */
async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "deploy/serve.ts"],
    cwd: new URL("../", import.meta.url),
    env: { PORT: "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const drain = (stream: ReadableStream<Uint8Array<ArrayBuffer>>) =>
    stream.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({
        write(chunk) {
          if (text.length < 10_000) text += chunk;
        },
      }),
    );
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const deadline = Date.now() + 60_000;
  let port = 0;
  while (port === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    port = Number(/Listening on https?:\/\/[^:]+:([0-9]+)/.exec(text)?.[1] ?? 0);
  }
  if (port === 0) throw new Error(`the service did not start: ${text}`);
  return {
    url: `http://127.0.0.1:${port}/v1/score?projections=${S}`,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

/** Parses wrk's --latency report. */
function parseWrk(text: string): Record<string, number> {
  const ms = (value: string, unit: string) =>
    Number(value) * ({ us: 1e-3, ms: 1, s: 1e3, m: 6e4 }[unit] ?? NaN);
  const latency = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([0-9.]+)(us|ms|s|m)`, "m").exec(text);
    return m ? ms(m[1], m[2]) : NaN;
  };
  const requests = Number(/([0-9]+) requests in/.exec(text)?.[1] ?? NaN);
  const errors = Number(/Non-2xx or 3xx responses: ([0-9]+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: (.*)/.exec(text)?.[1];
  if (errors > 0 || socket) throw new Error(`wrk saw failures:\n${text}`);
  return {
    requests,
    requestsPerSecond: Number(/Requests\/sec:\s*([0-9.]+)/.exec(text)?.[1] ?? NaN),
    p50Ms: latency("50"),
    p90Ms: latency("90"),
    p99Ms: latency("99"),
  };
}

if (import.meta.main) {
  if (!(await which("wrk"))) {
    console.error("wrk is not installed: apt-get install -y wrk");
    Deno.exit(1);
  }
  const host = await machine();
  const h = activations();
  const dir = await Deno.makeTempDir();
  const bodies = {
    json: {
      type: "application/json",
      file: `${dir}/body.json`,
      bytes: new TextEncoder().encode(JSON.stringify({ shape: [N, D], data: Array.from(h) })),
    },
    npy: { type: "application/x-npy", file: `${dir}/body.npy`, bytes: writeNpy(h, [N, D]) },
  };
  await Deno.writeTextFile(`${dir}/post.lua`, LUA);
  const server = await startServer();
  const results: Record<string, unknown>[] = [];
  try {
    const expected = JSON.stringify(score(h, [N, D], { projections: S }));
    for (const [format, body] of Object.entries(bodies)) {
      await Deno.writeFile(body.file, body.bytes);
      const res = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": body.type },
        body: body.bytes as Uint8Array<ArrayBuffer>,
      });
      const answer = await res.text();
      if (res.status !== 200 || answer !== expected) {
        throw new Error(`${format}: the answer differs from score(): ${answer.slice(0, 200)}`);
      }
      const args = [
        `-t${threads}`,
        `-c${connections}`,
        `-d${seconds}s`,
        "--latency",
        "-s",
        `${dir}/post.lua`,
        server.url,
      ];
      const env = {
        PER_BODY_FILE: body.file,
        PER_CONTENT_TYPE: body.type,
        PER_MAX_PER_THREAD: String(Math.ceil(max / threads)),
      };
      // A short warm-up, so V8 has compiled the kernels and the JSON path before timing.
      await new Deno.Command("wrk", {
        args: ["-t1", "-c1", "-d2s", "-s", `${dir}/post.lua`, server.url],
        env,
        stdout: "null",
      }).output();
      const run = await new Deno.Command("wrk", { args, env, stdout: "piped" }).output();
      const report = new TextDecoder().decode(run.stdout);
      results.push({
        format,
        contentType: body.type,
        bodyBytes: body.bytes.length,
        ...parseWrk(report),
        command: `wrk ${args.join(" ")}`,
      });
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
  console.log(JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { ...host, loadAverageAfter: (await machine()).loadAverage },
      benchmark: "bench/service_load.ts",
      command: `deno task bench:service ${Deno.args.join(" ")}`.trim(),
      server: "deno run --allow-net --allow-env deploy/serve.ts (request log on, drained)",
      request: `POST /v1/score?projections=${S}, ${N} × ${D} float32 activations`,
      results,
    },
    null,
    2,
  ));
}
