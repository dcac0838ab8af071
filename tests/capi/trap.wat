;; A host function that fails, and a trap of wasm's own.
(module
  (import "" "fail" (func $fail (result i32)))
  (func (export "via host") (result i32) (call $fail))
  (func $deep (result i32) (unreachable))
  (func (export "unreachable") (result i32) (call $deep)))
