#include "frontend/screenshot.hpp"

#if GB_HAVE_PNG
#include <png.h>
#endif

#include <csetjmp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace gb {

#if GB_HAVE_PNG
namespace {
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// libpng reports errors by longjmp (its documented way; C++ exceptions must
// not cross its C frames), so the encoder keeps no object with a
// destructor in the frame that calls setjmp.
struct PngError {
  char message[160] = "libpng error";
};
[[noreturn]] void png_failed(png_structp png, png_const_charp msg) {
  auto* e = static_cast<PngError*>(png_get_error_ptr(png));
  std::snprintf(e->message, sizeof e->message, "%s", msg);
  png_longjmp(png, 1);
}
void png_warned(png_structp, png_const_charp) {}

bool encode(std::FILE* f, const Vga::Frame& frame, png_byte* row, PngError& err) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, png_failed, png_warned);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    return false;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, frame.width, frame.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_write_info(png, info);
  for (u32 y = 0; y < frame.height; ++y) {
    for (u32 x = 0; x < frame.width; ++x) {
      const u32 p = frame.pixels[std::size_t{y} * frame.width + x];
      row[3 * x] = static_cast<png_byte>(p >> 16);
      row[3 * x + 1] = static_cast<png_byte>(p >> 8);
      row[3 * x + 2] = static_cast<png_byte>(p);
    }
    png_write_row(png, row);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}
}  // namespace

void write_png(const std::string& path, const Vga::Frame& frame) {
  if (frame.width == 0 || frame.height == 0) {
    throw std::runtime_error(fmt::format("cannot write screenshot '{}': the display shows nothing", path));
  }
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  if (!f) throw std::runtime_error(fmt::format("cannot write screenshot '{}': {}", path, std::strerror(errno)));
  std::vector<png_byte> row(3 * std::size_t{frame.width});
  PngError err;
  if (!encode(f.get(), frame, row.data(), err)) {
    throw std::runtime_error(fmt::format("cannot write screenshot '{}': {}", path, err.message));
  }
  if (std::fflush(f.get()) != 0 || std::ferror(f.get())) {
    throw std::runtime_error(fmt::format("cannot write screenshot '{}': {}", path, std::strerror(errno)));
  }
}
#else
// Cross builds take no foreign-architecture library (scripts/cross-test).
void write_png(const std::string& path, const Vga::Frame&) {
  throw std::runtime_error(fmt::format("cannot write screenshot '{}': this build has no libpng", path));
}
#endif

}  // namespace gb
