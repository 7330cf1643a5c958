; long_callgate.asm -- Glassbox guest test: far transfers in IA-32e mode
; (SDM Vol. 3A 5.8.3.1 "IA-32e Mode Call Gates", 5.8.5, 5.8.6; 8.7 "Task
; Management in 64-bit Mode"; Vol. 2 CALL, JMP, RET, IRET).
;
; - 16-byte call gates (type 0Ch) to 64-bit code: far CALL at the same
;   privilege pushes CS and RIP as qwords; from CPL3 to CPL0 the stack is
;   TSS.RSP0, SS becomes the NULL selector, and SS, RSP, CS, RIP of CPL3
;   are pushed as qwords; REX.W RETF returns, to CPL3 too, and nulls a DS
;   whose DPL is below the new CPL.  Far JMP through a gate.  A far CALL
;   from compatibility mode through a gate reaches 64-bit code and pushes
;   the EIP zero-extended.
; - Gate checks: a nonzero type in the gate's upper half, a target that is
;   not a 64-bit code segment, a 16-bit call gate, a gate with DPL < CPL:
;   #GP(selector); a not-present gate: #NP(selector).
; - Far JMP/CALL through m16:32 and REX.W m16:64 pointers to code segments
;   (64-bit <-> compatibility mode).
; - No task switches in IA-32e mode: far JMP/CALL to a TSS or a task gate
;   #GP(selector); IRETQ with NT = 1 #GP(0).
;
; Build: nasm -f bin -i lib/ -o long_callgate.bin long_callgate.asm
;   -DQEMU_REF  leave out the far CALL through a gate by an m16:32 pointer
;               in 64-bit mode (QEMU 7.2 raises #GP(0); m16:64 works)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu core2duo) with
; -DQEMU_REF: every line passes.

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests

; CGATE64 target label, selector, type/attr [, upper type]: a 16-byte call
; gate (SDM Vol. 3A figure 5-10) to ROMBASE + label
%macro CGATE64 3-4 0
        dw      (ROMBASE + (%1) - $$) & 0xFFFF
        dw      %2
        db      0, %3
        dw      (ROMBASE + (%1) - $$) >> 16
        dd      0
        db      0, %4
        dw      0
%endmacro

        GDT64_BEGIN                     ; null, selectors 08h..70h
        CGATE64 g_same, SEL_CODE64, 0x8C        ; 78 DPL0 gate
        CGATE64 g_up, SEL_CODE64, 0xEC          ; 88 DPL3 gate to CPL0
        CGATE64 g_same, SEL_CODE64, 0x8C, 0x0C  ; 98 upper type 0Ch: invalid
        CGATE64 g_same, SEL_CODE0, 0x8C         ; A8 target: compat CS
        CGATE64 g_same, SEL_CODE64, 0x0C        ; B8 not present
        dw      0, SEL_CODE64, 0x8400, 0        ; C8 16-bit call gate
        dq      0
        dw      0, SEL_TSS64, 0x8500, 0         ; D8 task gate
        dq      0
        CGATE64 g_jmp, SEL_CODE64, 0x8C         ; E8 gate for JMP
        GDT_END
G_SAME  equ 0x78
G_UP    equ 0x88
G_BADT  equ 0x98
G_COMPAT equ 0xA8
G_NP    equ 0xB8
G_16    equ 0xC8
G_TASK  equ 0xD8
G_JMP   equ 0xE8

SAVRSP  equ 0x0580
HRSP    equ 0x0588              ; RSP in the gate's target
HSS     equ 0x0590              ; SS there (word)
HFRAME  equ 0x05A0              ; 4 qwords from that RSP
UDS     equ 0x05C0              ; DS at CPL3 after RETF (word)
CRES    equ 0x05C8              ; compat-mode marker
JMPCS   equ 0x05D0              ; CS after the JMP through the gate

; far pointers: m16:64 (REX.W CALL/JMP FF /3, /5) to the gates and the TSS
; (the offset is not used); m16:32 to CODE0, m16:64 to CODE64
p_same: dq 0
        dw G_SAME
p_up: dq 0
        dw G_UP|3
p_badt: dq 0
        dw G_BADT
p_compat: dq 0
        dw G_COMPAT
p_np: dq 0
        dw G_NP
p_16: dq 0
        dw G_16
p_task: dq 0
        dw G_TASK
p_tss: dq 0
        dw SEL_TSS64
p_jmp: dq 0
        dw G_JMP
p32_same: dd 0
         dw G_SAME
p_c0:    dd compat0                     ; m16:32 to compatibility mode
         dw SEL_CODE0
p_64:    dq ROMBASE + back64            ; m16:64 (REX.W) to 64-bit mode
         dw SEL_CODE64

bits 64
; g_same / g_up: record RSP, SS and the frame, return with REX.W RETF
g_same:
g_up:   mov     [HRSP], rsp
        mov     [HSS], ss
        mov     rax, [rsp]
        mov     [HFRAME], rax
        mov     rax, [rsp+8]
        mov     [HFRAME+8], rax
        mov     rax, [rsp+16]
        mov     [HFRAME+16], rax
        mov     rax, [rsp+24]
        mov     [HFRAME+24], rax
        o64 retf
g_jmp:  mov     [JMPCS], cs
        jmp     jmp_back

bits 32
compat0:                                ; CPL0 compatibility mode (CODE0)
        mov     dword [CRES], 0x600D
        call    G_SAME:0                ; 9A: to 64-bit code through the gate
compat0_ret:
        mov     dword [CRES+4], 0x600D
        jmp     dword SEL_CODE64:ROMBASE+compat_back

bits 64
tests:
; --- far CALL through a gate at CPL0: CS and RIP pushed as qwords
        mov     rbx, rsp
        o64 call far [rel p_same]
.r1:    lea     rcx, [rbx-16]
        MEQ     [HRSP], rcx, "gate call at CPL0: two qwords pushed"
        MEQ     [HFRAME], ROMBASE + .r1, "gate call: RIP pushed"
        MEQ     [HFRAME+8], SEL_CODE64, "gate call: CS pushed (qword)"
        EQ      rsp, rbx, "o64 retf: RSP back"
        mov     ax, [HSS]
        EQ      ax, SEL_DATA0, "same privilege: SS kept"

%ifndef QEMU_REF
; --- the same through an m16:32 pointer (QEMU 7.2: #GP(0))
        mov     rbx, rsp
        call    dword far [rel p32_same]
.r0:    MEQ     [HFRAME], ROMBASE + .r0, "gate call m16:32: RIP pushed"
        MEQ     [HFRAME+8], SEL_CODE64, "gate call m16:32: CS pushed (qword)"
        EQ      rsp, rbx, "gate call m16:32: RSP back"
%endif

; --- far JMP through a gate
        o64 jmp far [rel p_jmp]
jmp_back:
        MEQ     [JMPCS], SEL_CODE64, "jmp through a gate: CS = the gate's selector"

; --- from CPL3 through a DPL3 gate to CPL0
        RING3
        mov     rbx, rsp
        o64 call far [rel p_up]
.r2:    mov     [UDS], cs                       ; (at CPL3 again)
        RING0
        mov     rcx, [TSS+4]
        sub     rcx, 32
        MEQ     [HRSP], rcx, "CPL3 -> CPL0 gate: TSS.RSP0 stack, four qwords"
        MEQ     [HFRAME], ROMBASE + .r2, "CPL3 gate frame: RIP"
        MEQ     [HFRAME+8], SEL_UCODE64|3, "CPL3 gate frame: CS"
        MEQ     [HFRAME+16], R3STACK, "CPL3 gate frame: RSP"
        MEQ     [HFRAME+24], SEL_UDATA|3, "CPL3 gate frame: SS"
        mov     ax, [HSS]
        EQ      ax, 0, "CPL3 -> CPL0 gate: SS = NULL"
        mov     ax, [UDS]
        EQ      ax, SEL_UCODE64|3, "o64 retf back to CPL3"

; --- REX.W RETF from CPL0 to CPL3: a DPL0 DS is nulled, a DPL3 FS kept
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     ax, SEL_UDATA|3
        mov     fs, ax
        mov     [TSS+4], rsp
        push    SEL_UDATA|3
        push    R3STACK
        push    SEL_UCODE64|3
        lea     rax, [rel .r3]
        push    rax
        o64 retf
.r3:    mov     [UDS], ds
        mov     [UDS+2], fs
        RING0
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     fs, ax
        mov     ax, [UDS]
        EQ      ax, 0, "retf to CPL3: DS (DPL0) nulled"
        mov     ax, [UDS+2]
        EQ      ax, SEL_UDATA|3, "retf to CPL3: FS (DPL3) kept"

; --- compatibility mode: far CALL through the gate, REX.W m16:64 back
        jmp     dword far [rel p_c0]            ; m16:32 to CODE0
compat_back:
        MEQD    [CRES], 0x600D, "jmp m16:32 to compatibility mode"
        MEQD    [CRES+4], 0x600D, "compat call through the gate and o64 retf back"
        MEQ     [HFRAME], compat0_ret, "compat gate call: EIP pushed, zero-extended"
        MEQ     [HFRAME+8], SEL_CODE0, "compat gate call: CS pushed"

; --- REX.W far JMP m16:64
        o64 jmp far [rel p_64]
        jmp     exit_fail
back64: mov     ax, cs
        EQ      ax, SEL_CODE64, "o64 jmp far m16:64"

; --- gate checks
        FAULT   13, G_BADT, {o64 call far [rel p_badt]}, "gate with upper type 0Ch: #GP(gate)"
        FAULT   13, SEL_CODE0, {o64 call far [rel p_compat]}, "gate to a compatibility-mode CS: #GP(target)"
        FAULT   11, G_NP, {o64 call far [rel p_np]}, "not-present gate: #NP(gate)"
        FAULT   13, G_16, {o64 call far [rel p_16]}, "16-bit call gate: #GP(gate)"
        RING3
        FAULT   13, G_SAME, {o64 call far [rel p_same]}, "DPL0 gate from CPL3: #GP(gate)"
        RING0

; --- no task switches
        FAULT   13, G_TASK, {o64 call far [rel p_task]}, "call to a task gate: #GP(gate)"
        FAULT   13, G_TASK, {o64 jmp far [rel p_task]}, "jmp to a task gate: #GP(gate)"
        FAULT   13, SEL_TSS64, {o64 call far [rel p_tss]}, "call to a TSS: #GP(TSS)"
        FAULT   13, SEL_TSS64, {o64 jmp far [rel p_tss]}, "jmp to a TSS: #GP(TSS)"
        mov     rbx, rsp
        push    SEL_DATA0
        push    rbx
        push    2
        push    SEL_CODE64
        lea     rax, [rel .bad]
        push    rax
        pushfq
        or      qword [rsp], F_NT
        popfq
        FAULT   13, 0, {iretq}, "iretq with NT = 1: #GP(0)"
        pushfq
        and     qword [rsp], ~F_NT
        popfq
        mov     rsp, rbx
        jmp     exit_pass
.bad:   jmp     exit_fail

        RESET_VECTOR
