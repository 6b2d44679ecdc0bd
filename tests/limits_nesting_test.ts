/**
 * Deeply nested JSON is refused by a scan of the bytes before any parser builds the tree:
 * quickly, with no memory for the arrays it would have made, and the service goes on.
 */

import assert from "node:assert/strict";
import { createApp } from "../deploy/app.ts";
import { DEFAULT_LIMITS } from "../deploy/limits.ts";
import { MAX_JSON_DEPTH } from "../src/io/mod.ts";
import { describeFootprint, footprint } from "./_footprint.ts";

const MiB = 2 ** 20;

const app = createApp({ limits: DEFAULT_LIMITS, corsOrigins: [], log: undefined, basePath: "" });

async function send(body: string | Uint8Array<ArrayBuffer>): Promise<[number, string]> {
  const res = await app.fetch(
    new Request("http://localhost/v1/score", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
  const answer = await res.json();
  return [res.status, `${answer.error}: ${answer.detail}`];
}

Deno.test("deeply nested JSON is a 400 before parsing, at no cost in memory", async () => {
  const deep = 100_000;
  const four = new Uint8Array(4 * MiB).fill(0x5b);
  const bodies: [string, () => string | Uint8Array<ArrayBuffer>][] = [
    // Closed, 4 MiB of "[" would be four million arrays for JSON.parse, over 200 MB.
    ["4 MiB of [", () => four],
    ["data nested 100000 deep", () => `{"data": ${"[".repeat(deep)}1${"]".repeat(deep)}}`],
    ["a bare array nested 100000 deep", () => `${"[".repeat(deep)}1${"]".repeat(deep)}`],
    ["an option nested in objects", () => `{"data": [[1]], "seed": ${'{"a":'.repeat(deep)}1}`],
    ["closing brackets first", () => `${"]".repeat(deep)}${"[".repeat(deep)}`],
  ];
  for (const [what, body] of bodies) {
    let detail = "";
    const cost = await footprint(5, async () => {
      const [status, text] = await send(body());
      assert.equal(status, 400, `${what}: ${text}`);
      detail = text;
    });
    assert.match(detail, /^invalid_json: /, what);
    // Each request copies its body on the way in (the Request, its chunks, the joined bytes:
    // about 8 MiB a time here, not yet collected); a parsed tree would be hundreds of MiB.
    assert.ok(cost.rssMiB < 64, `${what}: ${describeFootprint(cost)}`);
    assert.ok(cost.slowestMs < 1_000, `${what}: ${describeFootprint(cost)}`);
    console.log(`${what}: ${detail.slice(0, 90)}; ${describeFootprint(cost)} over 5 requests`);
  }
});

Deno.test("nesting up to the readers' depth is read, one level more is not", async () => {
  const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
  // Depth MAX_JSON_DEPTH is a rank-32 tensor of one value: readable JSON, a shape the flat
  // layout refuses.
  const [atLimit, atText] = await send(`{"data": ${nested(MAX_JSON_DEPTH)}}`);
  assert.equal(atLimit, 400, atText);
  assert.match(atText, /^bad_shape: .*rank 32/);
  const [over, overText] = await send(`{"data": ${nested(MAX_JSON_DEPTH + 1)}}`);
  assert.equal(over, 400, overText);
  assert.match(overText, /^invalid_json: .*deeper than 33 levels/);
  // Brackets inside strings do not count.
  const [text, textText] = await send(
    `{"data": [[1, 2]], "layout": "${"[".repeat(1000)}"}`,
  );
  assert.equal(text, 400, textText);
  assert.match(textText, /layout/);
});
