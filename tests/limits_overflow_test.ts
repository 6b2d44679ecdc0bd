/**
 * Finite activations too large for the kernels' float32 arithmetic are the client's 422,
 * never the service's 500, and never a `null` in an answer.
 */

import assert from "node:assert/strict";
import { createApp } from "../deploy/app.ts";
import { assertFiniteResult } from "../deploy/finite_result.ts";
import { HttpError } from "../deploy/http_error.ts";
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

Deno.test("activations whose projections overflow float32 are 422 naming the sample", async () => {
  // Regression: values of 3e38 were a 500 (the kernels' loss was Infinity and the response's
  // finite check failed); then a 400 once the library refused them.
  const big = [3e38, -3e38, 3e38, 3e38];
  for (const [path, json] of [["/v1/score", false], ["/v1/grad", false], ["/v1/grad", true]]) {
    const res = await send(path as string, big, json as boolean);
    const text = await res.text();
    const why = `${path} as ${json ? "JSON" : "raw"}`;
    assert.equal(res.status, 422, `${why}: ${text}`);
    const body = JSON.parse(text);
    assert.equal(body.error, "non_finite", why);
    assert.match(body.detail, /overflows: sample 0 has norm 4\.243e\+38/, why);
    assert.doesNotMatch(text, /null/, why);
  }
});

Deno.test("large finite activations are answered with finite numbers", async () => {
  // Regression: covDistance of values of 1e20 was Infinity, and the answer a 500.
  const cases: [string, number[], boolean][] = [
    ["/v1/score", [1e20, -1e20, 1e20, 1e20], false],
    ["/v1/score", [1e30, -1e30, 2, 1e30], true],
    ["/v1/grad", [1e30, -1e30, 2, 1e30], false],
    ["/v1/grad?exact=true", [3e38, -3e38, 3e38, 3e38], false],
    ["/v1/score?backend=js", [3e38, -3e38, 3e38, 3e38], false],
  ];
  for (const [path, values, json] of cases) {
    const res = await send(path, values, json);
    const text = await res.text();
    assert.equal(res.status, 200, `${path} ${values[0]}: ${text}`);
    assert.doesNotMatch(text, /null|Infinity|NaN/, path);
  }
});

Deno.test("any non-finite number in a result is the request's 422, naming where", () => {
  const data = new Float32Array([1e20, -1e20]);
  const cases: [unknown, RegExp][] = [
    [{ sw1: 1, covDistance: Infinity }, /at covDistance \(Infinity\).*1\.000e\+20/],
    [{ loss: 1, grad: new Float32Array([0, NaN]) }, /at grad\[1\] \(NaN\)/],
    [{ perProjection: { w1: [1, -Infinity] } }, /at perProjection\.w1\[1\]/],
  ];
  for (const [result, detail] of cases) {
    assert.throws(
      () => assertFiniteResult(result, data, "score()"),
      (err: unknown) =>
        err instanceof HttpError && err.status === 422 && err.code === "non_finite" &&
        detail.test(err.message),
    );
  }
  assertFiniteResult({ sw1: 1, unitMean: [0, 2], grad: new Float32Array(3) }, data, "score()");
});
