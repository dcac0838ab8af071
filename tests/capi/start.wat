;; The start function traps, so instantiation fails.
(module
  (func $start (call $boom))
  (func $boom (unreachable))
  (start $start))
