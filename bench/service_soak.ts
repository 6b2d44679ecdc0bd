/**
 * Soak test of the HTTP service: `deploy/main.ts` under `deno serve` on loopback, in its own
 * process with `--allow-net --allow-env` only and its request log on (drained, as a platform
 * would), kept saturated for five minutes by concurrent clients sending a mix of valid and
 * invalid requests. It checks that no answer is a 5xx, that every valid answer equals what the
 * library computes directly from the same inputs (byte for byte), that every invalid request
 * gets its documented status and a JSON `{error, detail}`, and that the server's resident
 * memory (VmRSS) grows by less than 10 % from the end of the warm-up to the end. It reports
 * p50/p99 latency in the first and the last minute.
 *
 * Run: `deno task bench:soak`. Options: `--seconds N` (default 300), `--warmup N` (default
 * 20), `--clients N` (default 16), `--max N` (most requests, default 2,000,000), `--window N`
 * (seconds of the first and last latency windows, default 60). Prints the figures with the
 * date, the machine and the command, then one JSON document; exits 1 when a check fails.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { perLossAndGrad, score } from "../mod.ts";
import { writeNpy } from "../src/io/mod.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "300" },
    warmup: { type: "string", default: "20" },
    clients: { type: "string", default: "16" },
    max: { type: "string", default: "2000000" },
    window: { type: "string", default: "60" },
  },
});
const SECONDS = Number(values.seconds), WARMUP = Number(values.warmup);
const CLIENTS = Number(values.clients), MAX = Number(values.max);
const WINDOW = Number(values.window);
for (const [name, v] of Object.entries({ SECONDS, WARMUP, CLIENTS, MAX, WINDOW })) {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`--${name.toLowerCase()} is ${v}`);
}

/** Seeded activations in [−2, 2). */
function activations(count: number, seed: number): Float32Array {
  let x = (seed * 2654435761 + 1) >>> 0;
  return new Float32Array(count).map(() => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x / 2 ** 32) * 4 - 2;
  });
}

const encoder = new TextEncoder();
const bytesOf = (values: Float32Array) => new Uint8Array(values.slice().buffer);
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

/** A request of the mix: how to send it, and how to judge the answer. */
interface Kind {
  name: string;
  valid: boolean;
  weight: number;
  /** A fresh request each time (a body can be sent once). */
  request(): Request;
  /** Why the answer is wrong, or undefined when it is right. */
  judge(res: Response, body: Uint8Array): string | undefined;
}

/** A valid request whose answer must equal `expected` byte for byte. */
function exact(
  name: string,
  weight: number,
  path: string,
  type: string,
  body: Uint8Array,
  expected: Uint8Array,
  accept = "application/json",
): Kind {
  return {
    name,
    valid: true,
    weight,
    request: () =>
      new Request(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": type, accept },
        body: body.slice(),
      }),
    judge: (res, got) => {
      if (res.status !== 200) return `status ${res.status}: ${text(got, 200)}`;
      if (got.length !== expected.length || !got.every((b, i) => b === expected[i])) {
        return `answer differs from the library's (${got.length} bytes, ` +
          `expected ${expected.length})`;
      }
    },
  };
}

/** An invalid request and the status and error code it must get. */
function refused(
  name: string,
  weight: number,
  status: number,
  code: string,
  make: () => Request,
): Kind {
  return {
    name,
    valid: false,
    weight,
    request: make,
    judge: (res, got) => {
      if (res.status !== status) return `status ${res.status}, expected ${status}`;
      try {
        const answer = JSON.parse(text(got));
        const keys = Object.keys(answer).sort().join();
        if (keys !== "detail,error" || answer.error !== code) return `answer ${text(got, 200)}`;
      } catch {
        return `answer is not JSON: ${text(got, 200)}`;
      }
    },
  };
}

function text(bytes: Uint8Array, most = Infinity): string {
  return new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, most)));
}

function post(path: string, type: string, body: Uint8Array | string, accept?: string) {
  return () =>
    new Request(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": type, ...(accept ? { accept } : {}) },
      body: typeof body === "string" ? body : body.slice(),
    });
}

/** The mix: valid requests of several shapes and formats, and each kind of refusal. */
function kinds(): Kind[] {
  const JSON_TYPE = "application/json", NPY = "application/x-npy";
  const RAW = "application/octet-stream";
  const list: Kind[] = [];
  for (let seed = 0; seed < 4; seed++) {
    // Scores of a 64 × 32 JSON body, 64 projections.
    const a = activations(64 * 32, seed);
    const rows = Array.from({ length: 64 }, (_, i) => Array.from(a.subarray(i * 32, i * 32 + 32)));
    list.push(exact(
      `score json 64x32 seed ${seed}`,
      5,
      `/v1/score?projections=64&seed=${seed}`,
      JSON_TYPE,
      json({ data: rows }),
      json(score(a, [64, 32], { projections: 64, seed })),
    ));
    // Scores of a 256 × 64 .npy, the default 256 projections.
    const b = activations(256 * 64, 10 + seed);
    list.push(exact(
      `score npy 256x64 seed ${seed}`,
      4,
      `/v1/score?seed=${seed}`,
      NPY,
      writeNpy(b, [256, 64]),
      json(score(b, [256, 64], { seed })),
    ));
    // Raw float32, orthogonal directions, per-direction values.
    const c = activations(128 * 32, 20 + seed);
    list.push(exact(
      `score raw 128x32 orthogonal seed ${seed}`,
      2,
      `/v1/score?shape=128,32&sampler=orthogonal&perProjection=true&projections=48&seed=${seed}`,
      RAW,
      bytesOf(c),
      json(
        score(c, [128, 32], {
          sampler: "orthogonal",
          perProjection: true,
          projections: 48,
          seed,
        }),
      ),
    ));
    // The gradient as .npy, 128 × 64.
    const d = activations(128 * 64, 30 + seed);
    list.push(exact(
      `grad npy 128x64 seed ${seed}`,
      3,
      `/v1/grad?shape=128,64&seed=${seed}&projections=128`,
      RAW,
      bytesOf(d),
      writeNpy(perLossAndGrad(d, [128, 64], { seed, projections: 128 }).grad, [128, 64]),
      NPY,
    ));
  }
  // The exact-mode gradient as JSON: compared field by field after parsing.
  const e = activations(32 * 16, 40);
  const expectedGrad = perLossAndGrad(e, [32, 16], { projections: Infinity });
  list.push({
    name: "grad json exact 32x16",
    valid: true,
    weight: 6,
    request: post(
      "/v1/grad?exact=true",
      JSON_TYPE,
      json({ shape: [32, 16], data: Array.from(e) }),
    ),
    judge: (res, got) => {
      if (res.status !== 200) return `status ${res.status}: ${text(got, 200)}`;
      const answer = JSON.parse(text(got));
      if (answer.loss !== expectedGrad.loss) return `loss ${answer.loss}`;
      if (answer.grad.length !== e.length) return `${answer.grad.length} gradient values`;
      const i = expectedGrad.grad.findIndex((g, i) => answer.grad[i] !== g);
      if (i >= 0) return `grad[${i}] is ${answer.grad[i]}, expected ${expectedGrad.grad[i]}`;
    },
  });
  // nchw through the image layout.
  const f = activations(4 * 8 * 4 * 4, 50);
  list.push(exact(
    "score json nchw 4x8x4x4",
    3,
    "/v1/score?layout=nchw&projections=32",
    JSON_TYPE,
    json({ shape: [4, 8, 4, 4], data: Array.from(f) }),
    json(score(f, [4, 8, 4, 4], { layout: "nchw", projections: 32 })),
  ));

  const small = JSON.stringify({ shape: [2, 2], data: [1, 2, 3, 4] });
  const deep = `{"data": ${"[".repeat(10_000)}1${"]".repeat(10_000)}}`;
  const claim = `{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 1000), }`;
  const npyClaim = new Uint8Array(10 + 118 + 16);
  npyClaim.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
  npyClaim.set(encoder.encode(claim.padEnd(117, " ") + "\n"), 10);
  list.push(
    refused("invalid JSON", 2, 400, "invalid_json", post("/v1/score", JSON_TYPE, "{")),
    refused(
      "NaN token",
      2,
      400,
      "invalid_json",
      post("/v1/score", JSON_TYPE, '{"shape":[2,2],"data":[1,NaN,3,4]}'),
    ),
    refused(
      "1e400",
      2,
      422,
      "non_finite",
      post("/v1/score", JSON_TYPE, '{"shape":[2,2],"data":[1,1e400,3,4]}'),
    ),
    refused(
      "NaN in raw float32",
      2,
      422,
      "non_finite",
      post("/v1/grad?shape=2,2", RAW, bytesOf(new Float32Array([1, NaN, 3, 4]))),
    ),
    refused(
      "projections that overflow float32",
      2,
      422,
      "non_finite",
      post("/v1/score?shape=2,2", RAW, bytesOf(new Float32Array([3e38, -3e38, 3e38, 3e38]))),
    ),
    refused(
      "shape and data disagree",
      2,
      400,
      "bad_request",
      post("/v1/score", JSON_TYPE, '{"shape":[3,2],"data":[1,2,3,4]}'),
    ),
    refused(
      "unknown option",
      2,
      400,
      "bad_request",
      post("/v1/score?projection=4", JSON_TYPE, small),
    ),
    refused("deep nesting", 1, 400, "invalid_json", post("/v1/score", JSON_TYPE, deep)),
    refused("npy claiming 1e11 values", 1, 400, "bad_request", post("/v1/score", NPY, npyClaim)),
    refused(
      "work over the cap",
      1,
      413,
      "work_too_large",
      post("/v1/grad?projections=100000000", JSON_TYPE, json({ data: [[1, 2, 3, 4]] })),
    ),
    refused(
      "media type",
      2,
      415,
      "unsupported_media_type",
      post("/v1/score", "text/plain", small),
    ),
    refused("Accept", 2, 406, "not_acceptable", post("/v1/grad", JSON_TYPE, small, "text/html")),
    refused(
      "method",
      1,
      405,
      "method_not_allowed",
      () => new Request(`${base}/v1/score`, { method: "GET" }),
    ),
    refused("path", 1, 404, "not_found", post("/v2/score", JSON_TYPE, small)),
  );
  return list;
}

// --- the server -------------------------------------------------------------------------------

async function output(command: string, args: string[]): Promise<string> {
  const { stdout } = await new Deno.Command(command, { args, stdout: "piped" }).output();
  return new TextDecoder().decode(stdout).trim();
}

/** Resident memory of a process in KiB, from /proc (read through cat, see service_limits.ts). */
async function rssKiB(pid: number): Promise<number> {
  const status = await output("cat", [`/proc/${pid}/status`]);
  return Number(/VmRSS:\s*([0-9]+) kB/.exec(status)?.[1] ?? NaN);
}

async function loadAverage(): Promise<string> {
  return (await output("cat", ["/proc/loadavg"])).split(" ").slice(0, 3).join(" ");
}

const SERVE_ARGS = [
  "serve",
  "--allow-net",
  "--allow-env",
  "--host",
  "127.0.0.1",
  "--port",
  "0",
  "deploy/main.ts",
];

async function startServer() {
  const child = new Deno.Command(Deno.execPath(), {
    args: SERVE_ARGS,
    cwd: new URL("../", import.meta.url),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let head = "", logLines = 0;
  const drained = Promise.all(
    [child.stdout, child.stderr].map((s) =>
      s.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({
          write(chunk) {
            if (head.length < 10_000) head += chunk;
            for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", i + 1)) logLines++;
          },
        }),
      )
    ),
  );
  let port = 0;
  for (let i = 0; i < 1200 && port === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    port = Number(/Listening on https?:\/\/[^:]+:([0-9]+)/.exec(head)?.[1] ?? 0);
  }
  if (port === 0) throw new Error(`the service did not start: ${head}`);
  return {
    pid: child.pid,
    port,
    logLines: () => logLines,
    exited: child.status,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

// --- the load ---------------------------------------------------------------------------------

const server = await startServer();
const base = `http://127.0.0.1:${server.port}`;
const mix = kinds();
const totalWeight = mix.reduce((a, k) => a + k.weight, 0);

/** A seeded choice of kind, so that runs send the same sequence. */
function chooser(seed: number): () => Kind {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    let r = ((x >>> 0) / 2 ** 32) * totalWeight;
    for (const k of mix) if ((r -= k.weight) < 0) return k;
    return mix[mix.length - 1];
  };
}

interface Sample {
  at: number;
  ms: number;
  valid: boolean;
}

const samples: Sample[] = [];
const memory: { at: number; kib: number }[] = [];
const loads: string[] = [];
const failures = new Map<string, { count: number; example: string }>();
const counts = { sent: 0, valid: 0, invalid: 0, status5xx: 0, networkErrors: 0 };
const byStatus = new Map<number, number>();

function fail(kind: string, why: string): void {
  const f = failures.get(kind) ?? { count: 0, example: why };
  f.count++;
  failures.set(kind, f);
}

const loadStart = await loadAverage();
const started = new Date();
const t0 = performance.now();
const end = t0 + SECONDS * 1000;
let serverExited = false;
server.exited.then(() => serverExited = true);

async function client(id: number): Promise<void> {
  const next = chooser(id + 1);
  while (performance.now() < end && counts.sent < MAX && !serverExited) {
    const kind = next();
    counts.sent++;
    const start = performance.now();
    try {
      const res = await fetch(kind.request());
      const body = new Uint8Array(await res.arrayBuffer());
      const ms = performance.now() - start;
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500) counts.status5xx++;
      const why = kind.judge(res, body);
      if (why !== undefined) fail(kind.name, why);
      if (kind.valid) counts.valid++;
      else counts.invalid++;
      samples.push({ at: start - t0, ms, valid: kind.valid });
    } catch (err) {
      counts.networkErrors++;
      fail(kind.name, `network error: ${err instanceof Error ? err.message : err}`);
    }
  }
}

const sampler = (async () => {
  while (performance.now() < end && !serverExited) {
    const at = performance.now() - t0;
    const kib = await rssKiB(server.pid);
    if (Number.isFinite(kib)) memory.push({ at, kib });
    if (memory.length % 30 === 1) loads.push(await loadAverage());
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
})();

await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), sampler]);
const elapsed = (performance.now() - t0) / 1000;
const loadEnd = await loadAverage();
const ranToEnd = !serverExited;
const finalKiB = serverExited ? NaN : await rssKiB(server.pid);
const logLines = server.logLines();
await server.stop();

// --- the figures ------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function latency(from: number, to: number, valid?: boolean) {
  const ms = samples.filter((s) => s.at >= from && s.at < to && (valid ?? s.valid) === s.valid)
    .map((s) => s.ms).sort((a, b) => a - b);
  return {
    requests: ms.length,
    p50: Number(percentile(ms, 0.5).toFixed(2)),
    p99: Number(percentile(ms, 0.99).toFixed(2)),
  };
}

const warm = WARMUP * 1000, last = elapsed * 1000;
const windowMs = WINDOW * 1000;
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
// The baseline is the median of the first 10 s after the warm-up, the end the median of the
// last 10 s: single samples catch the collector mid-cycle.
const baselineKiB = median(
  memory.filter((m) => m.at >= warm && m.at < warm + 10_000)
    .map((m) => m.kib),
);
const endKiB = median(memory.filter((m) => m.at >= last - 10_000).map((m) => m.kib));
const growth = (endKiB - baselineKiB) / baselineKiB;
const cpuinfo = await output("cat", ["/proc/cpuinfo"]);

const report = {
  date: started.toISOString(),
  command: `deno task bench:soak ${Deno.args.join(" ")}`.trim(),
  server: `deno ${SERVE_ARGS.join(" ")}`,
  machine: {
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${await output("uname", ["-r"])}`,
    deno: Deno.version.deno,
    loadAverage: { start: loadStart, during: loads, end: loadEnd },
  },
  settings: { seconds: SECONDS, warmup: WARMUP, clients: CLIENTS, max: MAX, window: WINDOW },
  elapsedSeconds: Number(elapsed.toFixed(1)),
  requests: {
    ...counts,
    perSecond: Number((samples.length / elapsed).toFixed(1)),
    byStatus: Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])),
    logLines,
  },
  latencyMs: {
    firstWindow: {
      all: latency(warm, warm + windowMs),
      valid: latency(warm, warm + windowMs, true),
      invalid: latency(warm, warm + windowMs, false),
    },
    lastWindow: {
      all: latency(last - windowMs, last),
      valid: latency(last - windowMs, last, true),
      invalid: latency(last - windowMs, last, false),
    },
    overall: latency(0, last),
  },
  memory: {
    baselineMiB: Number((baselineKiB / 1024).toFixed(1)),
    endMiB: Number((endKiB / 1024).toFixed(1)),
    peakMiB: Number((Math.max(...memory.map((m) => m.kib)) / 1024).toFixed(1)),
    finalMiB: Number((finalKiB / 1024).toFixed(1)),
    growthPercent: Number((growth * 100).toFixed(2)),
  },
  failures: Object.fromEntries(failures),
};

const checks: [string, boolean][] = [
  ["no 5xx answer", counts.status5xx === 0],
  ["no network error", counts.networkErrors === 0],
  [
    "every answer right (valid equal to the library's, invalid refused as documented)",
    failures.size === 0,
  ],
  ["the server ran to the end", ranToEnd],
  ["resident memory grew by less than 10 % after the warm-up", growth < 0.1],
];

const f = report.latencyMs;
console.log(`service soak, ${report.date}`);
console.log(`  command   ${report.command}; server: ${report.server}`);
console.log(
  `  machine   ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.os}, ` +
    `deno ${report.machine.deno}; load average ${loadStart} at the start, ${loadEnd} at the end`,
);
console.log(
  `  load      ${CLIENTS} clients for ${report.elapsedSeconds} s: ${counts.sent} requests ` +
    `(${counts.valid} valid, ${counts.invalid} invalid), ${report.requests.perSecond}/s`,
);
console.log(
  `  latency   first ${WINDOW} s after the warm-up: p50 ${f.firstWindow.all.p50} ms, ` +
    `p99 ${f.firstWindow.all.p99} ms; last ${WINDOW} s: p50 ${f.lastWindow.all.p50} ms, ` +
    `p99 ${f.lastWindow.all.p99} ms`,
);
console.log(
  `  memory    VmRSS ${report.memory.baselineMiB} MiB after the warm-up, ` +
    `${report.memory.endMiB} MiB at the end (${report.memory.growthPercent} %), ` +
    `peak ${report.memory.peakMiB} MiB`,
);
for (const [what, ok] of checks) console.log(`  ${ok ? "ok  " : "FAIL"}      ${what}`);
console.log(JSON.stringify(report));
if (checks.some(([, ok]) => !ok)) Deno.exit(1);
