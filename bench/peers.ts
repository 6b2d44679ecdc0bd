/**
 * per beside its peers, in one run: PER loss + gradient at the engine's four shapes for
 * this project (one thread, every thread, the exact mode), PyTorch on the CPU (Debian's
 * python3-torch with OpenBLAS, 1 and 2 threads, autograd), the TensorFlow.js wasm backend
 * (the same math through tf ops and tf.grad), and the plain TypeScript reference; and two
 * ceilings measured on this machine: OpenBLAS sgemm and the WebAssembly SIMD multiply-add
 * peak. Prints the table and the targets of the performance work, and writes
 * bench/RESULTS.md.
 *
 * Run: `deno task bench:peers` (bench/peers/run.sh installs python3-torch and OpenBLAS
 * with apt when they are missing). Options: `--repeat N` (default 15).
 *
 * @module
 */

import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { perLossAndGrad, perReference, setThreads } from "../mod.ts";
import { instantiateKernels, relaxedSimdSupported } from "../src/kernels/kernels.ts";
import { useTfjsBackend } from "../src/train/tfjs_backend.ts";
import { phaseProfile } from "./peers/phases.ts";

const { values } = parseArgs({ options: { repeat: { type: "string", default: "15" } } });
const repeat = Number(values.repeat);
const SHAPES: [number, number, number][] = [
  [64, 128, 256],
  [256, 512, 256],
  [1024, 1024, 256],
  [8192, 64, 256],
];
const cores = navigator.hardwareConcurrency;

interface Timing {
  median: number;
  min: number;
}

function time(run: () => void, count = repeat, warmup = 5): Timing {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

function activations(n: number, seed: number): Float32Array {
  const h = new Float32Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    h[i] = state / 2 ** 31 - 1;
  }
  return h;
}

// --- Ceilings -------------------------------------------------------------------------
async function wasmPeak(): Promise<{ mulAdd: number; madd: number }> {
  const best = async (
    variant: "simd" | "relaxed",
    fn: "peak_mul_add_f32x4" | "peak_madd_f32x4",
  ) => {
    const k = await instantiateKernels(variant);
    const iterations = 2_000_000;
    const run = () => k.exports[fn](iterations, 0.999);
    const t = time(run, 7, 3);
    return (iterations * 96) / t.min / 1e6;
  };
  return {
    mulAdd: await best("simd", "peak_mul_add_f32x4"),
    madd: relaxedSimdSupported ? await best("relaxed", "peak_madd_f32x4") : 0,
  };
}

// --- Peers ----------------------------------------------------------------------------
interface TorchRun {
  torch: string;
  blas: string;
  sgemmGflops: number;
  results: { shape: number[]; threads: number; median: number; min: number }[];
}

async function torchPeer(): Promise<TorchRun> {
  const script = new URL("./peers/torch_peer.py", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [script, JSON.stringify(SHAPES), JSON.stringify([1, 2]), String(repeat)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`the PyTorch peer failed: ${new TextDecoder().decode(stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(stdout));
}

function tfjsPeer(n: number, d: number, s: number): Timing {
  const h = tf.tensor2d(activations(n * d, 7), [n, d]);
  const raw = tf.randomNormal([s, d], 0, 1, "float32", 1);
  const theta = tf.div(raw, tf.norm(raw, 2, 1, true));
  const sqrtHalf = Math.SQRT1_2, c = Math.sqrt(2 / Math.PI);
  const loss = (x: tf.Tensor) =>
    tf.tidy(() => {
      const t = tf.matMul(x as tf.Tensor2D, theta as tf.Tensor2D, false, true);
      const f = tf.add(
        tf.mul(t, tf.erf(tf.mul(t, sqrtHalf))),
        tf.mul(c, tf.exp(tf.mul(-0.5, tf.square(t)))),
      );
      return tf.mean(f);
    });
  const grad = tf.grad(loss);
  const step = () => {
    const g = grad(h);
    g.dataSync();
    g.dispose();
  };
  const timing = time(step, Math.max(3, Math.floor(repeat / 3)), 2);
  h.dispose();
  raw.dispose();
  theta.dispose();
  return timing;
}

// --- Runs -----------------------------------------------------------------------------
interface Row {
  shape: [number, number, number];
  one: Timing;
  all: Timing;
  exact: Timing;
  copy: Timing;
  reference: Timing;
  tfjs: Timing;
  torch1: Timing;
  torch2: Timing;
}

const peak = await wasmPeak();
console.error("wasm peak done");
const torch = await torchPeer();
console.error("torch done");
await useTfjsBackend("wasm");
const rows: Row[] = [];
for (const [n, d, s] of SHAPES) {
  const h = activations(n * d, n);
  // A training loop reuses its gradient array; PyTorch's allocator reuses memory likewise.
  const options = { projections: s, seed: 1, gradInto: new Float32Array(n * d) };
  setThreads(1);
  const one = time(() => perLossAndGrad(h, [n, d], options));
  setThreads(cores);
  const all = time(() => perLossAndGrad(h, [n, d], options));
  const exact = time(() =>
    perLossAndGrad(h, [n, d], { projections: Infinity, gradInto: options.gradInto })
  );
  const target = new Float32Array(n * d);
  const copy = time(() => target.set(h));
  const reference = time(() => perReference(h, [n, d], { projections: s, seed: 1 }), 3, 1);
  const tfjs = tfjsPeer(n, d, s);
  const torchOf = (threads: number) => {
    const r = torch.results.find((x) =>
      x.threads === threads && x.shape.join() === [n, d, s].join()
    )!;
    return { median: r.median, min: r.min };
  };
  rows.push({
    shape: [n, d, s],
    one,
    all,
    exact,
    copy,
    reference,
    tfjs,
    torch1: torchOf(1),
    torch2: torchOf(2),
  });
  console.error(`(${n}, ${d}, ${s}) done`);
}
const phases = await phaseProfile(SHAPES);

// --- Report ---------------------------------------------------------------------------
const gflops = (shape: number[], ms: number) => (4 * shape[0] * shape[1] * shape[2]) / ms / 1e6;
const fmt = (ms: number) => ms < 1 ? ms.toFixed(3) : ms.toFixed(2);
const peakPerThread = Math.max(peak.mulAdd, peak.madd);
const lines: string[] = [];
const out = (line = "") => {
  lines.push(line);
  console.log(line);
};

const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => "")).match(
  /model name\s*:\s*(.*)/,
)?.[1] ?? "unknown CPU";
out("# per beside its peers");
out();
out(`Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${cpu}, ${cores} cores.`);
out(
  `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}); PyTorch ${torch.torch} with ${torch.blas};`,
);
out(
  `TensorFlow.js ${tf.version.tfjs} (wasm backend, one thread). Command: \`deno task bench:peers\`.`,
);
out(
  `Median of ${repeat} runs (the reference: 3, TensorFlow.js: ${
    Math.max(3, Math.floor(repeat / 3))
  }) after warm-up; PER loss + gradient, float32, s = 256.`,
);
out();
out("## Ceilings");
out();
out(
  `- WebAssembly SIMD, one thread, 12 accumulators: f32x4 mul + add ${
    peak.mulAdd.toFixed(1)
  } GFLOP/s, relaxed_madd ${peak.madd.toFixed(1)} GFLOP/s.`,
);
out(
  `- OpenBLAS sgemm through PyTorch, one thread, 2048³: ${torch.sgemmGflops.toFixed(1)} GFLOP/s.`,
);
out();
out("## Milliseconds (GFLOP/s at 4·B·d·s)");
out();
out(
  `| (B, d, s) | per ×1 | per ×${cores} | per exact | copy of the batch | PyTorch ×1 | PyTorch ×2 | tfjs wasm | TS reference |`,
);
out("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  const g = (t: Timing) => `${fmt(t.median)} (${gflops(r.shape, t.median).toFixed(1)})`;
  out(
    `| (${r.shape.join(", ")}) | ${g(r.one)} | ${g(r.all)} | ${fmt(r.exact.median)} | ${
      fmt(r.copy.median)
    } | ${g(r.torch1)} | ${g(r.torch2)} | ${g(r.tfjs)} | ${fmt(r.reference.median)} |`,
  );
}
out();
out("## Targets");
out();
const verdict = (ok: boolean) => ok ? "met" : "MISSED";
for (const r of rows) {
  const shape = `(${r.shape.join(", ")})`;
  const bestOurs = Math.min(r.one.median, r.all.median);
  const bestTorch = Math.min(r.torch1.median, r.torch2.median);
  const fraction = gflops(r.shape, r.all.median) / (peakPerThread * cores);
  const fractionOne = gflops(r.shape, r.one.median) / peakPerThread;
  out(
    `- ${shape}: fused kernel at ${
      (100 * fractionOne).toFixed(0)
    } % of the one-thread peak on one thread, ${
      (100 * fraction).toFixed(0)
    } % of ${cores}× the peak on ${cores} (target 70 %): ${verdict(fraction >= 0.7)}.`,
  );
  const small = r.shape[0] * r.shape[1] <= 8192 * 64 && (r.shape[1] <= 128);
  if (small) {
    out(
      `- ${shape}: per ${fmt(bestOurs)} ms vs PyTorch's best ${fmt(bestTorch)} ms, ${
        (bestTorch / bestOurs).toFixed(2)
      }× (target: faster): ${verdict(bestOurs < bestTorch)}.`,
    );
  } else {
    out(
      `- ${shape}: per ${fmt(bestOurs)} ms vs PyTorch's best ${fmt(bestTorch)} ms, ratio ${
        (bestOurs / bestTorch).toFixed(2)
      } (target ≤ 1.3): ${verdict(bestOurs <= 1.3 * bestTorch)}.`,
    );
  }
  out(
    `- ${shape}: exact mode ${fmt(r.exact.median)} ms, ${
      (bestTorch / r.exact.median).toFixed(1)
    }× faster than PyTorch's s = 256 estimator (target 20×): ${
      verdict(bestTorch / r.exact.median >= 20)
    }; ${(r.exact.median / r.copy.median).toFixed(2)}× one copy of the batch (target ≤ 2): ${
      verdict(r.exact.median <= 2 * r.copy.median)
    }.`,
  );
  out(
    `- ${shape}: ${
      (r.tfjs.median / bestOurs).toFixed(1)
    }× faster than the TensorFlow.js wasm backend (target 10×): ${
      verdict(r.tfjs.median >= 10 * bestOurs)
    }.`,
  );
}
out();
out("## Where the time goes (one thread)");
out();
out(
  "| (B, d, s) | projection X = HΘᵀ | f, erf and loss | back-projection G·Θ | copies in and out | whole call |",
);
out("| --- | --- | --- | --- | --- | --- |");
for (const p of phases) {
  out(
    `| (${p.shape.join(", ")}) | ${fmt(p.project)} | ${fmt(p.erf)} | ${fmt(p.backProject)} | ${
      fmt(p.copies)
    } | ${fmt(p.total)} |`,
  );
}
await Deno.writeTextFile(new URL("./RESULTS.md", import.meta.url), lines.join("\n") + "\n");
