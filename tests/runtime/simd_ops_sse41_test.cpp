// simd_ops_test.cpp again, with the SSE4.1 implementation of
// interp/simd_ops.hpp forced on for this translation unit only (the default
// build targets SSE2). The header's inline namespace keeps its definitions
// apart from the portable ones of the other translation unit.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#pragma GCC push_options
#pragma GCC target("sse4.1")
#define MYWASM_SIMD_FORCE_SSE41
#include "interp/simd_ops.hpp"
#pragma GCC pop_options

#define SIMD_SUITE SimdOpsSse41
#include "simd_ops_test.cpp"
#endif
