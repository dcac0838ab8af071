// Recursive Fibonacci: call-heavy, no memory traffic.
#include "kernel.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

// volatile keeps the compiler from folding the recursion away
static volatile int input = 38;

KERNEL_EXPORT long long run(void) { return fib(input); }
