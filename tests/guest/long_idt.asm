; long_idt.asm -- Glassbox guest test: interrupts and exceptions in IA-32e
; mode (SDM Vol. 3A 6.14 "Exception and Interrupt Handling in 64-bit
; Mode", 6.13 "Error Code", 8.7 "Task Management in 64-bit Mode").
;
; - 16-byte interrupt and trap gates; a task gate (type 5) or a gate whose
;   target is not a 64-bit code segment is #GP with the IDT or the target
;   selector as error code (6.14.1); a not-present gate #NP(vector*8+2); a
;   DPL0 gate by INT n at CPL3 #GP(vector*8+2).
; - The frame (6.14.2): RSP aligned down to 16 bytes, then SS, RSP, RFLAGS,
;   CS, RIP (and the error code) pushed as qwords, also without a privilege
;   change; an interrupt gate clears IF, a trap gate keeps it; TF is
;   cleared.
; - IST (6.14.5): a gate's IST index switches to TSS.ISTn (aligned to 16)
;   also at the same privilege level.
; - CPL3 -> CPL0 (6.14.4): the stack from TSS.RSP0 (aligned to 16), SS =
;   the NULL selector, the CPL3 SS:RSP and CS in the frame.
; - IRETQ to 64-bit mode, to compatibility mode at CPL0 and at CPL3 (CS
;   with L = 0: 32-bit code, where 40h-4Fh are INC/DEC again); interrupts
;   from compatibility mode push the 64-bit frame with the 32-bit EIP/ESP
;   zero-extended.
; - The I/O permission bitmap of the 64-bit TSS at CPL3 (IOPL 0 and 3).
; - Error codes are pushed as qwords with bits 63:32 clear.
;
; Build: nasm -f bin -i lib/ -o long_idt.bin long_idt.asm
;   -DQEMU_REF  expect QEMU 7.2's error code for a fault on an IDT gate in
;               IA-32e mode: vector*16+2 instead of the SDM's vector*8+2
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu core2duo) with
; -DQEMU_REF: every line passes.

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        GDT_END

SAVRSP  equ 0x0580              ; qword: the CPL0 RSP to come back to
HCONT   equ 0x0588              ; qword: where rec_handler continues (linear)
HRSP    equ 0x0590              ; qword: RSP at handler entry
HSS     equ 0x0598              ; word: SS in the handler
HFL     equ 0x05A0              ; qword: RFLAGS in the handler
HFRAME  equ 0x05C0
AFTER   equ 0x05A8              ; qword: RIP after RECORD's code              ; 6 qwords from the handler's RSP
; The error code of a fault on an IDT gate: the vector in bits 15:3, IDT = 1
; (SDM Vol. 3A 6.13 figure 6-6); QEMU 7.2 puts vector*16 (the gate's byte
; offset) there in IA-32e mode.
%ifdef QEMU_REF
%define IDTERR(v) ((v)*16 + 2)
%else
%define IDTERR(v) ((v)*8 + 2)
%endif
IST2TOP equ 0x7A008             ; misaligned on purpose
RSP0MIS equ 0x6F008             ; a misaligned TSS.RSP0

; RECORD vec, {code}, "name": continue at the next line after `code` has
; entered rec_handler through vector vec (64-bit code at CPL0 afterwards)
%macro RECORD 3
        mov     qword [HRSP], -1
        mov     [SAVRSP], rsp
        mov     qword [HCONT], ROMBASE + %%cont
        mov     qword [AFTER], ROMBASE + %%after
        %2
%%after:
        lea     rsi, [rel %%m]
        call    report_fail
        jmp     %%cont
%%m:    db      %3, ": handler not entered", 0
%%cont:
%endmacro

bits 64
; rec_handler: record RSP, SS, RFLAGS and six qwords of the frame, drop it,
; go back to CPL0 on the SAVRSP stack, continue at [HCONT].
rec_handler:
        mov     [HRSP], rsp
        mov     [HSS], ss
        mov     rax, [rsp]
        mov     [HFRAME], rax
        mov     rax, [rsp+8]
        mov     [HFRAME+8], rax
        mov     rax, [rsp+16]
        mov     [HFRAME+16], rax
        mov     rax, [rsp+24]
        mov     [HFRAME+24], rax
        mov     rax, [rsp+32]
        mov     [HFRAME+32], rax
        mov     rax, [rsp+40]
        mov     [HFRAME+40], rax
        pushfq
        pop     qword [HFL]
        mov     rsp, [SAVRSP]
        mov     ax, SEL_DATA0
        mov     ss, ax
        jmp     [HCONT]

; compatibility-mode code (CS = CODE0 or CODE3, base F0000h: labels are
; offsets)
bits 32
compat0:
        mov     eax, 5
        db      0x40                    ; inc eax (not REX)
        db      0x48                    ; dec eax
        db      0x40                    ; inc eax -> 6
        mov     [0x5B0], eax
        mov     [0x5B4], esp
        ARM     .res
        ud2                             ; a fault in compatibility mode
.res:   jmp     dword SEL_CODE64:ROMBASE+compat0_back
compat3:
        mov     eax, 0x33
        int     0x41                    ; to rec_handler from CPL3 compat
        jmp     $

idtr_short:
        dw      0x50*16-1               ; vectors 0..4Fh
        dq      IDT

bits 64
tests:
        SETGATE64 0x40, rec_handler, SEL_CODE64, 0x8E, 0     ; interrupt gate, DPL0
        SETGATE64 0x41, rec_handler, SEL_CODE64, 0xEE, 0     ; interrupt gate, DPL3
        SETGATE64 0x42, rec_handler, SEL_CODE64, 0x8F, 0     ; trap gate
        SETGATE64 0x43, rec_handler, SEL_CODE64, 0x8E, 2     ; IST2
        SETGATE64 0x44, rec_handler, SEL_CODE64, 0x0E, 0     ; not present
        SETGATE64 0x45, rec_handler, SEL_CODE64, 0x85, 0     ; task gate
        SETGATE64 0x46, rec_handler, SEL_CODE0, 0x8E, 0      ; target: compat CS
        mov     qword [TSS+0x2C], IST2TOP

; --- the frame at CPL0: aligned, SS:RSP always pushed
        mov     rbx, rsp
        mov     rsp, 0x6FF08
        RECORD  0x40, {int 0x40}, "int 40h"
        mov     rsp, rbx
        MEQ     [HRSP], 0x6FF00 - 40, "int at CPL0: RSP aligned to 16, 5 qwords pushed"
        mov     rcx, [AFTER]
        MEQ     [HFRAME], rcx, "frame: RIP after the INT"
        MEQ     [HFRAME+8], SEL_CODE64, "frame: CS"
        MEQ     [HFRAME+24], 0x6FF08, "frame: the old RSP"
        MEQ     [HFRAME+32], SEL_DATA0, "frame: SS"
        mov     rax, [HFRAME+16]
        and     eax, 2 | F_IF
        EQ      rax, 2, "frame: RFLAGS (IF = 0)"
        mov     ax, [HSS]
        EQ      ax, SEL_DATA0, "same privilege: SS kept"

; --- IF and TF: interrupt gate clears IF, trap gate keeps it; TF cleared
        pushfq
        or      qword [rsp], F_IF
        popfq                           ; IF = 1 (all IRQs masked)
        RECORD  0x40, {int 0x40}, "int 40h with IF = 1"
        mov     rax, [HFL]
        and     eax, F_IF
        EQ      rax, 0, "interrupt gate: IF = 0 in the handler"
        mov     rax, [HFRAME+16]
        and     eax, F_IF
        EQ      rax, F_IF, "interrupt gate: IF = 1 in the frame"
        pushfq
        or      qword [rsp], F_IF
        popfq
        RECORD  0x42, {int 0x42}, "int 42h (trap gate)"
        mov     rax, [HFL]
        and     eax, F_IF
        EQ      rax, F_IF, "trap gate: IF kept"
        cli

; --- IST: the stack from TSS.IST2, aligned, at the same privilege
        RECORD  0x43, {int 0x43}, "int 43h (IST2)"
        MEQ     [HRSP], (IST2TOP & ~15) - 40, "IST2: RSP = TSS.IST2 aligned, 5 qwords"
        mov     rcx, [SAVRSP]
        MEQ     [HFRAME+24], rcx, "IST2: frame holds the old RSP"

; --- an exception with an error code: 6 qwords, aligned
        SETGATE64 13, rec_handler, SEL_CODE64, 0x8E, 0
        mov     rbx, rsp
        mov     rsp, 0x6FF08
        mov     ax, 0x1233                      ; GDT index 246h (beyond the limit), RPL 3
        RECORD  13, {mov ds, ax}, "mov ds, 1233h"
        mov     rsp, rbx
        MEQ     [HRSP], 0x6FF00 - 48, "#GP: RSP aligned, 6 qwords"
        MEQ     [HFRAME], 0x1230, "#GP error code 1230h (RPL dropped; qword, bits 63:32 clear)"
        MEQ     [HFRAME+32], 0x6FF08, "#GP frame: old RSP"
        mov     rcx, [AFTER]
        sub     rcx, 2
        MEQ     [HFRAME+8], rcx, "#GP frame: RIP = the MOV DS (a fault)"
        SETGATE64 13, exc_stub_13, SEL_CODE64, 0x8E, 0

; --- gate checks
        FAULT   11, IDTERR(0x44), {int 0x44}, "not-present gate: #NP(vector*8+2)"
        FAULT   13, IDTERR(0x45), {int 0x45}, "task gate in the IDT: #GP(vector*8+2)"
        FAULT   13, SEL_CODE0, {int 0x46}, "gate to a compatibility-mode CS: #GP(selector)"
        lidt    [rel idtr_short]
        FAULT   13, IDTERR(0x50), {int 0x50}, "vector 50h beyond the IDT limit: #GP(vector*8+2)"
        lidt    [rel idtr]

; --- CPL3 -> CPL0: the stack from TSS.RSP0, aligned; SS = NULL
        mov     [SAVRSP], rsp
        mov     qword [TSS+4], RSP0MIS
        push    SEL_UDATA|3
        push    R3STACK - 0x18          ; an odd CPL3 RSP (8 mod 16)
        push    2
        push    SEL_UCODE64|3
        lea     rax, [rel .cpl3]
        push    rax
        mov     qword [HCONT], ROMBASE + .back3
        mov     qword [HRSP], -1
        iretq
.cpl3:  int     0x41
.cpl3r: jmp     $
.back3: MEQ     [HRSP], (RSP0MIS & ~15) - 40, "CPL3 -> CPL0: RSP = TSS.RSP0 aligned, 5 qwords"
        MEQ     [HFRAME], ROMBASE + .cpl3r, "CPL3 frame: RIP"
        MEQ     [HFRAME+8], SEL_UCODE64|3, "CPL3 frame: CS"
        MEQ     [HFRAME+24], R3STACK - 0x18, "CPL3 frame: RSP"
        MEQ     [HFRAME+32], SEL_UDATA|3, "CPL3 frame: SS"
        mov     ax, [HSS]
        EQ      ax, 0, "CPL3 -> CPL0: SS = NULL selector"
        mov     qword [TSS+4], R0STACK

; --- INT n to a DPL0 gate at CPL3: #GP(vector*8+2)
        RING3
        FAULT   13, IDTERR(0x40), {int 0x40}, "CPL3 int 40h (DPL0 gate): #GP(vector*8+2)"
        MEQ     [LASTCS], SEL_UCODE64|3, "#GP from CPL3: frame CS"
        RING0

; --- the 64-bit TSS's I/O permission bitmap (SDM Vol. 1 19.5.2): at CPL3
;     with IOPL 0, ports the bitmap denies are #GP(0), E9h is allowed; with
;     IOPL 3 the bitmap is not consulted
        RING3
        FAULT   13, 0, {in al, 0x61}, "CPL3 in al, 61h (bitmap bit set) #GP(0)"
        FAULT   13, 0, {out 0x80, al}, "CPL3 out 80h, al (bitmap bit set) #GP(0)"
        NOFAULT {in al, 0xE9}, "CPL3 in al, E9h (bitmap bit clear) runs"
        RING0
        RING3   F_IOPL3
        NOFAULT {in al, 0x61}, "CPL3 with IOPL 3: in al, 61h runs"
        RING0

; --- IRETQ to compatibility mode at CPL0 and back
        mov     [SAVRSP], rsp
        push    SEL_DATA0
        push    0x6E004                 ; ESP for the compat code
        push    2
        push    SEL_CODE0
        push    compat0                 ; EIP: an offset in CODE0
        iretq
compat0_back:
        mov     ax, SEL_DATA0
        mov     ss, ax
        mov     rsp, [SAVRSP]
        MEQD    [0x5B0], 6, "compat mode: 40h/48h are INC/DEC"
        MEQD    [0x5B4], 0x6E004, "iretq to compat: ESP from the frame"
        EXPECT  6, 0, "ud2 in compatibility mode"
        MEQ     [LASTRIP], compat0.res - 2, "compat #UD frame: RIP = the EIP, zero-extended"
        MEQ     [LASTCS], SEL_CODE0, "compat #UD frame: CS"
        MEQ     [LASTRSP], 0x6E004, "compat #UD frame: RSP = ESP"
        MEQ     [LASTSS], SEL_DATA0, "compat #UD frame: SS"

; --- IRETQ to compatibility mode at CPL3, interrupt back
        mov     [SAVRSP], rsp
        mov     qword [HCONT], ROMBASE + .back4
        mov     qword [HRSP], -1
        push    SEL_DATA3|3
        push    0x5F00C
        push    2
        push    SEL_CODE3|3
        push    compat3
        iretq
.back4: MEQ     [HRSP], R0STACK - 40, "CPL3 compat -> CPL0: RSP0 stack"
        MEQ     [HFRAME], compat3 + 7, "CPL3 compat frame: RIP = EIP after the INT"
        MEQ     [HFRAME+8], SEL_CODE3|3, "CPL3 compat frame: CS"
        MEQ     [HFRAME+24], 0x5F00C, "CPL3 compat frame: RSP = ESP"
        MEQ     [HFRAME+32], SEL_DATA3|3, "CPL3 compat frame: SS"

        jmp     exit_pass

        RESET_VECTOR
