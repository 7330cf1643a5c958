// A raw disk image file (floppy, hard disk or CD-ROM) as a byte-addressed
// block store for the storage controllers.
//
// Writes go to the file as they happen (pwrite), so they survive however the
// process ends once they reach the host's page cache; flush() also asks the
// host to put them on stable storage. In snapshot mode (-snapshot) writes go
// to an in-memory overlay of 4 KiB chunks and the file is never opened for
// writing.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

class DiskImage {
 public:
  enum class Mode {
    ReadWrite,  ///< guest writes reach the file
    Snapshot,   ///< guest writes are kept in memory and dropped at exit
    ReadOnly,   ///< guest writes fail (a CD-ROM)
  };

  /// Opens `path`. Throws std::runtime_error with a one-line message naming
  /// the file and the reason: missing, unreadable, a directory, empty, or a
  /// size that is not a multiple of `sector_bytes`.
  static std::unique_ptr<DiskImage> open(const std::string& path, Mode mode, u32 sector_bytes = 512);
  /// An image held in memory (tests, generated media); `Snapshot` semantics
  /// do not apply: writes change `bytes`.
  static std::unique_ptr<DiskImage> from_memory(std::vector<u8> bytes, bool read_only = false);

  ~DiskImage();
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;

  /// Size in bytes.
  u64 size() const { return size_; }
  const std::string& path() const { return path_; }
  bool read_only() const { return mode_ == Mode::ReadOnly; }

  /// Reads `out.size()` bytes at byte `offset`. Returns false (and leaves
  /// `out` unspecified) if the range passes the end or the host read fails.
  bool read(u64 offset, std::span<u8> out);
  /// Writes `data` at byte `offset`. Returns false if read-only, past the
  /// end, or the host write fails.
  bool write(u64 offset, std::span<const u8> data);
  /// Asks the host to commit written data to stable storage (no-op for
  /// snapshot and in-memory images). Returns false on a host error.
  bool flush();

 private:
  DiskImage() = default;
  static constexpr u64 kChunk = 4096;
  bool host_read(u64 offset, std::span<u8> out);
  std::vector<u8>& overlay_chunk(u64 index);

  std::string path_;
  Mode mode_ = Mode::ReadWrite;
  int fd_ = -1;
  u64 size_ = 0;
  bool dirty_ = false;
  std::vector<u8> memory_;  ///< from_memory images
  bool in_memory_ = false;
  std::unordered_map<u64, std::vector<u8>> overlay_;  ///< snapshot chunks by index
};

}  // namespace gb
