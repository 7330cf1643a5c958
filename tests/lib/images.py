"""Image readers for the display tests: Glassbox's PNGs and X11 XWD dumps.

read_png(path) and read_xwd(data) both return (width, height, rgb) with rgb
as bytes, 3 per pixel, row-major.
"""
import struct
import zlib


def read_png(path):
    """Decodes an 8-bit RGB, non-interlaced PNG without row filters (what
    Glassbox's --screenshot writes); raises SystemExit on anything else."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise SystemExit(f'{path}: not a PNG')
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = ihdr
    if (depth, colour, interlace) != (8, 2, 0):
        raise SystemExit(f'{path}: expected 8-bit RGB, not interlaced; got {ihdr}')
    raw = zlib.decompress(idat)
    stride = 3 * w
    rows = []
    for y in range(h):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        if line[0] != 0:
            raise SystemExit(f'{path}: row {y} uses filter {line[0]}; Glassbox writes none')
        rows.append(line[1:])
    return w, h, b''.join(rows)


def read_xwd(data):
    """Decodes an `xwd` dump of a 24/32-bit TrueColor screen (ZPixmap)."""
    fields = struct.unpack('>25I', data[:100])
    header_size, _, pixmap_format, _, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    red_mask, green_mask, blue_mask = fields[14:17]
    ncolors = fields[19]
    if pixmap_format != 2 or bits_per_pixel not in (24, 32):
        raise SystemExit(f'xwd: expected a 24 or 32 bpp ZPixmap, got format {pixmap_format}, {bits_per_pixel} bpp')
    if (red_mask, green_mask, blue_mask) != (0xFF0000, 0xFF00, 0xFF):
        raise SystemExit('xwd: expected 8-bit RGB masks')
    pixels = data[header_size + 12 * ncolors:]
    step = bits_per_pixel // 8
    out = bytearray()
    for y in range(height):
        line = pixels[y * bytes_per_line:y * bytes_per_line + step * width]
        for i in range(0, len(line), step):
            p = line[i:i + step]
            v = int.from_bytes(p, 'little' if byte_order == 0 else 'big')
            out += bytes(((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF))
    return width, height, bytes(out)


def crop(image, x, y, w, h):
    """The w x h rectangle at (x, y) of an image, as rgb bytes."""
    iw, _, rgb = image
    return b''.join(rgb[3 * ((y + r) * iw + x):3 * ((y + r) * iw + x + w)] for r in range(h))
