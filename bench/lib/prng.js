// Seeded pseudo-random numbers for the benchmark generator.
// mulberry32: 32-bit state, good enough spread for synthetic logs, and identical on every
// platform because it only uses 32-bit integer arithmetic (Math.imul, >>>).

/** Returns a function that yields floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';

/** Convenience helpers over one stream of random numbers. */
export class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  /** Integer in [lo, hi] (inclusive). */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** One element of `arr`. */
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }
  /** True with probability p. */
  chance(p) {
    return this.next() < p;
  }
  /** `n` lowercase hex digits. */
  hex(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[Math.floor(this.next() * 16)];
    return s;
  }
  /** Exponentially distributed gap with the given mean. */
  exp(mean) {
    return -Math.log(1 - this.next()) * mean;
  }
  /** Index chosen with probability proportional to `weights[i]` (given their `total`). */
  weighted(weights, total) {
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
  /** Fisher-Yates shuffle of a copy of `arr`. */
  shuffled(arr) {
    const out = arr.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
