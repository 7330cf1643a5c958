; long_syscall.asm -- Glassbox guest test: SYSCALL/SYSRET, SYSENTER from
; compatibility mode, SWAPGS and the segment bases in 64-bit mode (SDM
; Vol. 2 SYSCALL, SYSRET, SYSENTER, SYSEXIT, SWAPGS; Vol. 3A 3.4.4, 5.8.8
; "Fast System Calls in 64-Bit Mode").
;
; - EFER.SCE = 0: SYSCALL and SYSRET are #UD.  STAR, LSTAR, CSTAR and FMASK
;   read back what was written.
; - SYSCALL from CPL3 64-bit code: RCX = the next RIP, R11 = RFLAGS, RFLAGS
;   &= ~FMASK (RF cleared too), CS = STAR[47:32] (38h), SS = STAR[47:32]+8,
;   RSP unchanged, RIP = LSTAR.
; - SYSRET with REX.W: CPL3 64-bit, CS = STAR[63:48]+16 | 3 (58h|3), SS =
;   STAR[63:48]+8 | 3, RIP = RCX, RFLAGS = (R11 & 3C7FD7h) | 2 (RF and VM
;   never set).  Without REX.W: compatibility mode, CS = STAR[63:48] | 3,
;   EIP = ECX.  With a non-canonical RCX: #GP(0) at CPL0, before any state
;   changes (Intel; AMD faults at CPL3).  At CPL3: #GP(0).
; - SYSCALL in compatibility mode: #UD on Intel (AMD uses CSTAR).
; - SYSENTER from compatibility mode: 64-bit mode at CPL0, CS =
;   SYSENTER_CS, SS = SYSENTER_CS+8, RIP = SYSENTER_EIP, RSP =
;   SYSENTER_ESP (64-bit), IF cleared.
; - SWAPGS exchanges GS.base and IA32_KERNEL_GS_BASE; #GP(0) at CPL3.
;   MOV to GS loads GS.base from the descriptor (32 bits, zero-extended).
;   FS.base and GS.base apply to addresses, the DS base and the limits do
;   not (Vol. 3A 3.4.4, 5.3.1).
;
; Build: nasm -f bin -i lib/ -o long_syscall.bin long_syscall.asm
;   -DQEMU_REF  leave out what QEMU 7.2's TCG does not do as Intel's SDM
;               says: SYSCALL in compatibility mode (QEMU takes it to
;               CSTAR, as AMD), the #GP(0) of SYSRET to a non-canonical RCX
;               (QEMU returns to CPL3 and faults there), RF/VM in R11
;               (QEMU's SYSRET loads them into RFLAGS) and CF after SYSCALL
;               (QEMU clears it; FMASK does not name it)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu core2duo) with
; -DQEMU_REF: every line passes.

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        DESC    0x100000, 0xF, 0x92, 0x40       ; 78 data, base 1 MiB, limit 0Fh
        GDT_END
SEL_SMALL equ 0x78

SAVRSP  equ 0x0580
R_RCX   equ 0x0588              ; qwords recorded at the SYSCALL entry
R_R11   equ 0x0590
R_FL    equ 0x0598
R_CS    equ 0x05A0
R_SS    equ 0x05A8
R_RSP   equ 0x05B0
U_CS    equ 0x05B8              ; recorded back at CPL3 after SYSRET
U_SS    equ 0x05C0
U_FL    equ 0x05C8
SE_RSP  equ 0x05D0              ; recorded at the SYSENTER entry
SE_CS   equ 0x05D8
SE_SS   equ 0x05E0
SE_FL   equ 0x05E8
C_CS    equ 0x05F0              ; compat mode: CS, SS after SYSRET (dwords)
C_SS    equ 0x05F4
BUF     equ 0x0600
SYSENTER_STACK equ 0x6D000
STARV   equ (SEL_UCODE32 << 48) | (SEL_CODE64 << 32)

%ifdef QEMU_REF
R11V    equ 0x248ED7 | 0x8028           ; AC ID OF DF IF SF ZF AF PF CF, reserved 3 5 15
%else
R11V    equ 0x248ED7 | 0x8028 | F_RF | F_VM
%endif
R11EXP  equ 0x240ED7                    ; (R11V & 3C7FD7h) | 2

bits 64
syscall_entry:                          ; LSTAR: record, then SYSRET with R11V
        mov     [R_RCX], rcx
        mov     [R_R11], r11
        pushfq
        pop     qword [R_FL]
        mov     word [R_CS], cs
        mov     word [R_SS], ss
        mov     [R_RSP], rsp
        mov     r11, R11V
        o64 sysret

sysenter_entry:                         ; SYSENTER_EIP: record, CPL0 stack back
        mov     [SE_RSP], rsp
        mov     word [SE_CS], cs
        mov     word [SE_SS], ss
        pushfq
        pop     qword [SE_FL]
        mov     rsp, [SAVRSP]
        mov     ax, SEL_DATA0
        mov     ss, ax
        jmp     sysenter_back

bits 32
compat3:                                ; CPL3 compatibility mode, CS base 0
        mov     [C_CS], cs
        mov     [C_SS], ss
%ifndef QEMU_REF
        ARMCS   .s1, SEL_UCODE32|3      ; (resume here: ROMBASE + .s1)
        syscall                         ; Intel: #UD in compatibility mode
.s1:
%endif
        mov     eax, 0x1234
        sysenter
        jmp     $

bits 64
tests:
; --- EFER.SCE = 0: #UD
        FAULT   6, 0, {syscall}, "syscall with EFER.SCE = 0 #UD"
        FAULT   6, 0, {o64 sysret}, "sysret with EFER.SCE = 0 #UD"
        mov     ecx, MSR_EFER
        rdmsr
        or      eax, EFER_SCE
        wrmsr
        WRMSR64 MSR_STAR, STARV
        WRMSR64 MSR_LSTAR, ROMBASE + syscall_entry
        WRMSR64 MSR_CSTAR, 0xFFFF800000001234
        WRMSR64 MSR_FMASK, F_DF | F_TF | F_IF | F_AC
        RDMSR64 MSR_STAR
        EQ      rax, STARV, "STAR reads back"
        RDMSR64 MSR_LSTAR
        EQ      rax, ROMBASE + syscall_entry, "LSTAR reads back"
        RDMSR64 MSR_CSTAR
        EQ      rax, 0xFFFF800000001234, "CSTAR reads back"
        RDMSR64 MSR_FMASK
        EQ      rax, F_DF | F_TF | F_IF | F_AC, "FMASK reads back"

; --- SYSCALL from CPL3 64-bit, SYSRET back
        RING3
        mov     rcx, -1
        mov     r11, -1
        push    2
        popfq
        stc
        std
        syscall
.sc_next:                               ; SYSRET returns here at CPL3
        mov     word [U_CS], cs
        mov     word [U_SS], ss
        pushfq
        pop     qword [U_FL]
        push    2                       ; IF = AC = DF = 0 again
        popfq
        RING0
        MEQ     [R_RCX], ROMBASE + .sc_next, "syscall: RCX = next RIP"
        MEQ     [R_R11], 0x403, "syscall: R11 = RFLAGS (DF CF)"
%ifdef QEMU_REF                         ; QEMU 7.2 loses CF here
        mov     rax, [R_FL]
        and     eax, ~F_CF
        EQ      rax, 0x002, "syscall: RFLAGS &= ~FMASK (but CF)"
%else
        MEQ     [R_FL], 0x003, "syscall: RFLAGS &= ~FMASK"
%endif
        MEQ     [R_CS], SEL_CODE64, "syscall: CS = STAR[47:32]"
        MEQ     [R_SS], SEL_DATA64, "syscall: SS = STAR[47:32] + 8"
        MEQ     [R_RSP], R3STACK, "syscall: RSP unchanged"
        MEQ     [U_CS], SEL_UCODE64|3, "sysretq: CS = STAR[63:48] + 16, RPL 3"
        MEQ     [U_SS], SEL_UDATA|3, "sysretq: SS = STAR[63:48] + 8, RPL 3"
        MEQ     [U_FL], R11EXP, "sysretq: RFLAGS = (R11 & 3C7FD7h) | 2"

; --- SYSRET faults
%ifndef QEMU_REF
        mov     rcx, 0x0000800000000000
        mov     r11, 2
        FAULT   13, 0, {o64 sysret}, "sysretq to non-canonical RCX: #GP(0) at CPL0"
        MEQ     [LASTCS], SEL_CODE64, "... delivered from CPL0"
%endif
        RING3
        lea     rcx, [rel .u]
        FAULT   13, 0, {o64 sysret}, "sysretq at CPL3 #GP(0)"
.u:     RING0

; --- SYSRET to compatibility mode, SYSCALL there, SYSENTER back
        WRMSR64 MSR_SYSENTER_CS, SEL_CODE64
        WRMSR64 MSR_SYSENTER_ESP, SYSENTER_STACK
        WRMSR64 MSR_SYSENTER_EIP, ROMBASE + sysenter_entry
        mov     [SAVRSP], rsp
        mov     ecx, ROMBASE + compat3
        mov     r11d, 2 | F_IF
        sysret                          ; no REX.W: to compatibility mode
sysenter_back:
        MEQD    [C_CS], SEL_UCODE32|3, "sysret: CS = STAR[63:48] | 3"
        MEQD    [C_SS], SEL_UDATA|3, "sysret: SS = STAR[63:48] + 8 | 3"
%ifndef QEMU_REF
        EXPECT  6, 0, "syscall in compatibility mode #UD (Intel)"
        MEQ     [LASTCS], SEL_UCODE32|3, "... raised in compatibility mode at CPL3"
%endif
        MEQ     [SE_RSP], SYSENTER_STACK, "sysenter: RSP = SYSENTER_ESP"
        MEQ     [SE_CS], SEL_CODE64, "sysenter: CS = SYSENTER_CS"
        MEQ     [SE_SS], SEL_DATA64, "sysenter: SS = SYSENTER_CS + 8"
        mov     rax, [SE_FL]
        and     eax, F_IF
        EQ      rax, 0, "sysenter: IF cleared"

; --- SWAPGS and the segment bases
        mov     qword [BUF], 0x1111
        mov     qword [BUF+0x10], 0x2222
        WRMSR64 MSR_GS_BASE, BUF
        WRMSR64 MSR_KERNEL_GS_BASE, BUF + 0x10
        mov     rax, [gs:0]
        EQ      rax, 0x1111, "[gs:0] with GS.base = BUF"
        swapgs
        mov     rax, [gs:0]
        EQ      rax, 0x2222, "swapgs: [gs:0] at KernelGSBase"
        RDMSR64 MSR_GS_BASE
        EQ      rax, BUF + 0x10, "swapgs: GS.base = old KernelGSBase"
        RDMSR64 MSR_KERNEL_GS_BASE
        EQ      rax, BUF, "swapgs: KernelGSBase = old GS.base"
        swapgs
        RING3
        FAULT   13, 0, {swapgs}, "swapgs at CPL3 #GP(0)"
        RING0
        WRMSR64 MSR_GS_BASE, 0x123456789ABC
        mov     ax, SEL_SMALL
        mov     gs, ax
        RDMSR64 MSR_GS_BASE
        EQ      rax, 0x100000, "mov gs: GS.base from the descriptor"
        WRMSR64 MSR_FS_BASE, BUF
        mov     rax, [fs:0x10]
        EQ      rax, 0x2222, "[fs:10h] with FS.base = BUF"
        mov     ax, SEL_SMALL                   ; base 1 MiB, limit 0Fh
        mov     ds, ax
        mov     rax, [BUF]
        EQ      rax, 0x1111, "DS base and limit ignored in 64-bit mode"
        mov     ax, SEL_SMALL
        mov     es, ax
        mov     rdi, BUF+0x20
        mov     rax, 0x5555
        stosq
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        MEQ     [BUF+0x20], 0x5555, "ES base and limit ignored by stosq"
        WRMSR64 MSR_FS_BASE, 0
        WRMSR64 MSR_GS_BASE, 0

        jmp     exit_pass

        RESET_VECTOR
