// The native baseline for bench/startup.py: the same greeting as
// tests/programs/rust/hello.rs, from a native C program.
#include <stdio.h>

int main(void) {
  puts("你好,Docker+Wasm!");
  return 0;
}
