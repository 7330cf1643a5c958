#include "devices/disk_image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace gb {

std::unique_ptr<DiskImage> DiskImage::open(const std::string& path, Mode mode, u32 sector_bytes) {
  auto fail = [&](const std::string& why) { return std::runtime_error(fmt::format("{}: {}", path, why)); };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw fail("is a directory, not a disk image");
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) throw fail("is not a regular file");
  const int flags = mode == Mode::ReadWrite ? O_RDWR : O_RDONLY;
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw fail(std::strerror(errno));
  std::unique_ptr<DiskImage> img(new DiskImage());
  img->fd_ = fd;
  img->path_ = path;
  img->mode_ = mode;
  const off_t end = ::lseek(fd, 0, SEEK_END);
  if (end < 0) throw fail(std::strerror(errno));
  img->size_ = static_cast<u64>(end);
  if (img->size_ == 0) throw fail("image is empty");
  if (sector_bytes && img->size_ % sector_bytes) {
    throw fail(fmt::format("size {} bytes is not a multiple of the {}-byte sector", img->size_, sector_bytes));
  }
  return img;
}

std::unique_ptr<DiskImage> DiskImage::from_memory(std::vector<u8> bytes, bool read_only) {
  std::unique_ptr<DiskImage> img(new DiskImage());
  img->in_memory_ = true;
  img->mode_ = read_only ? Mode::ReadOnly : Mode::ReadWrite;
  img->size_ = bytes.size();
  img->memory_ = std::move(bytes);
  img->path_ = "(memory)";
  return img;
}

DiskImage::~DiskImage() {
  if (fd_ >= 0) {
    flush();
    ::close(fd_);
  }
}

bool DiskImage::host_read(u64 offset, std::span<u8> out) {
  if (in_memory_) {
    std::memcpy(out.data(), memory_.data() + offset, out.size());
    return true;
  }
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::vector<u8>& DiskImage::overlay_chunk(u64 index) {
  auto it = overlay_.find(index);
  if (it != overlay_.end()) return it->second;
  const u64 base = index * kChunk;
  std::vector<u8> chunk(static_cast<size_t>(std::min(kChunk, size_ - base)));
  if (!host_read(base, chunk)) std::fill(chunk.begin(), chunk.end(), u8{0});
  return overlay_.emplace(index, std::move(chunk)).first->second;
}

bool DiskImage::read(u64 offset, std::span<u8> out) {
  if (offset > size_ || out.size() > size_ - offset) return false;
  if (overlay_.empty()) return host_read(offset, out);
  // Snapshot: chunk by chunk, from the overlay where the guest wrote.
  size_t done = 0;
  while (done < out.size()) {
    const u64 pos = offset + done;
    const u64 index = pos / kChunk;
    const size_t in_chunk = static_cast<size_t>(pos % kChunk);
    const size_t n = std::min(out.size() - done, static_cast<size_t>(kChunk) - in_chunk);
    auto it = overlay_.find(index);
    if (it != overlay_.end()) {
      std::memcpy(out.data() + done, it->second.data() + in_chunk, n);
    } else if (!host_read(pos, out.subspan(done, n))) {
      return false;
    }
    done += n;
  }
  return true;
}

bool DiskImage::write(u64 offset, std::span<const u8> data) {
  if (mode_ == Mode::ReadOnly) return false;
  if (offset > size_ || data.size() > size_ - offset) return false;
  if (in_memory_) {
    std::memcpy(memory_.data() + offset, data.data(), data.size());
    return true;
  }
  if (mode_ == Mode::Snapshot) {
    size_t done = 0;
    while (done < data.size()) {
      const u64 pos = offset + done;
      const size_t in_chunk = static_cast<size_t>(pos % kChunk);
      const size_t n = std::min(data.size() - done, static_cast<size_t>(kChunk) - in_chunk);
      std::memcpy(overlay_chunk(pos / kChunk).data() + in_chunk, data.data() + done, n);
      done += n;
    }
    return true;
  }
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  dirty_ = true;
  return true;
}

bool DiskImage::flush() {
  if (!dirty_ || fd_ < 0) return true;
  dirty_ = false;
  return ::fdatasync(fd_) == 0;
}

}  // namespace gb
