; Glassbox's Linux boot option ROM. The machine gives it to SeaBIOS as the
; fw_cfg file genroms/linuxboot.bin when -kernel is used; SeaBIOS runs its
; init entry during POST. Init hooks INT 19h, through which SeaBIOS boots
; once POST is done. The hook then loads the kernel's real-mode setup, the
; protected-mode kernel, the initrd and the command line from fw_cfg (QEMU
; docs/specs/fw_cfg.rst: selector port 510h, data port 511h) to the
; addresses fw_cfg gives, and enters the setup as the x86 boot protocol
; says (Linux Documentation/arch/x86/boot.rst, "Running the Kernel"):
; DS = ES = FS = GS = SS = the setup's segment, SP under the command line,
; interrupts off, a far jump to segment + 20h, offset 0.
;
; The blobs go above 1 MiB, loaded in big real mode (fw_cfg_boot.inc). The
; header checksum byte is set by roms/embed_rom.py.
bits 16
org 0

%include "fw_cfg_boot.inc"

        ROM_START

boot:   cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        ; A20 on through port 92h (the blobs go above 1 MiB).
        in al, 0x92
        or al, 2
        and al, 0xFE            ; never the reset bit
        out 0x92, al
        call big_real_es

        mov ax, SETUP_ADDR
        call read_u32
        mov esi, eax            ; kept: the setup's address
        mov bx, SETUP_SIZE
        mov bp, SETUP_DATA
        call load
        mov ax, KERNEL_ADDR
        call read_u32
        mov bx, KERNEL_SIZE
        mov bp, KERNEL_DATA
        call load
        mov ax, INITRD_ADDR
        call read_u32
        mov bx, INITRD_SIZE
        mov bp, INITRD_DATA
        call load
        mov ax, CMDLINE_ADDR
        call read_u32
        mov bx, CMDLINE_SIZE
        mov bp, CMDLINE_DATA
        call load

        ; Into the setup, as boot.rst's example does.
        shr esi, 4
        mov ds, si
        mov es, si
        mov fs, si
        mov gs, si
        mov ss, si
        mov sp, 0xFFF0          ; the command line starts 10000h above the setup
        add si, 0x20
        push si
        push word 0
        retf

        ROM_END
