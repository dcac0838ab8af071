;; run(a, b) = print(a + b) + closure()
(module
  (import "" "print" (func $print (param i32) (result i32)))
  (import "" "closure" (func $closure (result i32)))
  (func (export "run") (param $a i32) (param $b i32) (result i32)
    (i32.add (call $print (i32.add (local.get $a) (local.get $b))) (call $closure))))
