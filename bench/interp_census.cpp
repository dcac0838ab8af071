// Developer tool: translates every wasm-defined function of each module
// (with the interpreter's fused forms, or --plain) and prints how often each
// handler kind is emitted: a static count over a corpus (see
// bench/corpus.py, which gathers the corpus and groups kinds by family).
//
//   interp_census [--plain] FILE.wasm ...
//   interp_census --handler-addresses
//
// Imports are satisfied with stand-ins (functions that trap, fresh
// memories, tables and globals), so the modules are instantiated but none
// of their code runs, start functions excepted. Output, tab-separated:
//   module PATH FUNCS INSTRUCTIONS      per module (or: skip PATH WHY)
//   kind COUNT NAME                     per handler kind, over all modules
//                                       (every kind, 0 for those never emitted)
// --handler-addresses prints each handler's code address as a file offset
// of this executable (`handler ADDRESS NAME`): with `nm` it places the
// handlers inside the interpreter loop, which is the same code in every
// binary of a build (bench/interp_profile.py uses it).
#include <dlfcn.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "interp/code.hpp"
#include "mywasm/mywasm.hpp"
#include "runtime/store.hpp"

using namespace mywasm;

static int print_handler_addresses() {
  for (const auto& [address, h] : interp::all_handler_infos()) {
    Dl_info where{};
    if (!dladdr(address, &where)) return 1;
    const auto offset = reinterpret_cast<uintptr_t>(address) - reinterpret_cast<uintptr_t>(where.dli_fbase);
    std::printf("handler\t0x%llx\t%s\n", (unsigned long long)offset, h.name.c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  bool plain = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--plain") plain = true;
    else if (a == "--handler-addresses") return print_handler_addresses();
    else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s [--plain] FILE.wasm ...\n", argv[0]);
    return 2;
  }
  std::map<std::string, uint64_t> kinds;
  mywasm::Config config;
  config.tier = mywasm::Config::Tier::Interpreter;
  mywasm::Engine engine(config);
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto module = mywasm::Module::compile(engine, bytes);
    if (!module) {
      std::printf("skip\t%s\tcompile: %s\n", path.c_str(), module.error().message.c_str());
      continue;
    }
    mywasm::Store store(engine);
    mywasm::Linker linker(engine);
    for (const ImportDesc& imp : module->imports()) {
      switch (imp.kind) {
        case ExternKind::Func:
          linker.define_func(store, imp.module, imp.name, imp.func,
                             [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                               return Trap{Trap::Kind::Host, "census stand-in", 0, {}};
                             });
          break;
        case ExternKind::Memory: linker.define(imp.module, imp.name, mywasm::Memory::create(store, imp.memory)); break;
        case ExternKind::Table: linker.define(imp.module, imp.name, mywasm::Table::create(store, imp.table)); break;
        case ExternKind::Global:
          linker.define(imp.module, imp.name, mywasm::Global::create(store, imp.global, Value::zero(imp.global.type)));
          break;
      }
    }
    auto instance = linker.instantiate(store, *module);
    if (!instance) {
      std::printf("skip\t%s\tinstantiate: %s\n", path.c_str(), instance.error().message.c_str());
      continue;
    }
    uint64_t funcs = 0, instrs = 0;
    for (const auto& f : store.impl().funcs) {
      if (f->is_host() || !f->instance) continue;
      auto cf = interp::translate(store.impl(), *f, !plain);
      ++funcs;
      const std::vector<uint64_t>& code = cf->code;
      for (size_t i = 0; i < code.size();) {
        const interp::HandlerInfo* h = interp::handler_info(reinterpret_cast<const void*>(code[i]));
        if (!h) {
          std::fprintf(stderr, "%s: unknown handler word in function %u\n", path.c_str(), f->func_index);
          return 1;
        }
        ++kinds[h->name];
        ++instrs;
        i += h->words ? h->words : 3 + code[i + 2];  // br_table: index, count, targets
      }
    }
    std::printf("module\t%s\t%llu\t%llu\n", path.c_str(), (unsigned long long)funcs, (unsigned long long)instrs);
  }
  for (const auto& [address, h] : interp::all_handler_infos()) kinds.try_emplace(h.name, 0);
  for (const auto& [name, n] : kinds) std::printf("kind\t%llu\t%s\n", (unsigned long long)n, name.c_str());
  return 0;
}
