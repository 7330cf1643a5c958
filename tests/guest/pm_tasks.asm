; pm_tasks.asm -- Glassbox guest test: hardware task switching.
;
; JMP to a TSS descriptor (SDM Vol. 3A 7.3, table 7-2: busy bits, no back
; link, NT unchanged), CALL through a task gate (7.4: NT=1, back link, both
; TSSs busy), IRET back to the caller task (NT=1 task return, NT cleared in
; the saved EFLAGS, busy bit cleared), an exception (#UD) through a task
; gate in the IDT (6.12.2), CR0.TS set by every switch (2.5), the general,
; segment and EIP/EFLAGS registers saved in the outgoing TSS (7.3 step 9),
; JMP to the busy current TSS and MOV DS, TSS -> #GP(selector).
;
; Build: nasm -f bin -i lib/ -o pm_tasks.bin pm_tasks.asm
;   (-DKEEPGOING: report every failing check instead of stopping)

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
SEL_TSSB  equ 0x38              ; TSS B (target of JMP)
SEL_TSSC  equ 0x40              ; TSS C (target of CALL through a task gate)
SEL_TGATE equ 0x48              ; task gate -> TSS C
SEL_TSSD  equ 0x50              ; TSS D (#UD handler task via the IDT)
TSSB    equ 0x5000
TSSC    equ 0x5100
TSSD    equ 0x5200
REC     equ 0x0580              ; values recorded by the other tasks
SAVESP  equ 0x05F0

        DESC    TSSB, 0x67, 0x89, 0x00                  ; 38
        DESC    TSSC, 0x67, 0x89, 0x00                  ; 40
        dw      0, SEL_TSSC, 0x8500, 0                  ; 48 task gate
        DESC    TSSD, 0x67, 0x89, 0x00                  ; 50
        GDT_END

; TSS fields (SDM Vol. 3A 7.2.1, figure 7-2)
T_LINK equ 0x00
T_EIP  equ 0x20
T_EFL  equ 0x24
T_EAX  equ 0x28
T_ECX  equ 0x2C
T_EDX  equ 0x30
T_EBX  equ 0x34
T_ESP  equ 0x38
T_EBP  equ 0x3C
T_ESI  equ 0x40
T_EDI  equ 0x44
T_ES   equ 0x48
T_CS   equ 0x4C
T_SS   equ 0x50
T_DS   equ 0x54
T_FS   equ 0x58
T_GS   equ 0x5C

%macro INITTSS 3                        ; base, eip, esp
        mov     edi, %1
        xor     eax, eax
        mov     ecx, 0x68/4
        rep stosd
        mov     dword [%1+T_EIP], %2
        mov     dword [%1+T_EFL], 2
        mov     dword [%1+T_ESP], %3
        mov     dword [%1+T_CS], SEL_CODE0
        mov     dword [%1+T_SS], SEL_DATA0
        mov     dword [%1+T_DS], SEL_DATA0
        mov     dword [%1+T_ES], SEL_DATA0
        mov     dword [%1+T_FS], SEL_DATA0
        mov     dword [%1+T_GS], SEL_DATA0
        mov     word [%1+0x66], 0x68
%endmacro

%macro TYPEOF 2                         ; reg32, selector: descriptor type
        movzx   %1, byte [GDT+(%2)+5]
        and     %1, 0x0F
%endmacro

bits 32
; --- task B: entered by JMP ----------------------------------------------
task_b:
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSSB, "task B: str"
        TYPEOF  eax, SEL_TSSB
        EQ      eax, 0xB, "task B: own TSS busy"
        TYPEOF  eax, SEL_TSS
        EQ      eax, 0x9, "task B: JMP cleared the old task's busy bit"
        pushfd
        pop     eax
        and     eax, F_NT
        EQ      eax, 0, "task B: NT=0 after JMP"
        MEQ     [TSSB+T_LINK], 0, "task B: JMP writes no back link"
        mov     eax, cr0
        and     eax, 8
        EQ      eax, 8, "task B: CR0.TS set by the task switch (SDM 2.5)"
        EQ      esp, 0x68000, "task B: esp from its TSS"
        mov     ax, ds
        movzx   eax, ax
        EQ      eax, SEL_DATA0, "task B: ds from its TSS"
        ; the outgoing task's state was saved in its TSS (SDM 7.3 step 9)
        MEQ     [TSS+T_EIP], a_after_jmp, "TSS A: saved eip (after the jmp)"
        MEQ     [TSS+T_EAX], 0xA0A0A0A0, "TSS A: saved eax"
        MEQ     [TSS+T_EBX], 0xB0B0B0B0, "TSS A: saved ebx"
        MEQ     [TSS+T_ECX], 0xC0C0C0C0, "TSS A: saved ecx"
        MEQ     [TSS+T_EDX], 0xD0D0D0D0, "TSS A: saved edx"
        MEQ     [TSS+T_ESI], 0x51515151, "TSS A: saved esi"
        MEQ     [TSS+T_EDI], 0xD1D1D1D1, "TSS A: saved edi"
        MEQ     [TSS+T_EBP], 0xBBBBBBBB, "TSS A: saved ebp"
        mov     eax, [SAVESP]
        MEQ     [TSS+T_ESP], eax, "TSS A: saved esp"
        mov     eax, [TSS+T_EFL]
        and     eax, F_CF|F_NT
        EQ      eax, 0x0001, "TSS A: saved eflags (CF=1)"
        movzx   eax, word [TSS+T_CS]
        EQ      eax, SEL_CODE0, "TSS A: saved cs"
        movzx   eax, word [TSS+T_SS]
        EQ      eax, SEL_DATA0, "TSS A: saved ss"
        movzx   eax, word [TSS+T_FS]
        EQ      eax, SEL_DATA3|3, "TSS A: saved fs"
        clts
        mov     ebx, 0x0B0B0B0B
        mov     edi, 0x0D0D0D0D
        jmp     SEL_TSS:0                               ; back to task A
b_after_jmp:
        mov     esi, s_bresumed
        jmp     report_fail
s_bresumed: db "task B resumed unexpectedly", 0

; --- task C: entered by CALL through a task gate; returns by IRET ---------
task_c:
        pushfd
        pop     eax
        mov     [REC], eax                              ; EFLAGS in task C
        mov     eax, [TSSC+T_LINK]
        mov     [REC+4], eax                            ; back link
        TYPEOF  eax, SEL_TSS
        mov     [REC+8], eax
        TYPEOF  eax, SEL_TSSC
        mov     [REC+12], eax
        str     ax
        movzx   eax, ax
        mov     [REC+16], eax
        mov     eax, 0xC1C1C1C1
        iretd                                           ; NT=1: task return
c_after_iret:
        mov     esi, s_cresumed
        jmp     report_fail
s_cresumed: db "task C resumed unexpectedly", 0

; --- task D: #UD handler through an IDT task gate ------------------------
task_d:
        pushfd
        pop     eax
        mov     [REC+0x20], eax
        mov     eax, [TSSD+T_LINK]
        mov     [REC+0x24], eax
        mov     [REC+0x28], esp
        mov     eax, [TSS+T_EIP]
        mov     [REC+0x2C], eax                         ; faulting eip
        add     dword [TSS+T_EIP], 2                    ; skip the ud2
        iretd
        jmp     task_d

tests:
        INITTSS TSSB, task_b, 0x68000
        INITTSS TSSC, task_c, 0x67000
        INITTSS TSSD, task_d, 0x66000
        mov     dword [TSSB+T_EBX], 0x12121212

; --- JMP to a TSS descriptor (SDM 7.3 "Task Switching", table 7-2) --------
        clts
        mov     ax, SEL_DATA3|3
        mov     fs, ax
        mov     eax, 0xA0A0A0A0
        mov     ebx, 0xB0B0B0B0
        mov     ecx, 0xC0C0C0C0
        mov     edx, 0xD0D0D0D0
        mov     esi, 0x51515151
        mov     edi, 0xD1D1D1D1
        mov     ebp, 0xBBBBBBBB
        push    dword 0x0003                            ; CF=1 (POPFD, not STC:
        popfd                                   ;  QEMU TCG drops a lazy CF here)
        mov     [SAVESP], esp
        jmp     SEL_TSSB:0x1234                         ; offset ignored
a_after_jmp:
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSS, "task A resumed: str"
        EQ      ebx, 0xB0B0B0B0, "task A resumed: ebx restored from TSS A"
        EQ      ebp, 0xBBBBBBBB, "task A resumed: ebp restored from TSS A"
        mov     ax, fs
        movzx   eax, ax
        EQ      eax, SEL_DATA3|3, "task A resumed: fs restored"
        TYPEOF  eax, SEL_TSSB
        EQ      eax, 0x9, "task A resumed: B not busy"
        TYPEOF  eax, SEL_TSS
        EQ      eax, 0xB, "task A resumed: A busy"
        MEQ     [TSSB+T_EIP], b_after_jmp, "TSS B: saved eip"
        MEQ     [TSSB+T_EBX], 0x0B0B0B0B, "TSS B: saved ebx"
        MEQ     [TSSB+T_EDI], 0x0D0D0D0D, "TSS B: saved edi"
        mov     eax, cr0
        and     eax, 8
        EQ      eax, 8, "task A: CR0.TS set again by the switch back"
        clts
        mov     ax, SEL_DATA0
        mov     fs, ax

; --- CALL through a task gate: nesting, back link, busy bits; IRET back ---
        mov     eax, 0xA1A1A1A1
        call    SEL_TGATE:0
a_after_call:
        EQ      eax, 0xA1A1A1A1, "after task return: eax of task A"
        mov     eax, [REC]
        and     eax, F_NT
        EQ      eax, F_NT, "task C: NT=1 (CALL nests the task)"
        MEQ     [REC+4], SEL_TSS, "task C: back link = caller's TSS"
        MEQ     [REC+8], 0xB, "task C: caller TSS stays busy"
        MEQ     [REC+12], 0xB, "task C: own TSS busy"
        MEQ     [REC+16], SEL_TSSC, "task C: str"
        pushfd
        pop     eax
        and     eax, F_NT
        EQ      eax, 0, "after IRET task return: NT=0 in task A"
        TYPEOF  eax, SEL_TSSC
        EQ      eax, 0x9, "after IRET: task C not busy"
        TYPEOF  eax, SEL_TSS
        EQ      eax, 0xB, "after IRET: task A busy"
        mov     eax, [TSSC+T_EFL]
        and     eax, F_NT
        EQ      eax, 0, "TSS C: saved NT cleared by IRET (SDM 7.4)"
        MEQ     [TSSC+T_EIP], c_after_iret, "TSS C: saved eip"
        MEQ     [TSSC+T_EAX], 0xC1C1C1C1, "TSS C: saved eax"
        mov     eax, [TSS+T_EIP]
        EQ      eax, a_after_call, "TSS A: saved eip after the call"
        mov     eax, cr0
        and     eax, 8
        EQ      eax, 8, "CR0.TS set after CALL/IRET task switches"
        clts
        FAULT   13, SEL_TSS, {jmp SEL_TSS:0}, "jmp to the busy current TSS #GP(sel)"
        mov     eax, SEL_TSS
        ; a TSS descriptor in a data segment register -> #GP(sel)
        mov     bx, SEL_TSSC
        FAULT   13, SEL_TSSC, {mov ds, bx}, "mov ds, TSS #GP(sel)"

; --- exception through a task gate in the IDT (SDM 6.12.2) --------------
        mov     word [IDT+6*8], 0
        mov     word [IDT+6*8+2], SEL_TSSD
        mov     word [IDT+6*8+4], 0x8500
        mov     word [IDT+6*8+6], 0
ud_at:  ud2
ud_back:
        mov     eax, [REC+0x20]
        and     eax, F_NT
        EQ      eax, F_NT, "#UD task: NT=1"
        MEQ     [REC+0x24], SEL_TSS, "#UD task: back link"
        MEQ     [REC+0x28], 0x66000, "#UD task: no error code on its stack"
        MEQ     [REC+0x2C], ud_at, "#UD task: saved eip of task A = ud2"
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSS, "back in task A after the #UD task"
        TYPEOF  eax, SEL_TSSD
        EQ      eax, 0x9, "#UD task not busy after IRET"
        clts
        jmp     exit_pass

        RESET_VECTOR
