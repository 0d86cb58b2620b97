;; One pass over a region of log bytes that finds every position where one of up to 64 needles
;; starts, and counts newlines on the way. A Teddy-style filter (SIMD nibble masks on the four
;; bytes of each needle's fingerprint, 8 buckets) rejects 16 bytes at a time; only blocks where some
;; bucket's fingerprint matches are checked byte by byte against that bucket's needles.
;; The tables are written by needle-scan.ts; this module holds no needle of its own.
;;
;; Memory layout (offsets in bytes), filled by the host:
;;     0  eight 16-byte masks: LO0 HI0 LO1 HI1 LO2 HI2 LO3 HI3 (bit k of LOp[n] = a needle of
;;        bucket k has low nibble n at fingerprint byte p; HIp likewise for the high nibble; a
;;        three-byte needle admits every byte at p = 3)
;;   128  16-byte scratch (the block's bucket bits)
;;   160  8 buckets x (u32 first needle, u32 needle count)
;;  1024  64 needles x (u32 offset of its bytes, u32 length, u32 offset of its fingerprint in it,
;;        u32 first four bytes, u32 mask of them: 0xffffff for a 3-byte needle)
;;  2304  needle bytes (up to 1792)
;;  4096  hits: (u32 needle start, u32 newlines before it since the region start), up to hitCap
;;  DATA  the region to scan, followed by at least 32 bytes the host keeps readable
(module
  (memory (export "memory") 3)
  (global $hits (export "hits") (mut i32) (i32.const 0))
  (global $lines (export "lines") (mut i32) (i32.const 0))

  ;; 1 when the needle at (off, len) occurs at position pos.
  (func $equal (param $pos i32) (param $off i32) (param $len i32) (result i32)
    (local $k i32)
    (loop $next
      (if (i32.ge_u (local.get $k) (local.get $len)) (then (return (i32.const 1))))
      (if (i32.ne
            (i32.load8_u (i32.add (local.get $pos) (local.get $k)))
            (i32.load8_u (i32.add (local.get $off) (local.get $k))))
        (then (return (i32.const 0))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next))
    (i32.const 0))

  ;; The start of a needle of a bucket in `bits` whose fingerprint starts at pos, or -1.
  ;; A needle that would start before `base` (the region start) does not count.
  (func $verify (param $pos i32) (param $bits i32) (param $base i32) (result i32)
    (local $bucket i32) (local $n i32) (local $last i32) (local $entry i32) (local $at i32)
    (block $none
      (loop $buckets
        (br_if $none (i32.eqz (local.get $bits)))
        (local.set $bucket (i32.add (i32.const 160) (i32.shl (i32.ctz (local.get $bits)) (i32.const 3))))
        (local.set $n (i32.load (local.get $bucket)))
        (local.set $last (i32.add (local.get $n) (i32.load offset=4 (local.get $bucket))))
        (block $bucket_done
          (loop $needles
            (br_if $bucket_done (i32.ge_u (local.get $n) (local.get $last)))
            (local.set $entry (i32.add (i32.const 1024) (i32.mul (local.get $n) (i32.const 20))))
            (local.set $at (i32.sub (local.get $pos) (i32.load offset=8 (local.get $entry))))
            ;; Most false matches of the filter differ in the first four bytes: one compare.
            (if (i32.and
                  (i32.ge_u (local.get $at) (local.get $base))
                  (i32.eq (i32.and (i32.load align=1 (local.get $at)) (i32.load offset=16 (local.get $entry)))
                          (i32.load offset=12 (local.get $entry))))
              (then
                (if (call $equal (local.get $at) (i32.load (local.get $entry)) (i32.load offset=4 (local.get $entry)))
                  (then (return (local.get $at))))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $needles)))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        (br $buckets)))
    (i32.const -1))

  ;; Scans [start, end) of the region that begins at base. Adds to $hits/$lines (the host
  ;; resets them). Returns the position it stopped at: `end`, or earlier (a block start) when
  ;; fewer than 16 hit slots are left; the host calls again from there.
  (func (export "scan") (param $base i32) (param $start i32) (param $end i32) (param $hitCap i32) (result i32)
    (local $i i32) (local $at i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t v128)
    (local $nl i32) (local $valid i32) (local $lanes i32) (local $j i32) (local $slot i32)
    (local $low v128) (local $newline v128)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128)
    (local $lo2 v128) (local $hi2 v128) (local $lo3 v128) (local $hi3 v128)
    (local $hitCount i32) (local $lineCount i32)
    ;; Counters in locals: an exported global is a load and a store on every block.
    (local.set $hitCount (global.get $hits))
    (local.set $lineCount (global.get $lines))
    ;; The masks live in registers for the whole loop (V8 does not hoist loads from memory).
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (local.set $lo3 (v128.load (i32.const 96)))
    (local.set $hi3 (v128.load (i32.const 112)))
    (local.set $low (i8x16.splat (i32.const 15)))
    (local.set $newline (i8x16.splat (i32.const 10)))
    (local.set $i (local.get $start))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (if (i32.gt_u (i32.add (local.get $hitCount) (i32.const 16)) (local.get $hitCap))
          (then
            (global.set $hits (local.get $hitCount))
            (global.set $lines (local.get $lineCount))
            (return (local.get $i))))
        (local.set $v0 (v128.load (local.get $i)))
        (local.set $v1 (v128.load offset=1 align=1 (local.get $i)))
        (local.set $v2 (v128.load offset=2 align=1 (local.get $i)))
        (local.set $v3 (v128.load offset=3 align=1 (local.get $i)))
        (local.set $t
          (v128.and
            (v128.and
              (v128.and
                (i8x16.swizzle (local.get $lo0) (v128.and (local.get $v0) (local.get $low)))
                (i8x16.swizzle (local.get $hi0) (i8x16.shr_u (local.get $v0) (i32.const 4))))
              (v128.and
                (i8x16.swizzle (local.get $lo1) (v128.and (local.get $v1) (local.get $low)))
                (i8x16.swizzle (local.get $hi1) (i8x16.shr_u (local.get $v1) (i32.const 4)))))
            (v128.and
              (v128.and
                (i8x16.swizzle (local.get $lo2) (v128.and (local.get $v2) (local.get $low)))
                (i8x16.swizzle (local.get $hi2) (i8x16.shr_u (local.get $v2) (i32.const 4))))
              (v128.and
                (i8x16.swizzle (local.get $lo3) (v128.and (local.get $v3) (local.get $low)))
                (i8x16.swizzle (local.get $hi3) (i8x16.shr_u (local.get $v3) (i32.const 4)))))))
        (local.set $nl (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $newline))))
        (local.set $valid (i32.const 0xffff))
        (if (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end))
          (then
            (local.set $valid (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $i))) (i32.const 1)))
            (local.set $nl (i32.and (local.get $nl) (local.get $valid)))))
        (if (v128.any_true (local.get $t))
          (then
            (v128.store (i32.const 128) (local.get $t))
            (local.set $lanes (i32.and (local.get $valid)
              (i8x16.bitmask (i8x16.ne (local.get $t) (v128.const i64x2 0 0)))))
            (block $lanes_done
              (loop $each_lane
                (br_if $lanes_done (i32.eqz (local.get $lanes)))
                (local.set $j (i32.ctz (local.get $lanes)))
                (local.set $at (call $verify (i32.add (local.get $i) (local.get $j)) (i32.load8_u offset=128 (local.get $j)) (local.get $base)))
                (if (i32.ge_s (local.get $at) (i32.const 0))
                  (then
                    (local.set $slot (i32.add (i32.const 4096) (i32.shl (local.get $hitCount) (i32.const 3))))
                    (i32.store (local.get $slot) (local.get $at))
                    (i32.store offset=4 (local.get $slot)
                      (i32.add (local.get $lineCount)
                        (i32.popcnt (i32.and (local.get $nl) (i32.sub (i32.shl (i32.const 1) (local.get $j)) (i32.const 1))))))
                    (local.set $hitCount (i32.add (local.get $hitCount) (i32.const 1)))))
                (local.set $lanes (i32.and (local.get $lanes) (i32.sub (local.get $lanes) (i32.const 1))))
                (br $each_lane)))))
        (local.set $lineCount (i32.add (local.get $lineCount) (i32.popcnt (local.get $nl))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (global.set $hits (local.get $hitCount))
    (global.set $lines (local.get $lineCount))
    (local.get $end))
)
