; long_canonical.asm -- Glassbox guest test: canonical-address checks in
; 64-bit mode (SDM Vol. 3A 3.3.7.1 "Canonical Addressing", 6.15 interrupts
; 12 and 13; Vol. 2 JMP, CALL, RET, WRMSR "64-Bit Mode Exceptions").
;
; - A data access whose linear address is not canonical (bits 63:47 not all
;   equal, 48-bit linear addresses) is #GP(0), load or store, through a
;   base register, a moffs64 or FS.base + offset; nothing is written.
;   The highest and lowest canonical addresses are translated instead
;   (#PF, not mapped) -- the check is on the address, not the mapping.
; - An access through RSP or RBP (the SS segment) is #SS(0): PUSH, a load
;   [RBP], [RSP+disp]; the #SS is delivered on IST1, as the bad RSP is no
;   stack, and the frame holds that RSP.
; - A near JMP/CALL/RET to a non-canonical target is #GP(0) on the branch
;   itself: the pushed RIP is the branch, RSP unchanged for CALL and RET
;   (Intel, Vol. 2 JMP "64-Bit Mode Exceptions"; AMD and QEMU 7.2 fault on
;   the fetch at the target, with that RIP: -DQEMU_REF checks the #GP(0)
;   only).
; - WRMSR of a non-canonical address to IA32_FS_BASE, IA32_GS_BASE or
;   IA32_KERNEL_GS_BASE is #GP(0) and leaves the MSR (Vol. 4 2.1 and Vol. 3A
;   3.4.4); a canonical one with bit 63 set is taken.
; - An access that starts canonical and ends non-canonical (the last bytes
;   at 0000800000000000h) is #GP(0) (Intel: the whole access must be
;   canonical; Bochs checks both ends).  QEMU 7.2 checks only the first
;   byte and raises #PF: left out of -DQEMU_REF.
;
; Build: nasm -f bin -i lib/ -o long_canonical.bin long_canonical.asm
;   -DQEMU_REF  leave out the straddling access (see above), the #GP(0) of
;               WRMSR to the base MSRs (QEMU 7.2 takes any value) and the #SS(0)
;               checks: QEMU 7.2 raises #GP(0) for every non-canonical
;               access, through RSP/RBP too (and then, on the same bad
;               stack, #DF)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu core2duo) with
; -DQEMU_REF: every line passes.

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        GDT_END

IST1TOP equ 0x7C000             ; the #SS stack (TSS.IST1)
SAVRSP  equ 0x0580              ; qword: RSP around the #SS checks
VAR     equ 0x0600              ; qword scratch

NC_LOW  equ 0x0000800000000000  ; first non-canonical address above 0
NC_HIGH equ 0xFFFF7FFFFFFFFFFF  ; last non-canonical address below -2^47
CN_LOW  equ 0x00007FFFFFFFF000  ; the last canonical page (not mapped)
CN_HIGH equ 0xFFFF800000000000  ; the first canonical page at the top

; SSFAULT {insn}, "name": the instruction, run with a non-canonical RSP or
; RBP set up by the caller, raises #SS(0); RSP is restored from SAVRSP
; before the checks.
%macro SSFAULT 2
        ARM     %%res
%%at:   %1
        mov     rsp, [SAVRSP]
        NOEXC   %2
%%res:  mov     rsp, [SAVRSP]
        EXPECT  12, 0, %2
        MEQ     [LASTRIP], ROMBASE + %%at, {%2, ": pushed rip"}
%endmacro

; BRFAULT {branch}, "name": the branch to a non-canonical target is #GP(0)
; with the pushed RIP at the branch and RSP unchanged
%macro BRFAULT 2
        mov     [SAVRSP], rsp
%ifdef QEMU_REF
        ARM     %%res
        %1
        NOEXC   %2
%%res:  mov     rsp, [SAVRSP]
        EXPECT  13, 0, %2
%else
        FAULT   13, 0, {%1}, %2
        mov     rax, [SAVRSP]
        EQ      rsp, rax, {%2, ": RSP unchanged"}
%endif
%endmacro

bits 64
tests:
        mov     qword [TSS+0x24], IST1TOP       ; #SS on IST1
        mov     byte [IDT+12*16+4], 1

; --- data accesses: #GP(0)
        mov     qword [VAR], 0x1234
        mov     rbx, NC_LOW
        FAULT   13, 0, {mov rax, [rbx]}, "load [8000_0000_0000h] #GP(0)"
        FAULT   13, 0, {mov [rbx], rax}, "store [8000_0000_0000h] #GP(0)"
        mov     rbx, NC_HIGH
        FAULT   13, 0, {mov al, [rbx]}, "load [FFFF_7FFF_FFFF_FFFFh] #GP(0)"
        mov     rbx, 0x8000000000000000 + VAR   ; VAR with bit 63 set
        FAULT   13, 0, {inc qword [rbx]}, "inc [bit 63 + VAR] #GP(0)"
        MEQ     [VAR], 0x1234, "the faulting store wrote nothing"
        FAULT   13, 0, {mov rax, [qword 0x0000900000000000]}, "moffs64 load #GP(0)"
        mov     rax, NC_LOW
        FAULT   13, 0, {mov [rax*2], ecx}, "scaled index wraps to bit 48 #GP(0)"
        WRMSR64 MSR_FS_BASE, 0x00007FFFFFFFFFF0
        mov     ebx, 0x20
        FAULT   13, 0, {mov rax, [fs:rbx]}, "FS.base + 20h past 7FFF_FFFF_FFFFh #GP(0)"
        WRMSR64 MSR_FS_BASE, 0
        mov     rbx, CN_LOW
        PFAULT  0, {mov rax, [rbx]}, CN_LOW, "last canonical page: #PF, not #GP"
        mov     rbx, CN_HIGH
        PFAULT  2, {mov [rbx], rax}, CN_HIGH, "first canonical page at the top: #PF, not #GP"
%ifndef QEMU_REF
        mov     rbx, 0x00007FFFFFFFFFFC
        FAULT   13, 0, {mov rax, [rbx]}, "qword at 7FFF_FFFF_FFFCh ends non-canonical: #GP(0)"
%endif

; --- stack accesses: #SS(0), on IST1 (QEMU 7.2 raises #GP(0))
%ifndef QEMU_REF
        mov     [SAVRSP], rsp
        mov     rsp, NC_LOW + 0x100
        SSFAULT {push rax}, "push with RSP non-canonical #SS(0)"
        MEQ     [LASTRSP], NC_LOW + 0x100, "#SS frame: the non-canonical RSP"
        mov     rax, [LASTRSP0]
        EQ      rax, IST1TOP - 5*8, "#SS delivered on IST1"
        mov     rbp, NC_HIGH - 7
        SSFAULT {mov rax, [rbp]}, "load [RBP] non-canonical #SS(0)"
        mov     rbp, NC_LOW
        SSFAULT {mov [rbp+8], eax}, "store [RBP+8] non-canonical #SS(0)"
        mov     rbx, NC_LOW
        SSFAULT {mov rax, [rsp+rbx]}, "load [RSP+RBX] non-canonical #SS(0)"
%endif
        mov     rbx, NC_LOW
        FAULT   13, 0, {mov rax, [rbx+rbp]}, "[RBX+RBP]: the DS segment, #GP(0)"

; --- branches to non-canonical targets: #GP(0) on the branch (Intel; QEMU
;     7.2 and AMD take the branch and fault on the fetch: a -DQEMU_REF build
;     checks only the #GP(0), then puts RSP back)
        mov     rax, NC_LOW
        BRFAULT {jmp rax}, "jmp rax (8000_0000_0000h) #GP(0)"
        mov     rax, NC_LOW
        BRFAULT {call rax}, "call rax (non-canonical) #GP(0)"
        mov     rax, NC_HIGH
        push    rax
        BRFAULT {ret}, "ret to non-canonical #GP(0)"
        pop     rax
        mov     rax, NC_LOW
        mov     [VAR], rax
        BRFAULT {jmp [VAR]}, "jmp [mem] (non-canonical) #GP(0)"

; --- the base MSRs
%ifndef QEMU_REF                         ; QEMU 7.2 takes any value
        WRMSR64 MSR_FS_BASE, 0x1000
        mov     ecx, MSR_FS_BASE
        mov     edx, 0x00008000
        xor     eax, eax
        FAULT   13, 0, {wrmsr}, "wrmsr FS.base 8000_0000_0000h #GP(0)"
        RDMSR64 MSR_FS_BASE
        EQ      rax, 0x1000, "FS.base unchanged"
        mov     ecx, MSR_GS_BASE
        mov     edx, 0x80000000
        FAULT   13, 0, {wrmsr}, "wrmsr GS.base 8000_0000_0000_0000h #GP(0)"
        mov     ecx, MSR_KERNEL_GS_BASE
        mov     edx, 0x12345678
        FAULT   13, 0, {wrmsr}, "wrmsr KernelGSBase 1234_5678_0000_0000h #GP(0)"
%endif
        WRMSR64 MSR_GS_BASE, 0xFFFF800000001000
        RDMSR64 MSR_GS_BASE
        mov     rbx, 0xFFFF800000001000
        EQ      rax, rbx, "wrmsr GS.base FFFF_8000_0000_1000h taken"
        WRMSR64 MSR_GS_BASE, 0
        WRMSR64 MSR_FS_BASE, 0
        jmp     exit_pass

        RESET_VECTOR
