// wasm_*_vec_t: every vector type of wasm.h, from one template. A vector
// owns its elements: deleting it deletes them, copying it copies them.
#include "capi.hpp"

namespace {

// How elements are copied and released, per element type.
inline wasm_byte_t copy_elem(wasm_byte_t b) { return b; }
inline void delete_elem(wasm_byte_t) {}
inline wasm_val_t copy_elem(const wasm_val_t& v) {
  wasm_val_t out;
  wasm_val_copy(&out, &v);
  return out;
}
inline void delete_elem(wasm_val_t& v) { wasm_val_delete(&v); }

#define MYWASM_CAPI_POINTER_ELEM(NAME)                                                             \
  inline wasm_##NAME##_t* copy_elem(wasm_##NAME##_t* p) { return p ? wasm_##NAME##_copy(p) : nullptr; } \
  inline void delete_elem(wasm_##NAME##_t* p) {                                                    \
    if (p) wasm_##NAME##_delete(p);                                                                \
  }
MYWASM_CAPI_POINTER_ELEM(valtype)
MYWASM_CAPI_POINTER_ELEM(functype)
MYWASM_CAPI_POINTER_ELEM(globaltype)
MYWASM_CAPI_POINTER_ELEM(tabletype)
MYWASM_CAPI_POINTER_ELEM(memorytype)
MYWASM_CAPI_POINTER_ELEM(externtype)
MYWASM_CAPI_POINTER_ELEM(importtype)
MYWASM_CAPI_POINTER_ELEM(exporttype)
MYWASM_CAPI_POINTER_ELEM(frame)
MYWASM_CAPI_POINTER_ELEM(extern)
#undef MYWASM_CAPI_POINTER_ELEM

template <class Vec>
struct VecOps {
  using Elem = std::remove_pointer_t<decltype(Vec::data)>;
  static void new_empty(Vec* out) { *out = Vec{0, nullptr}; }
  static void new_uninitialized(Vec* out, size_t n) { *out = Vec{n, n ? new Elem[n]() : nullptr}; }
  // Takes the elements over (they are owned by the vector now).
  static void new_from(Vec* out, size_t n, const Elem* elems) {
    new_uninitialized(out, n);
    for (size_t i = 0; i < n; ++i) out->data[i] = elems[i];
  }
  static void copy(Vec* out, const Vec* src) {
    new_uninitialized(out, src->size);
    for (size_t i = 0; i < src->size; ++i) out->data[i] = copy_elem(src->data[i]);
  }
  static void destroy(Vec* v) {
    if (!v) return;
    for (size_t i = 0; i < v->size; ++i) delete_elem(v->data[i]);
    delete[] v->data;
    *v = Vec{0, nullptr};
  }
};

}  // namespace

#define MYWASM_CAPI_VEC(NAME)                                                                  \
  extern "C" void wasm_##NAME##_vec_new_empty(wasm_##NAME##_vec_t* out) {                      \
    VecOps<wasm_##NAME##_vec_t>::new_empty(out);                                               \
  }                                                                                            \
  extern "C" void wasm_##NAME##_vec_new_uninitialized(wasm_##NAME##_vec_t* out, size_t n) {    \
    VecOps<wasm_##NAME##_vec_t>::new_uninitialized(out, n);                                    \
  }                                                                                            \
  extern "C" void wasm_##NAME##_vec_new(wasm_##NAME##_vec_t* out, size_t n,                    \
                                        VecOps<wasm_##NAME##_vec_t>::Elem const elems[]) {     \
    VecOps<wasm_##NAME##_vec_t>::new_from(out, n, elems);                                      \
  }                                                                                            \
  extern "C" void wasm_##NAME##_vec_copy(wasm_##NAME##_vec_t* out, const wasm_##NAME##_vec_t* src) { \
    VecOps<wasm_##NAME##_vec_t>::copy(out, src);                                               \
  }                                                                                            \
  extern "C" void wasm_##NAME##_vec_delete(wasm_##NAME##_vec_t* v) { VecOps<wasm_##NAME##_vec_t>::destroy(v); }

MYWASM_CAPI_VEC(byte)
MYWASM_CAPI_VEC(val)
MYWASM_CAPI_VEC(valtype)
MYWASM_CAPI_VEC(functype)
MYWASM_CAPI_VEC(globaltype)
MYWASM_CAPI_VEC(tabletype)
MYWASM_CAPI_VEC(memorytype)
MYWASM_CAPI_VEC(externtype)
MYWASM_CAPI_VEC(importtype)
MYWASM_CAPI_VEC(exporttype)
MYWASM_CAPI_VEC(frame)
MYWASM_CAPI_VEC(extern)
