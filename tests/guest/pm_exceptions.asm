; pm_exceptions.asm -- Glassbox guest test: protected-mode exceptions.
;
; SDM Vol. 3A chapter 6 ("Interrupt and Exception Handling"), 6.15
; ("Exception and Interrupt Reference"): #DE (DIV/IDIV), #DB by TF single-
; step (trap, DR6.BS), #BP (INT3/INT 3, trap), #OF (INTO, trap), #BR (BOUND,
; fault), #UD (UD2), #NM (WAIT with CR0.MP=TS=1; ESC with CR0.EM=1), #DF
; (#GP through a not-present gate -> #NP -> #DF, error code 0), #TS (task
; switch to a TSS with limit < 67h, 7.3), #NP (segment and IDT gate), #SS
; (not-present SS, SS limit), #GP with selector/IDT error codes (6.13).  For
; each: vector, error code, and the pushed EIP (fault: the faulting
; instruction; trap: the next one).  Debug registers (chapter 17): an
; instruction breakpoint in DR0 (fault, DR6.B0, resumed with EFLAGS.RF=1 so
; it does not hit again, 17.3.1.1) and a data write watchpoint in DR1
; (trap after the write, DR6.B1).
;
; Build: nasm -f bin -i lib/ -o pm_exceptions.bin pm_exceptions.asm
;   -DQEMU_REF  leave out the checks QEMU's TCG does not model (SS limit
;               check) for validation on QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first

%define HARNESS32_ORFL                  ; the handler clears TF, ORs ORFL into EFLAGS
%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
        GDT_FAULT_SEGMENTS              ; selectors 38h..50h (SEL_SMALLTSS .. SEL_FLAT)
        GDT_END

BPCODE  equ 0x6000              ; RAM code for the DR0 breakpoint
SAVECR0 equ 0x05C0
BNDS    equ 0x05C8              ; BOUND pair: 10, 20
WATCH   equ 0x5800              ; data watchpoint target

; TRAP vector, error code, {instruction}, "name": the instruction raises the
; exception after it completes: pushed EIP = the next instruction (6.5)
%macro TRAP 4
        ARM     %%res
%%at:   %3
%%nx:   NOEXC   %4
%%res:  EXPECT  %1, %2, %4
        MEQ     [ss:LASTEIP], %%nx, {%4, ": pushed eip = next instruction"}
%endmacro

; SAMEESP "name": the frame (EIP, CS, EFLAGS; plus the error code where
; the vector has one) sat right below the ESP of the interrupted code
%macro SAMEESP 1
        lea     ebx, [esp-12]
        MEQ     [ss:LASTESP0], ebx, {%1, ": frame size / error code presence"}
%endmacro

tests:
        mov     dword [BNDS], 10
        mov     dword [BNDS+4], 20
        mov     eax, cr0
        mov     [SAVECR0], eax

; --- #DE (SDM 6.15 interrupt 0; Vol. 2A DIV/IDIV): fault
        xor     ecx, ecx
        mov     eax, 1
        xor     edx, edx
        FAULT   0, 0, {div ecx}, "div ecx=0 #DE"
        SAMEESP "#DE"
        mov     ax, 0x1000
        mov     cl, 1
        FAULT   0, 0, {div cl}, "div cl: quotient > FFh #DE"
        mov     edx, -1
        mov     eax, 0x80000000
        mov     ecx, -1
        FAULT   0, 0, {idiv ecx}, "idiv -2^31/-1 overflow #DE"

; --- #BP (interrupt 3): trap, pushed EIP after the INT3 / INT 3
        TRAP    3, 0, {int3}, "int3 (CCh) #BP"
        SAMEESP "#BP"
        TRAP    3, 0, {int 3}, "int 3 (CDh 03h) #BP"

; --- #OF (interrupt 4): INTO traps only if OF=1
        mov     al, 0x7F
        add     al, 1                   ; OF=1
        TRAP    4, 0, {into}, "into with OF=1 #OF"
        xor     eax, eax                ; OF=0
        NOFAULT {into}, "into with OF=0"

; --- #BR (interrupt 5): BOUND out of range is a fault
        mov     eax, 30
        FAULT   5, 0, {bound eax, [BNDS]}, "bound eax=30 in [10,20] #BR"
        mov     eax, 9
        FAULT   5, 0, {bound eax, [BNDS]}, "bound eax=9 in [10,20] #BR"
        mov     eax, 20
        NOFAULT {bound eax, [BNDS]}, "bound eax=20 in [10,20]"

; --- #UD (interrupt 6)
        FAULT   6, 0, {ud2}, "ud2 #UD"
        SAMEESP "#UD"

; --- #NM (interrupt 7; SDM 2.5 CR0.MP/EM/TS, table 2-2)
        mov     eax, [SAVECR0]
        and     eax, ~0xE
        or      eax, 0xA                ; MP=1 TS=1 EM=0
        mov     cr0, eax
        FAULT   7, 0, {wait}, "wait with CR0.MP=1 TS=1 #NM"
        SAMEESP "#NM"
        mov     eax, [SAVECR0]
        and     eax, ~0xE
        or      eax, 0x8                ; MP=0 TS=1: WAIT does not fault
        mov     cr0, eax
        NOFAULT {wait}, "wait with CR0.MP=0 TS=1"
        mov     eax, [SAVECR0]
        and     eax, ~0xE
        or      eax, 0x4                ; EM=1 TS=0
        mov     cr0, eax
        FAULT   7, 0, {fld1}, "fld1 with CR0.EM=1 #NM"
        FAULT   7, 0, {fnop}, "fnop with CR0.EM=1 #NM"
        mov     eax, [SAVECR0]
        mov     cr0, eax

; --- #DF (interrupt 8): #GP whose gate is not present -> #NP
;     (contributory + contributory, table 6-5) -> #DF with error code 0
        and     byte [IDT+13*8+5], 0x7F
        mov     bx, 0x1238                              ; beyond the GDT
        ARM     df_res
df_at:  mov     ds, bx
        NOEXC   "#DF"
df_res: or      byte [IDT+13*8+5], 0x80
        EXPECT  8, 0, "#GP through a not-present gate -> #DF, error code 0"
        SAMEESP "#DF"

; --- #TS (interrupt 10): JMP to a 32-bit TSS whose limit is < 67h
;     (SDM 7.3 step 3; 6.15 interrupt 10): fault in the old task, error code =
;     the new TSS selector
        FAULT   10, SEL_SMALLTSS, {jmp SEL_SMALLTSS:0}, "jmp to TSS with limit 2Fh #TS(38h)"
        SAMEESP "#TS"
        mov     eax, [GDT+SEL_SMALLTSS+4]
        and     eax, 0x0F00
        EQ      eax, 0x0900, "#TS: new TSS not marked busy"

; --- #NP (interrupt 11): not-present data segment, not-present IDT gate
        mov     ax, SEL_NP
        FAULT   11, SEL_NP, {mov ds, ax}, "mov ds, not-present #NP(40h)"
        SAMEESP "#NP"
        mov     ax, ds
        movzx   eax, ax
        EQ      eax, SEL_DATA0, "#NP: ds unchanged"
        mov     ax, SEL_NP
        FAULT   11, SEL_NP, {mov es, ax}, "mov es, not-present #NP(40h)"
        SETGATE 0x50, tests, SEL_CODE0, 0x0E            ; P=0
        FAULT   11, 0x50*8+2, {int 0x50}, "int 50h, gate not present #NP(282h)"

; --- #SS (interrupt 12): loading SS with a not-present segment -> #SS(sel)
        mov     ax, SEL_NP
        FAULT   12, SEL_NP, {mov ss, ax}, "mov ss, not-present #SS(40h)"
        SAMEESP "#SS"
%ifndef QEMU_REF
;     stack access beyond the SS limit -> #SS(0) (SDM 5.3, 6.15)
        mov     ax, SEL_SS512
        mov     ss, ax                  ; limit 7FFFFh, ESP < 70000h
        mov     ebp, 0x80000
        FAULT   12, 0, {mov eax, [ebp]}, "mov eax, [ebp] beyond SS limit #SS(0)"
        FAULT   12, 0, {mov eax, [ss:0x7FFFE]}, "dword at SS:7FFFEh crosses the limit #SS(0)"
        FAULT   12, 0, {push dword [ss:0x80000]}, "push [ss:80000h] #SS(0)"
        mov     ax, SEL_DATA0
        mov     ss, ax
%endif

; --- #GP (interrupt 13) with error codes (6.13)
        mov     bx, 0x1238
        FAULT   13, 0x1238, {mov ds, bx}, "mov ds, beyond GDT limit #GP(1238h)"
        SAMEESP "#GP"
        mov     bx, SEL_TSS
        FAULT   13, SEL_TSS, {mov ds, bx}, "mov ds, TSS descriptor #GP(28h)"
        xor     bx, bx
        FAULT   13, 0, {mov ss, bx}, "mov ss, null #GP(0)"
        FAULT   13, 0x80*8+2, {int 0x80}, "int 80h, empty gate #GP(402h)"
        FAULT   13, 0, {jmp 0:0}, "jmp far null selector #GP(0)"

; --- #DB by single-step (interrupt 1; SDM 17.3.1.4): TF set by POPFD
;     traps after the instruction that follows; DR6.BS set
        xor     eax, eax
        mov     dr6, eax
        ARM     ss_res
        pushfd
        or      dword [esp], F_TF
        popfd
ss_at:  nop
ss_nx:  NOEXC   "TF single-step"
ss_res: EXPECT  1, 0, "TF single-step #DB"
        MEQ     [LASTEIP], ss_nx, "single-step: pushed eip = next instruction"
        mov     eax, [LASTFL]
        and     eax, F_TF
        EQ      eax, F_TF, "single-step: pushed eflags has TF"
        mov     eax, dr6
        and     eax, 0x400F
        EQ      eax, 0x4000, "single-step: DR6.BS=1, B0-B3=0"
        pushfd
        pop     eax
        and     eax, F_TF
        EQ      eax, 0, "single-step: TF clear after the handler"

; --- instruction breakpoint (17.2.4, 17.3.1.2): DR0 = linear address,
;     DR7.L0=1 R/W0=00 LEN0=00 -> #DB fault before the instruction runs;
;     the handler resumes at it with RF=1, so it runs once, without a
;     second #DB.
;     The instruction is in RAM (QEMU 7.2 crashes on a breakpoint hit in
;     the BIOS ROM): BPCODE holds "inc ebx; retf", called through a flat
;     code segment.
        mov     word [BPCODE], 0xCB43                   ; inc ebx; retf
        xor     eax, eax
        mov     dr6, eax
        mov     eax, BPCODE
        mov     dr0, eax
        mov     eax, 0x00000001
        mov     dr7, eax
        xor     ebx, ebx
        ARM     BPCODE                  ; resume at the instruction ...
        mov     dword [ORFL], F_RF      ; ... with RF=1
        call    SEL_FLAT:BPCODE
        xor     eax, eax
        mov     dr7, eax
        mov     dword [ORFL], 0
        MEQ     [HITS], 1, "dr0 breakpoint: one #DB"
        MEQ     [LASTVEC], 1, "dr0 breakpoint: vector 1"
        MEQ     [LASTEIP], BPCODE, "dr0 breakpoint: pushed eip = the instruction (fault)"
        MEQ     [LASTCS], SEL_FLAT, "dr0 breakpoint: pushed cs"
        EQ      ebx, 1, "dr0 breakpoint: instruction ran once after resume with RF=1"
        mov     eax, dr6
        and     eax, 0x400F
        EQ      eax, 1, "dr0 breakpoint: DR6.B0=1, BS=0"
        pushfd
        pop     eax
        and     eax, F_RF
        EQ      eax, 0, "dr0 breakpoint: RF cleared after the instruction"

; --- data write watchpoint (17.2.4): DR1 = WATCH, L1=1, R/W1=01 (write),
;     LEN1=11 (4 bytes) -> #DB trap after the writing instruction, DR6.B1
        xor     eax, eax
        mov     dr6, eax
        mov     dword [WATCH], 0
        mov     eax, WATCH
        mov     dr1, eax
        mov     eax, (1 << 2) | (1 << 20) | (3 << 22)
        mov     dr7, eax
        NOFAULT {mov eax, [WATCH]}, "dr1 write watchpoint: a read does not hit"
        NOFAULT {mov [WATCH+4], eax}, "dr1 write watchpoint: write to WATCH+4 does not hit"
        mov     eax, 0x1234
        TRAP    1, 0, {mov [WATCH], eax}, "dr1 write watchpoint #DB"
        mov     eax, dr6
        and     eax, 0x400F
        EQ      eax, 2, "dr1 write watchpoint: DR6.B1=1"
        MEQ     [WATCH], 0x1234, "dr1 write watchpoint: the write completed"
        xor     eax, eax
        mov     dr6, eax
        TRAP    1, 0, {mov byte [WATCH+3], 0x56}, "dr1 write watchpoint: byte write to WATCH+3 #DB"
        mov     eax, dr6
        and     eax, 0x400F
        EQ      eax, 2, "dr1 byte write: DR6.B1=1"
        xor     eax, eax
        mov     dr7, eax
        NOFAULT {mov [WATCH], eax}, "dr7=0: watchpoint disabled"

        jmp     exit_pass

        RESET_VECTOR
