;; Calls the host's "hello" once per run.
(module
  (import "" "hello" (func $hello))
  (func (export "run") (call $hello)))
