;; Call-heavy loops for timing calls (bench/ab_time.py): "direct" calls a
;; tiny function N times, "indirect" the same through call_indirect,
;; "chain" one that loads through its argument, each call's argument the
;; last one's result (call_loop_native.c is the same loop in C).
(module
  (memory 1)
  (type $ii (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $inc)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "direct") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (call $inc (local.get 1)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func (export "indirect") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (call_indirect (type $ii) (local.get 1) (i32.const 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func $next (param $p i32) (param $k i32) (result i32)
    (i32.load (i32.add (local.get $p) (i32.and (local.get $k) (i32.const 4)))))
  (func (export "chain") (param $n i32) (result i32) (local $p i32)
    (i32.store (i32.const 64) (i32.const 128))
    (i32.store (i32.const 68) (i32.const 128))
    (i32.store (i32.const 128) (i32.const 64))
    (i32.store (i32.const 132) (i32.const 64))
    (local.set $p (i32.const 64))
    (loop $l
      (local.set $p (call $next (local.get $p) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $p)))
