; pm_privilege.asm -- Glassbox guest test: privilege levels and gates.
;
; A TSS with SS0:ESP0 (LTR, SDM Vol. 3A 7.2); IRETD to ring 3 with SS:ESP
; (Vol. 2A IRET); INT from ring 3 through a DPL3 trap gate with a stack
; switch (6.12.1, figure 6-4); INT through a DPL0 gate -> #GP(vector*8+2)
; (6.12.1.1, 6.13); privileged instructions at CPL3 -> #GP(0) (5.9);
; PUSHF/POPF at CPL3 with IOPL=0 (Vol. 2B POPF); IN/OUT checked against the
; TSS I/O permission bitmap (Vol. 1 19.5); a call gate with 2 parameters and
; RETF back to ring 3 with DS nulled (5.8.5, 5.8.6); a conforming code
; segment (5.8.1.2); #DF from a #GP through a not-present gate (6.15
; interrupt 8); IRETD to the same level.
;
; Build: nasm -f bin -i lib/ -o pm_privilege.bin pm_privilege.asm
;   (-DKEEPGOING: report every failing check instead of stopping)

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
SEL_CONF   equ 0x38             ; conforming code, DPL0, base F0000h
SEL_CGATE  equ 0x40             ; 32-bit call gate, DPL3, 2 parameters
SEL_CGATE0 equ 0x48             ; 32-bit call gate, DPL0
SEL_GATEDPL3_TO3 equ 0x50       ; (unused slot)
H_ESP   equ 0x0580              ; handler: ESP on entry
H_CS    equ 0x0584              ; handler: CS on entry
H_FRAME equ 0x0590              ; handler: 8 dwords from the stack
SAVESP  equ 0x05C0
IOBUF   equ 0x05C4

        DESC    0xF0000, 0xFFFF, 0x9E, 0x40             ; 38 conforming
        dw      cg_fn, SEL_CODE0, 0xEC02, 0             ; 40 call gate DPL3
        dw      cg_fn, SEL_CODE0, 0x8C00, 0             ; 48 call gate DPL0
        dq      0                                       ; 50
        GDT_END

bits 32
; INT 40h handler (trap gate, DPL3, target CPL0): record what it sees
int40_h:
        mov     [ss:H_ESP], esp
        push    eax
        push    ecx
        mov     ax, cs
        movzx   eax, ax
        mov     [ss:H_CS], eax
        COPY_FRAME H_FRAME, 8, 8
        pop     ecx
        pop     eax
        iretd

; call-gate target (CPL0): record the inner stack, load DS with a DPL0
; segment, return with RETF 8 (pops the two copied parameters)
cg_fn:  mov     [ss:H_ESP], esp
        push    eax
        push    ecx
        mov     ax, cs
        movzx   eax, ax
        mov     [ss:H_CS], eax
        COPY_FRAME H_FRAME, 8, 8
        mov     ax, SEL_DATA0
        mov     ds, ax
        pop     ecx
        pop     eax
        retf    8

; conforming code: runs at the caller's CPL (SDM 5.8.1.2)
conf_fn:
        mov     [ss:H_ESP], esp
        push    eax
        mov     ax, cs
        movzx   eax, ax
        mov     [ss:H_CS], eax
        pop     eax
        retf

tests:
        SETGATE 0x40, int40_h, SEL_CODE0, 0xEF          ; trap gate DPL3
        SETGATE 0x41, int40_h, SEL_CODE0, 0x8E          ; interrupt gate DPL0
        mov     eax, 0x80
        btr     [IOMAP], eax                            ; port 80h allowed

; --- IRET to the same privilege level (SDM Vol. 2A IRET: "return to same
;     privilege level" pops EIP, CS, EFLAGS only)
        mov     [SAVESP], esp
        pushfd
        push    dword SEL_CODE0
        push    dword iret0_ok
        iretd
        jmp     iret0_bad
iret0_bad:
        mov     esi, s_iret0
        jmp     report_fail
s_iret0: db "iretd to the same level did not reach its target", 0
iret0_ok:
        mov     eax, [SAVESP]
        EQ      esp, eax, "iretd same level: 12-byte frame popped"

; --- #DF: #GP whose gate is not present -> #NP (contributory) -> #DF
;     (SDM 6.15 interrupt 8, table 6-5: contributory + contributory)
        and     byte [IDT+13*8+5], 0x7F                 ; gate 13 not present
        mov     bx, 0x1238                              ; beyond the GDT
        ARM     df_res
        mov     ds, bx
        NOEXC   "#DF"
df_res: or      byte [IDT+13*8+5], 0x80
        EXPECT  8, 0, "#GP through a not-present gate -> #DF, error code 0"

; --- to CPL3 by IRET with SS:ESP on the stack (SDM Vol. 2A IRET,
;     "return to outer privilege level"); IOPL=0, IF=1
        RING3   F_IF
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "iretd to ring 3: cs"
        mov     ax, ss
        movzx   eax, ax
        EQ      eax, SEL_DATA3|3, "iretd to ring 3: ss"
        EQ      esp, R3STACK, "iretd to ring 3: esp"
        pushfd
        pop     eax
        and     eax, F_IF|F_IOPL3
        EQ      eax, F_IF, "iretd to ring 3: IF=1 IOPL=0"

; --- INT through a DPL3 trap gate to CPL0: stack switch to SS0:ESP0 from
;     the TSS, frame SS, ESP, EFLAGS, CS, EIP (SDM 6.12.1, figure 6-4)
        mov     [ss:SAVESP], esp
        int     0x40
int40_ret:
        mov     eax, [ss:TSS+4]
        sub     eax, 20
        MEQ     [H_ESP], eax, "int 40h: ring-0 esp = ESP0 - 20"
        MEQ     [H_CS], SEL_CODE0, "int 40h: handler cs"
        MEQ     [H_FRAME], int40_ret, "int 40h: pushed eip"
        MEQ     [H_FRAME+4], SEL_CODE3|3, "int 40h: pushed cs"
        mov     eax, [H_FRAME+8]
        and     eax, F_IF|F_IOPL3|F_VM
        EQ      eax, F_IF, "int 40h: pushed eflags"
        mov     ebx, [SAVESP]
        MEQ     [H_FRAME+12], ebx, "int 40h: pushed esp"
        MEQ     [H_FRAME+16], SEL_DATA3|3, "int 40h: pushed ss"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "int 40h: back at ring 3"

; --- INT through a DPL0 gate from CPL3 -> #GP(vector*8+2) (SDM 6.12.1.1;
;     error code IDT bit, SDM 6.13); the #GP frame has the error code
        FAULT   13, 0x41*8+2, {int 0x41}, "cpl3: int 41h (DPL0 gate) #GP(20Ah)"
        mov     eax, [ss:TSS+4]
        sub     eax, 20
        MEQ     [LASTESP0], eax, "#GP from ring 3: error code below the 5-dword frame"
        MEQ     [LASTCS], SEL_CODE3|3, "#GP from ring 3: pushed cs"
        FAULT   13, 0x0D*8+2, {int 0x0D}, "cpl3: int 0Dh (DPL0 gate) #GP(6Ah)"

; --- privileged instructions at CPL3 -> #GP(0) (SDM 5.9)
        FAULT   13, 0, {hlt}, "cpl3: hlt #GP(0)"
        FAULT   13, 0, {cli}, "cpl3: cli with IOPL=0 #GP(0)"
        FAULT   13, 0, {sti}, "cpl3: sti with IOPL=0 #GP(0)"
        FAULT   13, 0, {mov eax, cr0}, "cpl3: mov eax, cr0 #GP(0)"
        FAULT   13, 0, {mov cr0, eax}, "cpl3: mov cr0, eax #GP(0)"
        FAULT   13, 0, {lgdt [IOBUF]}, "cpl3: lgdt #GP(0)"
        FAULT   13, 0, {lidt [IOBUF]}, "cpl3: lidt #GP(0)"
        FAULT   13, 0, {lldt ax}, "cpl3: lldt #GP(0)"
        FAULT   13, 0, {ltr ax}, "cpl3: ltr #GP(0)"
        FAULT   13, 0, {clts}, "cpl3: clts #GP(0)"
        FAULT   13, 0, {lmsw ax}, "cpl3: lmsw #GP(0)"
        FAULT   13, 0, {invd}, "cpl3: invd #GP(0)"
        pushfd
        pop     eax
        and     eax, F_IF
        EQ      eax, F_IF, "cpl3: IF still set after the faulting cli"

; --- PUSHF/POPF at CPL3, IOPL0: no fault; POPF leaves IF and IOPL alone
;     (SDM Vol. 2B POPF, table "effect of POPF on EFLAGS")
        push    dword 0x3002 | F_CF                     ; IOPL=3, IF=0, CF=1
        popfd                           ; (a fault would be "unexpected")
        pushfd
        pop     eax
        and     eax, F_IF|F_IOPL3|F_CF
        EQ      eax, F_IF|F_CF, "cpl3: popfd keeps IF and IOPL, sets CF"
        push    word 0x0002
        popf
        pushf
        pop     ax
        movzx   eax, ax
        and     eax, F_IF|F_IOPL3|F_CF
        EQ      eax, F_IF, "cpl3: popf clears CF, keeps IF"

; --- I/O at CPL3 with IOPL0: the TSS I/O permission bitmap decides
;     (SDM Vol. 1 19.5.2); ports E9h, F4h and 80h are allowed
        mov     al, 0x42
        NOFAULT {out 0x80, al}, "cpl3: out 80h allowed by the bitmap"
        NOFAULT {in al, 0x80}, "cpl3: in 80h allowed by the bitmap"
        mov     dx, 0x80
        NOFAULT {out dx, al}, "cpl3: out dx=80h allowed"
        FAULT   13, 0, {out 0x84, al}, "cpl3: out 84h denied #GP(0)"
        FAULT   13, 0, {in al, 0x84}, "cpl3: in 84h denied #GP(0)"
        FAULT   13, 0, {out dx, ax}, "cpl3: out dx=80h word (81h denied) #GP(0)"
        mov     dx, 0x1234
        FAULT   13, 0, {in al, dx}, "cpl3: port beyond the TSS limit #GP(0)"
        FAULT   13, 0, {insb}, "cpl3: insb denied #GP(0)"

; --- call gate with 2 parameters, CPL3 -> CPL0 (SDM 5.8.5, figure 5-13):
;     inner stack = EIP, CS, param1..2, ESP, SS; RETF 8 back to CPL3
        mov     ax, SEL_DATA3|3
        mov     es, ax
        mov     [SAVESP], esp
        push    dword 0x1111
        push    dword 0x2222
        call    SEL_CGATE|3:0xDEAD                      ; offset ignored
cg_ret:
        mov     bx, ds
        mov     ax, SEL_DATA3|3
        mov     ds, ax
        movzx   ebx, bx
        EQ      ebx, 0, "call gate: DS (DPL0) nulled by the return to ring 3"
        mov     bx, es
        movzx   ebx, bx
        EQ      ebx, SEL_DATA3|3, "call gate: ES (DPL3) kept"
        mov     eax, [SAVESP]
        EQ      esp, eax, "call gate: retf 8 popped the parameters"
        mov     eax, [ss:TSS+4]
        sub     eax, 24
        MEQ     [H_ESP], eax, "call gate: inner esp = ESP0 - 24"
        MEQ     [H_CS], SEL_CODE0, "call gate: cs at CPL0"
        MEQ     [H_FRAME], cg_ret, "call gate: pushed eip"
        MEQ     [H_FRAME+4], SEL_CODE3|3, "call gate: pushed cs"
        MEQ     [H_FRAME+8], 0x2222, "call gate: parameter at [esp+8]"
        MEQ     [H_FRAME+12], 0x1111, "call gate: parameter at [esp+12]"
        mov     eax, [SAVESP]
        sub     eax, 8
        MEQ     [H_FRAME+16], eax, "call gate: pushed outer esp"
        MEQ     [H_FRAME+20], SEL_DATA3|3, "call gate: pushed outer ss"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "call gate: back at ring 3"

        FAULT   13, SEL_CGATE0, {call SEL_CGATE0|3:0}, "cpl3: call through DPL0 call gate #GP(sel)"
        FAULT   13, SEL_CODE0, {call SEL_CODE0:conf_fn}, "cpl3: far call to DPL0 non-conforming code #GP(sel)"

; --- conforming code from CPL3: no privilege change, CPL stays 3
;     (SDM 5.8.1.2); CS.RPL = CPL
        mov     [SAVESP], esp
        call    SEL_CONF:conf_fn
        mov     eax, [SAVESP]
        sub     eax, 8
        MEQ     [H_ESP], eax, "conforming call: same stack"
        MEQ     [H_CS], SEL_CONF|3, "conforming call: cs = SEL|3 (CPL 3)"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "conforming call: retf to ring 3"

; --- IRET to the same level at CPL3
        pushfd
        push    dword SEL_CODE3|3
        push    dword iret3_ok
        iretd
        mov     esi, s_iret3
        jmp     report_fail
s_iret3: db "iretd at ring 3 did not reach its target", 0
iret3_ok:
        mov     eax, [SAVESP]
        EQ      esp, eax, "iretd same level at ring 3"

        RING0
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE0, "back at ring 0"
        cli
        jmp     exit_pass

        RESET_VECTOR
