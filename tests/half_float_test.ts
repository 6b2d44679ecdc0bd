import assert from "node:assert/strict";
import { decodeBfloat16, decodeFloat16 } from "../src/io/half_float.ts";
import { assertSameValues } from "./_io_fixtures.ts";

Deno.test("decodeFloat16 matches the runtime's Float16Array on all 65536 patterns", () => {
  // Float16Array is an independent reference; without it the explicit cases below still run.
  const Reference = (globalThis as { Float16Array?: new (b: ArrayBuffer) => ArrayLike<number> })
    .Float16Array;
  if (Reference === undefined) {
    console.warn("skipped: this runtime has no Float16Array to compare against");
    return;
  }
  const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
  assertSameValues(decodeFloat16(bits), new Reference(bits.buffer), "float16 pattern");
});

Deno.test("decodeFloat16 gives the exact values of edge patterns", () => {
  const cases: [number, number][] = [
    [0x0000, 0],
    [0x8000, -0],
    [0x0001, 2 ** -24], // smallest subnormal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0400, 2 ** -14], // smallest normal
    [0x3c00, 1],
    [0x3c01, 1 + 2 ** -10],
    [0xc000, -2],
    [0x7bff, 65504],
    [0xfbff, -65504],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  const out = decodeFloat16(Uint16Array.from(cases, ([b]) => b));
  assertSameValues(out, cases.map(([, v]) => v), "float16");
  for (const nan of [0x7c01, 0x7e00, 0xfe00, 0x7fff]) {
    assert.ok(Number.isNaN(decodeFloat16(new Uint16Array([nan]))[0]), `0x${nan.toString(16)}`);
  }
});

Deno.test("decodeBfloat16 gives the exact values of edge patterns", () => {
  const cases: [number, number][] = [
    [0x0000, 0],
    [0x8000, -0],
    [0x3f80, 1],
    [0xc000, -2],
    [0x0001, 2 ** -133], // smallest subnormal
    [0x7f7f, (2 - 2 ** -7) * 2 ** 127], // largest finite
    [0x7f80, Infinity],
    [0xff80, -Infinity],
  ];
  const out = decodeBfloat16(Uint16Array.from(cases, ([b]) => b));
  assertSameValues(out, cases.map(([, v]) => v), "bfloat16");
  assert.ok(Number.isNaN(decodeBfloat16(new Uint16Array([0x7fc0]))[0]), "0x7fc0 is NaN");
});
