;; Imports and exports of each kind (one memory only: wasm 2.0).
(module
  (import "host" "f" (func (param i32 f64) (result i64)))
  (import "host" "g" (global (mut f32)))
  (import "host" "t" (table 1 funcref))
  (func (export "func") (param i32 i64 f32) (result f64 i32) (f64.const 0) (i32.const 0))
  (global (export "global") i64 (i64.const 7))
  (table (export "table") 3 8 externref)
  (memory (export "memory") 2 5))
