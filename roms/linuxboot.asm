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
; The blobs go above 1 MiB with a32 REP INSB through ES in "big real mode":
; ES is loaded in protected mode with a 4 GiB limit, which stays in its
; descriptor cache back in real mode (SDM Vol. 3A 9.9.2: real-mode segment
; loads change only the selector and base). The header checksum byte is
; set by roms/option_rom.py.
bits 16
org 0

FW_CTL          equ 0x510
FW_DATA         equ 0x511
KERNEL_ADDR     equ 0x07
KERNEL_SIZE     equ 0x08
INITRD_ADDR     equ 0x0a
INITRD_SIZE     equ 0x0b
KERNEL_DATA     equ 0x11
INITRD_DATA     equ 0x12
CMDLINE_ADDR    equ 0x13
CMDLINE_SIZE    equ 0x14
CMDLINE_DATA    equ 0x15
SETUP_ADDR      equ 0x16
SETUP_SIZE      equ 0x17
SETUP_DATA      equ 0x18

        db 0x55, 0xAA
        db rom_blocks           ; the ROM's size in 512-byte blocks
        jmp init                ; offset 3: the BIOS far-calls the init entry
        times 0x18 - ($ - $$) db 0
        dw 0                    ; no PCI data structure
        dw 0                    ; no PnP header: INT 19h is hooked instead

init:   push ds
        push ax
        xor ax, ax
        mov ds, ax
        cli
        mov word [0x19 * 4], boot
        mov word [0x19 * 4 + 2], cs
        sti
        pop ax
        pop ds
        retf

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
        ; Big real mode for ES. The GDT pseudo-descriptor goes on the stack:
        ; this ROM may be read-only by now.
        mov ax, cs
        movzx eax, ax
        shl eax, 4
        add eax, gdt
        push eax
        push word gdt_end - gdt - 1
        mov bp, sp
        o32 lgdt [bp]
        add sp, 6
        mov eax, cr0
        or al, 1
        mov cr0, eax
        mov ax, 8               ; flat data, 4 GiB
        mov es, ax
        mov eax, cr0            ; PE off again (CS never changed)
        and al, 0xFE
        mov cr0, eax
        xor ax, ax
        mov es, ax              ; base 0, the 4 GiB limit stays

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

; Loads item BP, whose size is item BX, to linear EAX.
load:   mov edi, eax
        mov ax, bx
        call read_u32
        mov ecx, eax
        mov ax, bp
        mov dx, FW_CTL
        out dx, ax
        mov dx, FW_DATA
        a32 rep insb            ; ES:EDI, ECX bytes
        ret

; Selects item AX and returns its first 4 bytes, little-endian, in EAX.
read_u32:
        mov dx, FW_CTL
        out dx, ax
        mov dx, FW_DATA
        mov cx, 4
.byte:  in al, dx
        ror eax, 8
        loop .byte
        ret

        align 8
gdt:    dq 0
        dq 0x00CF92000000FFFF   ; 08h: data, read/write, base 0, limit 4 GiB
gdt_end:

        times (($ - $$ + 511) / 512) * 512 - ($ - $$) db 0
rom_end:
rom_blocks equ (rom_end - $$) / 512
