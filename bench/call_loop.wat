;; Call-heavy loops for timing calls (bench/ab_time.py): "direct" calls a
;; tiny function N times, "indirect" the same through call_indirect.
(module
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
    (local.get 1)))
