// What Module::compile produces: the decoded, validated module, immutable
// and shared by every instance made from it.
#pragma once
#include <memory>

#include "module.hpp"
#include "mywasm/mywasm.hpp"

namespace mywasm {

struct ModuleImpl {
  ir::Module module;

  // Wraps a compiled module in the public handle (Module's constructor is
  // private; ModuleImpl is its friend).
  static mywasm::Module to_handle(std::shared_ptr<const ModuleImpl> impl) {
    mywasm::Module m;
    m.impl_ = std::move(impl);
    return m;
  }
};

// Module::compile on bytes already wrapped (Module::compile_file's, with
// the sections it left out).
Result<mywasm::Module> compile_module_bytes(ir::ModuleBytes bytes);

}  // namespace mywasm
