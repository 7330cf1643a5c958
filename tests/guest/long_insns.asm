; long_insns.asm -- Glassbox guest test: the 64-bit instruction set, at
; CPL0 in 64-bit mode (SDM Vol. 1 3.4.1.1, 3.7.5.1; Vol. 2 2.2.1 "REX
; Prefixes", appendix A "Opcode Map" (i64/o64), the instruction pages).
;
; - REX: SPL/BPL/SIL/DIL instead of AH/CH/DH/BH in byte operands when any
;   REX prefix is present (Vol. 2 table 2-4), R8B-R15B, R8-R15; 40h-4Fh are
;   REX, not INC/DEC.
; - Operand sizes: a 32-bit destination is zero-extended to 64 bits, 8- and
;   16-bit ones keep the rest (Vol. 1 3.4.1.1) -- also CMOVcc with a false
;   condition and XCHG EAX,EAX (87 C0), while 90h stays NOP; MOV r64,imm64;
;   MOVSXD, CDQE, CQO; PUSH/POP/CALL default to 64 bits, 66h makes 16;
;   PUSH imm sign-extends; LOOP counts in RCX; 67h makes the address 32-bit.
; - CMPXCHG16B (CPUID.1:ECX.CX16): equal and unequal cases, #GP(0) on an
;   operand not aligned to 16 bytes (Vol. 2 CMPXCHG8B/16B).
; - 64-bit MUL, IMUL (all three forms), DIV, IDIV and #DE; shift and rotate
;   counts masked to 6 bits (5 with a 32-bit operand).
; - RIP-relative addressing: relative to the end of the instruction, after
;   any immediate (Vol. 2 2.2.1.6).
; - Instructions invalid in 64-bit mode, #UD (Vol. 2 appendix A, "i64"):
;   PUSH/POP ES, CS, SS, DS, DAA, DAS, AAA, AAS, PUSHA, POPA, INTO, AAM,
;   AAD, SALC (D6), 82h, far CALL/JMP direct (9Ah, EAh); C4h/C5h (LES/LDS
;   before) and 62h (BOUND) are VEX/EVEX prefixes: #UD here on any part,
;   as CR4.OSXSAVE = 0 (Vol. 2 2.3.12, 2.8: VEX and EVEX encodings need
;   OSXSAVE and XCR0 state enabled), besides the models having no AVX.
; - LAHF/SAHF: run if CPUID.80000001h:ECX.LAHF-SAHF (bit 0), else #UD.
;   RDTSCP: if CPUID.80000001h:EDX.RDTSCP (bit 27), ECX = IA32_TSC_AUX and
;   EDX:EAX = TSC with the upper halves cleared; else #UD.
; - CR8 is the local APIC's TPR bits 7:4 (Vol. 3A 10.8.6.1): MOV CR8 is
;   seen at FEE00080h and a TPR write in CR8; reserved bits 63:4 #GP(0).
; - XMM8-XMM15: moves, PADDD, MOVQ r64/xmm (REX.W 66 0F 7E/6E).
;
; Build: nasm -f bin -i lib/ -o long_insns.bin long_insns.asm
;   -DQEMU_REF  leave out what QEMU 7.2's TCG does not do as the SDM says:
;               #GP(0) for CR8 bits 63:4 (QEMU keeps bits 3:0 and ignores
;               the rest)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG; -cpu core2duo, core2duo,
; -lahf-lm, Westmere,+rdtscp and max, to take both sides of the CPUID
; checks) with -DQEMU_REF: every line passes.  Glassbox runs it on
; icelake-server (RDTSCP, LAHF-SAHF).

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        GDT_END

BUF     equ 0x0600              ; 64 bytes, 16-byte aligned
SAVRSP  equ 0x0580
APIC_TPR equ 0xFEE00080

; RQ reg, imm64: load a 64-bit constant
%macro RQ 2
        mov     %1, %2
%endmacro

konst:  dd      0x11223344, 0x55667788
vec1:   dd      1, 2, 3, 0x7FFFFFFF
vec2:   dd      0x10, 0x20, 0x30, 1

bits 64
tests:
; --- REX and byte registers
        mov     rax, 0x1111111111111111
        mov     rdx, 0x2222222222221234         ; DH = 12h
        mov     rsi, 0x3333333333333356         ; SIL = 56h
        db      0x88, 0xF0                      ; mov al, dh (no REX: reg 6 = DH)
        EQ      rax, 0x1111111111111112, "88 F0: mov al, dh"
        db      0x40, 0x88, 0xF0                ; mov al, sil (REX: reg 6 = SIL)
        EQ      rax, 0x1111111111111156, "40 88 F0: mov al, sil"
        mov     rdi, 0x4444444444444444
        mov     dil, 0xAB
        EQ      rdi, 0x44444444444444AB, "mov dil writes bits 7:0 of RDI"
        mov     ah, 0xCD
        EQ      rax, 0x111111111111CD56, "mov ah writes bits 15:8"
        mov     r12, -1
        mov     r12b, 0
        EQ      r12, 0xFFFFFFFFFFFFFF00, "mov r12b, 0"
        mov     r15w, 0x1234
        EQ      r15w, 0x1234, "mov r15w"
        mov     rbp, rsp
        mov     rsp, 0x0000000000007000
        mov     spl, 0x10
        mov     rcx, rsp
        mov     rsp, rbp
        EQ      rcx, 0x7010, "mov spl writes bits 7:0 of RSP"
        mov     eax, 5
        db      0x48, 0xFF, 0xC0                ; 48h is REX.W: inc rax
        EQ      rax, 6, "48 FF C0: REX.W inc rax"
        mov     r9, 0x0123456789ABCDEF
        mov     r10, r9
        add     r10, r9
        EQ      r10, 0x02468ACF13579BDE, "add r10, r9 (64-bit)"
        bswap   r9
        EQ      r9, 0xEFCDAB8967452301, "bswap r9"

; --- operand sizes and zero-extension
        mov     rax, -1
        mov     eax, 1
        EQ      rax, 1, "mov eax zero-extends"
        mov     rax, -1
        add     eax, 0
        EQ      rax, 0xFFFFFFFF, "add eax, 0 zero-extends"
        mov     rax, -1
        mov     ax, 0
        EQ      rax, 0xFFFFFFFFFFFF0000, "mov ax keeps bits 63:16"
        mov     rax, -1
        mov     al, 0
        EQ      rax, 0xFFFFFFFFFFFFFF00, "mov al keeps bits 63:8"
        mov     rax, -1
        mov     ecx, 7
        cmp     eax, eax
        cmovne  eax, ecx                        ; false: still writes EAX
        EQ      rax, 0xFFFFFFFF, "cmovne eax (false) zero-extends"
        mov     rax, -1
        db      0x90                            ; NOP, not XCHG EAX,EAX
        EQ      rax, -1, "90: nop keeps RAX"
        db      0x87, 0xC0                      ; xchg eax, eax
        EQ      rax, 0xFFFFFFFF, "87 C0: xchg eax, eax zero-extends"
        mov     rax, 0x8000000000000001         ; B8+r REX.W imm64
        EQ      rax, 0x8000000000000001, "mov rax, imm64"
        mov     rax, 0
        db      0x48, 0xC7, 0xC0, 0x00, 0x00, 0x00, 0x80  ; mov rax, imm32 (sign-extended)
        EQ      rax, 0xFFFFFFFF80000000, "C7 /0: imm32 sign-extended"
        mov     ecx, 0x80000000
        movsxd  rax, ecx
        EQ      rax, 0xFFFFFFFF80000000, "movsxd rax, ecx"
        mov     dword [BUF], 0x7FFFFFFF
        movsxd  rbx, dword [BUF]
        EQ      rbx, 0x7FFFFFFF, "movsxd rbx, [mem]"
        mov     eax, 0x80000000
        cdqe
        EQ      rax, 0xFFFFFFFF80000000, "cdqe"
        cqo
        EQ      rdx, -1, "cqo"

; --- stack operations default to 64 bits
        mov     rbx, rsp
        push    rax
        lea     rcx, [rbx-8]
        EQ      rsp, rcx, "push rax: RSP - 8"
        pop     rax
        push    -2                              ; 6A FE, sign-extended
        pop     rcx
        EQ      rcx, 0xFFFFFFFFFFFFFFFE, "push imm8 pushes 8 bytes"
        push    word 0x1234                     ; 66h: 16-bit push
        lea     rcx, [rbx-2]
        EQ      rsp, rcx, "66 push imm16: RSP - 2"
        pop     word [BUF]
        EQ      rsp, rbx, "66 pop: RSP + 2"
        push    fs
        lea     rcx, [rbx-8]
        EQ      rsp, rcx, "push fs: 8 bytes"
        pop     fs
        pushfq
        pop     rcx
        and     ecx, 2
        EQ      rcx, 2, "pushfq: bit 1 set"
        call    .c1
.c1:    pop     rcx
        lea     rdx, [rel .c1]
        EQ      rcx, rdx, "call pushes the 64-bit RIP"
        EQ      rsp, rbx, "call/pop balance"

; --- LOOP and address size
        mov     rcx, 0x100000000
        mov     eax, 0
        loop    .l1                             ; RCX = FFFFFFFFh: taken
        mov     eax, 1
.l1:    EQ      eax, 0, "loop counts in RCX (64-bit)"
        EQ      rcx, 0xFFFFFFFF, "loop: RCX - 1"
        mov     dword [BUF], 0xCAFE
        mov     rbx, 0xFFFFFFFF00000000 + BUF
        db      0x67, 0x8B, 0x03                ; mov eax, [ebx]
        EQ      eax, 0xCAFE, "67h: [EBX] ignores bits 63:32 of RBX"
        mov     rbx, BUF
        mov     rsi, rbx
        lea     rdi, [rbx+16]
        mov     ecx, 4
        rep movsb
        mov     eax, [BUF+16]
        EQ      eax, 0xCAFE, "rep movsb with RSI/RDI/RCX"
        EQ      rsi, BUF+4, "rep movsb: RSI"

; --- RIP-relative addressing
        lea     rax, [rel konst]
        EQ      rax, ROMBASE + konst, "lea [rip+disp]: ROMBASE + label"
        mov     eax, [rel konst+4]
        EQ      eax, 0x55667788, "mov eax, [rip+disp]"
        cmp     dword [rel konst], 0x11223344   ; RIP after the imm32
        CHECK   "cmp [rip+disp], imm32: RIP is the end of the instruction"
        cmp     byte [rel konst+4], 0x88
        CHECK   "cmp [rip+disp], imm8"

; --- CMPXCHG16B
        mov     eax, 1
        cpuid
        bt      ecx, 13
        setc    al
        EQ      al, 1, "CPUID.1:ECX.CX16"
        mov     qword [BUF], 0x1111
        mov     qword [BUF+8], 0x2222
        mov     rax, 0x1111
        mov     rdx, 0x2222
        mov     rbx, 0x3333
        mov     rcx, 0x4444
        lock cmpxchg16b [BUF]
        CHECK   "cmpxchg16b equal: ZF = 1"
        MEQ     [BUF], 0x3333, "cmpxchg16b equal: stored RBX"
        MEQ     [BUF+8], 0x4444, "cmpxchg16b equal: stored RCX"
        mov     rax, 0x1111
        mov     rdx, 0x2222
        cmpxchg16b [BUF]
        setnz   cl
        EQ      cl, 1, "cmpxchg16b unequal: ZF = 0"
        EQ      rax, 0x3333, "cmpxchg16b unequal: RAX = memory"
        EQ      rdx, 0x4444, "cmpxchg16b unequal: RDX = memory"
        FAULT   13, 0, {cmpxchg16b [BUF+8]}, "cmpxchg16b misaligned #GP(0)"

; --- 64-bit multiply and divide
        mov     rax, -1
        mov     rcx, 2
        mul     rcx
        setc    bl
        EQ      rdx, 1, "mul rcx: RDX"
        EQ      rax, 0xFFFFFFFFFFFFFFFE, "mul rcx: RAX"
        EQ      bl, 1, "mul rcx: CF"
        mov     rax, -3
        mov     rcx, 5
        imul    rcx
        EQ      rax, -15, "imul rcx: RAX"
        EQ      rdx, -1, "imul rcx: RDX (sign)"
        mov     rcx, 0x100000000
        imul    rax, rcx, 0x10
        EQ      rax, 0x1000000000, "imul rax, rcx, imm"
        mov     rax, 0x4000000000000000
        imul    rax, rax
        seto    bl
        EQ      bl, 1, "imul rax, rax overflow: OF"
        mov     rdx, 1
        xor     eax, eax                        ; RDX:RAX = 2^64
        mov     rcx, 3
        div     rcx
        EQ      rax, 0x5555555555555555, "div rcx: quotient"
        EQ      rdx, 1, "div rcx: remainder"
        mov     rax, -7
        cqo
        mov     rcx, 2
        idiv    rcx
        EQ      rax, -3, "idiv: -7 / 2 = -3"
        EQ      rdx, -1, "idiv: remainder -1"
        mov     rdx, 2
        mov     rcx, 2
        FAULT   0, 0, {div rcx}, "div: quotient >= 2^64 #DE"
        xor     edx, edx
        xor     ecx, ecx
        FAULT   0, 0, {div rcx}, "div by 0 #DE"

; --- shift counts
        mov     rax, 1
        mov     cl, 65
        shl     rax, cl
        EQ      rax, 2, "shl rax, 65: count masked to 1"
        mov     rax, 1
        mov     cl, 63
        shl     rax, cl
        EQ      rax, 0x8000000000000000, "shl rax, 63"
        mov     rax, -1
        mov     cl, 33
        shl     eax, cl
        EQ      rax, 0xFFFFFFFE, "shl eax, 33: count masked to 1, zero-extended"
        mov     rax, 0x8000000000000000
        sar     rax, 63
        EQ      rax, -1, "sar rax, 63"
        mov     rax, 0x0123456789ABCDEF
        mov     cl, 64
        stc
        rol     rax, cl                         ; count 0: nothing, CF kept
        setc    bl
        EQ      rax, 0x0123456789ABCDEF, "rol rax, 64: no rotation"
        EQ      bl, 1, "rol rax, 64: flags unchanged"
        mov     rax, 0x0123456789ABCDEF
        mov     rdx, 0xFEDCBA9876543210
        shld    rax, rdx, 8
        EQ      rax, 0x23456789ABCDEFFE, "shld rax, rdx, 8"

; --- invalid in 64-bit mode: #UD
        FAULT   6, 0, {db 0x06}, "06 push es #UD"
        FAULT   6, 0, {db 0x07}, "07 pop es #UD"
        FAULT   6, 0, {db 0x0E}, "0E push cs #UD"
        FAULT   6, 0, {db 0x16}, "16 push ss #UD"
        FAULT   6, 0, {db 0x17}, "17 pop ss #UD"
        FAULT   6, 0, {db 0x1E}, "1E push ds #UD"
        FAULT   6, 0, {db 0x1F}, "1F pop ds #UD"
        FAULT   6, 0, {db 0x27}, "27 daa #UD"
        FAULT   6, 0, {db 0x2F}, "2F das #UD"
        FAULT   6, 0, {db 0x37}, "37 aaa #UD"
        FAULT   6, 0, {db 0x3F}, "3F aas #UD"
        FAULT   6, 0, {db 0x60}, "60 pusha #UD"
        FAULT   6, 0, {db 0x61}, "61 popa #UD"
        FAULT   6, 0, {db 0xCE}, "CE into #UD"
        FAULT   6, 0, {db 0xD4, 0x0A}, "D4 aam #UD"
        FAULT   6, 0, {db 0xD5, 0x0A}, "D5 aad #UD"
        FAULT   6, 0, {db 0xD6}, "D6 salc #UD"
        FAULT   6, 0, {db 0x82, 0xC0, 0x01}, "82 /0 #UD"
        FAULT   6, 0, {db 0x9A, 0, 0, 0, 0, 0x08, 0}, "9A far call direct #UD"
        FAULT   6, 0, {db 0xEA, 0, 0, 0, 0, 0x08, 0}, "EA far jmp direct #UD"
        FAULT   6, 0, {db 0xC4, 0xE1, 0x79, 0x6F, 0xC1}, "C4 (VEX3 vmovdqa) without AVX #UD"
        FAULT   6, 0, {db 0xC5, 0xF9, 0x6F, 0xC1}, "C5 (VEX2 vmovdqa) without AVX #UD"
        FAULT   6, 0, {db 0x62, 0xF1, 0x7D, 0x48, 0x6F, 0xC1}, "62 (EVEX) without AVX-512 #UD"

; --- LAHF/SAHF and RDTSCP as CPUID says
        mov     eax, 0x80000001
        cpuid
        mov     r8d, ecx                        ; bit 0: LAHF-SAHF
        mov     r9d, edx                        ; bit 27: RDTSCP
        test    r8d, 1
        jz      .nolahf
        mov     ah, F_CF | F_ZF | 2
        sahf
        setc    bl
        setz    bh
        EQ      bx, 0x0101, "sahf: CF and ZF from AH"
        xor     eax, eax                        ; ZF = 1, PF = 1, CF = 0
        lahf
        EQ      ah, F_ZF | F_PF | 2, "lahf: AH = SF ZF 0 AF 0 PF 1 CF"
        jmp     .lahfdone
.nolahf:
        FAULT   6, 0, {lahf}, "lahf without CPUID LAHF-SAHF #UD"
        FAULT   6, 0, {sahf}, "sahf without CPUID LAHF-SAHF #UD"
.lahfdone:
        test    r9d, 1 << 27
        jz      .nordtscp
        WRMSR64 MSR_TSC_AUX, 0x12345678
        rdtsc
        shl     rdx, 32
        or      rax, rdx
        mov     rsi, rax
        mov     rcx, -1
        mov     rax, -1
        mov     rdx, -1
        rdtscp
        EQ      rcx, 0x12345678, "rdtscp: RCX = TSC_AUX, zero-extended"
        mov     rbx, rdx
        shr     rbx, 32
        EQ      rbx, 0, "rdtscp: bits 63:32 of RDX cleared"
        mov     rbx, rax
        shr     rbx, 32
        EQ      rbx, 0, "rdtscp: bits 63:32 of RAX cleared"
        shl     rdx, 32
        or      rax, rdx
        cmp     rax, rsi
        seta    al
        EQ      al, 1, "rdtscp: TSC after rdtsc's"
        jmp     .rdtscpdone
.nordtscp:
        FAULT   6, 0, {rdtscp}, "rdtscp without CPUID RDTSCP #UD"
.rdtscpdone:

; --- CR8 and the local APIC TPR (RBX: FEE00080h is not a sign-extended disp32)
        mov     ebx, APIC_TPR
        mov     eax, 5
        mov     cr8, rax
        mov     eax, [rbx]
        EQ      eax, 0x50, "mov cr8, 5: TPR = 50h"
        mov     dword [rbx], 0x9F
        mov     rax, cr8
        EQ      rax, 9, "TPR = 9Fh: CR8 = 9 (TPR bits 7:4)"
%ifndef QEMU_REF
        mov     eax, 0x10
        FAULT   13, 0, {mov cr8, rax}, "mov cr8, 10h (reserved bit 4) #GP(0)"
        mov     rax, cr8
        EQ      rax, 9, "the faulting mov cr8 left CR8"
%endif
        xor     eax, eax
        mov     cr8, rax
        mov     eax, [rbx]
        EQ      eax, 0, "mov cr8, 0: TPR = 0"

; --- XMM8-XMM15
        mov     rax, cr4
        or      eax, CR4_OSFXSR | CR4_OSXMMEXCPT
        mov     cr4, rax
        movdqu  xmm8, [rel vec1]
        movdqu  xmm13, [rel vec2]
        movdqa  xmm15, xmm8
        paddd   xmm15, xmm13
        movdqa  [BUF], xmm15
        MEQ     [BUF], 0x0000002200000011, "paddd xmm15, xmm13: dwords 0-1"
        MEQ     [BUF+8], 0x8000000000000033, "paddd xmm15, xmm13: dwords 2-3"
        movq    rax, xmm15
        EQ      rax, 0x0000002200000011, "movq rax, xmm15"
        mov     rcx, 0xFEDCBA9876543210
        movq    xmm9, rcx
        movdqa  [BUF], xmm9
        MEQ     [BUF], 0xFEDCBA9876543210, "movq xmm9, rcx: low qword"
        MEQ     [BUF+8], 0, "movq xmm9, rcx: high qword zeroed"
        movdqa  xmm0, xmm9                      ; xmm0 and xmm8 are distinct
        pxor    xmm8, xmm8
        movq    rax, xmm0
        EQ      rax, 0xFEDCBA9876543210, "pxor xmm8 leaves xmm0"

        jmp     exit_pass

        RESET_VECTOR
