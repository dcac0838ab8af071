// Bounds-checked access to the calling instance's linear memory. Every guest
// pointer and length goes through here; out-of-range access fails EFAULT.
#pragma once
#include <limits.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "abi.hpp"
#include "errno.hpp"

namespace mywasm::wasi {

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  bool contains(uint64_t ptr, uint64_t len) const { return ptr <= size_ && len <= size_ - ptr; }

  // Addresses are taken as 64-bit so that a sum computed by a caller cannot
  // silently wrap around to a valid low address.
  std::span<uint8_t> bytes(uint64_t ptr, uint64_t len) const {
    if (!contains(ptr, len)) fail(Errno::Fault);
    return {base_ + ptr, len};
  }

  // Little-endian scalar load/store (wasm is little-endian; so is the host).
  template <class T>
  T load(uint64_t ptr) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, bytes(ptr, sizeof(T)).data(), sizeof(T));
    return value;
  }
  template <class T>
  void store(uint64_t ptr, T value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(bytes(ptr, sizeof(T)).data(), &value, sizeof(T));
  }

  std::string_view string(uint64_t ptr, uint64_t len) const {
    auto b = bytes(ptr, len);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }

  // An iovec/ciovec array as host `struct iovec`s ready for
  // readv/writev/sendmsg. The array and every buffer it names are checked
  // (EFAULT) before anything is allocated, and at most IOV_MAX are passed
  // on: the host then transfers fewer bytes, which the ABI allows (like any
  // short read or write). So a huge count costs a check per entry, never a
  // host allocation of its size.
  std::vector<::iovec> host_iovecs(uint32_t array_ptr, uint32_t count) const {
    bytes(array_ptr, uint64_t(count) * abi::iovec::kSize);
    std::vector<::iovec> out;
    out.reserve(std::min<uint32_t>(count, IOV_MAX));
    for (uint32_t i = 0; i < count; ++i) {
      const uint64_t entry = array_ptr + uint64_t(i) * abi::iovec::kSize;
      auto b = bytes(load<uint32_t>(entry + abi::iovec::kBuf), load<uint32_t>(entry + abi::iovec::kLen));
      if (out.size() < IOV_MAX) out.push_back(::iovec{b.data(), b.size()});
    }
    return out;
  }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace mywasm::wasi
