; strings.asm -- Glassbox guest test: string instructions in real mode.
;
; MOVS/CMPS/SCAS/LODS/STOS with and without REP/REPE/REPNE, DF=1, segment
; overrides (the ES:DI destination cannot be overridden), 16- vs 32-bit
; address size (67h: ECX/ESI/EDI instead of CX/SI/DI).  SDM references:
; Vol. 2B "MOVS", "CMPS", "SCAS", "LODS", "STOS", "REP/REPE/REPZ/REPNE/REPNZ";
; Vol. 1 section 7.3.9 (string operations).
;
; Build: nasm -f bin -i lib/ -o strings.bin strings.asm

%include "harness16.inc"                ; start: real-mode set-up, then jmp tests

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

        RESET_VECTOR
