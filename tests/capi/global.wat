;; Imported and own globals, read and written from both sides.
(module
  (import "" "const i32" (global $in_const i32))
  (import "" "var i64" (global $in_var (mut i64)))
  (global $counter (export "counter") (mut i32) (i32.const 10))
  (global (export "pi") f64 (f64.const 3.25))
  (func (export "get const") (result i32) (global.get $in_const))
  (func (export "get var") (result i64) (global.get $in_var))
  (func (export "set var") (param i64) (global.set $in_var (local.get 0)))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter)))
