; A Multiboot 1 kernel that checks everything its boot loader hands it
; (Multiboot 1 specification 0.6.96, cited "MB 3.2" etc.), run by
; tests/boot/multiboot.py with -kernel, two modules from -initrd and -m 32.
; Assembled two ways with nasm -f bin:
;   -DELF   an ELF32 executable whose headers are written out below: the
;           Multiboot header without the a.out kludge, a text segment linked
;           at C0100000h but loaded at 100000h (the loader must translate
;           e_entry), a data segment with a bss (p_memsz > p_filesz, file
;           bytes past p_filesz that must not be loaded), a PT_NOTE that
;           must be ignored, and the ELF headers in a PT_LOAD segment at
;           FF000h, where ld -Ttext 0x100000 puts them (QEMU's copy there is
;           lost in the read-only BIOS area; Glassbox does not load it);
;   (none)  a flat binary with the a.out kludge (flags bit 16): load_end_addr
;           ends before bytes that must not be loaded, bss_end_addr adds
;           a bss.
; It reports "ok ..." or "FAIL ... got=value" per check on the debug console
; (port E9h), then "PASS" and isa-debug-exit status 0 (port F4h), or
; "FAILED" and status 1 (tests/guest/lib/report32.inc). It passes on qemu-system-i386 too (QEMU 7.2 with
; its own multiboot.bin: `multiboot.py qemu-system-i386 K.elf K.bin`), which
; is how its expectations were checked against the reference.
%include "report32.inc"                 ; CHECKCC, puts, putnl, exit_tally
bits 32

%define RAM_BYTES (32 << 20)        ; multiboot.py runs with -m 32
%define MB_MAGIC 0x1BADB002
%define MB_FLAGS_BASE 3             ; bit 0: page-aligned modules, bit 1: memory info
%define MOD1_LEN 5000               ; multiboot.py writes the modules
%define MOD2_LEN 6
%ifdef ELF
  %define MB_FLAGS MB_FLAGS_BASE
  %define VIRT_OFFSET 0xC0000000    ; text linked here, loaded 3 GiB lower
  %define EXPECTED_CMDLINE 'mbk.elf mb-test x=1 y="two words"'
  section .ehdr start=0 vstart=0
  section .text start=0x1000 vstart=0x100000
  section .data start=0x3000 vstart=0x104000
%else
  %define MB_FLAGS (MB_FLAGS_BASE | 0x10000)
  %define EXPECTED_CMDLINE 'mbk.bin '   ; no -append: QEMU still adds the space
  section .text start=0 vstart=0x100000
  section .data follows=.text vfollows=.text align=16 valign=16
%endif
BSS_CHECKED equ 0x1000                  ; bytes of bss checked for zeros
BSS_SIZE    equ 0x3000                  ; then the stack

%ifdef ELF
section .ehdr
        db 0x7F, 'ELF', 1, 1, 1, 0      ; ELFCLASS32, little-endian, version 1
        times 8 db 0
        dw 2                            ; e_type: ET_EXEC
        dw 3                            ; e_machine: EM_386
        dd 1                            ; e_version
        dd start + VIRT_OFFSET          ; e_entry: virtual
        dd phdrs                        ; e_phoff
        dd 0                            ; e_shoff
        dd 0                            ; e_flags
        dw 52, 32, 4                    ; e_ehsize, e_phentsize, e_phnum
        dw 40, 0, 0                     ; e_shentsize, e_shnum, e_shstrndx
phdrs:  dd 1, 0x1000, text_start + VIRT_OFFSET, text_start   ; PT_LOAD text: offset, vaddr, paddr
        dd text_end - text_start, text_end - text_start, 5, 0x1000   ; filesz, memsz, R+X, align
        dd 4, 0, 0, 0, 16, 16, 4, 4                                   ; PT_NOTE: not loaded
        dd 1, 0x3000, data_start, data_start                          ; PT_LOAD data + bss
        dd data_end - data_start, data_end - data_start + BSS_SIZE, 6, 0x1000
        dd 1, 0, 0xFF000, 0xFF000, headers_end, headers_end, 4, 0x1000  ; PT_LOAD: the headers
headers_end:
%endif

section .text
text_start:
mb_header:
        dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
%ifndef ELF
        dd mb_header, text_start, data_end, data_end + BSS_SIZE, start   ; MB 3.1.3
%endif

; Checks that the string whose address is at %1 equals the one at %2.
%macro STRING_IS 3
        mov esi, %1
        mov edi, %2
        call strcmp
        mov eax, %1
        CHECKCC e, %3
%endmacro

; Checks module entry %1 (0-based) of the list at EBP: page-aligned (header
; flags bit 0), %2 bytes long, its string equal to the one at %3.
%macro MODULE 3
  %assign MOD_NUM %1 + 1
  %defstr MOD_NAME MOD_NUM
  %strcat MOD_ALIGNED "module ", MOD_NAME, " page-aligned"
  %strcat MOD_SIZE "module ", MOD_NAME, " size"
  %strcat MOD_STRING "module ", MOD_NAME, " string"
        mov eax, [ebp + 16 * %1]
        test eax, 0xFFF
        CHECKCC z, MOD_ALIGNED
        mov eax, [ebp + 16 * %1 + 4]
        sub eax, [ebp + 16 * %1]
        cmp eax, %2
        CHECKCC e, MOD_SIZE
        STRING_IS [ebp + 16 * %1 + 8], %3, MOD_STRING
%endmacro

start:  mov [saved_eax], eax
        mov [saved_ebx], ebx
        mov esp, stack_top              ; ESP is undefined (MB 3.2)
        pushfd
        pop dword [saved_eflags]
        mov esi, hello
        call puts

        ; The machine state of MB 3.2.
        mov eax, [saved_eax]
        cmp eax, 0x2BADB002
        CHECKCC e, "EAX = 2BADB002h"
        mov eax, [saved_eflags]
        test eax, (1 << 9) | (1 << 17)
        CHECKCC z, "EFLAGS.IF = 0, EFLAGS.VM = 0"
        mov eax, cr0
        and eax, 0x80000001
        cmp eax, 1
        CHECKCC e, "CR0.PE = 1, CR0.PG = 0"
        ; Segments: flat 4 GiB (LSL, base from the GDT descriptor), CS a
        ; 32-bit execute/read code segment, the others writable data.
        mov eax, cs
        call flat
        CHECKCC e, "CS flat"
        lar eax, word [seg_sel]
        and eax, 0x00409A00             ; D, P, S, code, readable
        cmp eax, 0x00409A00
        CHECKCC e, "CS 32-bit execute/read"
%macro DATA_SEG 1
  %defstr SEG_NAME %1
  %strcat SEG_FLAT SEG_NAME, " flat"
  %strcat SEG_RW SEG_NAME, " read/write data"
        mov eax, %1
        call flat
        CHECKCC e, SEG_FLAT
        lar eax, word [seg_sel]
        and eax, 0x00009A00             ; P, S, code, writable
        cmp eax, 0x00009200
        CHECKCC e, SEG_RW
%endmacro
        DATA_SEG ds
        DATA_SEG es
        DATA_SEG fs
        DATA_SEG gs
        DATA_SEG ss
        ; A20 on: a write at a scratch dword above 1 MiB (address bit 20 set)
        ; leaves its alias 1 MiB below alone.
        mov edi, a20_scratch
        mov dword [edi - 0x100000], 0x11111111
        mov dword [edi], 0x22222222
        mov eax, [edi - 0x100000]
        cmp eax, 0x11111111
        CHECKCC e, "A20 on"
        ; Loaded right: the data segment, and zeros (not file bytes) in the bss.
        mov eax, [data_word]
        cmp eax, 0x600DDA7A
        CHECKCC e, "data loaded"
        mov edi, data_end
        mov ecx, BSS_CHECKED / 4
        xor eax, eax
        repe scasd
        mov eax, [edi - 4]
        CHECKCC e, "bss zero"

        ; The information structure (MB 3.3).
        mov ebx, [saved_ebx]
        mov eax, [ebx]
        and eax, 0x24D
        cmp eax, 0x24D
        mov eax, [ebx]
        CHECKCC e, "flags: memory, cmdline, mods, mmap, boot_loader_name"
        mov eax, [ebx + 4]
        cmp eax, 600
        CHECKCC ae, "mem_lower >= 600 KiB"
        cmp eax, 640
        CHECKCC be, "mem_lower <= 640 KiB"
        mov eax, [ebx + 8]
        shl eax, 10
        add eax, 1 << 20                ; the end of upper memory
        cmp eax, RAM_BYTES
        CHECKCC be, "mem_upper within -m 32"
        cmp eax, RAM_BYTES - (1 << 20)
        CHECKCC ae, "mem_upper at most 1 MiB short of -m 32"
        STRING_IS [ebx + 16], cmdline_expected, "cmdline exact"
        mov esi, [ebx + 64]
        movzx eax, byte [esi]
        test eax, eax
        CHECKCC nz, "boot_loader_name non-empty"
        mov esi, loader_is
        call puts
        mov esi, [ebx + 64]
        call puts
        call putnl

        ; Modules: two, as multiboot.py wrote them (the second's name has a
        ; comma, given as ",," in -initrd).
        mov eax, [ebx + 20]
        cmp eax, 2
        CHECKCC e, "mods_count = 2"
        mov ebp, [ebx + 24]
        MODULE 0, MOD1_LEN, mod1_string
        MODULE 1, MOD2_LEN, mod2_string
        mov esi, [ebp]                  ; byte i is (7 i + 1) mod 256
        xor ecx, ecx
.m1:    lea eax, [ecx * 8]
        sub eax, ecx
        inc eax
        cmp [esi + ecx], al
        jne .m1_done
        inc ecx
        cmp ecx, MOD1_LEN
        jb .m1
.m1_done:
        mov eax, ecx
        cmp eax, MOD1_LEN
        CHECKCC e, "module 1 content"
        mov esi, [ebp + 16]
        mov edi, mod2_content
        mov ecx, MOD2_LEN
        repe cmpsb
        mov eax, ecx
        CHECKCC e, "module 2 content"

        ; The memory map: 20-byte entries after their size fields, one usable
        ; range from 0 covering mem_lower, one from 1 MiB that is mem_upper.
        mov eax, [ebx + 44]
        test eax, eax
        CHECKCC nz, "mmap_length non-zero"
        mov esi, [ebx + 48]
        mov edx, esi
        add edx, [ebx + 44]             ; the map's end
        xor edi, edi                    ; bit 0: low range seen, bit 1: upper
.entry: cmp esi, edx
        jae .walked
        mov eax, [esi]
        cmp eax, 20
        jb .bad_size
        cmp dword [esi + 20], 1         ; usable RAM
        jne .skip
        cmp dword [esi + 8], 0          ; below 4 GiB
        jne .skip
        mov eax, [esi + 4]
        test eax, eax
        jnz .not_low
        mov eax, [ebx + 4]
        shl eax, 10
        cmp [esi + 12], eax
        jb .skip
        or edi, 1
        jmp .skip
.not_low:
        cmp eax, 1 << 20
        jne .skip
        mov eax, [esi + 12]
        shr eax, 10
        cmp eax, [ebx + 8]
        jne .skip
        or edi, 2
.skip:  add esi, [esi]
        add esi, 4
        jmp .entry
.bad_size:
        mov edi, -1
.walked:
        mov eax, edi
        cmp eax, 3
        CHECKCC e, "mmap: usable 0..mem_lower and 1 MiB..mem_upper"

        jmp exit_tally

; EAX = a selector: ZF set if its segment is base 0, limit 4 GiB - 1.
flat:   mov [seg_sel], eax
        lsl ecx, word [seg_sel]
        jnz .no
        cmp ecx, 0xFFFFFFFF
        jne .no
        sgdt [gdtr]
        and eax, 0xFFF8
        add eax, [gdtr + 2]
        mov ecx, [eax + 4]              ; base 31:24 and 23:16, then 15:0
        and ecx, 0xFF0000FF
        or cx, [eax + 2]
        mov eax, ecx
        test eax, eax
        ret
.no:    or eax, 1                       ; ZF clear
        ret

; ZF set if the strings at ESI and EDI are equal.
strcmp: mov al, [esi]
        cmp al, [edi]
        jne .done
        inc esi
        inc edi
        test al, al
        jnz strcmp
.done:  ret

        REPORT32_TALLY_ROUTINES         ; report_ok, report_fail_eax, exit_tally, puts ...

hello:    db "Multiboot kernel running", 10, 0
loader_is: db "boot loader: ", 0
cmdline_expected: db EXPECTED_CMDLINE, 0
mod1_string: db "mod1.bin first arg", 0
mod2_string: db "mod,2.bin", 0
mod2_content: db "second"
text_end:

section .data
data_start:
data_word:    dd 0x600DDA7A
saved_eax:    dd 0
saved_ebx:    dd 0
saved_eflags: dd 0
FAILCNT:      dd 0                ; report32.inc: failed checks
seg_sel:      dd 0
gdtr:         dw 0
              dd 0
        align 16
data_end:
        times 64 db 0xEE                ; in the file, but past the loaded part
a20_scratch   equ data_end + BSS_CHECKED + 16
stack_top     equ data_end + BSS_SIZE
