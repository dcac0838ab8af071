/* mywasm's implementation of the standard WebAssembly C API.
 *
 * Source compatible with the API published by the WebAssembly/wasm-c-api
 * project: the same types, functions and struct layouts, so a program
 * written against that API builds and links against libmywasm unchanged.
 * This header is mywasm's own text.
 *
 * Ownership, in short: a parameter or result marked `own` hands ownership
 * over; the receiver releases it with the matching `wasm_*_delete`. An
 * `own` vector owns its elements too. Output parameters are named `out`.
 * Objects of a store (functions, globals, tables, memories, instances,
 * foreign objects) live as long as their store: deleting a handle releases
 * only the handle, and host-info finalizers run when the store is deleted.
 */
#ifndef MYWASM_WASM_H
#define MYWASM_WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ basics */

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Marks owned data (documentation only). */
#define own

/* An opaque owned object type `wasm_NAME_t` and its destructor. */
#define WASM_DECLARE_OWN(NAME)                  \
  typedef struct wasm_##NAME##_t wasm_##NAME##_t; \
  WASM_API_EXTERN void wasm_##NAME##_delete(own wasm_##NAME##_t*);

/* `wasm_NAME_vec_t`: `size` elements at `data` (of `wasm_NAME_t PTR`). */
#define WASM_DECLARE_VEC(NAME, PTR)                                                        \
  typedef struct wasm_##NAME##_vec_t {                                                     \
    size_t size;                                                                           \
    wasm_##NAME##_t PTR* data;                                                             \
  } wasm_##NAME##_vec_t;                                                                   \
  WASM_API_EXTERN void wasm_##NAME##_vec_new_empty(own wasm_##NAME##_vec_t* out);          \
  WASM_API_EXTERN void wasm_##NAME##_vec_new_uninitialized(own wasm_##NAME##_vec_t* out,   \
                                                           size_t size);                   \
  WASM_API_EXTERN void wasm_##NAME##_vec_new(own wasm_##NAME##_vec_t* out, size_t size,    \
                                             own wasm_##NAME##_t PTR const elems[]);       \
  WASM_API_EXTERN void wasm_##NAME##_vec_copy(own wasm_##NAME##_vec_t* out,                \
                                              const wasm_##NAME##_vec_t* src);             \
  WASM_API_EXTERN void wasm_##NAME##_vec_delete(own wasm_##NAME##_vec_t*);

/* A type description: owned, copyable, with a vector of pointers. */
#define WASM_DECLARE_TYPE(NAME) \
  WASM_DECLARE_OWN(NAME)        \
  WASM_DECLARE_VEC(NAME, *)     \
  WASM_API_EXTERN own wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t*);

/* A reference-like object: copies name the same object (`_same`), which
 * carries one host-info pointer and its finalizer. */
#define WASM_DECLARE_REF_BASE(NAME)                                                        \
  WASM_DECLARE_OWN(NAME)                                                                   \
  WASM_API_EXTERN own wasm_##NAME##_t* wasm_##NAME##_copy(const wasm_##NAME##_t*);         \
  WASM_API_EXTERN bool wasm_##NAME##_same(const wasm_##NAME##_t*, const wasm_##NAME##_t*); \
  WASM_API_EXTERN void* wasm_##NAME##_get_host_info(const wasm_##NAME##_t*);               \
  WASM_API_EXTERN void wasm_##NAME##_set_host_info(wasm_##NAME##_t*, void*);               \
  WASM_API_EXTERN void wasm_##NAME##_set_host_info_with_finalizer(wasm_##NAME##_t*, void*, \
                                                                  void (*)(void*));

/* ...that also converts to and from the generic `wasm_ref_t` (borrowed
 * views of the same handle; a failed downcast gives NULL). */
#define WASM_DECLARE_REF(NAME)                                                             \
  WASM_DECLARE_REF_BASE(NAME)                                                              \
  WASM_API_EXTERN wasm_ref_t* wasm_##NAME##_as_ref(wasm_##NAME##_t*);                      \
  WASM_API_EXTERN wasm_##NAME##_t* wasm_ref_as_##NAME(wasm_ref_t*);                        \
  WASM_API_EXTERN const wasm_ref_t* wasm_##NAME##_as_ref_const(const wasm_##NAME##_t*);    \
  WASM_API_EXTERN const wasm_##NAME##_t* wasm_ref_as_##NAME##_const(const wasm_ref_t*);

/* ...that can also cross to another store of the same engine (and thread)
 * as a `wasm_shared_NAME_t`. */
#define WASM_DECLARE_SHARABLE_REF(NAME)                                                    \
  WASM_DECLARE_REF(NAME)                                                                   \
  WASM_DECLARE_OWN(shared_##NAME)                                                          \
  WASM_API_EXTERN own wasm_shared_##NAME##_t* wasm_##NAME##_share(const wasm_##NAME##_t*); \
  WASM_API_EXTERN own wasm_##NAME##_t* wasm_##NAME##_obtain(wasm_store_t*,                 \
                                                            const wasm_shared_##NAME##_t*);

/* Bytes and names (a name is a byte vector, not NUL-terminated). */
typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s), s);
}
/* The same, keeping the terminating NUL in the name. */
static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s) + 1, s);
}

/* ------------------------------------------------------------ runtime environment */

WASM_DECLARE_OWN(config)
WASM_API_EXTERN own wasm_config_t* wasm_config_new(void);

WASM_DECLARE_OWN(engine)
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new_with_config(own wasm_config_t*);

/* A store must be deleted before its engine. */
WASM_DECLARE_OWN(store)
WASM_API_EXTERN own wasm_store_t* wasm_store_new(wasm_engine_t*);

/* ------------------------------------------------------------ types */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST, WASM_VAR };

/* In pages (memories) or elements (tables). */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

/* `max` of limits without a maximum. */
static const uint32_t wasm_limits_max_default = 0xffffffff;

/* Value types. WASM_ANYREF is the C API's name for externref. */
WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32 = 0,
  WASM_I64 = 1,
  WASM_F32 = 2,
  WASM_F64 = 3,
  WASM_ANYREF = 128,
  WASM_FUNCREF = 129,
};

WASM_API_EXTERN own wasm_valtype_t* wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t*);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_ANYREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_ANYREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Function types: the vectors passed in are taken over (and emptied). */
WASM_DECLARE_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t* wasm_functype_new(own wasm_valtype_vec_t* params,
                                                       own wasm_valtype_vec_t* results);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t*);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t*);

WASM_DECLARE_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t* wasm_globaltype_new(own wasm_valtype_t*, wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t*);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t*);

WASM_DECLARE_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t* wasm_tabletype_new(own wasm_valtype_t*, const wasm_limits_t*);
WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t*);

WASM_DECLARE_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t*);

/* Extern types: any of the four above. The conversions are views of the
 * same object (no copy); a downcast of the wrong kind gives NULL. */
WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t*);

WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t*);
WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t*);
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t*);
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t*);
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t*);

WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t*);
WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t*);

/* Imports and exports of a module. */
WASM_DECLARE_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t* wasm_importtype_new(own wasm_name_t* module, own wasm_name_t* name,
                                                           own wasm_externtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t*);

WASM_DECLARE_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t* wasm_exporttype_new(own wasm_name_t*, own wasm_externtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t*);

/* ------------------------------------------------------------ values */

struct wasm_ref_t;

/* A value: `kind` says which member of `of` holds it. A reference value
 * (WASM_ANYREF, WASM_FUNCREF) owns its `ref`, which may be NULL (null). */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

WASM_API_EXTERN void wasm_val_delete(own wasm_val_t* v);
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t* out, const wasm_val_t*);

WASM_DECLARE_VEC(val, )

/* ------------------------------------------------------------ references */

WASM_DECLARE_REF_BASE(ref)

/* Frames of a trap's trace, innermost first. Offsets are in bytes: within
 * the function's body, and from the start of the module. */
WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t* wasm_frame_copy(const wasm_frame_t*);
WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t*);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t*);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t*);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t*);

/* Traps. A message is a name that includes its terminating NUL. */
typedef wasm_name_t wasm_message_t;

WASM_DECLARE_REF(trap)
WASM_API_EXTERN own wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t*);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t*, own wasm_message_t* out);
WASM_API_EXTERN own wasm_frame_t* wasm_trap_origin(const wasm_trap_t*);
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t*, own wasm_frame_vec_t* out);

/* Foreign objects: host data that wasm code can hold as an externref. */
WASM_DECLARE_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t* wasm_foreign_new(wasm_store_t*);

/* ------------------------------------------------------------ modules */

WASM_DECLARE_SHARABLE_REF(module)

/* NULL if the bytes are not a valid module. */
WASM_API_EXTERN own wasm_module_t* wasm_module_new(wasm_store_t*, const wasm_byte_vec_t* binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t*, const wasm_byte_vec_t* binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t*, own wasm_importtype_vec_t* out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t*, own wasm_exporttype_vec_t* out);
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t*, own wasm_byte_vec_t* out);
WASM_API_EXTERN own wasm_module_t* wasm_module_deserialize(wasm_store_t*, const wasm_byte_vec_t*);

/* ------------------------------------------------------------ functions */

WASM_DECLARE_REF(func)

/* A host function writes `results` (sized by its type) and returns NULL,
 * or returns a trap, which ends the wasm call that reached it. */
typedef own wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args, own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args,
                                                          own wasm_val_vec_t* results);

WASM_API_EXTERN own wasm_func_t* wasm_func_new(wasm_store_t*, const wasm_functype_t*, wasm_func_callback_t);
/* `finalizer` (may be NULL) is called with `env` when the store is deleted. */
WASM_API_EXTERN own wasm_func_t* wasm_func_new_with_env(wasm_store_t*, const wasm_functype_t* type,
                                                        wasm_func_callback_with_env_t, void* env,
                                                        void (*finalizer)(void*));

WASM_API_EXTERN own wasm_functype_t* wasm_func_type(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t*);

/* `results` must hold wasm_func_result_arity() values; they are
 * overwritten. Arguments of the wrong number or kinds give a trap. */
WASM_API_EXTERN own wasm_trap_t* wasm_func_call(const wasm_func_t*, const wasm_val_vec_t* args,
                                                wasm_val_vec_t* results);

/* ------------------------------------------------------------ globals */

WASM_DECLARE_REF(global)
WASM_API_EXTERN own wasm_global_t* wasm_global_new(wasm_store_t*, const wasm_globaltype_t*, const wasm_val_t*);
WASM_API_EXTERN own wasm_globaltype_t* wasm_global_type(const wasm_global_t*);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t*, own wasm_val_t* out);
WASM_API_EXTERN void wasm_global_set(wasm_global_t*, const wasm_val_t*);

/* ------------------------------------------------------------ tables */

WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

WASM_API_EXTERN own wasm_table_t* wasm_table_new(wasm_store_t*, const wasm_tabletype_t*, wasm_ref_t* init);
WASM_API_EXTERN own wasm_tabletype_t* wasm_table_type(const wasm_table_t*);
/* NULL for a null element or an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t* wasm_table_get(const wasm_table_t*, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t*, wasm_table_size_t index, wasm_ref_t*);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t*);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t*, wasm_table_size_t delta, wasm_ref_t* init);

/* ------------------------------------------------------------ memories */

WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

WASM_API_EXTERN own wasm_memory_t* wasm_memory_new(wasm_store_t*, const wasm_memorytype_t*);
WASM_API_EXTERN own wasm_memorytype_t* wasm_memory_type(const wasm_memory_t*);
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t*);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t*);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t*);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t*, wasm_memory_pages_t delta);

/* ------------------------------------------------------------ externals */

/* A function, global, table or memory; the conversions are borrowed views
 * of the same handle, NULL when the kind does not match. */
WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t*);
WASM_API_EXTERN own wasm_externtype_t* wasm_extern_type(const wasm_extern_t*);

WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t*);
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t*);
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t*);
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t*);
WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t*);
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t*);
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t*);
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t*);

WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t*);
WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t*);

/* ------------------------------------------------------------ instances */

WASM_DECLARE_REF(instance)

/* `imports` in the order of wasm_module_imports. On failure: NULL, and
 * when `trap` is not NULL, *trap is set to a trap saying why (a link error
 * or a trap of the start function). */
WASM_API_EXTERN own wasm_instance_t* wasm_instance_new(wasm_store_t*, const wasm_module_t*,
                                                       const wasm_extern_vec_t* imports, own wasm_trap_t** trap);
/* In the order of wasm_module_exports. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t*, own wasm_extern_vec_t* out);

/* ------------------------------------------------------------ conveniences */

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t* wasm_valtype_new_anyref(void) { return wasm_valtype_new(WASM_ANYREF); }
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

/* wasm_functype_new_P_R: P parameters and R results, each taken over. */
static inline own wasm_functype_t* wasm__functype_of(size_t np, wasm_valtype_t** ps, size_t nr,
                                                     wasm_valtype_t** rs) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, np, ps);
  wasm_valtype_vec_new(&results, nr, rs);
  return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t* wasm_functype_new_0_0(void) { return wasm__functype_of(0, NULL, 0, NULL); }
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  return wasm__functype_of(1, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(own wasm_valtype_t* p1, own wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  return wasm__functype_of(2, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  return wasm__functype_of(3, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* rs[1] = {r};
  return wasm__functype_of(0, NULL, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(own wasm_valtype_t* p, own wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return wasm__functype_of(1, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return wasm__functype_of(2, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_1(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3, own wasm_valtype_t* r) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r};
  return wasm__functype_of(3, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_0_2(own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm__functype_of(0, NULL, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_2(own wasm_valtype_t* p, own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm__functype_of(1, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_2(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm__functype_of(2, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_2(own wasm_valtype_t* p1, own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3, own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm__functype_of(3, ps, 2, rs);
}

/* A host pointer carried in an i32 or i64 value (as wide as a pointer). */
static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
  if (sizeof(void*) == 4) {
    out->kind = WASM_I32;
    out->of.i32 = (int32_t)(intptr_t)p;
  } else {
    out->kind = WASM_I64;
    out->of.i64 = (int64_t)(intptr_t)p;
  }
}
static inline void* wasm_val_ptr(const wasm_val_t* val) {
  if (sizeof(void*) == 4) return (void*)(intptr_t)val->of.i32;
  return (void*)(intptr_t)val->of.i64;
}

/* Initialisers of values and vectors. */
#ifdef __cplusplus
#define WASM_I32_VAL(x) wasm_val_t{WASM_I32, {.i32 = (int32_t)(x)}}
#define WASM_I64_VAL(x) wasm_val_t{WASM_I64, {.i64 = (int64_t)(x)}}
#define WASM_F32_VAL(x) wasm_val_t{WASM_F32, {.f32 = (float32_t)(x)}}
#define WASM_F64_VAL(x) wasm_val_t{WASM_F64, {.f64 = (float64_t)(x)}}
#define WASM_REF_VAL(r) wasm_val_t{WASM_ANYREF, {.ref = (r)}}
#define WASM_INIT_VAL wasm_val_t{WASM_ANYREF, {.ref = nullptr}}
#else
#define WASM_I32_VAL(x) {.kind = WASM_I32, .of = {.i32 = (x)}}
#define WASM_I64_VAL(x) {.kind = WASM_I64, .of = {.i64 = (x)}}
#define WASM_F32_VAL(x) {.kind = WASM_F32, .of = {.f32 = (x)}}
#define WASM_F64_VAL(x) {.kind = WASM_F64, .of = {.f64 = (x)}}
#define WASM_REF_VAL(r) {.kind = WASM_ANYREF, .of = {.ref = (r)}}
#define WASM_INIT_VAL {.kind = WASM_ANYREF, .of = {.ref = NULL}}
#endif

#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}
#define WASM_EMPTY_VEC {0, NULL}

/* `own` is this header's documentation only (wasm.hh has a wasm::own). */
#undef own

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* MYWASM_WASM_H */
