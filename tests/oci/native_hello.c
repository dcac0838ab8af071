// The ordinary Linux image of the containerd test and benchmark: a static
// native hello, run through runc.
#include <stdio.h>

int main(void) {
  puts("hello from a native container");
  return 0;
}
