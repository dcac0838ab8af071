// Every kernel defines `long long run(void)`: the whole workload, returning
// a checksum so native, mywasm and node runs can be compared. The wasm build
// exports `run`; the native build links bench/native_main.c.
#pragma once
#if defined(__wasm__)
#define KERNEL_EXPORT __attribute__((export_name("run")))
#else
#define KERNEL_EXPORT
#endif
