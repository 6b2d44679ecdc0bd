/**
 * Fuzzing the service's request parsing in-process: generated requests with every method,
 * path, option, media type, Accept and lying length, and bodies that are mutated files or
 * arbitrary JSON. No answer is a 5xx, every refusal is JSON `{error, detail}`, no success holds
 * a null. `PER_FUZZ_CASES` runs longer; a failure prints the seed for `PER_FUZZ_SEED`.
 */

import assert from "node:assert/strict";
import { describeFuzz, fuzz } from "./_fuzz.ts";

const CASES = 8_000;

Deno.test("fuzz: each generated request is answered below 500, errors as JSON", async () => {
  const report = await fuzz("requests", CASES);
  console.log(describeFuzz(report));
  assert.ok(report.cases >= Math.min(CASES, Number(Deno.env.get("PER_FUZZ_CASES") ?? CASES)));
  // The page's plots and a first compile cost up to 1.5 s on a busy machine; a hang is 20 s.
  assert.ok(report.slowestMs < 5_000, describeFuzz(report));
});
