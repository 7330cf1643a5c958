; simd_xm.asm -- Glassbox guest test: unmasked SIMD floating-point
; exceptions, #XM against #UD (SDM Vol. 3A 6.15 interrupt 19 and 2.5
; CR4.OSXMMEXCPT; Vol. 1 11.5.1, 11.5.2).
;
; With CR4.OSFXSR set and MXCSR.ZM clear, DIVPS by a zero lane:
; - CR4.OSXMMEXCPT clear: #UD; MXCSR.ZE is set and the destination keeps
;   its value (the flags are set before the exception is delivered);
; - CR4.OSXMMEXCPT set: #XM (vector 19, a fault: the pushed EIP is the
;   DIVPS, no error code), the same flag and unchanged destination;
; - ZM set: no exception, the lane is +inf and ZE is set; the other lanes
;   are the quotients.
; The scalar DIVSS and SSE2's DIVPD raise #XM the same way; an unmasked
; precision exception (1/3, PM clear) too, with PE set.
;
; Build: nasm -f bin -i lib/ -o simd_xm.bin simd_xm.asm
;   -DKEEPGOING  report every failing check instead of stopping at the first
; Run with -cpu nehalem. QEMU 7.2's TCG is no reference here: it neither
; raises #XM (or #UD) for unmasked exceptions nor sets the MXCSR flags of
; DIVPS, so every line follows the SDM alone.

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
        GDT_END

VA      equ 0x0A00              ; {1.0, 2.0, 3.0, 4.0} (binary32)
VB      equ 0x0A10              ; {1.0, 0.0, 1.0, 1.0}
VOUT    equ 0x0A20              ; a stored XMM register
VC      equ 0x0A30              ; {3.0, 3.0, 3.0, 3.0}
VD      equ 0x0A40              ; binary64 {1.0, 0.0}
MXTMP   equ 0x0A80

; SETMX imm: MXCSR = imm (uses MXTMP)
%macro SETMX 1
        mov     dword [MXTMP], %1
        ldmxcsr [MXTMP]
%endmacro

; MXEQ imm, "name": MXCSR == imm
%macro MXEQ 2
        stmxcsr [MXTMP]
        MEQ     [MXTMP], %1, {%2}
%endmacro

; XEQ4 xmm, a, b, c, d, "name": the four dwords of xmm (lane 0 first)
%macro XEQ4 6
        movups  [VOUT], %1
        MEQ     [VOUT], %2, {%6, " lane 0"}
        MEQ     [VOUT+4], %3, {%6, " lane 1"}
        MEQ     [VOUT+8], %4, {%6, " lane 2"}
        MEQ     [VOUT+12], %5, {%6, " lane 3"}
%endmacro

ONE     equ 0x3F800000
TWO     equ 0x40000000
THREE   equ 0x40400000
FOUR    equ 0x40800000
PINF    equ 0x7F800000

bits 32
tests:
        mov     dword [VA], ONE
        mov     dword [VA+4], TWO
        mov     dword [VA+8], THREE
        mov     dword [VA+12], FOUR
        mov     dword [VB], ONE
        mov     dword [VB+4], 0
        mov     dword [VB+8], ONE
        mov     dword [VB+12], ONE
        mov     ecx, 4
.c:     mov     dword [VC+ecx*4-4], THREE
        loop    .c
        mov     dword [VD], 0
        mov     dword [VD+4], 0x3FF00000        ; 1.0
        mov     dword [VD+8], 0
        mov     dword [VD+12], 0
        mov     eax, cr4
        or      eax, CR4_OSFXSR
        and     eax, ~CR4_OSXMMEXCPT
        mov     cr4, eax
        movaps  xmm1, [VB]

; --- OSXMMEXCPT clear: an unmasked exception is #UD
        SETMX   0x1D80                          ; ZM clear
        movaps  xmm0, [VA]
        FAULT   6, 0, {divps xmm0, xmm1}, "OSXMMEXCPT=0: unmasked #Z is #UD"
        MXEQ    0x1D84, "#UD: MXCSR.ZE set"
        XEQ4    xmm0, ONE, TWO, THREE, FOUR, "#UD: destination unchanged"
        SETMX   0x1F80                          ; masked: no exception
        NOFAULT {divps xmm0, xmm1}, "OSXMMEXCPT=0: masked #Z runs"

; --- OSXMMEXCPT set: #XM
        mov     eax, cr4
        or      eax, CR4_OSXMMEXCPT
        mov     cr4, eax
        SETMX   0x1D80
        movaps  xmm0, [VA]
        FAULT   19, 0, {divps xmm0, xmm1}, "OSXMMEXCPT=1: unmasked #Z is #XM"
        MXEQ    0x1D84, "#XM: MXCSR.ZE set"
        XEQ4    xmm0, ONE, TWO, THREE, FOUR, "#XM: destination unchanged"
        FAULT   19, 0, {divps xmm0, [VB]}, "#XM with a memory operand"
        XEQ4    xmm0, ONE, TWO, THREE, FOUR, "#XM (memory): destination unchanged"
        SETMX   0x1F80
        NOFAULT {divps xmm0, xmm1}, "ZM set: no exception"
        XEQ4    xmm0, ONE, PINF, THREE, FOUR, "masked #Z: +inf in lane 1"
        MXEQ    0x1F84, "masked #Z: ZE set"

; --- Scalar and SSE2 forms, and the precision exception
        SETMX   0x1D80
        movaps  xmm2, [VB]
        movaps  xmm0, [VA]
        shufps  xmm2, xmm2, 0x55                ; every lane 0.0
        FAULT   19, 0, {divss xmm0, xmm2}, "divss by zero #XM"
        XEQ4    xmm0, ONE, TWO, THREE, FOUR, "divss #XM: destination unchanged"
        movaps  xmm3, [VD]
        xorps   xmm4, xmm4
        FAULT   19, 0, {divpd xmm3, xmm4}, "divpd by zero #XM"
        XEQ4    xmm3, 0, 0x3FF00000, 0, 0, "divpd #XM: destination unchanged"
        SETMX   0x0F80                          ; PM clear
        movaps  xmm0, [VA]
        movaps  xmm5, [VC]
        FAULT   19, 0, {divps xmm0, xmm5}, "1/3 with PM clear: #XM"
        MXEQ    0x0FA0, "precision #XM: PE set"
        XEQ4    xmm0, ONE, TWO, THREE, FOUR, "precision #XM: destination unchanged"

        SETMX   0x1F80
        jmp     exit_pass

        RESET_VECTOR
