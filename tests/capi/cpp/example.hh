// Helpers shared by the C++ API example tests: loading a module file,
// checks that end the program with a message.
#ifndef MYWASM_TEST_EXAMPLE_HH
#define MYWASM_TEST_EXAMPLE_HH
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <wasm.hh>

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                              \
    }                                                                            \
  } while (0)

// The bytes of `path` (a .wasm file beside the test).
inline wasm::vec<byte_t> read_binary(const char* path) {
  std::ifstream file(path, std::ios::binary);
  CHECK(file);
  file.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(file.tellg());
  file.seekg(0);
  auto bytes = wasm::vec<byte_t>::make_uninitialized(size);
  file.read(bytes.get(), static_cast<std::streamsize>(size));
  CHECK(file);
  return bytes;
}

inline wasm::own<wasm::Module> load_module(wasm::Store* store, const char* path) {
  auto module = wasm::Module::make(store, read_binary(path));
  CHECK(module);
  return module;
}

inline wasm::own<wasm::Instance> instantiate(wasm::Store* store, const wasm::Module* module,
                                             const wasm::vec<wasm::Extern*>& imports) {
  wasm::own<wasm::Trap> trap;
  auto instance = wasm::Instance::make(store, module, imports, &trap);
  CHECK(instance && !trap);
  return instance;
}

// Export `i`, which must be a function.
inline const wasm::Func* export_func(const wasm::ownvec<wasm::Extern>& exports, size_t i) {
  CHECK(i < exports.size() && exports[i]->kind() == wasm::ExternKind::FUNC && exports[i]->func());
  return exports[i]->func();
}

// A trap's message without its terminating NUL (which it must have).
inline std::string message_of(const wasm::Trap* trap) {
  auto m = trap->message();
  CHECK(m.size() > 0 && m[m.size() - 1] == '\0');
  return std::string(m.get());
}

// Where each function defined in `binary` starts: the offset of its body
// (its locals, after the size field) in the code section.
inline std::vector<size_t> body_offsets(const wasm::vec<byte_t>& binary) {
  const auto* p = reinterpret_cast<const unsigned char*>(binary.get());
  size_t pos = 8;  // magic and version
  auto leb = [&]() {
    size_t v = 0;
    for (int shift = 0;; shift += 7) {
      CHECK(pos < binary.size());
      const unsigned char b = p[pos++];
      v |= size_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  std::vector<size_t> out;
  while (pos < binary.size()) {
    const unsigned char id = p[pos++];
    const size_t size = leb(), end = pos + size;
    if (id == 10)
      for (size_t n = leb(); n > 0; --n) {
        const size_t body = leb();
        out.push_back(pos);
        pos += body;
      }
    pos = end;
  }
  return out;
}

#endif
