;; A funcref table with $inc at slot 1; call_indirect through it; a
;; funcref parameter.
(module
  (type $i_i (func (param i32) (result i32)))
  (table (export "table") 2 10 funcref)
  (func $inc (export "inc") (type $i_i) (i32.add (local.get 0) (i32.const 1)))
  (elem (i32.const 1) $inc)
  (func (export "call_indirect") (param $arg i32) (param $slot i32) (result i32)
    (call_indirect (type $i_i) (local.get $arg) (local.get $slot)))
  (func (export "call_ref") (param $f funcref) (param $arg i32) (result i32)
    (table.set 0 (i32.const 0) (local.get $f))
    (call_indirect (type $i_i) (local.get $arg) (i32.const 0))))
