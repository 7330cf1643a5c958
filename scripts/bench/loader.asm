; Benchmark loader ROM: stands in for the boot sector of the benchmark image
; of ../shared/bench (which needs a BIOS and a disk) until the PC platform
; boots it through SeaBIOS. It copies stage2.bin + kernel.bin to 0000:8000,
; writes the configuration the boot sector would leave at 7DF0h (ITERS,
; MODE, FLAGS, sector count) and jumps to stage2, which needs no BIOS.
; Build: nasm -f bin -DITERS=N -DMODE=M -DPAYLOAD='"file"' -o loader.bin loader.asm
bits 16
org 0

start:
        cli
        xor     ax, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        mov     ax, cs
        mov     ds, ax
        mov     si, payload
        mov     di, 0x8000
        mov     cx, payload_end - payload
        cld
        rep     movsb
        mov     dword [es:0x7DF0], ITERS
        mov     byte [es:0x7DF4], MODE
        mov     byte [es:0x7DF5], 0
        mov     word [es:0x7DF6], (payload_end - payload + 511) / 512
        xor     ax, ax
        mov     ds, ax
        jmp     0x0000:0x8000

payload:
        incbin  PAYLOAD
payload_end:

        times 0xFFF0-($-$$) db 0
        jmp     0xF000:start
        times 0x10000-($-$$) db 0
