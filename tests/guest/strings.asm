; strings.asm -- Glassbox guest test: string instructions in real mode.
;
; MOVS/CMPS/SCAS/LODS/STOS with and without REP/REPE/REPNE, DF=1, segment
; overrides (the ES:DI destination cannot be overridden), 16- vs 32-bit
; address size (67h: ECX/ESI/EDI instead of CX/SI/DI).  SDM references:
; Vol. 2B "MOVS", "CMPS", "SCAS", "LODS", "STOS", "REP/REPE/REPZ/REPNE/REPNZ";
; Vol. 1 section 7.3.9 (string operations).
;
; Runs as a 64 KiB BIOS ROM (reset vector at F000:FFF0).  Reports through
; the debug console (port 0xE9): one "ok <check>" line per check, then
; "PASS" and a write of 0 to the isa-debug-exit port 0xF4 (exit status 1).
; On the first failing check it prints "FAIL <check> ..." and writes 1 to
; port 0xF4 (exit status 3).
;
; Build: nasm -f bin -o strings.bin strings.asm

bits 16
org 0                           ; CS = F000h, so offset == ROM file offset

; ---------------------------------------------------------------------------
; Harness (identical in every guest test; each file is self-contained)
; The harness itself uses 386 instructions (32-bit registers, PUSH imm), so
; these programs need a 386 or later CPU (Glassbox default: Pentium Pro).
; ---------------------------------------------------------------------------
GOTV    equ 0x0500              ; dword: value observed by a failing check
EXPV    equ 0x0504              ; dword: value the failing check expected
SAVEDF  equ 0x0508              ; word:  FLAGS captured by SAVEF

F_CF    equ 0x0001
F_PF    equ 0x0004
F_AF    equ 0x0010
F_ZF    equ 0x0040
F_SF    equ 0x0080
F_TF    equ 0x0100
F_IF    equ 0x0200
F_DF    equ 0x0400
F_OF    equ 0x0800
ARITH   equ F_CF|F_PF|F_AF|F_ZF|F_SF|F_OF       ; all six status flags
LOGIC   equ ARITH & ~F_AF                       ; AND/OR/XOR/TEST: AF undefined
SHIFTN  equ F_CF|F_PF|F_ZF|F_SF                 ; shifts by >1: OF, AF undefined
SHIFT1  equ SHIFTN|F_OF                         ; shifts by 1: OF defined
ROT     equ F_CF|F_OF                           ; rotates touch only CF/OF

; CHECK "name": the check passes if ZF=1 (i.e. after a CMP that matched).
%macro CHECK 1
        jne     %%bad
        push    si
        mov     si, %%msg
        call    report_ok
        pop     si
        jmp     %%done
%%bad:  mov     si, %%msg
        jmp     report_fail
%%msg:  db      %1, 0
%%done:
%endmacro

; EQ reg, imm, "name": compare a general register with an immediate and
; report got/expected on mismatch.
%macro EQ 3
        cmp     %1, %2
        jne     %%bad
        push    si
        mov     si, %%msg
        call    report_ok
        pop     si
        jmp     %%done
%%bad:  mov     dword [ss:GOTV], 0
        mov     [ss:GOTV], %1
        mov     %1, %2                  ; truncates the immediate to reg size
        mov     dword [ss:EXPV], 0
        mov     [ss:EXPV], %1
        mov     si, %%msg
        jmp     report_fail_val
%%msg:  db      %3, 0
%%done:
%endmacro

; SAVEF: capture FLAGS without changing any register or flag.
%macro SAVEF 0
        pushf
        pop     word [ss:SAVEDF]
%endmacro

; FLAGS mask, expected, "name": compare (saved FLAGS & mask) with expected.
%macro FLAGS 3
        push    ax
        mov     ax, [ss:SAVEDF]
        and     ax, %1
        mov     dword [ss:GOTV], 0
        mov     [ss:GOTV], ax
        pop     ax
        cmp     word [ss:GOTV], %2
        jne     %%bad
        push    si
        mov     si, %%msg
        call    report_ok
        pop     si
        jmp     %%done
%%bad:  mov     dword [ss:EXPV], %2
        mov     si, %%msg
        jmp     report_fail_val
%%msg:  db      %3, " flags", 0
%%done:
%endmacro

; ALU reg, init, pre, {insn}, result, flagmask, flags, "name"
; reg <- init; pre (e.g. stc/clc/nop); insn; check reg and masked flags.
%macro ALU 8
        mov     %1, %2
        %3
        %4
        SAVEF
        EQ      %1, %5, %8
        FLAGS   %6, %7, %8
%endmacro

start:
        cli
        cld
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7C00
        mov     ds, ax
        mov     es, ax
        ; QEMU (the reference) has an 8259 whose IRQ0 would be delivered
        ; as vector 8 after reset; mask it.  No effect on a PIC-less machine.
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        call    install_exception_stubs
        jmp     tests

; --- output helpers (preserve all registers and flags) ---------------------
puts:                                   ; print ASCIZ string at CS:SI
        pushf
        push    ax
        push    si
.l:     mov     al, [cs:si]
        inc     si
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     pop     si
        pop     ax
        popf
        ret

putnl:  pushf
        push    ax
        mov     al, 10
        out     0xE9, al
        pop     ax
        popf
        ret

puthex32:                               ; print EAX as 8 hex digits
        pushf
        push    eax
        push    cx
        push    edx
        mov     edx, eax
        mov     cx, 8
.l:     rol     edx, 4
        mov     al, dl
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0xE9, al
        dec     cx
        jnz     .l
        pop     edx
        pop     cx
        pop     eax
        popf
        ret

report_ok:                              ; "ok <name>"
        push    si
        mov     si, s_ok
        call    puts
        pop     si
        call    puts
        call    putnl
        ret

report_fail:                            ; "FAIL <name>", exit status 3
        push    si
        mov     si, s_fail
        call    puts
        pop     si
        call    puts
        call    putnl
        jmp     exit_fail

report_fail_val:                        ; "FAIL <name> got=.. expected=.."
        push    si
        mov     si, s_fail
        call    puts
        pop     si
        call    puts
        mov     si, s_got
        call    puts
        mov     eax, [ss:GOTV]
        call    puthex32
        mov     si, s_exp
        call    puts
        mov     eax, [ss:EXPV]
        call    puthex32
        call    putnl
exit_fail:
        mov     al, 1
        out     0xF4, al
        cli
        hlt
        jmp     exit_fail

exit_pass:
        mov     si, s_pass
        call    puts
        mov     al, 0
        out     0xF4, al
        cli
        hlt
        jmp     exit_pass

; Every vector 0..31 initially points at a stub that reports the vector and
; the faulting CS:IP, so an unimplemented opcode shows up as a clear FAIL.
install_exception_stubs:
        push    ds
        xor     ax, ax
        mov     ds, ax
        xor     bx, bx
        xor     si, si
.l:     mov     ax, [cs:exc_stub_table+si]
        mov     [bx], ax
        mov     word [bx+2], 0xF000
        add     bx, 4
        add     si, 2
        cmp     si, 64
        jb      .l
        pop     ds
        ret

%assign i 0
%rep 32
exc_stub_%[i]:
        push    word i
        jmp     exc_common
%assign i i+1
%endrep

exc_stub_table:
%assign i 0
%rep 32
        dw      exc_stub_%[i]
%assign i i+1
%endrep

exc_common:                             ; stack: vector, IP, CS, FLAGS
        mov     bp, sp
        mov     si, s_unexp
        call    puts
        movzx   eax, word [ss:bp]
        call    puthex32
        mov     si, s_at
        call    puts
        movzx   eax, word [ss:bp+4]
        call    puthex32
        mov     al, ':'
        out     0xE9, al
        movzx   eax, word [ss:bp+2]
        call    puthex32
        call    putnl
        jmp     exit_fail

s_ok:   db "ok ", 0
s_fail: db "FAIL ", 0
s_got:  db " got=", 0
s_exp:  db " expected=", 0
s_pass: db "PASS", 10, 0
s_unexp: db "FAIL unexpected exception vector ", 0
s_at:   db " at ", 0

; ---------------------------------------------------------------------------
; Tests
; ---------------------------------------------------------------------------
tests:
SRC     equ 0x1000                      ; scratch segments in RAM
DST     equ 0x2000
BIG     equ 0x3000

%macro SEG 2                            ; SEG sreg, value
        mov     ax, %2
        mov     %1, ax
%endmacro

; --- REP MOVSB from ROM into RAM (DF=0) -------------------------------------
        SEG     ds, 0xF000
        SEG     es, SRC
        mov     word [es:0x10A], 0      ; guard bytes just past the copy
        mov     si, str_hello
        mov     di, 0x100
        mov     cx, 11
        rep movsb
        EQ      cx, 0, "rep movsb: cx=0"
        EQ      si, str_hello+11, "rep movsb: si advanced"
        EQ      di, 0x10B, "rep movsb: di advanced"
        mov     ax, [es:0x100]
        EQ      ax, 'HE', "rep movsb: first bytes"
        mov     ax, [es:0x10A]
        EQ      ax, 'D'+0, "rep movsb: last byte, nothing beyond"

; --- REP MOVSW with DF=1 (copies downward; SI/DI decrement by 2) -------------
        SEG     ds, SRC
        SEG     es, DST
        std
        mov     si, 0x106               ; last word of the 8-byte block
        mov     di, 0x206
        mov     cx, 4
        rep movsw
        cld
        EQ      cx, 0, "std rep movsw: cx=0"
        EQ      si, 0x0FE, "std rep movsw: si decremented"
        EQ      di, 0x1FE, "std rep movsw: di decremented"
        mov     ax, [es:0x200]
        EQ      ax, 'HE', "std rep movsw: first word"
        mov     ax, [es:0x206]
        EQ      ax, 'WO', "std rep movsw: last word"

; --- REP MOVSD (66h) -----------------------------------------------------------
        mov     si, 0x100
        mov     di, 0x300
        mov     cx, 2
        rep movsd
        EQ      si, 0x108, "rep movsd: si+8"
        EQ      di, 0x308, "rep movsd: di+8"
        mov     eax, [es:0x304]
        EQ      eax, 'O WO', "rep movsd: second dword"

; --- overlapping MOVSB forward: each byte is re-read after being written
;     (the architectural result is that of sequential byte moves) --------------
        SEG     ds, SRC
        SEG     es, SRC
        mov     si, 0x100               ; "HELLO WORLD"
        mov     di, 0x101
        mov     cx, 5
        rep movsb
        mov     eax, [0x102]
        EQ      eax, 'HHHH', "overlapping rep movsb propagates"
        mov     al, [0x106]
        EQ      al, 'W', "overlapping rep movsb stops after cx bytes"

; --- MOVS with CX=0 does nothing -----------------------------------------------
        mov     si, 0x100
        mov     di, 0x200
        xor     cx, cx
        rep movsb
        EQ      si, 0x100, "rep movsb cx=0: si unchanged"
        EQ      di, 0x200, "rep movsb cx=0: di unchanged"

; --- CMPS (flags as CMP [SI],[DI]) ---------------------------------------------
        SEG     ds, 0xF000
        SEG     es, 0xF000
        mov     si, str_hello
        mov     di, str_there
        mov     cx, 11
        repe cmpsb                      ; "HELLO WORLD" vs "HELLO THERE"
        SAVEF
        EQ      cx, 4, "repe cmpsb: stops after mismatch"
        EQ      si, str_hello+7, "repe cmpsb: si past mismatch"
        EQ      di, str_there+7, "repe cmpsb: di past mismatch"
        FLAGS   ARITH, F_PF, "repe cmpsb 'W'-'T'"
        mov     si, str_there
        mov     di, str_hello
        mov     cx, 11
        repe cmpsb
        SAVEF
        FLAGS   F_CF|F_ZF|F_SF, F_CF|F_SF, "repe cmpsb 'T'-'W'"
        SEG     es, DST
        mov     si, str_hello
        mov     di, 0x200               ; copy left at DST:0x200 by movsw
        mov     cx, 8
        repe cmpsb
        SAVEF
        EQ      cx, 0, "repe cmpsb equal: cx=0"
        FLAGS   F_ZF, F_ZF, "repe cmpsb equal"
        SEG     es, 0xF000
        mov     si, str_abcd
        mov     di, str_xycz
        mov     cx, 4
        repne cmpsb                     ; stops at the first equal pair
        SAVEF
        EQ      cx, 1, "repne cmpsb: cx"
        EQ      si, str_abcd+3, "repne cmpsb: si"
        FLAGS   F_ZF, F_ZF, "repne cmpsb"
        mov     si, str_abcd
        mov     di, str_abcd
        cmpsw                           ; no prefix: one comparison
        SAVEF
        EQ      si, str_abcd+2, "cmpsw: si+2"
        FLAGS   ARITH, F_ZF|F_PF, "cmpsw equal"
        mov     si, str_abcd
        mov     di, str_abcd+1
        cmpsb                           ; 'A' - 'B'
        SAVEF
        FLAGS   ARITH, F_CF|F_SF|F_AF|F_PF, "cmpsb 'A'-'B'"
        ; REPE CMPSD with DF=1 (66h): compare two dwords backward
        std
        mov     si, str_hello+4         ; "O WO" then "HELL"
        mov     di, str_hello+4
        mov     cx, 2
        repe cmpsd
        cld
        SAVEF
        EQ      cx, 0, "std repe cmpsd: cx=0"
        EQ      si, str_hello-4, "std repe cmpsd: si-8"
        FLAGS   F_ZF, F_ZF, "std repe cmpsd"

; --- SCAS (compares AL/AX/EAX with ES:[DI]) ------------------------------------
        mov     di, str_hello
        mov     al, 'O'
        mov     cx, 11
        repne scasb
        SAVEF
        EQ      di, str_hello+5, "repne scasb: di after first 'O'"
        EQ      cx, 6, "repne scasb: cx"
        FLAGS   F_ZF, F_ZF, "repne scasb found"
        repne scasb                     ; resume: second 'O' at index 7
        EQ      di, str_hello+8, "repne scasb again: di"
        EQ      cx, 3, "repne scasb again: cx"
        mov     di, str_hello
        mov     al, 'Z'
        mov     cx, 11
        repne scasb
        SAVEF
        EQ      cx, 0, "repne scasb not found: cx=0"
        EQ      di, str_hello+11, "repne scasb not found: di"
        FLAGS   F_ZF, 0, "repne scasb not found"
        mov     di, words_1112
        mov     ax, 0x1111
        mov     cx, 3
        repe scasw
        SAVEF
        EQ      di, words_1112+6, "repe scasw: di"
        FLAGS   F_ZF|F_CF, F_CF, "repe scasw stops on 2222"
        mov     di, str_hello
        mov     eax, 'HELL'
        scasd
        SAVEF
        EQ      di, str_hello+4, "scasd: di+4"
        FLAGS   F_ZF, F_ZF, "scasd"

; --- LODS ------------------------------------------------------------------------
        mov     si, str_hello
        lodsb
        EQ      al, 'H', "lodsb"
        lodsw
        EQ      ax, 'EL', "lodsw"
        EQ      si, str_hello+3, "lodsb+lodsw: si+3"
        std
        lodsw
        cld
        EQ      ax, 'LO', "std lodsw"
        EQ      si, str_hello+1, "std lodsw: si-2"
        mov     si, str_hello
        lodsd
        EQ      eax, 'HELL', "lodsd"
        mov     si, str_hello
        mov     cx, 3
        rep lodsb
        EQ      al, 'L', "rep lodsb: last byte"
        EQ      cx, 0, "rep lodsb: cx=0"

; --- STOS ------------------------------------------------------------------------
        SEG     es, DST
        mov     word [es:0x410], 0
        mov     di, 0x400
        mov     ax, 0xA5A5
        mov     cx, 8
        rep stosw
        EQ      di, 0x410, "rep stosw: di"
        mov     ax, [es:0x40E]
        EQ      ax, 0xA5A5, "rep stosw: last word"
        mov     ax, [es:0x410]
        EQ      ax, 0, "rep stosw: nothing beyond"
        std
        mov     di, 0x50F
        mov     al, 0x33
        mov     cx, 16
        rep stosb
        cld
        EQ      di, 0x4FF, "std rep stosb: di"
        mov     eax, [es:0x500]
        EQ      eax, 0x33333333, "std rep stosb: lowest bytes"
        mov     di, 0x520
        mov     eax, 0x12345678
        stosd
        EQ      di, 0x524, "stosd: di+4"
        mov     eax, [es:0x520]
        EQ      eax, 0x12345678, "stosd: stored"

; --- segment overrides -------------------------------------------------------------
        ; LODS source may be overridden
        SEG     ds, SRC
        SEG     es, 0xF000
        mov     si, str_hello
        es lodsb
        EQ      al, 'H', "es lodsb reads ES:SI"
        ; MOVS source may be overridden, destination is always ES:DI
        SEG     fs, 0xF000
        SEG     es, DST
        mov     si, str_there
        mov     di, 0x800
        mov     cx, 5
        rep fs movsb
        mov     eax, [es:0x801]
        EQ      eax, 'ELLO', "rep fs movsb copies FS:SI"
        ; STOS ignores a segment override: ES:DI is always the destination
        mov     byte [es:0x900], 0
        mov     byte [ds:0x900], 0
        mov     di, 0x900
        mov     al, 0x77
        ds stosb
        mov     al, [es:0x900]
        EQ      al, 0x77, "ds stosb still writes ES:DI"
        mov     al, [ds:0x900]
        EQ      al, 0, "ds stosb leaves DS:DI alone"
        ; SCAS likewise always scans ES:DI
        mov     byte [ds:0x901], 0x77
        mov     byte [es:0x901], 0x00
        mov     di, 0x901
        mov     al, 0x77
        ds scasb
        SAVEF
        FLAGS   F_ZF, 0, "ds scasb still scans ES:DI"
        ; CMPS source override, SS-relative
        SEG     es, 0xF000
        mov     word [ss:0x0700], 'HE'
        mov     si, 0x0700
        mov     di, str_hello
        ss cmpsw
        SAVEF
        FLAGS   F_ZF, F_ZF, "ss cmpsw compares SS:SI with ES:DI"

; --- address size: 16-bit (default) vs 32-bit (67h) -----------------------------------
        SEG     ds, 0xF000
        ; 16-bit: only SI/DI/CX are used and updated; upper halves preserved
        mov     esi, 0xABCD0000 + str_hello
        lodsb
        EQ      al, 'H', "a16 lodsb ignores upper esi"
        EQ      esi, 0xABCD0000 + str_hello + 1, "a16 lodsb keeps upper esi"
        mov     esi, 0x0005FFFF
        lodsb
        EQ      esi, 0x00050000, "a16 lodsb: si wraps 16 bits"
        SEG     es, BIG
        mov     ecx, 0x00010000         ; CX = 0: no iterations
        mov     edi, 0x00000000
        mov     al, 0x5A
        rep stosb
        EQ      ecx, 0x00010000, "a16 rep stosb cx=0 (ecx=10000h)"
        EQ      edi, 0, "a16 rep stosb cx=0: edi unchanged"
        mov     ecx, 0xABCD0002
        rep stosb
        EQ      ecx, 0xABCD0000, "a16 rep stosb counts cx only"
        EQ      edi, 2, "a16 rep stosb: di+2"
        ; 32-bit: ECX/EDI used in full
        mov     ecx, 0x00010000         ; 64 KiB: EDI 0 -> 10000h
        mov     edi, 0
        mov     al, 0x5A
        a32 rep stosb
        EQ      ecx, 0, "a32 rep stosb: ecx=0"
        EQ      edi, 0x00010000, "a32 rep stosb: edi=10000h"
        mov     al, [es:0xFFFF]
        EQ      al, 0x5A, "a32 rep stosb: last byte written"
        SEG     es, DST
        mov     edi, 0x600
        mov     ecx, 4
        mov     eax, 0xDEADBEEF
        a32 rep stosd
        EQ      ecx, 0, "a32 rep stosd: ecx=0"
        EQ      edi, 0x610, "a32 rep stosd: edi+16"
        mov     eax, [es:0x60C]
        EQ      eax, 0xDEADBEEF, "a32 rep stosd: last dword"
        mov     esi, str_hello
        mov     edi, 0x700
        mov     ecx, 3
        a32 rep movsb
        EQ      esi, str_hello+3, "a32 rep movsb: esi"
        EQ      edi, 0x703, "a32 rep movsb: edi"
        mov     ax, [es:0x701]
        EQ      ax, 'EL', "a32 rep movsb: data"
        SEG     es, 0xF000
        mov     edi, str_hello
        mov     al, 'W'
        mov     ecx, 0xFFFFFFFF
        a32 repne scasb
        EQ      edi, str_hello+7, "a32 repne scasb: edi"
        EQ      ecx, 0xFFFFFFF8, "a32 repne scasb: ecx"

        jmp     exit_pass

str_hello:  db "HELLO WORLD"
str_there:  db "HELLO THERE"
str_abcd:   db "ABCD"
str_xycz:   db "XYCZ"
words_1112: dw 0x1111, 0x1111, 0x2222

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
