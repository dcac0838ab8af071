// Replays fuzz inputs through the differential check without libFuzzer, so
// CTest runs the seed corpus with the ordinary build:
//   fuzz_replay [--verbose] [--save-failures DIR] [--generated N] [--seed S] [FILE|DIR ...]
// --verbose prints what each function did. --save-failures writes each
// failing input to DIR (to debug it, or keep it in the corpus). --generated N also runs N inputs made by a fixed pseudo-random sequence
// (the same on every run; --seed S picks another sequence, for longer runs
// by hand). Prints "N passed, N failed" (a failure is a
// difference between the fused and the plain translation, shown), and how
// many generated modules failed to instantiate, which must be none: the
// generator only makes valid modules.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "differential.hpp"

namespace {

namespace fs = std::filesystem;
using namespace mywasm::fuzz;

struct Tally {
  int passed = 0, failed = 0, not_run = 0;
  bool verbose = false;
  std::string save_dir;
  void check(const std::vector<uint8_t>& input, const std::string& what) {
    DiffOutcome r;
    for (const Pairing& p : pairings()) {
      const std::string& name = p.name;
      r = run_differential(input.data(), input.size(), p.reference, p.candidate);
      if (r.mismatch) {
        ++failed;
        std::printf("FAIL %s (%s)\n%s\n", what.c_str(), name.c_str(), r.mismatch->c_str());
        if (!save_dir.empty()) {
          std::string file = what;
          for (char& c : file) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
          std::ofstream(fs::path(save_dir) / file, std::ios::binary)
              .write(reinterpret_cast<const char*>(input.data()), std::streamsize(input.size()));
        }
        return;
      }
    }
    if (verbose) std::printf("%s\n%s", what.c_str(), r.transcript.c_str());
    if (!r.ran) {
      ++not_run;
      std::printf("did not instantiate: %s\n%s", what.c_str(), r.transcript.c_str());
    }
    ++passed;
  }
};

std::vector<uint8_t> read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  Tally tally;
  int generated = 0;
  uint64_t seed = 20261201;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--verbose")) {
      tally.verbose = true;
      continue;
    }
    if (!std::strcmp(argv[i], "--save-failures") && i + 1 < argc) {
      tally.save_dir = argv[++i];
      continue;
    }
    if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
      continue;
    }
    if (!std::strcmp(argv[i], "--generated") && i + 1 < argc) {
      generated = std::atoi(argv[++i]);
      continue;
    }
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) tally.check(read(e.path()), e.path().string());
    } else {
      tally.check(read(p), p.string());
    }
  }
  std::mt19937_64 rng(seed);
  for (int n = 0; n < generated; ++n) {
    std::vector<uint8_t> input(64 + rng() % 2048);
    for (auto& b : input) b = uint8_t(rng());
    if (input[0] == 0) input[0] = 1;  // not "\0asm": a generator input
    tally.check(input, "generated input " + std::to_string(n));
  }
  std::printf("%d generated or corpus inputs did not instantiate\n", tally.not_run);
  std::printf("%d passed, %d failed\n", tally.passed, tally.failed);
  return tally.failed == 0 && tally.not_run == 0 ? 0 : 1;
}
