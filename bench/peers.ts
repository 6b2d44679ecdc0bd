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
import {
  compileKernels,
  defaultVariant,
  instantiateKernels,
  relaxedSimdSupported,
} from "../src/kernels/kernels.ts";
import { useTfjsBackend } from "../src/train/tfjs_backend.ts";
import { exactPhaseProfile, phaseProfile } from "./peers/phases.ts";
import { activations, SHAPES, time as timeRuns, type Timing } from "./_common.ts";

/** Timed runs at the command's --repeat, warmed up for at least 200 ms. */
function time(run: () => void, count = repeat, warmup = 5): Timing {
  return timeRuns(run, count, warmup);
}

const { values } = parseArgs({ options: { repeat: { type: "string", default: "15" } } });
const repeat = Number(values.repeat);

const cores = navigator.hardwareConcurrency;

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

/**
 * The multiply-add peak with every core busy at once (`cores` workers, each running the
 * peak kernel on its own instance): cores share power and clock limits, so this is the
 * ceiling the threaded kernel should be held to, beside one core's peak times the cores.
 */
async function wasmPeakAllCores(): Promise<number> {
  const { Worker } = await import("node:worker_threads");
  const module = await compileKernels(defaultVariant);
  const iterations = 4_000_000;
  const source = `
    const { parentPort } = require("node:worker_threads");
    parentPort.once("message", ({ module, iterations }) => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
      const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
      // Many short calls first: V8 runs a long call in its baseline tier unless the
      // optimizing tier took over before it started (no on-stack replacement for wasm).
      for (let i = 0; i < 40; i++) k.peak_mul_add_f32x4(100000, 0.5);
      parentPort.postMessage("ready");
      parentPort.once("message", () => {
        const start = performance.now();
        k.peak_mul_add_f32x4(iterations, 0.999);
        parentPort.postMessage(performance.now() - start);
      });
    });`;
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const workers = Array.from({ length: cores }, () => new Worker(source, { eval: true }));
    const next = (w: InstanceType<typeof Worker>) =>
      new Promise<unknown>((resolve) => w.once("message", resolve));
    const ready = workers.map(next);
    for (const w of workers) w.postMessage({ module, iterations });
    await Promise.all(ready);
    const start = performance.now();
    const done = workers.map(next);
    for (const w of workers) w.postMessage("go");
    await Promise.all(done);
    const ms = performance.now() - start;
    best = Math.max(best, (cores * iterations * 96) / ms / 1e6);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return best;
}

// --- Peers ----------------------------------------------------------------------------
interface TorchRun {
  torch: string;
  blas: string;
  sgemmGflops: number;
  cpu: string;
  results: { shape: number[]; threads: number; median: number; min: number }[];
}

async function torchPeer(): Promise<TorchRun> {
  // OpenBLAS runs its own pthreads besides torch's intra-op threads: pin both to the count
  // under test, or "one thread" would let sgemm use every core.
  const script = new URL("./peers/torch_peer.py", import.meta.url).pathname;
  const runs: TorchRun[] = [];
  for (const threads of [1, 2]) {
    const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
      args: [script, JSON.stringify(SHAPES), JSON.stringify([threads]), String(repeat)],
      env: { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`the PyTorch peer failed: ${new TextDecoder().decode(stderr).trim()}`);
    }
    runs.push(JSON.parse(new TextDecoder().decode(stdout)));
  }
  // The sgemm ceiling is the one-thread run's.
  return { ...runs[0], results: runs.flatMap((run) => run.results) };
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
const peakAll = await wasmPeakAllCores();
console.error("wasm peak done");
const torch = await torchPeer();
console.error("torch done");
await useTfjsBackend("wasm");
const rows: Row[] = [];
// per on one thread, then on every core, each over all shapes: a pool is made once and its
// workers tier their WebAssembly up once, as in a training run, instead of at every shape.
const inputs = SHAPES.map(([n, d, s]) => ({
  h: activations(n * d, n),
  // A training loop reuses its gradient array; PyTorch's allocator reuses memory likewise.
  options: { projections: s, seed: 1, gradInto: new Float32Array(n * d) },
}));
const perTimes = [1, cores].map((threads) => {
  setThreads(threads);
  return SHAPES.map(([n, d], i) =>
    time(() => perLossAndGrad(inputs[i].h, [n, d], inputs[i].options))
  );
});
for (const [index, [n, d, s]] of SHAPES.entries()) {
  const { h, options } = inputs[index];
  const one = perTimes[0][index], all = perTimes[1][index];
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
const exactPhases = await exactPhaseProfile(SHAPES.map(([n, d]) => [n, d]));

// --- Report ---------------------------------------------------------------------------
const gflops = (shape: number[], ms: number) => (4 * shape[0] * shape[1] * shape[2]) / ms / 1e6;
const fmt = (ms: number) => ms < 1 ? ms.toFixed(3) : ms.toFixed(2);
const peakPerThread = Math.max(peak.mulAdd, peak.madd);

const lines: string[] = [];
const out = (line = "") => {
  lines.push(line);
  console.log(line);
};

// Deno reads /proc only with every permission; the Python peer reports the CPU instead.
const cpu = torch.cpu;
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
  `The fastest of ${repeat} runs (the reference: 3, TensorFlow.js: ${
    Math.max(3, Math.floor(repeat / 3))
  }) after warm-up, for every contender: on a shared machine the minimum is the steadiest ` +
    "figure. PER loss + gradient, float32, s = 256.",
);
out();
out("## Ceilings");
out();
out(
  `- WebAssembly SIMD, one thread, 12 accumulators: f32x4 mul + add ${
    peak.mulAdd.toFixed(1)
  } GFLOP/s, relaxed_madd ${peak.madd.toFixed(1)} GFLOP/s; all ${cores} cores at once: ${
    peakAll.toFixed(1)
  } GFLOP/s in all (cores share the clock and power budget).`,
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
  const g = (t: Timing) => `${fmt(t.min)} (${gflops(r.shape, t.min).toFixed(1)})`;
  out(
    `| (${r.shape.join(", ")}) | ${g(r.one)} | ${g(r.all)} | ${fmt(r.exact.min)} | ${
      fmt(r.copy.min)
    } | ${g(r.torch1)} | ${g(r.torch2)} | ${g(r.tfjs)} | ${fmt(r.reference.min)} |`,
  );
}
out();
out("## Targets");
out();
const verdict = (ok: boolean) => ok ? "met" : "MISSED";
for (const r of rows) {
  const shape = `(${r.shape.join(", ")})`;
  const bestOurs = Math.min(r.one.min, r.all.min);
  const bestTorch = Math.min(r.torch1.min, r.torch2.min);
  const fraction = gflops(r.shape, r.all.min) / (peakPerThread * cores);
  const fractionOne = gflops(r.shape, r.one.min) / peakPerThread;
  const fractionAll = gflops(r.shape, r.all.min) / peakAll;
  out(
    `- ${shape}: fused kernel at ${
      (100 * fractionOne).toFixed(0)
    } % of the one-thread peak on one thread (target 70 %: ${verdict(fractionOne >= 0.7)}); ` +
      `on ${cores} threads ${(100 * fraction).toFixed(0)} % of ${cores}× that peak (${
        verdict(fraction >= 0.7)
      }) and ${(100 * fractionAll).toFixed(0)} % of the peak measured with ${cores} cores busy.`,
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
    `- ${shape}: exact mode ${fmt(r.exact.min)} ms, ${
      (bestTorch / r.exact.min).toFixed(1)
    }× faster than PyTorch's s = 256 estimator (target 20×): ${
      verdict(bestTorch / r.exact.min >= 20)
    }; ${(r.exact.min / r.copy.min).toFixed(2)}× one copy of the batch (target ≤ 2): ${
      verdict(r.exact.min <= 2 * r.copy.min)
    }.`,
  );
  out(
    `- ${shape}: ${
      (r.tfjs.min / bestOurs).toFixed(1)
    }× faster than the TensorFlow.js wasm backend (target 10×): ${
      verdict(r.tfjs.min >= 10 * bestOurs)
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
out();
out("Exact mode on one thread: the whole call beside the copies it makes and the allocation a");
out("call without `gradInto` adds.");
out();
out(
  "| (B, d) | whole call | copy in + copy out | the kernel (the rest) | one copy of the batch |",
);
out("| --- | --- | --- | --- | --- |");
for (const [i, p] of exactPhases.entries()) {
  out(
    `| (${p.shape.join(", ")}) | ${fmt(p.total)} | ${fmt(p.copies)} | ${
      fmt(Math.max(0, p.total - p.copies))
    } | ${fmt(rows[i].copy.min)} |`,
  );
}
out();
out("## Why the misses");
out();
const big = rows.find((r) => r.shape[1] === 1024)!;
const bigOurs = Math.min(big.one.min, big.all.min);
const bigTorch = Math.min(big.torch1.min, big.torch2.min);
out(
  `- PyTorch at the larger shapes: both products of PER are matrix products, where OpenBLAS ` +
    `uses 256-bit AVX2 FMA (sgemm ${torch.sgemmGflops.toFixed(0)} GFLOP/s on one core here) ` +
    `and WebAssembly has 128-bit vectors (a multiply-add peak of ${
      peakPerThread.toFixed(0)
    } GFLOP/s on one core, ${peakAll.toFixed(0)} on ${cores}). At (1024, 1024, 256) per runs at ${
      gflops(big.shape, bigOurs).toFixed(0)
    } GFLOP/s, ${
      (100 * gflops(big.shape, bigOurs) / peakAll).toFixed(0)
    } % of that ${cores}-core ` +
    `ceiling, and PyTorch at ${gflops(big.shape, bigTorch).toFixed(0)} GFLOP/s: the ratio ` +
    `${(bigOurs / bigTorch).toFixed(2)} is the instruction sets' ratio less the share per ` +
    `already gains by fusing f, erf and both products in one pass over cache-resident blocks.`,
);
out(
  "- The fused kernel below 70 % of the peak: at (8192, 64, 256) and (64, 128, 256) the f and " +
    "erf stage (exp, a division and two polynomials per projection; see the phase table) and " +
    "the short products (d = 64 or 128 terms per projection) weigh against the multiply-adds; " +
    "on two threads the cores also share one clock budget (the two-core peak above is below " +
    "twice the one-core peak).",
);
out(
  "- The exact mode against one copy of the batch: a call copies the batch into WebAssembly " +
    "memory, reads it twice (the norms, then the scaled gradient rows) and copies the gradient " +
    "out, so it moves the batch four to five times where a copy moves it once; the table above " +
    "splits the time. A copy of a batch that fits in cache runs at memcpy speed, which a pass " +
    "that also computes cannot match.",
);
await Deno.writeTextFile(new URL("./RESULTS.md", import.meta.url), lines.join("\n") + "\n");
