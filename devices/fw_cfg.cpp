#include "devices/fw_cfg.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace gb {

namespace {
std::vector<u8> le(u64 v, unsigned bytes) {
  std::vector<u8> out(bytes);
  for (unsigned i = 0; i < bytes; ++i) out[i] = static_cast<u8>(v >> (8 * i));
  return out;
}
void put_be(std::vector<u8>& out, u64 v, unsigned bytes) {
  for (unsigned i = bytes; i-- > 0;) out.push_back(static_cast<u8>(v >> (8 * i)));
}
}  // namespace

FwCfg::FwCfg() {
  set(kSignature, {'Q', 'E', 'M', 'U'});
  set_u32(kId, 1);  // bit 0: the traditional I/O interface; bit 1 (DMA) clear
  set_u16(kNbCpus, 1);
  set_u16(kMaxCpus, 1);
  // SeaBIOS reads this legacy item as etc/show-boot-menu: 1 keeps its "Press
  // ESC for boot menu" prompt, as a run without fw_cfg had it.
  set_u16(kBootMenu, 1);
  rebuild_directory();
}

void FwCfg::set(u16 key, std::vector<u8> data) { items_[key] = std::move(data); }
void FwCfg::set_u16(u16 key, u16 v) { set(key, le(v, 2)); }
void FwCfg::set_u32(u16 key, u32 v) { set(key, le(v, 4)); }
void FwCfg::set_u64(u16 key, u64 v) { set(key, le(v, 8)); }

void FwCfg::add_file(const std::string& name, std::vector<u8> data) {
  if (name.empty() || name.size() > 55) throw std::invalid_argument(fmt::format("fw_cfg file name '{}': 1 to 55 characters", name));
  for (const auto& f : files_) {
    if (f.first == name) throw std::invalid_argument(fmt::format("fw_cfg file '{}' is already there", name));
  }
  const u16 key = static_cast<u16>(kFileFirst + files_.size());
  files_.emplace_back(name, key);
  set(key, std::move(data));
  rebuild_directory();
}

void FwCfg::rebuild_directory() {
  // FWCfgFiles: a big-endian count, then per file a big-endian size,
  // select and reserved word, and a NUL-padded 56-byte name.
  std::vector<u8> dir;
  put_be(dir, files_.size(), 4);
  for (const auto& [name, key] : files_) {
    put_be(dir, items_[key].size(), 4);
    put_be(dir, key, 2);
    put_be(dir, 0, 2);
    std::string padded = name;
    padded.resize(56, '\0');
    dir.insert(dir.end(), padded.begin(), padded.end());
  }
  set(kFileDir, std::move(dir));
}

u32 FwCfg::io_read(u16 port, Width w) {
  if (port != kDataPort) return 0xFFFF'FFFFu >> (32 - 8 * bytes(w));  // the selector is write-only
  u32 v = 0;
  const auto it = items_.find(selected_);
  for (unsigned i = 0; i < bytes(w); ++i) {
    // Past the end of an item, or with no item selected, reads give 0.
    if (it != items_.end() && offset_ < it->second.size()) v |= u32{it->second[offset_++]} << (8 * i);
  }
  return v;
}

void FwCfg::io_write(u16 port, u32 value, Width) {
  if (port != kSelectPort) return;  // data writes: not supported (ignored, as QEMU before 2.9)
  // Bit 14 (write channel) and bit 15 (architecture-local) are part of the key.
  selected_ = static_cast<u16>(value);
  offset_ = 0;
}

}  // namespace gb
