; Glassbox's Multiboot option ROM, the Multiboot twin of linuxboot.asm: the
; machine gives it to SeaBIOS as genroms/multiboot.bin when -kernel is a
; Multiboot image (devices/pc/multiboot.hpp); its init entry hooks INT 19h.
; At boot, after POST, the hook
;   1. loads the Multiboot information structure (fw_cfg's initrd items,
;      below 1 MiB) and fills in what only the BIOS knows: mem_lower (INT
;      12h), the memory map at mmap_addr (INT 15h E820, 20-byte entries
;      each after its size field, as Multiboot 1 section 3.3 lays them out),
;      mmap_length, and mem_upper (the usable E820 range that starts at
;      1 MiB, in KiB);
;   2. loads the kernel image with its module list, strings and modules
;      (fw_cfg's kernel items) to its load address;
;   3. enters the kernel in the machine state of Multiboot 1 section 3.2:
;      EAX = 2BADB002h, EBX = the information structure's physical address,
;      CS a 32-bit execute/read flat segment, DS/ES/FS/GS/SS flat read/write
;      data, A20 on, CR0.PE = 1, CR0.PG = 0, EFLAGS.IF = EFLAGS.VM = 0.
; The GDT it leaves in GDTR is in this ROM: the kernel must load its own
; before it loads a segment register (section 3.2 says so).
bits 16
org 0

%include "fw_cfg_boot.inc"

MBI_MEM_LOWER   equ 4
MBI_MEM_UPPER   equ 8
MBI_MMAP_LENGTH equ 44
MBI_MMAP_ADDR   equ 48
MMAP_MAX        equ 0x500           ; bytes at mmap_addr the host leaves for the map
MB_MAGIC        equ 0x2BADB002
STACK           equ 0x7000

        ROM_START

boot:   cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, STACK
        ; A20 on through port 92h (the kernel goes above 1 MiB).
        in al, 0x92
        or al, 2
        and al, 0xFE            ; never the reset bit
        out 0x92, al

        ; 1. The information structure, then what the BIOS tells.
        call big_real_es
        mov ax, INITRD_ADDR
        call read_u32
        mov esi, eax            ; kept: the structure's address (below 1 MiB)
        mov bx, INITRD_SIZE
        mov bp, INITRD_DATA
        call load
        int 0x12                ; AX = KiB of conventional memory
        movzx ecx, ax
        mov eax, esi
        shr eax, 4
        mov fs, ax              ; FS:SI = the structure
        and si, 0x0F
        mov eax, ecx
        mov [fs:si + MBI_MEM_LOWER], eax
        mov eax, [fs:si + MBI_MMAP_ADDR]
        mov edi, eax
        shr eax, 4
        mov es, ax
        and di, 0x0F            ; ES:DI = the map's first entry (its size field)
        mov bp, di              ; kept: where the map starts
        xor ebx, ebx            ; E820 continuation value: the first entry
.e820:  push di
        add di, 4               ; the entry proper, after its size field
        mov eax, 0xE820
        mov edx, 0x534D4150     ; 'SMAP'
        mov ecx, 20
        push si                 ; the BIOS keeps registers, but be sure
        push bp
        push fs
        push es
        int 0x15
        pop es
        pop fs
        pop bp
        pop si
        pop di
        jc .mapped              ; an error, or past the last entry
        cmp eax, 0x534D4150
        jne .mapped
        mov dword [es:di], 20   ; the size field: the entry's bytes after it
        ; Upper memory: the usable (type 1) range based at 1 MiB.
        cmp dword [es:di + 20], 1
        jne .next
        cmp dword [es:di + 4], 0x100000
        jne .next
        cmp dword [es:di + 8], 0
        jne .next
        mov eax, [es:di + 12]   ; its length, at most 4 GiB - 1
        cmp dword [es:di + 16], 0
        je .len
        or eax, -1
.len:   shr eax, 10
        mov [fs:si + MBI_MEM_UPPER], eax
.next:  add di, 24
        mov ax, di
        sub ax, bp
        cmp ax, MMAP_MAX - 24   ; room for one more
        ja .mapped
        test ebx, ebx           ; 0: that was the last entry
        jnz .e820
.mapped:
        mov ax, di
        sub ax, bp
        movzx eax, ax
        mov [fs:si + MBI_MMAP_LENGTH], eax

        ; 2. The kernel, its strings and modules (after the BIOS calls,
        ; which may have undone big real mode).
        call big_real_es
        mov ax, KERNEL_ADDR
        call read_u32
        mov bx, KERNEL_SIZE
        mov bp, KERNEL_DATA
        call load
        mov ax, KERNEL_ENTRY
        call read_u32
        mov edi, eax            ; kept: the entry point
        mov ax, INITRD_ADDR
        call read_u32
        mov ebx, eax            ; kept: the structure, for EBX

        ; 3. Protected mode through a far jump to pm32 below, whose linear
        ; address depends on where the BIOS put this ROM.
        mov ax, cs
        movzx eax, ax
        shl eax, 4
        mov ecx, eax
        add ecx, pm32
        add eax, gdt
        push word FLAT_CODE32   ; the far pointer: selector, then offset
        push ecx
        mov bp, sp
        push eax                ; the GDT pseudo-descriptor
        push word gdt_end - gdt - 1
        mov si, sp
        o32 lgdt [ss:si]
        mov eax, cr0
        or al, 1                ; CR0.PE; PG stays clear
        mov cr0, eax
        jmp dword far [bp]

bits 32
pm32:   mov ax, FLAT_DATA
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, STACK
        push dword 2            ; EFLAGS: only the reserved bit 1 (IF, VM, DF clear)
        popfd
        mov eax, MB_MAGIC
        jmp edi
bits 16

        ROM_END
