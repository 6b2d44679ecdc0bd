/**
 * Finite activations too large for the kernels' float32 arithmetic are the client's 422,
 * never the service's 500, and never a `null` in an answer.
 */

import assert from "node:assert/strict";
import { createApp } from "../deploy/app.ts";
import { DEFAULT_LIMITS } from "../deploy/limits.ts";
import { float32Bytes } from "./_service.ts";

const app = createApp({ limits: DEFAULT_LIMITS, corsOrigins: [], log: undefined, basePath: "" });

async function send(path: string, values: number[], json = false): Promise<Response> {
  const body = json
    ? JSON.stringify({ data: [values.slice(0, 2), values.slice(2)] })
    : float32Bytes(new Float32Array(values));
  const query = json ? "" : `${path.includes("?") ? "&" : "?"}shape=2,2`;
  return await app.fetch(
    new Request(`http://localhost${path}${query}`, {
      method: "POST",
      headers: { "content-type": json ? "application/json" : "application/octet-stream" },
      body,
    }),
  );
}

Deno.test("activations that overflow float32 in the kernels are 422 naming the field", async () => {
  // Regression: each of these was a 500, the response's finite check failing on covDistance,
  // per or the loss, which the kernels computed as Infinity from finite input.
  const cases: [string, number[], boolean, RegExp][] = [
    ["/v1/score", [1e20, -1e20, 1e20, 1e20], false, /at covDistance \(Infinity\).*1\.000e\+20/],
    ["/v1/score", [1e30, -1e30, 2, 1e30], true, /at covDistance/],
    ["/v1/score", [3e38, -3e38, 3e38, 3e38], false, /at per \(Infinity\)/],
    ["/v1/grad", [3e38, -3e38, 3e38, 3e38], false, /perLossAndGrad\(\).* at loss \(Infinity\)/],
    ["/v1/grad?projections=8", [3e38, -3e38, 3e38, 3e38], true, /at loss/],
  ];
  for (const [path, values, json, detail] of cases) {
    const res = await send(path, values, json);
    const text = await res.text();
    const why = `${path} ${values[0]} as ${json ? "JSON" : "raw"}`;
    assert.equal(res.status, 422, `${why}: ${text}`);
    const body = JSON.parse(text);
    assert.equal(body.error, "non_finite", why);
    assert.match(body.detail, detail, why);
    assert.doesNotMatch(text, /null/, why);
  }
});

Deno.test("values just below the overflow are answered, finite", async () => {
  for (const path of ["/v1/score", "/v1/grad"]) {
    const res = await send(path, [1e19, -1e19, 1e19, 1e19]);
    const text = await res.text();
    assert.equal(res.status, 200, `${path}: ${text}`);
    assert.doesNotMatch(text, /null|Infinity|NaN/, path);
  }
});
