/**
 * The HTTP service against a real server on a loopback port: each content type, both
 * endpoints, the page, every error status a client can cause, CORS and the request log.
 */

import assert from "node:assert/strict";
import { perLossAndGrad, score } from "../mod.ts";
import { readNpy } from "../src/io/mod.ts";
import {
  activations,
  assertError,
  assertServing,
  float32Bytes,
  npyBytes,
  post,
  postHead,
  rawRequest,
  startService,
} from "./_service.ts";

const JSON_TYPE = "application/json";
const NPY = "application/x-npy";
const RAW = "application/octet-stream";

Deno.test("score answers alike for JSON, .npy, .npy as octet-stream and raw float32", async () => {
  const service = startService();
  try {
    const h = activations(64, 16, 7);
    const expected = score(h, [64, 16], { projections: 32, seed: 5 });
    const url = `${service.url}/v1/score?projections=32&seed=5`;
    const nested = Array.from(
      { length: 64 },
      (_, i) => Array.from(h.subarray(i * 16, i * 16 + 16)),
    );
    const answers = [
      await post(url, JSON.stringify({ shape: [64, 16], data: Array.from(h) }), JSON_TYPE),
      await post(url, JSON.stringify({ data: nested }), JSON_TYPE),
      await post(url, npyBytes(h, [64, 16]), NPY),
      await post(url, npyBytes(h, [64, 16]), RAW),
      await post(`${url}&shape=64,16`, float32Bytes(h), RAW),
    ];
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.status, 200, `request ${i}: ${JSON.stringify(answer.json)}`);
      assert.deepEqual(answer.json, JSON.parse(JSON.stringify(expected)), `request ${i}`);
    }
  } finally {
    await service.close();
  }
});

Deno.test("score takes options from a JSON body: theta rows, layout, perProjection", async () => {
  const service = startService();
  try {
    const h = activations(2 * 3 * 4 * 4, 1, 3);
    const theta = [[1, 0, 0], [0, 1, 1]];
    const body = {
      shape: [2, 3, 4, 4],
      data: Array.from(h),
      layout: "nchw",
      theta,
      perProjection: true,
    };
    const answer = await post(`${service.url}/v1/score`, JSON.stringify(body), JSON_TYPE);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const expected = score(h, [2, 3, 4, 4], {
      layout: "nchw",
      theta: theta.flat(),
      perProjection: true,
    });
    assert.deepEqual(answer.json, JSON.parse(JSON.stringify(expected)));
    assert.equal(answer.json.directions, "theta");
    assert.equal(answer.json.samples, 32);
  } finally {
    await service.close();
  }
});

Deno.test("score with plots=true adds a histogram and a QQ plot as SVG documents", async () => {
  const service = startService();
  try {
    const h = activations(300, 8, 2);
    const answer = await post(
      `${service.url}/v1/score?plots=true&projections=16`,
      npyBytes(h, [300, 8]),
      NPY,
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const plots = answer.json.plots as Record<string, unknown>;
    assert.match(plots.histogram as string, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(plots.qq as string, /^<svg/);
    assert.equal(plots.directions, 8);
    assert.equal(plots.samples, 300);
  } finally {
    await service.close();
  }
});

Deno.test("grad answers JSON or .npy by Accept, with the loss in a header", async () => {
  const service = startService();
  try {
    const h = activations(32, 8, 9);
    const expected = perLossAndGrad(h, [32, 8], { projections: 64, seed: 2 });
    const url = `${service.url}/v1/grad?projections=64&seed=2`;

    const json = await post(url, npyBytes(h, [32, 8]), NPY, JSON_TYPE);
    assert.equal(json.status, 200, JSON.stringify(json.json));
    assert.equal(json.json.loss, expected.loss);
    assert.deepEqual(json.json.grad, Array.from(expected.grad));
    assert.deepEqual(json.json.shape, [32, 8]);
    assert.equal(Number(json.headers.get("x-per-loss")), expected.loss);

    for (const accept of [NPY, RAW, "application/x-npy;q=1, application/json;q=0.5"]) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": JSON_TYPE, accept },
        body: JSON.stringify({ shape: [32, 8], data: Array.from(h) }),
      });
      assert.equal(res.status, 200, accept);
      const t = readNpy(new Uint8Array(await res.arrayBuffer()), "grad.npy");
      assert.deepEqual(t.shape, [32, 8]);
      assert.deepEqual(Array.from(t.data), Array.from(expected.grad), accept);
      assert.equal(Number(res.headers.get("x-per-loss")), expected.loss, accept);
    }
  } finally {
    await service.close();
  }
});

Deno.test("grad's exact mode comes from exact=true or projections Infinity", async () => {
  const service = startService();
  try {
    const h = activations(16, 4, 4);
    const expected = perLossAndGrad(h, [16, 4], { projections: Infinity, reduction: "sum" });
    const body = JSON.stringify({ shape: [16, 4], data: Array.from(h), reduction: "sum" });
    for (const query of ["exact=true", "projections=Infinity"]) {
      const answer = await post(`${service.url}/v1/grad?${query}`, body, JSON_TYPE);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.equal(answer.json.loss, expected.loss, query);
      assert.equal(answer.json.exact, true);
      assert.equal(answer.json.projections, undefined);
    }
    const inBody = JSON.stringify({
      shape: [16, 4],
      data: Array.from(h),
      projections: "Infinity",
    });
    const answer = await post(`${service.url}/v1/grad`, inBody, JSON_TYPE);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.loss, perLossAndGrad(h, [16, 4], { projections: Infinity }).loss);
  } finally {
    await service.close();
  }
});

Deno.test("health answers 200 and the page is served with its own script only", async () => {
  const service = startService();
  try {
    const health = await fetch(`${service.url}/v1/health`);
    const body = await health.json();
    assert.equal(health.status, 200);
    assert.equal(body.status, "ok");
    assert.equal(body.limits.maxBodyBytes, 16 * 2 ** 20);

    const page = await fetch(`${service.url}/`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    assert.match(html, /Drop an \.npy or \.json file here/);
    // Every asset is inline: nothing is loaded from anywhere else.
    assert.doesNotMatch(html, /\s(src|href)=/);
    const csp = page.headers.get("content-security-policy")!;
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1];
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    assert.ok(csp.includes(`script-src 'sha256-${hash}'`), csp);
    assert.ok(csp.includes("default-src 'none'"), csp);

    const head = await fetch(`${service.url}/v1/health`, { method: "HEAD" });
    assert.equal(head.status, 200);
    await head.body?.cancel();
  } finally {
    await service.close();
  }
});

Deno.test("every error a client can cause is JSON {error, detail}; serving goes on", async () => {
  const service = startService();
  const url = service.url;
  try {
    const json = (o: unknown) => JSON.stringify(o);
    const small = json({ shape: [2, 2], data: [1, 2, 3, 4] });
    const cases: [
      string,
      () => Promise<{ status: number; json: Record<string, unknown> }>,
      number,
      RegExp,
    ][] = [
      ["400 invalid JSON", () => post(`${url}/v1/score`, "{", JSON_TYPE), 400, /not valid JSON/],
      [
        "400 bad shape",
        () => post(`${url}/v1/score`, json({ shape: [3, 2], data: [1, 2, 3, 4] }), JSON_TYPE),
        400,
        /shape \[3, 2\]/,
      ],
      [
        "400 raw without shape",
        () => post(`${url}/v1/score`, float32Bytes(new Float32Array(4)), RAW),
        400,
        /shape=256,512/,
      ],
      [
        "400 raw of the wrong size",
        () => post(`${url}/v1/score?shape=3,2`, float32Bytes(new Float32Array(4)), RAW),
        400,
        /24 bytes/,
      ],
      [
        "400 unknown query parameter",
        () => post(`${url}/v1/score?projection=4`, small, JSON_TYPE),
        400,
        /unknown query parameter "projection"/,
      ],
      [
        "400 unknown field",
        () =>
          post(
            `${url}/v1/score`,
            json({ shape: [2, 2], data: [1, 2, 3, 4], seeds: 1 }),
            JSON_TYPE,
          ),
        400,
        /unknown field "seeds"/,
      ],
      [
        "400 option given twice",
        () => post(`${url}/v1/score?seed=1`, json({ data: [[1, 2]], seed: 2 }), JSON_TYPE),
        400,
        /given both/,
      ],
      [
        "400 bad layout",
        () => post(`${url}/v1/score?layout=hwc`, small, JSON_TYPE),
        400,
        /layout/,
      ],
      [
        "400 unknown backend",
        () => post(`${url}/v1/score?backend=cuda`, small, JSON_TYPE),
        400,
        /backend/,
      ],
      [
        "400 exact on score",
        () => post(`${url}/v1/score?exact=true`, small, JSON_TYPE),
        400,
        /perExact/,
      ],
      [
        "400 zero theta row",
        () =>
          post(
            `${url}/v1/grad`,
            json({ shape: [2, 2], data: [1, 2, 3, 4], theta: [[0, 0]] }),
            JSON_TYPE,
          ),
        400,
        /theta row 0 is zero/,
      ],
      [
        "400 bad projections",
        () => post(`${url}/v1/score?projections=1.5`, small, JSON_TYPE),
        400,
        /projections/,
      ],
      [
        "400 npy header",
        () => post(`${url}/v1/score`, new Uint8Array([0x93, 78, 85, 77, 80, 89, 9, 0]), NPY),
        400,
        /version/,
      ],
      ["404 unknown path", () => post(`${url}/v2/score`, small, JSON_TYPE), 404, /no route/],
      [
        "405 GET on score",
        async () => {
          const res = await fetch(`${url}/v1/score`);
          assert.equal(res.headers.get("allow"), "POST");
          return { status: res.status, json: await res.json() };
        },
        405,
        /use POST/,
      ],
      ["406 Accept", () => post(`${url}/v1/grad`, small, JSON_TYPE, "text/html"), 406, /Accept/],
      [
        "413 work",
        () =>
          post(
            `${url}/v1/score?projections=16384&shape=256,512`,
            float32Bytes(activations(256, 512)),
            RAW,
          ),
        413,
        new RegExp(
          "samples × dimension × projections is 256 × 512 × 16384 = 2147483648 over the " +
            "cap of 1073741824 \\(PER_MAX_WORK\\)",
        ),
      ],
      [
        "413 samples",
        () =>
          post(
            `${url}/v1/grad?projections=1&shape=1048577,1`,
            float32Bytes(activations(1048577, 1)),
            RAW,
          ),
        413,
        /^samples is 1048577 over the cap of 1048576 \(PER_MAX_SAMPLES\)/,
      ],
      [
        "413 sorted values",
        () =>
          post(
            `${url}/v1/score?projections=512&shape=65536,1`,
            float32Bytes(activations(65536, 1)),
            RAW,
          ),
        413,
        /samples × projections .* over the cap of 16777216/,
      ],
      [
        "413 covariance",
        () =>
          post(
            `${url}/v1/score?projections=1&shape=512,4096`,
            float32Bytes(new Float32Array(512 * 4096)),
            RAW,
          ),
        413,
        /samples × dimension² .* over the cap of 4294967296/,
      ],
      [
        "413 directions",
        () =>
          post(
            `${url}/v1/grad?projections=2048&shape=1,4096`,
            float32Bytes(activations(1, 4096)),
            RAW,
          ),
        413,
        /projections × dimension is 2048 × 4096 .* cap of 4194304/,
      ],
      [
        "413 orthogonal directions",
        () =>
          post(
            `${url}/v1/grad?projections=1024&sampler=orthogonal&shape=2,2048`,
            float32Bytes(activations(2, 2048)),
            RAW,
          ),
        413,
        /orthogonal .* cap of 268435456/,
      ],
      [
        "413 js backend counts more",
        () =>
          post(
            `${url}/v1/grad?projections=2048&backend=js&shape=256,512`,
            float32Bytes(activations(256, 512)),
            RAW,
          ),
        413,
        /js backend/,
      ],
      [
        "415 text/plain",
        () => post(`${url}/v1/score`, small, "text/plain"),
        415,
        /text\/plain is not accepted/,
      ],
      [
        "415 no Content-Type",
        async () => {
          const res = await fetch(`${url}/v1/score`, { method: "POST", body: new Uint8Array(4) });
          return { status: res.status, json: await res.json() };
        },
        415,
        /without Content-Type/,
      ],
      [
        "422 non-finite",
        () => post(`${url}/v1/score`, '{"shape": [2, 2], "data": [1, 2, 1e999, 4]}', JSON_TYPE),
        422,
        /activations\[2\] is Infinity/,
      ],
      [
        "422 non-finite theta",
        () =>
          post(
            `${url}/v1/grad`,
            '{"shape": [2, 2], "data": [1, 2, 3, 4], "theta": [[1, -1e999]]}',
            JSON_TYPE,
          ),
        422,
        /theta row 0 has the non-finite value -Infinity/,
      ],
    ];
    for (const [why, send, status, detail] of cases) {
      const answer = await send();
      assert.match(assertError(answer, status, why), detail, why);
      await assertServing(url, why);
    }
  } finally {
    await service.close();
  }
});

Deno.test("a slow body is a 408 and a full budget of buffered bodies a 503", async () => {
  const service = startService({ bodyTimeoutMs: 400, maxBufferedBytes: 4096 });
  try {
    const late = await rawRequest(
      service.port,
      postHead("/v1/score", { "Content-Type": JSON_TYPE, "Content-Length": "100" }),
      new TextEncoder().encode('{"data":'),
    );
    assert.equal(late.status, 408, late.head);
    assert.match(JSON.parse(late.body).detail, /within 400 ms/);
    await assertServing(service.url, "408");

    const busy = await post(
      `${service.url}/v1/score?shape=2048,1`,
      float32Bytes(activations(2048, 1)),
      RAW,
    );
    assert.match(assertError(busy, 503, "503"), /PER_MAX_BUFFERED_BYTES is 4096/);
    assert.equal(busy.headers.get("retry-after"), "1");
    await assertServing(service.url, "503");
  } finally {
    await service.close();
  }
});

Deno.test("a NaN never becomes null: non-finite input is refused, never echoed", async () => {
  const service = startService();
  try {
    const data = new Float32Array([1, NaN, 3, 4]);
    for (const path of ["/v1/score?shape=2,2", "/v1/grad?shape=2,2"]) {
      const res = await fetch(`${service.url}${path}`, {
        method: "POST",
        headers: { "content-type": RAW },
        body: float32Bytes(data),
      });
      const text = await res.text();
      assert.equal(res.status, 422, text);
      assert.doesNotMatch(text, /null/);
      assert.match(JSON.parse(text).detail, /activations\[1\] is NaN/);
    }
  } finally {
    await service.close();
  }
});

Deno.test("CORS is off by default and answers preflights for configured origins", async () => {
  const off = startService();
  try {
    const res = await fetch(`${off.url}/v1/health`, { headers: { origin: "https://a.example" } });
    await res.body?.cancel();
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    const preflight = await fetch(`${off.url}/v1/score`, { method: "OPTIONS" });
    assert.equal(preflight.status, 405);
    await preflight.body?.cancel();
  } finally {
    await off.close();
  }
  const on = startService({}, ["https://a.example"]);
  try {
    const preflight = await fetch(`${on.url}/v1/grad`, {
      method: "OPTIONS",
      headers: {
        origin: "https://a.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    await preflight.body?.cancel();
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "https://a.example");
    const other = await fetch(`${on.url}/v1/health`, { headers: { origin: "https://b.example" } });
    await other.body?.cancel();
    assert.notEqual(other.headers.get("access-control-allow-origin"), "https://b.example");
    const grad = await post(
      `${on.url}/v1/grad?exact=1`,
      JSON.stringify({ data: [[1, 2]] }),
      JSON_TYPE,
    );
    assert.equal(grad.status, 200);
  } finally {
    await on.close();
  }
});

Deno.test("each request writes one log line: method, path, status, ms and bytes", async () => {
  const service = startService();
  try {
    const body = JSON.stringify({ shape: [2, 2], data: [1, 2, 3, 4] });
    await post(`${service.url}/v1/score?projections=4`, body, JSON_TYPE);
    await post(`${service.url}/v1/score`, "[1, NaN]", JSON_TYPE);
    const res = await fetch(`${service.url}/v1/health?x=secret`);
    await res.body?.cancel();
    assert.equal(service.logs.length, 3, service.logs.join("\n"));
    assert.match(
      service.logs[0],
      new RegExp(`^POST /v1/score 200 [0-9.]+ms in=${body.length}B out=[0-9]+B$`),
    );
    assert.match(service.logs[1], /^POST \/v1\/score 400 [0-9.]+ms in=8B out=[0-9]+B$/);
    // The query string, which may carry data, is not logged.
    assert.match(service.logs[2], /^GET \/v1\/health 200 [0-9.]+ms in=0B out=[0-9]+B$/);
  } finally {
    await service.close();
  }
});
