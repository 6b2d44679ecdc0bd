/**
 * The most expensive requests the service's default limits admit, each at the edge of one
 * limit, sent one at a time to `deploy/serve.ts` in its own process: the wall time of each
 * and the server's peak resident memory afterwards. These are the figures the README holds
 * against Supabase's 2 s of CPU and 256 MB per request and Deno Deploy's memory.
 *
 * Run: `deno run --allow-run --allow-read --allow-net --allow-env bench/service_limits.ts`
 * (Linux: the peak comes from /proc/PID/status). Each request runs `--repeat` times (default
 * 3) and the median is reported; one JSON document is printed. `--heap-mb N` limits the
 * server's V8 heap to N MB, as a platform with little memory does. `--scale K` divides every
 * sample count by K, to measure limits set K times lower (PER_* variables in the environment
 * reach the server).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { writeNpy } from "../src/io/mod.ts";

const { values } = parseArgs({
  options: {
    repeat: { type: "string", default: "3" },
    "heap-mb": { type: "string" },
    scale: { type: "string", default: "1" },
  },
});
const repeat = Number(values.repeat);
// V8's heap limit for the server, as a platform with little memory would set it; without it V8
// lets its heap grow with garbage well past what a request needs.
const heap = values["heap-mb"] ? [`--v8-flags=--max-old-space-size=${values["heap-mb"]}`] : [];

interface Case {
  what: string;
  path: string;
  type: string;
  body: () => Uint8Array<ArrayBuffer>;
  accept?: string;
}

function uniform(count: number): Float32Array {
  let x = 99;
  return new Float32Array(count).map(() => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x / 2 ** 32) * 4 - 2;
  });
}

const npy = (n: number, d: number) => () =>
  writeNpy(uniform(n * d), [n, d]) as Uint8Array<ArrayBuffer>;
const raw = (n: number, d: number) => () =>
  new Uint8Array(uniform(n * d).buffer) as Uint8Array<ArrayBuffer>;

/** The cases; `k` divides every sample count, to measure limits divided the same way. */
function cases(k: number): Case[] {
  const n = (rows: number) => Math.floor(rows / k);
  const flat = Array.from(uniform(n(1_500_000)), (x) => x.toFixed(4)).join(",");
  const nested = Array.from(uniform(n(2 ** 20)), (x) => `[${x.toFixed(3)}]`).join(",");
  return [
    {
      what: `score ${n(4000)}×1024 .npy, s=256: work and covariance near their caps`,
      path: "/v1/score?projections=256",
      type: "application/x-npy",
      body: npy(n(4000), 1024),
    },
    {
      what: `grad ${n(4000)}×1024 .npy, s=256, answered as JSON: work near its cap`,
      path: "/v1/grad?projections=256",
      type: "application/x-npy",
      body: npy(n(4000), 1024),
    },
    {
      what: `grad ${n(4000)}×1024 .npy, s=256, answered as .npy`,
      path: "/v1/grad?projections=256",
      type: "application/x-npy",
      body: npy(n(4000), 1024),
      accept: "application/x-npy",
    },
    {
      what: `score ${n(2 ** 20)}×1 raw float32, s=16: samples and sorted values at their caps`,
      path: `/v1/score?projections=16&shape=${n(2 ** 20)},1`,
      type: "application/octet-stream",
      body: raw(n(2 ** 20), 1),
    },
    {
      what: `score ${n(256)}×4096 .npy, s=1024: direction values at the cap`,
      path: "/v1/score?projections=1024",
      type: "application/x-npy",
      body: npy(n(256), 4096),
    },
    {
      what: `score JSON {shape, data}, ${n(1500)}×1000 flat, s=64`,
      path: "/v1/score?projections=64",
      type: "application/json",
      body: () => new TextEncoder().encode(`{"shape":[${n(1500)},1000],"data":[${flat}]}`),
    },
    {
      what: `score JSON [[x], [x], ...], ${n(2 ** 20)}×1, s=16, with plots`,
      path: "/v1/score?projections=16&plots=true",
      type: "application/json",
      body: () => new TextEncoder().encode(`{"data":[${nested}]}`),
    },
    {
      what: "grad 64×512 .npy, s=1024 orthogonal: orthogonalization at its cap",
      path: "/v1/grad?projections=1024&sampler=orthogonal",
      type: "application/x-npy",
      body: npy(64, 512),
    },
    {
      what: `grad ${n(4000)}×1024 .npy on the js backend, s=32: work × 8 near the cap`,
      path: "/v1/grad?projections=32&backend=js",
      type: "application/x-npy",
      body: npy(n(4000), 1024),
    },
  ];
}

async function text(command: string, args: string[]): Promise<string> {
  const { stdout } = await new Deno.Command(command, { args, stdout: "piped" }).output();
  return new TextDecoder().decode(stdout).trim();
}

/** Peak and current resident memory of a process, in MiB. */
async function memory(pid: number): Promise<{ peakMiB: number; rssMiB: number }> {
  const status = await text("cat", [`/proc/${pid}/status`]);
  const kib = (key: string) => Number(new RegExp(`${key}:\\s*([0-9]+) kB`).exec(status)?.[1]);
  return { peakMiB: Math.round(kib("VmHWM") / 1024), rssMiB: Math.round(kib("VmRSS") / 1024) };
}

/** Starts the service in its own process, so each case's peak memory is its own. */
async function startServer() {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", ...heap, "deploy/serve.ts"],
    cwd: new URL("../", import.meta.url),
    env: { PORT: "0", NO_COLOR: "1", PER_LOG: "off" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const drained = Promise.all(
    [child.stdout, child.stderr].map((s) =>
      s.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (chunk) => void (out += chunk) }),
      )
    ),
  );
  let port = 0;
  for (let i = 0; i < 1200 && port === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    port = Number(/Listening on https?:\/\/[^:]+:([0-9]+)/.exec(out)?.[1] ?? 0);
  }
  if (port === 0) throw new Error(`the service did not start: ${out}`);
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await drained;
  };
  return { pid: child.pid, port, stop };
}

const results = [];
let idleMiB = 0;
for (const c of cases(Number(values.scale))) {
  const server = await startServer();
  try {
    idleMiB = (await memory(server.pid)).rssMiB;
    const body = c.body();
    const times: number[] = [];
    let status = 0;
    for (let r = 0; r < repeat; r++) {
      const start = performance.now();
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}${c.path}`, {
          method: "POST",
          headers: { "content-type": c.type, accept: c.accept ?? "application/json" },
          body,
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0; // The server died: out of memory under --heap-mb.
        break;
      }
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    results.push({
      what: c.what,
      status,
      bodyBytes: body.length,
      medianMs: Math.round(times[Math.floor(times.length / 2)] ?? NaN),
      ...(status === 0 ? {} : await memory(server.pid)),
    });
  } finally {
    await server.stop();
  }
}

const cpuinfo = await text("cat", ["/proc/cpuinfo"]);
console.log(JSON.stringify(
  {
    date: new Date().toISOString(),
    machine: {
      cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
      cores: navigator.hardwareConcurrency,
      deno: Deno.version.deno,
      loadAverage: (await text("cat", ["/proc/loadavg"])).split(" ").slice(0, 3).join(" "),
    },
    command: "deno run --allow-run --allow-read --allow-net --allow-env bench/service_limits.ts",
    idleMiB,
    results,
  },
  null,
  2,
));
