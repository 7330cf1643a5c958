// PNG screenshots of the emulated display (libpng).
#pragma once
#include <string>

#include "devices/vga/vga.hpp"

namespace gb {

/// Writes `frame` (0x00RRGGBB pixels, row-major) to `path` as an 8-bit RGB
/// PNG without row filters, so the image data decompresses to the pixels
/// as they are. Throws std::runtime_error naming the path and the reason
/// when the file cannot be created or written, or the frame is empty.
void write_png(const std::string& path, const Vga::Frame& frame);

}  // namespace gb
