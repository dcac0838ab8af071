// Runs WebAssembly spec test scripts (.wast) against the engine through the
// public embedding API, as the official test suite expects of a runtime.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mywasm/mywasm.hpp"

namespace mywasm::spectest {

struct FileResult {
  std::string path;
  uint32_t passed = 0;
  uint32_t failed = 0;
  // Commands whose failure is due to a feature the engine does not have yet
  // (e.g. SIMD): counted in `failed` too, and named here so the report says so.
  uint32_t unsupported = 0;
  std::vector<std::string> failures;  // "line N: what happened"
  std::string fatal;                  // the script itself could not be read/parsed
};

struct Options {
  bool verbose = false;  // list every failure
  Config engine;         // the engine each script runs on
  // Each command (a call, an instantiation) may run this long before it is
  // interrupted and fails: an infinite loop in a script is a failure, not a
  // hang. 0: no limit.
  uint64_t command_time_limit_ms = 10000;
  // Set: each script's store gets this much fuel (Config::consume_fuel), so
  // the suite checks that fuel accounting changes no result.
  std::optional<uint64_t> fuel;
};

FileResult run_wast_file(const std::string& path, const Options& options);

// Expands directories to their *.wast files (sorted) and keeps files as given.
std::vector<std::string> collect_wast_files(const std::vector<std::string>& paths, std::string* error);

}  // namespace mywasm::spectest
