// A large zero-filled byte buffer (guest RAM, video memory) that costs
// nothing until touched: calloc hands out fresh zero pages from the host
// without writing them, where std::vector would memset every byte (and
// fault in every page) at start-up.
#pragma once
#include <cstdlib>
#include <memory>
#include <new>
#include <span>

#include "mmu/types.hpp"

namespace gb {

class ZeroedBytes {
 public:
  /// `size` zero bytes; throws std::bad_alloc if the host has no room.
  explicit ZeroedBytes(size_t size) : p_(static_cast<u8*>(std::calloc(size ? size : 1, 1))), size_(size) {
    if (!p_) throw std::bad_alloc();
  }
  u8* data() { return p_.get(); }
  const u8* data() const { return p_.get(); }
  size_t size() const { return size_; }
  u8& operator[](size_t i) { return p_.get()[i]; }
  const u8& operator[](size_t i) const { return p_.get()[i]; }
  operator std::span<u8>() { return {p_.get(), size_}; }
  operator std::span<const u8>() const { return {p_.get(), size_}; }

 private:
  struct Free {
    void operator()(u8* p) const { std::free(p); }
  };
  std::unique_ptr<u8, Free> p_;
  size_t size_;
};

}  // namespace gb
