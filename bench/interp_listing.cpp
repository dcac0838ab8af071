// Developer tool: runs an export of a wasm module in the interpreter, then
// prints the translated code of every function that was called (the
// interpreter translates lazily), so hot loops can be read instruction by
// instruction.
//
//   interp_listing K.wasm [export=run] [--plain] [function-index ...]
//
// --plain: the plain translation that compiled code is made from (the
// interpreter with Config::interp_fusions off).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s K.wasm [export] [--plain] [function-index ...]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string name = argc > 2 ? argv[2] : "run";
  std::set<uint32_t> only;
  mywasm::Config config;
  config.tier = mywasm::Config::Tier::Interpreter;
  for (int i = 3; i < argc; ++i) {
    if (std::string(argv[i]) == "--plain") config.interp_fusions = false;
    else only.insert(uint32_t(std::stoul(argv[i])));
  }

  mywasm::Engine engine(config);
  auto module = mywasm::Module::compile(engine, bytes);
  if (!module) {
    std::fprintf(stderr, "compile: %s\n", module.error().message.c_str());
    return 1;
  }
  mywasm::Store store(engine);
  mywasm::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().message.c_str());
    return 1;
  }
  auto func = instance->func(store, name);
  if (!func) {
    std::fprintf(stderr, "no exported function %s\n", name.c_str());
    return 1;
  }
  auto result = func->call(store, {});
  if (!result) std::fprintf(stderr, "call: %s\n", result.error().message.c_str());
  for (const auto& f : store.impl().funcs) {
    if (!f->compiled || (!only.empty() && !only.count(f->func_index))) continue;
    const mywasm::CompiledFunc& cf = *f->compiled;
    std::printf("== func %u: params %u locals %u consts %zu frame %u\n", f->func_index, cf.num_params,
                cf.num_locals, cf.consts.size(), cf.frame_slots);
    std::printf("%s\n", mywasm::interp::disassemble(cf).c_str());
  }
  return 0;
}
