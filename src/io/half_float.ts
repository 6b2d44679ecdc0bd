/**
 * Exact widening of IEEE 754 binary16 and bfloat16 bit patterns to float32.
 *
 * Every binary16 and every bfloat16 value is representable in float32, so no rounding happens
 * here: subnormals, −0, ±65504, infinities and NaN all come out as the same value.
 *
 * @module
 */

// A 65536-entry table turns decoding into one load per element; it is 256 KiB and built the
// first time a float16 file is read, not at import.
let float16Table: Float32Array | undefined;

function buildFloat16Table(): Float32Array {
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) {
      // Subnormal (or zero): no implicit leading 1, fixed scale 2^-24. `sign * 0` keeps −0.
      table[bits] = sign * mantissa * 2 ** -24;
    } else if (exponent === 0x1f) {
      table[bits] = mantissa === 0 ? sign * Infinity : NaN;
    } else {
      // Normal: (1024 + m) · 2^(e − 15 − 10); both factors are exact in float64 and float32.
      table[bits] = sign * (1024 + mantissa) * 2 ** (exponent - 25);
    }
  }
  return table;
}

/**
 * Widens float16 bit patterns to float32 values.
 *
 * @param bits The raw binary16 patterns, already in host byte order.
 * @returns A new array with the same length, each value exactly equal to its float16 input.
 *
 * @example Decode 1.0, −0 and the largest finite float16
 * ```ts
 * import { decodeFloat16 } from "./half_float.ts";
 *
 * const out = decodeFloat16(new Uint16Array([0x3c00, 0x8000, 0x7bff]));
 * if (out[0] !== 1 || !Object.is(out[1], -0) || out[2] !== 65504) throw new Error("wrong");
 * ```
 */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  float16Table ??= buildFloat16Table();
  const table = float16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/**
 * Widens bfloat16 bit patterns to float32 values.
 *
 * bfloat16 is the upper half of a float32, so each pattern shifted left by 16 bits is the
 * float32 with the same value.
 *
 * @param bits The raw bfloat16 patterns, already in host byte order.
 * @returns A new array with the same length, each value exactly equal to its bfloat16 input.
 *
 * @example Decode 1.0 and −2.0
 * ```ts
 * import { decodeBfloat16 } from "./half_float.ts";
 *
 * const out = decodeBfloat16(new Uint16Array([0x3f80, 0xc000]));
 * if (out[0] !== 1 || out[1] !== -2) throw new Error("wrong");
 * ```
 */
export function decodeBfloat16(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}
