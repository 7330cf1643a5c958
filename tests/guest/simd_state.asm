; simd_state.asm -- Glassbox guest test: the SSE and MMX state and its
; exception rules, in 32-bit protected mode.
;
; - CR4.OSFXSR clear: SSE instructions (MOVAPS, LDMXCSR) raise #UD, MMX and
;   FXSAVE still run (SDM Vol. 3A 2.5, 13.1.3; Vol. 2 LDMXCSR "Exceptions").
; - CR0.TS: #NM for SSE, MMX, EMMS, FXSAVE, LDMXCSR; CR0.EM: #UD for all of
;   them, also with TS set (SDM Vol. 3A 2.5 Table 2-2, 13.1.3; Vol. 1
;   Table 9-3 "Effect of Control Register Settings ... on MMX").
; - The alignment rule: MOVAPS with a misaligned 16-byte operand is #GP(0),
;   load or store, and leaves the destination; MOVUPS runs (SDM Vol. 2
;   MOVAPS/MOVUPS "Exceptions"; Vol. 3A 6.15 interrupt 13). FXSAVE too.
; - The FXSAVE image (SDM Vol. 1 Table 10-2): FCW, FSW, the abridged tag
;   byte, FOP, MXCSR, MXCSR_MASK, ST0-ST7 at 32+16i, XMM0-7 at 160+16i; an
;   FXRSTOR/FXSAVE round trip gives the same 288 bytes; a reserved MXCSR bit
;   in the image or in LDMXCSR's operand is #GP(0) (SDM Vol. 2 FXRSTOR,
;   LDMXCSR; Vol. 1 11.6.6: MXCSR_MASK FFBFh without DAZ on the Pentium III).
; - MMX and x87 share R0-R7 (SDM Vol. 1 9.5, Table 9-2): an MMX instruction
;   sets TOP to 0 and every tag non-empty, and writes ones to bits 79-64 of
;   its register; FNSTENV then computes that register's tag as special
;   (10b); EMMS empties every tag (FFFFh); an FLD after MMX code without EMMS
;   overflows the stack (IE, SF, C1 = 1) and, masked, loads the indefinite.
;
; Build: nasm -f bin -i lib/ -o simd_state.bin simd_state.asm
;   -DPENTIUM3   MXCSR_MASK FFBFh: run with -cpu pentium3 (default: the
;                nehalem model, FFFFh)
;   -DQEMU_REF   leave out what QEMU 7.2's TCG does not do as the SDM says:
;                MXCSR_MASK FFBFh and the DAZ #GP(0) on its pentium3 model
;                (QEMU stores FFFFh); #GP(0) for reserved MXCSR bits (QEMU
;                loads them); #NM/#UD for EMMS with CR0.TS/EM (QEMU runs
;                it); EM before TS (QEMU raises #NM); #UD for FXSAVE with
;                EM (QEMU: #NM, as the 1999 SDM had it); FOP in the FXSAVE
;                image (QEMU stores 0); the ones in bits 79-64 of an MMX
;                register and the x87 stack overflow of an FLD after MMX
;                code (QEMU models neither)
;   -DKEEPGOING  report every failing check instead of stopping at the first
; Checked against qemu-system-i386 7.2 (TCG, -cpu Nehalem and -cpu pentium3)
; with -DQEMU_REF: every line passes.

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
        GDT_END

FXBUF   equ 0x0600              ; 512-byte FXSAVE areas, 16-byte aligned
FXBUF2  equ 0x0800
VBUF    equ 0x0A00              ; 32 bytes of vector data, 16-byte aligned
MXTMP   equ 0x0A40              ; an MXCSR image / control word
ENV     equ 0x0A80              ; FNSTENV area (28 bytes)

%if %isdef(PENTIUM3) && !%isdef(QEMU_REF)
MXMASK  equ 0xFFBF
%else
MXMASK  equ 0xFFFF
%endif

VOUT    equ 0x0A60              ; 16 bytes: a stored XMM register

; XLO reg, xmm: reg = the low dword of xmm (MOVD r32, xmm is SSE2: not on
; the Pentium III)
%macro XLO 2
        movups  [VOUT], %2
        mov     %1, [VOUT]
%endmacro

; WEQ mem16, imm, "name": the word in memory == imm (uses EAX)
%macro WEQ 3
        movzx   eax, word %1
        EQ      eax, %2, {%3}
%endmacro

bits 32
tests:
        ; VBUF: 00010203h, 04050607h, ... (16 + 16 bytes)
        mov     eax, 0x03020100
        xor     ecx, ecx
.fill:  mov     [VBUF+ecx*4], eax
        add     eax, 0x04040404
        inc     ecx
        cmp     ecx, 8
        jb      .fill
        mov     dword [MXTMP], 0x1F80

; --- CR4.OSFXSR clear: #UD for SSE, MMX and FXSAVE run
        mov     eax, cr4
        and     eax, ~(CR4_OSFXSR | CR4_OSXMMEXCPT)
        mov     cr4, eax
        FAULT   6, 0, {movaps xmm0, xmm1}, "OSFXSR=0: movaps #UD"
        FAULT   6, 0, {ldmxcsr [MXTMP]}, "OSFXSR=0: ldmxcsr #UD"
        FAULT   6, 0, {movups xmm0, [VBUF]}, "OSFXSR=0: movups #UD"
        NOFAULT {movq mm0, mm1}, "OSFXSR=0: MMX movq runs"
        NOFAULT {emms}, "OSFXSR=0: emms runs"
        NOFAULT {fxsave [FXBUF]}, "OSFXSR=0: fxsave runs"
        mov     eax, cr4                ; (the checks use EAX)
        or      eax, CR4_OSFXSR
        mov     cr4, eax
        NOFAULT {movaps xmm0, xmm1}, "OSFXSR=1: movaps runs"

; --- CR0.TS: #NM; CR0.EM: #UD (before #NM)
        mov     eax, cr0
        or      eax, CR0_TS
        mov     cr0, eax
        FAULT   7, 0, {movaps xmm0, xmm1}, "TS: movaps #NM"
        FAULT   7, 0, {ldmxcsr [MXTMP]}, "TS: ldmxcsr #NM"
        FAULT   7, 0, {movq mm0, mm1}, "TS: movq mm #NM"
%ifndef QEMU_REF
        FAULT   7, 0, {emms}, "TS: emms #NM"  ; QEMU 7.2 runs EMMS with TS set
%endif
        FAULT   7, 0, {fxsave [FXBUF]}, "TS: fxsave #NM"
        mov     eax, cr0
        or      eax, CR0_EM
        mov     cr0, eax
%ifndef QEMU_REF                         ; QEMU 7.2 raises #NM: TS before EM
        FAULT   6, 0, {movaps xmm0, xmm1}, "EM+TS: movaps #UD"
        FAULT   6, 0, {movq mm0, mm1}, "EM+TS: movq mm #UD"
%endif
        clts
        FAULT   6, 0, {movaps xmm0, xmm1}, "EM: movaps #UD"
        FAULT   6, 0, {stmxcsr [MXTMP]}, "EM: stmxcsr #UD"
        FAULT   6, 0, {movq mm0, mm1}, "EM: movq mm #UD"
%ifndef QEMU_REF
        FAULT   6, 0, {emms}, "EM: emms #UD"        ; QEMU 7.2 runs it
        FAULT   6, 0, {fxsave [FXBUF]}, "EM: fxsave #UD"  ; QEMU 7.2: #NM (the 1999 SDM's rule)
%endif
        mov     eax, cr0
        and     eax, ~CR0_EM
        mov     cr0, eax
        NOFAULT {movaps xmm0, xmm1}, "EM=TS=0: movaps runs"

; --- Alignment: MOVAPS #GP(0) on a misaligned operand, MOVUPS runs
        NOFAULT {movaps xmm2, [VBUF]}, "aligned movaps load"
        FAULT   13, 0, {movaps xmm2, [VBUF+4]}, "misaligned movaps load #GP(0)"
        XLO     eax, xmm2
        EQ      eax, 0x03020100, "#GP(0) leaves the destination"
        FAULT   13, 0, {movaps [VBUF+8], xmm2}, "misaligned movaps store #GP(0)"
        MEQ     [VBUF+8], 0x0B0A0908, "#GP(0) leaves memory"
        NOFAULT {movups xmm3, [VBUF+4]}, "misaligned movups load"
        XLO     eax, xmm3
        EQ      eax, 0x07060504, "movups read the misaligned bytes"
        FAULT   13, 0, {fxsave [FXBUF+8]}, "misaligned fxsave #GP(0)"
        FAULT   13, 0, {fxrstor [FXBUF+8]}, "misaligned fxrstor #GP(0)"

; --- The FXSAVE image
        fninit
        mov     word [MXTMP], 0x027F    ; FCW: 53-bit precision, all masked
        fldcw   [MXTMP]
        fld1                            ; R7 = 1.0
        fldz                            ; R6 = +0.0, TOP = 6
%ifdef PENTIUM3
        mov     dword [MXTMP], 0x9F81   ; FTZ, masks, IE
%else
        mov     dword [MXTMP], 0x9FC1   ; FTZ, masks, DAZ, IE
%endif
        ldmxcsr [MXTMP]
        movaps  xmm0, [VBUF]
        movaps  xmm7, [VBUF+16]
        fxsave  [FXBUF]
        WEQ     [FXBUF+0], 0x027F, "fxsave FCW at 0"
        WEQ     [FXBUF+2], 0x3000, "fxsave FSW at 2 (TOP 6)"
        movzx   eax, byte [FXBUF+4]
        EQ      eax, 0xC0, "fxsave abridged tag at 4 (R6 R7 valid)"
%ifndef QEMU_REF
        WEQ     [FXBUF+6], 0x01EE, "fxsave FOP at 6 (FLDZ D9 EE)"  ; QEMU 7.2 stores 0
%endif
%ifdef PENTIUM3
        MEQ     [FXBUF+24], 0x9F81, "fxsave MXCSR at 24"
%else
        MEQ     [FXBUF+24], 0x9FC1, "fxsave MXCSR at 24"
%endif
        MEQ     [FXBUF+28], MXMASK, "fxsave MXCSR_MASK at 28"
        MEQ     [FXBUF+32], 0, "ST0 = +0: significand low"
        MEQ     [FXBUF+36], 0, "ST0 = +0: significand high"
        WEQ     [FXBUF+40], 0, "ST0 = +0: sign and exponent"
        MEQ     [FXBUF+48], 0, "ST1 = 1.0: significand low"
        MEQ     [FXBUF+52], 0x80000000, "ST1 = 1.0: significand high"
        WEQ     [FXBUF+56], 0x3FFF, "ST1 = 1.0: sign and exponent"
        MEQ     [FXBUF+160], 0x03020100, "XMM0 at 160"
        MEQ     [FXBUF+172], 0x0F0E0D0C, "XMM0 bytes 12-15"
        MEQ     [FXBUF+272], 0x13121110, "XMM7 at 272"
        MEQ     [FXBUF+284], 0x1F1E1D1C, "XMM7 bytes 12-15"

; --- FXRSTOR/FXSAVE round trip: the same 288 bytes
        fninit
        movaps  xmm0, xmm7
        mov     dword [MXTMP], 0x1F80
        ldmxcsr [MXTMP]
        NOFAULT {fxrstor [FXBUF]}, "fxrstor"
        stmxcsr [MXTMP]
        XLO     ebx, xmm0
        EQ      ebx, 0x03020100, "fxrstor restored XMM0"
        fxsave  [FXBUF2]
        mov     esi, FXBUF
        mov     edi, FXBUF2
        mov     ecx, 288 / 4
        repe cmpsd
        EQ      ecx, 0, "fxsave after fxrstor: the same image"
%ifdef PENTIUM3
        MEQ     [MXTMP], 0x9F81, "fxrstor restored MXCSR"
%else
        MEQ     [MXTMP], 0x9FC1, "fxrstor restored MXCSR"
%endif

; --- Reserved MXCSR bits: #GP(0), state unchanged
%ifndef QEMU_REF                         ; QEMU 7.2 loads reserved bits
        mov     dword [FXBUF+24], 0x00011F80
        FAULT   13, 0, {fxrstor [FXBUF]}, "fxrstor reserved MXCSR bit #GP(0)"
        mov     dword [MXTMP], 0x00011F80
        FAULT   13, 0, {ldmxcsr [MXTMP]}, "ldmxcsr reserved bit #GP(0)"
%endif
%if %isdef(PENTIUM3) && !%isdef(QEMU_REF)
        mov     dword [MXTMP], 0x1FC0
        FAULT   13, 0, {ldmxcsr [MXTMP]}, "pentium3: ldmxcsr DAZ #GP(0) (MXCSR_MASK FFBFh)"
%endif
        stmxcsr [MXTMP]
%ifdef PENTIUM3
        MEQ     [MXTMP], 0x9F81, "MXCSR unchanged by the faults"
%else
        MEQ     [MXTMP], 0x9FC1, "MXCSR unchanged by the faults"
%endif

; --- MMX and the x87 state
        fninit
        fldz                            ; eight zeros: R0-R7 hold +0.0
        fldz
        fldz
        fldz
        fldz
        fldz
        fldz
        fldz
        fninit                          ; every tag empty, TOP 0
        mov     eax, 0x12345678
        movd    mm0, eax
        fxsave  [FXBUF]
        movzx   eax, byte [FXBUF+4]
        EQ      eax, 0xFF, "MMX: every tag valid (abridged FFh)"
        movzx   eax, word [FXBUF+2]
        and     eax, 0x3800
        EQ      eax, 0, "MMX: TOP 0"
        MEQ     [FXBUF+32], 0x12345678, "MMX: MM0 is R0's significand"
%ifndef QEMU_REF
        WEQ     [FXBUF+40], 0xFFFF, "MMX: ones in R0 bits 79-64"  ; QEMU 7.2 leaves them
%endif
        fnstenv [ENV]
        WEQ     [ENV+8], 0x5556, "fnstenv tag word: R0 special, R1-R7 zero"
        fldcw   [ENV]                   ; FNSTENV masked everything: restore
        emms
        fnstenv [ENV]
        WEQ     [ENV+8], 0xFFFF, "after emms: tag word FFFFh"
        fldcw   [ENV]
%ifndef QEMU_REF                         ; QEMU 7.2 has no x87 stack overflow
        movd    mm1, eax                ; MMX again, no EMMS
        fld1                            ; R7 is in use: stack overflow
        fnstsw  ax
        and     eax, 0x0241
        EQ      eax, 0x0241, "fld after MMX without emms: IE, SF, C1 (overflow)"
        fnstenv [ENV]
        WEQ     [ENV+4], 0x3A41, "overflow: TOP 7, C1 SF IE (masked: no ES)"
%endif
        fninit
        emms

        jmp     exit_pass

        RESET_VECTOR
