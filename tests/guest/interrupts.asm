; interrupts.asm -- Glassbox guest test: real-mode interrupts and exceptions.
;
; INT n through the IVT, IRET, INTO, INT3, divide error (#DE), invalid
; opcode (#UD), BOUND range exceeded (#BR), single-step trap (TF), PUSHF/POPF
; flag behaviour and an IVT relocated with LIDT.  SDM references: Vol. 3A
; chapter 6 ("Interrupt and Exception Handling", 6.15 exception reference:
; faults push the address of the faulting instruction, traps the address of
; the next one), Vol. 3B section 20.1.4 ("Interrupt and Exception Handling"
; in real-address mode), section 17.3.1.4 (single-step exception condition).
;
; Build: nasm -f bin -i lib/ -o interrupts.bin interrupts.asm

%include "harness16.inc"                ; start: real-mode set-up, then jmp tests

tests:
; RAM variables (segment 0) written by the recording handlers below
HITS    equ 0x0510                      ; number of handler entries
LASTVEC equ 0x0512                      ; vector recorded by the handler
LASTIP  equ 0x0514                      ; IP / CS / FLAGS of the pushed frame
LASTCS  equ 0x0516
LASTFL  equ 0x0518
RESUME  equ 0x051A                      ; if nonzero: IRET to this IP instead
HFLAGS  equ 0x051C                      ; FLAGS on entry to the handler
LASTSP  equ 0x051E                      ; SP after the frame was pushed
TRCNT   equ 0x0520                      ; single-step: traps taken
SSLIMIT equ 0x0522                      ; single-step: clear TF after N traps
TRACE   equ 0x0530                      ; single-step: IPs pushed (8 words)
NEWIVT  equ 0x8000                      ; relocated IVT

%macro SETVEC 2                         ; SETVEC vector, handler (in CS)
        mov     word [ss:(%1)*4], %2
        mov     word [ss:(%1)*4+2], 0xF000
%endmacro

%macro ARM 1                            ; expect a fault; resume at label
        mov     word [ss:HITS], 0
        mov     word [ss:RESUME], %1
%endmacro

%macro NOEXC 1                          ; reached only if no exception came
        mov     si, %%m
        jmp     report_fail
%%m:    db      %1, ": no exception raised", 0
%endmacro

; EXPECT vector, pushed_ip, "name": exactly one exception with that frame
%macro EXPECT 3
        mov     ax, [ss:HITS]
        EQ      ax, 1, {%3, ": handler entered once"}
        mov     ax, [ss:LASTVEC]
        EQ      ax, %1, {%3, ": vector"}
        mov     ax, [ss:LASTIP]
        EQ      ax, %2, {%3, ": pushed IP"}
        mov     ax, [ss:LASTCS]
        EQ      ax, 0xF000, {%3, ": pushed CS"}
%endmacro

; --- INT n through the IVT ------------------------------------------------------
        SETVEC  0x40, rec_40
        mov     word [ss:HITS], 0
        mov     word [ss:RESUME], 0
        mov     dx, sp
        sti                             ; (8259 masked at start; see harness)
        stc
        int     0x40
int40_ret:
        SAVEF
        cli
        EXPECT  0x40, int40_ret, "int 40h"
        FLAGS   F_CF|F_IF, F_CF|F_IF, "int 40h: flags restored by iret"
        mov     ax, [ss:LASTFL]
        and     ax, F_CF|F_IF|F_TF
        EQ      ax, F_CF|F_IF, "int 40h: pushed FLAGS"
        mov     ax, [ss:HFLAGS]
        and     ax, F_IF|F_TF
        EQ      ax, 0, "int 40h: IF and TF cleared in handler"
        sub     dx, 6
        mov     ax, [ss:LASTSP]
        EQ      ax, dx, "int 40h: 6-byte frame"
        add     dx, 6
        EQ      sp, dx, "int 40h: sp restored by iret"

        ; the handler's register results come back, flags come from the frame
        SETVEC  0x42, h42
        clc
        int     0x42
        SAVEF
        EQ      ax, 0x4242, "int 42h: handler result in ax"
        FLAGS   F_CF, F_CF, "iret pops the (modified) stacked FLAGS"

        ; a vector pointing into another segment (handler copied to RAM)
        mov     ax, 0x1000
        mov     es, ax
        mov     dword [es:0], 0x90CFC88C ; mov ax,cs / iret / nop
        mov     word [ss:0x43*4], 0x0000
        mov     word [ss:0x43*4+2], 0x1000
        xor     ax, ax
        int     0x43
        EQ      ax, 0x1000, "int 43h: handler runs with CS from IVT"
        mov     ax, cs
        EQ      ax, 0xF000, "int 43h: iret restores CS"

; --- INT3 (CC) and INT 3 (CD 03) are traps: IP of the next instruction -------------
        SETVEC  3, rec_3
        ARM     0
        int3
int3_ret:
        EXPECT  3, int3_ret, "int3 (CC)"
        ARM     0
        int     3
int3b_ret:
        EXPECT  3, int3b_ret, "int 3 (CD 03)"

; --- INTO: vector 4 only if OF=1 ---------------------------------------------------
        SETVEC  4, rec_4
        ARM     0
        mov     al, 0
        add     al, 0                   ; OF=0
        into
        mov     ax, [ss:HITS]
        EQ      ax, 0, "into with OF=0: no interrupt"
        ARM     0
        mov     al, 0x7F
        add     al, 1                   ; OF=1
        into
into_ret:
        EXPECT  4, into_ret, "into with OF=1"

; --- #DE (vector 0) is a fault: the pushed IP is the DIV itself (286+) -------------
        SETVEC  0, rec_0
        ARM     de1_resume
        mov     ax, 5
        xor     bl, bl
de1:    div     bl
        NOEXC   "div by zero"
de1_resume:
        EQ      ax, 5, "div8 by zero leaves ax unchanged"
        EXPECT  0, de1, "div8 by zero #DE"

        ARM     de2_resume
        mov     ax, 0x1000
        mov     bl, 2
de2:    div     bl                      ; quotient 800h does not fit in AL
        NOEXC   "div8 quotient overflow"
de2_resume:
        EQ      ax, 0x1000, "div8 overflow leaves ax unchanged"
        EXPECT  0, de2, "div8 quotient overflow #DE"

        ARM     de3_resume
        mov     ax, 0x0080
        mov     bl, 1
de3:    idiv    bl                      ; +128 does not fit in a signed byte
        NOEXC   "idiv8 +128"
de3_resume:
        EXPECT  0, de3, "idiv8 +128/1 #DE"

        ARM     0
        mov     ax, -256
        mov     bl, 2
        idiv    bl                      ; -128 fits (8086 faulted; 286+ do not)
        mov     cx, [ss:HITS]
        EQ      cx, 0, "idiv8 -256/2: no #DE"
        EQ      ax, 0x0080, "idiv8 -256/2 = -128 r 0"

        ARM     de4_resume
        xor     ebx, ebx
        mov     eax, 1
        xor     edx, edx
de4:    div     ebx                     ; 66 F7 F3: IP must point at the 66h
        NOEXC   "div32 by zero"
de4_resume:
        EXPECT  0, de4, "div32 by zero #DE (IP at operand-size prefix)"

        ARM     de5_resume
        mov     dx, 0x4000
        xor     ax, ax
        mov     cx, -1
de5:    idiv    cx                      ; 40000000h/-1 overflows 16 bits
                                        ; (not 80000000h/-1: QEMU's host
                                        ; division traps on INT_MIN/-1)
        NOEXC   "idiv16 overflow"
de5_resume:
        EXPECT  0, de5, "idiv16 4000:0000/-1 #DE"

; --- #UD (vector 6) is a fault: pushed IP is the invalid instruction --------------
        SETVEC  6, rec_6
        ARM     ud1_resume
ud1:    ud2                             ; 0F 0B
        NOEXC   "ud2"
ud1_resume:
        EXPECT  6, ud1, "ud2 #UD"
        ARM     ud2_resume
ud2_:   db      0x0F, 0xFF              ; UD0
        NOEXC   "0f ff"
ud2_resume:
        EXPECT  6, ud2_, "0f ff #UD"
        ARM     ud3_resume
ud3:    db      0xF0, 0x01, 0xD8        ; lock add ax,bx: LOCK with register dest
        NOEXC   "lock add ax,bx"
ud3_resume:
        EXPECT  6, ud3, "lock add reg,reg #UD (IP at lock prefix)"
        ARM     ud5_resume
ud5:    db      0xC5, 0xC0              ; lds ax, ax: LDS needs a memory operand
        NOEXC   "lds ax,ax"
ud5_resume:
        EXPECT  6, ud5, "lds with register operand #UD"

; --- BOUND (#BR, vector 5) is a fault ------------------------------------------------
        SETVEC  5, rec_5
        ARM     0
        mov     ax, 15
        bound   ax, [cs:bound_10_20]
        mov     ax, 10
        bound   ax, [cs:bound_10_20]     ; bounds are inclusive
        mov     ax, 20
        bound   ax, [cs:bound_10_20]
        mov     ax, -1
        bound   ax, [cs:bound_m5_5]      ; signed comparison
        mov     ax, [ss:HITS]
        EQ      ax, 0, "bound within range: no #BR"
        ARM     br1_resume
        mov     ax, 5
br1:    bound   ax, [cs:bound_10_20]
        NOEXC   "bound below"
br1_resume:
        EXPECT  5, br1, "bound below lower #BR"
        ARM     br2_resume
        mov     ax, 21
br2:    bound   ax, [cs:bound_10_20]
        NOEXC   "bound above"
br2_resume:
        EXPECT  5, br2, "bound above upper #BR"
        ARM     br3_resume
        mov     eax, 0x80000000
br3:    bound   eax, [cs:bound32]
        NOEXC   "bound32"
br3_resume:
        EXPECT  5, br3, "bound32 signed below #BR"

; --- single-step (TF): INT 1 after each instruction (SDM 17.3.1.4) -------------------
        SETVEC  1, ss_handler
        ; (a) TF set by IRET: the first instruction at the target runs, then
        ;     the trap is taken with IP of the following instruction.
        mov     word [ss:TRCNT], 0
        mov     word [ss:SSLIMIT], 3
        xor     cx, cx
        pushf
        pop     ax
        or      ax, F_TF
        push    ax
        push    cs
        push    word ssa1
        iret
ssa1:   inc     cx
ssa2:   inc     cx
ssa3:   inc     cx                      ; the third trap clears TF
ssa4:   inc     cx
        mov     ax, [ss:TRCNT]
        EQ      ax, 3, "single-step via iret: 3 traps"
        mov     ax, [ss:TRACE]
        EQ      ax, ssa2, "single-step: 1st trap after 1st instruction"
        mov     ax, [ss:TRACE+2]
        EQ      ax, ssa3, "single-step: 2nd trap IP"
        mov     ax, [ss:TRACE+4]
        EQ      ax, ssa4, "single-step: 3rd trap IP"
        EQ      cx, 4, "single-step: instructions executed once"
        mov     ax, [ss:LASTFL]
        and     ax, F_TF
        EQ      ax, F_TF, "single-step: pushed FLAGS has TF"
        mov     ax, [ss:HFLAGS]
        and     ax, F_TF
        EQ      ax, 0, "single-step: handler runs with TF=0"
        pushf
        pop     ax
        and     ax, F_TF
        EQ      ax, 0, "single-step: TF off after handler cleared it"

        ; (b) TF set by POPF: no trap after the POPF itself; the trap comes
        ;     after the next instruction.
        mov     word [ss:TRCNT], 0
        mov     word [ss:SSLIMIT], 1
        pushf
        pop     ax
        or      ax, F_TF
        push    ax
        popf
ssb1:   nop
ssb2:   nop
        mov     ax, [ss:TRCNT]
        EQ      ax, 1, "single-step via popf: 1 trap"
        mov     ax, [ss:TRACE]
        EQ      ax, ssb2, "single-step via popf: trap after next instruction"

        ; (c) MOV SS inhibits the trap until after the following instruction
        ;     (SDM Vol. 3A 6.8.3)
        mov     word [ss:TRCNT], 0
        mov     word [ss:SSLIMIT], 1
        xor     bx, bx
        pushf
        pop     ax
        or      ax, F_TF
        push    ax
        push    cs
        push    word ssc1
        iret
ssc1:   mov     ss, bx                  ; SS stays 0
ssc2:   nop
ssc3:   nop
        mov     ax, [ss:TRCNT]
        EQ      ax, 1, "single-step over mov ss: 1 trap"
        mov     ax, [ss:TRACE]
        EQ      ax, ssc3, "single-step over mov ss: trap after next instruction"

; --- PUSHF/POPF (SDM Vol. 1 3.4.3; Vol. 2B POPF: real mode may change
;     IOPL and NT on 386+, bits 1 reads 1, bits 3, 5 and 15 read 0) ---------------
        push    word 0xFFFF & ~(F_TF|F_IF)
        popf
        pushf
        pop     ax
        EQ      ax, 0x7CD7, "popf ffff (no TF/IF) -> pushf 7cd7"
        push    word 0
        popf
        pushf
        pop     ax
        EQ      ax, 0x0002, "popf 0 -> pushf 0002"
        pushfd
        pop     eax
        test    eax, 0x00030000         ; RF and VM read as 0 in the image
        CHECK   "pushfd: RF/VM clear in image"
        ; AC (bit 18, 486+) and ID (bit 21, CPUID-capable) are writable
        push    dword 0x00240002
        popfd
        pushfd
        pop     eax
        EQ      eax, 0x00240002, "popfd sets AC and ID"
        push    dword 0x00000002
        popfd
        pushfd
        pop     eax
        EQ      eax, 0x00000002, "popfd clears AC and ID"
        push    word 0x0002
        popf
        sti
        pushf
        cli
        pop     ax
        EQ      ax, 0x0202, "sti / pushf: IF"

; --- LIDT relocates the real-mode IVT (SDM Vol. 3B 20.1.4) ---------------------------
        SETVEC  0x44, rec_44
        ; copy the whole IVT to NEWIVT, then repoint vector 44h there
        push    ds
        push    es
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        xor     si, si
        mov     di, NEWIVT
        mov     cx, 0x200
        rep movsw
        pop     es
        pop     ds
        mov     word [ss:NEWIVT+0x44*4], rec_144
        mov     word [ss:NEWIVT+0x44*4+2], 0xF000
        ; 16-bit operand size LIDT loads a 24-bit base: high byte ignored
        lidt    [cs:idtr_new]
        ARM     0
        int     0x44
        mov     ax, [ss:LASTVEC]
        EQ      ax, 0x144, "int 44h uses the relocated IVT"
        sidt    [ss:0x0540]
        mov     ax, [ss:0x0540]
        EQ      ax, 0x03FF, "sidt limit"
        mov     eax, [ss:0x0542]
        and     eax, 0x00FFFFFF
        EQ      eax, NEWIVT, "sidt base"
        lidt    [cs:idtr_real]
        ARM     0
        int     0x44
        mov     ax, [ss:LASTVEC]
        EQ      ax, 0x44, "int 44h back on the IVT at 0"

        jmp     exit_pass

; --- handlers ---------------------------------------------------------------------
; rec_N: record the frame; if RESUME is set, return there instead (faults).
%macro RECORDER 2                       ; label suffix, recorded vector
rec_%1:
        pushf
        pop     word [ss:HFLAGS]
        mov     word [ss:LASTVEC], %2
        jmp     rec_common
%endmacro
        RECORDER 0, 0
        RECORDER 3, 3
        RECORDER 4, 4
        RECORDER 5, 5
        RECORDER 6, 6
        RECORDER 40, 0x40
        RECORDER 44, 0x44
        RECORDER 144, 0x144

rec_common:
        push    bp
        mov     bp, sp
        push    ax
        lea     ax, [bp+2]
        mov     [ss:LASTSP], ax
        mov     ax, [bp+2]
        mov     [ss:LASTIP], ax
        mov     ax, [bp+4]
        mov     [ss:LASTCS], ax
        mov     ax, [bp+6]
        mov     [ss:LASTFL], ax
        inc     word [ss:HITS]
        mov     ax, [ss:RESUME]
        test    ax, ax
        jz      .ret
        mov     [bp+2], ax
        mov     word [ss:RESUME], 0
.ret:   pop     ax
        pop     bp
        iret

h42:    push    bp                      ; set CF in the stacked FLAGS
        mov     bp, sp
        or      word [bp+6], F_CF
        pop     bp
        mov     ax, 0x4242
        clc                             ; live CF is irrelevant to IRET
        iret

ss_handler:                             ; INT 1: log the pushed IP
        push    bp
        mov     bp, sp
        push    ax
        push    bx
        pushf
        pop     word [ss:HFLAGS]
        mov     ax, [bp+6]
        mov     [ss:LASTFL], ax
        mov     bx, [ss:TRCNT]
        cmp     bx, 8
        jae     .stop
        add     bx, bx
        mov     ax, [bp+2]
        mov     [ss:TRACE+bx], ax
        inc     word [ss:TRCNT]
        mov     ax, [ss:TRCNT]
        cmp     ax, [ss:SSLIMIT]
        jb      .ret
.stop:  and     word [bp+6], ~F_TF
.ret:   pop     bx
        pop     ax
        pop     bp
        iret

bound_10_20:    dw 10, 20
bound_m5_5:     dw -5, 5
bound32:        dd -1000, 1000
idtr_new:       dw 0x03FF
                dd 0xAB000000 + NEWIVT  ; high byte ignored by o16 LIDT
idtr_real:      dw 0x03FF
                dd 0

        RESET_VECTOR
