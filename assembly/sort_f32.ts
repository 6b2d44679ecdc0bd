// Sorting float32 values, for the sliced Wasserstein distances: each direction's
// projections are sorted to match them with the normal quantiles.
//
// LSD radix sort on the bits of the values mapped to order-preserving unsigned keys
// (negative: all bits flipped; otherwise: the sign bit set), three passes of 11 bits,
// stable, O(n) with 3 × 2048 counters. Short arrays use insertion sort. −0 sorts before +0;
// NaN never reaches here (the caller refuses it).

const RADIX_BITS: u32 = 11;
const BUCKETS: i32 = 1 << 11;
const INSERTION_MAX: i32 = 48;

/** Bytes of counters sort_f32 needs: three passes of 2048 u32. */
export const SORT_COUNTS_BYTES: i32 = 3 * BUCKETS * 4;

// @ts-ignore: decorator
@inline function keyOf(bits: u32): u32 {
  return (bits & 0x80000000) ? ~bits : bits | 0x80000000;
}

// @ts-ignore: decorator
@inline function bitsOf(key: u32): u32 {
  return (key & 0x80000000) ? key & 0x7fffffff : ~key;
}

function insertionSort(p: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const value = load<f32>(p + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0 && load<f32>(p + (<usize>j << 2)) > value) {
      store<f32>(p + (<usize>(j + 1) << 2), load<f32>(p + (<usize>j << 2)));
      j--;
    }
    store<f32>(p + (<usize>(j + 1) << 2), value);
  }
}

/**
 * Sorts n float32 values at p ascending; `temp` is scratch for n values and `counts` for
 * SORT_COUNTS_BYTES (each thread passes its own). The sorted values always end at p.
 */
export function sort_f32(p: usize, n: i32, temp: usize, counts: usize): void {
  if (n <= INSERTION_MAX) {
    insertionSort(p, n);
    return;
  }
  memory.fill(counts, 0, SORT_COUNTS_BYTES);
  // Keys in place, and all three histograms in one pass.
  for (let i = 0; i < n; i++) {
    const at = p + (<usize>i << 2);
    const key = keyOf(load<u32>(at));
    store<u32>(at, key);
    for (let pass: u32 = 0; pass < 3; pass++) {
      const digit = (key >>> (pass * RADIX_BITS)) & <u32>(BUCKETS - 1);
      const counter = counts + ((<usize>pass * <usize>BUCKETS + <usize>digit) << 2);
      store<u32>(counter, load<u32>(counter) + 1);
    }
  }
  // Counts to starting offsets.
  for (let pass = 0; pass < 3; pass++) {
    let sum: u32 = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const counter = counts + ((<usize>pass * <usize>BUCKETS + <usize>b) << 2);
      const count = load<u32>(counter);
      store<u32>(counter, sum);
      sum += count;
    }
  }
  let from = p, to = temp;
  for (let pass: u32 = 0; pass < 3; pass++) {
    const base = counts + ((<usize>pass * <usize>BUCKETS) << 2);
    for (let i = 0; i < n; i++) {
      const key = load<u32>(from + (<usize>i << 2));
      const counter = base + (<usize>((key >>> (pass * RADIX_BITS)) & <u32>(BUCKETS - 1)) << 2);
      const slot = load<u32>(counter);
      store<u32>(counter, slot + 1);
      store<u32>(to + (<usize>slot << 2), key);
    }
    const swap = from;
    from = to;
    to = swap;
  }
  // Three passes leave the keys in temp: decode them back into p.
  for (let i = 0; i < n; i++) {
    store<u32>(p + (<usize>i << 2), bitsOf(load<u32>(from + (<usize>i << 2))));
  }
}
