#!/usr/bin/env python3
"""Turns an assembled option ROM into C++ for the glassbox binary: sets the
checksum (the last byte, so that all bytes sum to 0 modulo 256, as the BIOS
checks) and writes the bytes as an array behind FUNCTION().

Usage: embed_rom.py ROM.bin OUT.cpp FUNCTION
"""
import sys


def main():
    src, out, function = sys.argv[1:4]
    rom = bytearray(open(src, 'rb').read())
    if len(rom) < 512 or len(rom) % 512 or rom[:2] != b'\x55\xaa' or rom[2] * 512 != len(rom):
        sys.exit(f'{src}: not an option ROM (55h AAh, size byte = length / 512)')
    if rom[-1] != 0:
        sys.exit(f'{src}: the last byte (the checksum) must be free padding')
    rom[-1] = (-sum(rom)) & 0xFF
    lines = [', '.join(f'0x{b:02x}' for b in rom[i:i + 16]) for i in range(0, len(rom), 16)]
    with open(out, 'w') as f:
        f.write(f'// Generated from {src.split("/")[-1]} by roms/embed_rom.py.\n')
        f.write('#include "roms/embedded.hpp"\n\nnamespace gb {\n\nnamespace {\nconst u8 kRom[] = {\n')
        f.write(',\n'.join('    ' + l for l in lines))
        f.write(f'}};\n}}  // namespace\n\nstd::span<const u8> {function}() {{ return kRom; }}\n\n}}  // namespace gb\n')


if __name__ == '__main__':
    main()
