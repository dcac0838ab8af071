// Runs one fuzz input on two engines and compares what every exported
// function does: its results or trap, then the exported memory and
// globals. The input is a module if it starts with "\0asm" (mutated
// modules), else the choices of fuzz/wasm_gen.hpp's generator. Used by the
// fuzz targets and by the seed-corpus replay that CTest runs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mywasm/mywasm.hpp"

namespace mywasm::fuzz {

struct DiffOutcome {
  bool ran = false;                     // the module compiled and instantiated on the reference
  std::optional<std::string> mismatch;  // first difference, described; nullopt if none
  std::string transcript;               // what the reference did, call by call
};

// `reference` and `candidate` differ in what is tested (fusions, tier); the
// step limit and call depth should be set in both so every call ends.
DiffOutcome run_differential(const uint8_t* data, size_t size, const Config& reference, const Config& candidate);

// The reference: the plain interpreter translation (Config::interp_fusions
// off), the simplest execution there is.
Config plain_config();
// What is compared with it: the fused interpreter translation and compiled
// code (Config::Tier::Jit).
Config fused_config();
Config jit_config();
// Fuel counting on (Config::consume_fuel): every run calls with the same
// fuel and the transcript records what is left, so every tier and
// translation must count the same instructions.
Config with_fuel(Config c);

// One comparison, named for reports: the candidate must do what the
// reference does.
struct Pairing {
  std::string name;
  Config reference, candidate;
};
const std::vector<Pairing>& pairings();

}  // namespace mywasm::fuzz
