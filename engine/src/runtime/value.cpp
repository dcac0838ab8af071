// Value and Error helpers of the public API.
#include <cmath>

#include <fmt/format.h>

#include "mywasm/mywasm.hpp"

namespace mywasm {

Value Value::zero(ValType t) {
  if (is_ref(t)) return null_ref(t);
  Value v(t);  // the payload is already all-zero bits
  return v;
}

bool Value::operator==(const Value& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case ValType::V128: return u_.v == o.u_.v;
    case ValType::FuncRef:
    case ValType::ExternRef: return u_.r == o.u_.r;
    default: return u_.i64 == o.u_.i64;
  }
}

namespace {

// Floats print as a readable number plus their exact bits, so that a
// mismatch in a NaN payload or a signed zero is visible.
template <class Float, class Bits>
std::string float_to_string(std::string_view type, Float f, Bits bits) {
  if (std::isnan(f)) return fmt::format("{}:{}nan (0x{:x})", type, std::signbit(f) ? "-" : "", bits);
  return fmt::format("{}:{} (0x{:x})", type, f, bits);
}

}  // namespace

std::string Value::to_string() const {
  switch (type_) {
    case ValType::I32: return fmt::format("i32:{}", i32());
    case ValType::I64: return fmt::format("i64:{}", i64());
    case ValType::F32: return float_to_string("f32", f32(), f32_bits());
    case ValType::F64: return float_to_string("f64", f64(), f64_bits());
    case ValType::V128: {
      std::string s = "v128:";
      for (int i = 0; i < 16; ++i) s += fmt::format("{:02x}", u_.v.bytes[i]);
      return s;
    }
    case ValType::FuncRef:
    case ValType::ExternRef: {
      const Ref& r = u_.r;
      if (r.is_null()) return type_ == ValType::FuncRef ? "ref.null func" : "ref.null extern";
      if (r.kind == Ref::Kind::Func) return fmt::format("ref.func {}", r.bits);
      return fmt::format("ref.extern {}", r.bits);
    }
  }
  return "?";
}

std::string Error::to_string() const {
  if (offset) return fmt::format("{} at offset 0x{:x}", message, *offset);
  return message;
}

}  // namespace mywasm
