/**
 * The engine's backend choice and lifetime: CI must have an adapter (PER_REQUIRE_GPU=1),
 * `auto` declines software adapters, `webgpu` without an adapter is a clear error, the
 * engine needs no permission, buffers grow and shrink back across calls, and destroy()
 * frees the device.
 */

import assert from "node:assert/strict";
import { createEngine, perLossAndGrad } from "../mod.ts";
import { WebGpuBackend } from "../src/backends/webgpu/per_dispatch.ts";
import { sampleShape } from "../src/layout.ts";
import { perFPrime } from "../src/math/erf.ts";
import { adapter, gpuTest } from "./_webgpu.ts";
import { assertArrayClose, assertRelative, normals, readCase } from "./_numeric.ts";

Deno.test("webgpu: an adapter exists where PER_REQUIRE_GPU=1 (CI), so no GPU test skips", () => {
  if (Deno.env.get("PER_REQUIRE_GPU") !== "1") return;
  assert.ok(
    adapter !== null,
    "PER_REQUIRE_GPU=1 but navigator.gpu.requestAdapter() returned null: install " +
      "mesa-vulkan-drivers (Mesa lavapipe) or another Vulkan driver",
  );
});

Deno.test("webgpu: backend webgpu without an adapter is a clear error; auto is wasm", async () => {
  const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), "gpu");
  Object.defineProperty(navigator, "gpu", {
    configurable: true,
    value: { requestAdapter: () => Promise.resolve(null) },
  });
  try {
    await assert.rejects(
      createEngine({ backend: "webgpu" }),
      /backend "webgpu" found no WebGPU adapter: .*returned null.*mesa-vulkan-drivers/,
    );
    const auto = await createEngine();
    assert.equal(auto.backend, "wasm");
    assert.equal(auto.adapterInfo, undefined);
    const h = normals(30, 1);
    assert.equal((await auto.perLossAndGrad(h, [10, 3])).loss, perLossAndGrad(h, [10, 3]).loss);
    await assert.rejects(auto.perLoss(h, [10, 3], { backend: "webgpu" }), /createEngine/);
  } finally {
    delete (navigator as { gpu?: unknown }).gpu;
    if (descriptor && !("gpu" in navigator)) {
      Object.defineProperty(Object.getPrototypeOf(navigator), "gpu", descriptor);
    }
  }
  await assert.rejects(createEngine({ backend: "cuda" as "wasm" }), RangeError);
});

gpuTest("webgpu: auto declines a software adapter and says which it found", async () => {
  const engine = await createEngine();
  const info = engine.adapterInfo!;
  assert.equal(typeof info.description, "string");
  if (info.isFallbackAdapter) {
    assert.equal(engine.backend, "wasm", `auto picked ${engine.backend} on ${info.description}`);
  } else {
    // A hardware adapter: large Monte Carlo calls go to it, small ones and exact mode stay.
    assert.equal(engine.backend, "webgpu");
    const big = new Float32Array(1024 * 1024);
    assert.equal(engine.backendFor(big, [1024, 1024]), "webgpu");
    assert.equal(engine.backendFor(big.subarray(0, 64), [4, 16]), "wasm");
    assert.equal(engine.backendFor(big, [1024, 1024], { projections: Infinity }), "wasm");
  }
  engine.destroy();
});

gpuTest("webgpu: the engine runs with no permission at all", async () => {
  const script = `
    import { createEngine } from ${JSON.stringify(new URL("../mod.ts", import.meta.url).href)};
    const engine = await createEngine({ backend: "webgpu" });
    const { loss } = await engine.perLossAndGrad(new Float32Array([1, 2, 3, 4]), [2, 2]);
    engine.destroy();
    console.log(engine.backend, loss > 0.79);
  `;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, script);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout), err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    assert.equal(out.trim(), "webgpu true");
  } finally {
    await Deno.remove(file);
  }
});

gpuTest(
  "webgpu: buffers grow for a large call and the small call is unchanged (growth)",
  async () => {
    const c = readCase("growth");
    const engine = await createEngine({ backend: "webgpu" });
    try {
      const small = new Float32Array(c.small.data);
      const first = await engine.perLossAndGrad(small, c.small.shape, { theta: c.small.theta });
      const cpu = perLossAndGrad(small, c.small.shape, { theta: c.small.theta });
      assertRelative(first.loss, cpu.loss, 1e-5, "small");
      assertArrayClose(first.grad, cpu.grad, 1e-5, "small grad");
      const [n, d] = c.large.shape;
      const large = new Float32Array(n * d);
      for (let i = 0; i < large.length; i++) large[i] = (i % 17 - 8) / 4;
      const theta = new Float32Array(d);
      theta[0] = 1;
      for (const data of [large, Float64Array.from(large)]) {
        const { loss, grad } = await engine.perLossAndGrad(data, [n, d], { theta });
        assertRelative(loss, c.large.loss, c.tolerance.loss_rel, `large ${data.constructor.name}`);
        // Column 0 is erf(h[i][0]/√2)/n and the others 0 (the case's formula).
        for (let i = 0; i < n; i += 97) {
          const want = perFPrime(large[i * d]) / n;
          assert.ok(Math.abs(grad[i * d] - want) <= 1e-6 / n, `grad[${i}, 0] = ${grad[i * d]}`);
          assert.equal(grad[i * d + 1 + (i % (d - 1))], 0, `grad[${i}, ${1 + (i % (d - 1))}]`);
        }
        const again = await engine.perLossAndGrad(small, c.small.shape, { theta: c.small.theta });
        assert.equal(again.loss, first.loss, "small after large: the same loss");
        assert.deepEqual(again.grad, first.grad, "small after large: the same gradient");
      }
    } finally {
      engine.destroy();
    }
  },
);

gpuTest("webgpu: destroy() frees the device, and later calls reject", async () => {
  const gpu = await WebGpuBackend.create(adapter!);
  const data = normals(64 * 32, 3);
  const request = () => ({
    data,
    view: sampleShape([64, 32], data.length),
    theta: new Float32Array(32).fill(1 / Math.sqrt(32)),
    thetaKey: "",
    scale: 1 / 64,
    withGrad: true,
    grad: new Float32Array(data.length),
  });
  assert.ok(await gpu.run(request()) > 0);
  // A call in flight when destroy() comes fails rather than hanging.
  const inFlight = gpu.run(request());
  gpu.destroy();
  await inFlight.then(() => {}, () => {});
  const lost = await gpu.device.lost;
  assert.equal(lost.reason, "destroyed");
  await assert.rejects(gpu.run(request()), /destroyed/);

  const engine = await createEngine({ backend: "webgpu" });
  engine.destroy();
  engine.destroy();
  await assert.rejects(engine.perLoss(data, [64, 32]), /this PER engine was destroyed/);
  await assert.rejects(engine.score(data, [64, 32]), /this PER engine was destroyed/);
});

gpuTest("webgpu: score on a webgpu engine runs on the CPU kernels and says so", async () => {
  const engine = await createEngine({ backend: "webgpu" });
  try {
    const h = normals(200 * 6, 2);
    const result = await engine.score(h, [200, 6], { projections: 16 });
    assert.equal(result.backend, "wasm");
    assert.ok(result.sw1 <= result.per);
  } finally {
    engine.destroy();
  }
});
