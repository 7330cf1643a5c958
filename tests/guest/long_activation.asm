; long_activation.asm -- Glassbox guest test: entering and leaving IA-32e
; mode and the checks on the way (SDM Vol. 3A 10.8.5 "Initializing IA-32e
; Mode", 10.8.5.4 "Switching Out of IA-32e Mode" (9.8.5 in older
; editions), 2.2.1 and table 2-2 (IA32_EFER), 5.2.1 (CS.L and CS.D);
; Vol. 2 MOV CR0/CR4, WRMSR "Protected Mode Exceptions").
;
; Runs under harness32.inc (32-bit protected mode) and activates IA-32e mode
; itself; while IA-32e mode is active its exceptions go through a 64-bit
; IDT of its own (IDT64) whose handler records them in harness32's
; variables, so the harness's checks run unchanged in compatibility mode.
; - IA32_EFER reads 0 after reset; a reserved bit is #GP(0); LMA is read-
;   only (a written 1 is ignored); LME = 1 with paging off leaves LMA 0.
; - CR0.PG = 1 with EFER.LME = 1 and CR4.PAE = 0 is #GP(0) and leaves PG 0.
; - Writing EFER.LME while paging is on (legacy 32-bit paging) is #GP(0).
; - PAE, CR3 = PML4, LME, then PG: EFER.LMA = 1, compatibility mode.
; - In IA-32e mode: clearing CR4.PAE is #GP(0); clearing EFER.LME is
;   #GP(0); a far JMP to a code segment with L = 1 and D = 1 is #GP(sel);
;   compatibility-mode code runs 32-bit code (40h is INC EAX) and, in a
;   segment with D = 0, 16-bit code; a far JMP to a 64-bit segment runs
;   64-bit code, where clearing CR0.PG is #GP(0); a far JMP back to
;   compatibility mode.
; - Leaving: CR0.PG = 0 in compatibility mode clears EFER.LMA (LME stays),
;   then LME can be cleared; protected mode with the 32-bit IDT again.
;
; Build: nasm -f bin -i lib/ -o long_activation.bin long_activation.asm
;   -DQEMU_REF  leave out what QEMU 7.2's TCG does not do as the SDM says:
;               it checks none of the activation rules -- a reserved EFER
;               bit, CR0.PG with CR4.PAE = 0 (it turns paging on), LME
;               written with paging on, CR4.PAE or LME cleared in IA-32e
;               mode, a CS with L = D = 1 (it runs it as 64-bit code),
;               CR0.PG cleared in 64-bit mode; so only the sequence itself
;               (LMA, compatibility, 64-bit and 16-bit code, leaving) is
;               compared with QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu core2duo) with
; -DQEMU_REF: every line passes.

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h
        DESC    0, 0xFFFFF, 0x9A, 0xE0  ; 38 code, L = 1 and D = 1 (invalid)
        DESC    0, 0xFFFFF, 0x9A, 0xA0  ; 40 64-bit code
        GDT_END
%define LONG64_CONSTS_ONLY
%include "long64.inc"                   ; ROMBASE, MSR_EFER, PML4 ... only
SEL_LD  equ 0x38
SEL_C64 equ 0x40

IDT64   equ 0x4000              ; 256 16-byte gates
PD32    equ 0x87000             ; a 32-bit page directory, 4 MiB pages
V64     equ 0x0600              ; qword written in 64-bit mode
V64HITS equ 0x0608              ; exceptions seen by the 64-bit check
V64VEC  equ 0x060C
V16     equ 0x0610              ; EAX after the 16-bit compat code

bits 32
; build_pml4: the identity map of 0..4 GiB with 2 MiB pages (as long64.inc)
build_pml4:
        pushad
        mov     edi, PML4
        xor     eax, eax
        mov     ecx, 6*4096/4
        rep stosd
        mov     dword [PML4], PDPT | PG_P | PG_RW
        xor     ecx, ecx
.pdpt:  mov     eax, ecx
        shl     eax, 12
        add     eax, PDIR | PG_P | PG_RW
        mov     [PDPT+ecx*8], eax
        inc     ecx
        cmp     ecx, 4
        jb      .pdpt
        xor     ecx, ecx
.pd:    mov     eax, ecx
        shl     eax, 21
        or      eax, PG_P | PG_RW | PG_PS
        mov     [PDIR+ecx*8], eax
        inc     ecx
        cmp     ecx, 2048
        jb      .pd
        mov     edi, PD32               ; and 1024 4 MiB PDEs for legacy paging
        xor     ecx, ecx
.pd32:  mov     eax, ecx
        shl     eax, 22
        or      eax, PG_P | PG_RW | PG_PS
        mov     [edi+ecx*4], eax
        inc     ecx
        cmp     ecx, 1024
        jb      .pd32
        ; IDT64: vectors 0..31 -> h64 stubs (64-bit interrupt gates)
        mov     edi, IDT64
        xor     eax, eax
        mov     ecx, 256*4
        rep stosd
        xor     ecx, ecx
.g:     mov     eax, [cs:h64_table+ecx*4]
        add     eax, ROMBASE
        mov     edx, ecx
        shl     edx, 4
        mov     [IDT64+edx], ax
        mov     word [IDT64+edx+2], SEL_C64
        mov     word [IDT64+edx+4], 0x8E00
        shr     eax, 16
        mov     [IDT64+edx+6], ax
        inc     ecx
        cmp     ecx, 32
        jb      .g
        popad
        ret

; unexp32: report an exception the 64-bit handler was not ARMed for (it
; IRETQs here, CPL0 compatibility mode)
unexp32:
        mov     esi, s_unexp
        call    puts
        mov     eax, [LASTVEC]
        call    puthex32
        mov     esi, s_at
        call    puts
        mov     eax, [LASTCS]
        call    puthex32
        mov     al, ':'
        out     DEBUGCON, al
        mov     eax, [LASTEIP]
        call    puthex32
        mov     esi, s_err
        call    puts
        mov     eax, [LASTERR]
        call    puthex32
        call    putnl
        jmp     exit_fail

idtr64: dw      256*16-1
        dd      IDT64, 0
p_back: dd      back32                  ; m16:32 to compatibility mode
        dw      SEL_CODE0

bits 64
; the IDT64 handlers: record as harness32's exc_common does (vector, error
; code, the frame's RIP CS RFLAGS RSP SS as dwords) and IRETQ to RESUME in
; the same CS; unARMed: to unexp32
%assign i 0
%rep 32
h64_%[i]:
%if i <> 8 && (i < 10 || i > 14) && i <> 17 && i <> 21
        push    0
%endif
        push    i
        jmp     h64_common
%assign i i+1
%endrep
h64_common:
        push    rax
        mov     eax, [rsp+8]
        mov     [LASTVEC], eax
        mov     eax, [rsp+16]
        mov     [LASTERR], eax
        mov     eax, [rsp+24]
        mov     [FRAME], eax
        mov     eax, [rsp+32]
        mov     [FRAME+4], eax
        mov     eax, [rsp+40]
        mov     [FRAME+8], eax
        mov     eax, [rsp+48]
        mov     [FRAME+12], eax
        mov     eax, [rsp+56]
        mov     [FRAME+16], eax
        inc     dword [HITS]
        mov     eax, [RESUME]
        test    eax, eax
        jz      .unexp
        mov     [rsp+24], rax
        mov     dword [RESUME], 0
        pop     rax
        add     rsp, 16
        iretq
.unexp: mov     qword [rsp+24], unexp32
        mov     qword [rsp+32], SEL_CODE0
        pop     rax
        add     rsp, 16
        iretq
h64_table:
%assign i 0
%rep 32
        dd      h64_%[i]
%assign i i+1
%endrep

; in64: 64-bit mode; store a 64-bit value, try to clear CR0.PG, back
in64:   mov     rax, 0x0123456789ABCDEF
        mov     [V64], rax
%ifndef QEMU_REF                         ; QEMU 7.2 turns paging off here
        mov     dword [HITS], 0
        mov     dword [LASTVEC], -1
        mov     dword [RESUME], ROMBASE + .r
        mov     rax, cr0
        btr     eax, 31
        mov     cr0, rax                ; #GP(0) in 64-bit mode
.r:     mov     eax, [HITS]
        mov     [V64HITS], eax
        mov     eax, [LASTVEC]
        mov     [V64VEC], eax
%endif
        jmp     dword far [rel p_back]

bits 16
c16:    mov     eax, -1                 ; compatibility mode, CS.D = 0
        db      0x40                    ; inc ax
        mov     [V16], eax
        jmp     dword SEL_CODE0:back16

bits 32
tests:
        mov     eax, 0x80000001
        cpuid
        and     edx, CPUID_LM
        EQ      edx, CPUID_LM, "CPUID 80000001h:EDX.LM"
        call    build_pml4

; --- IA32_EFER before activation
        mov     ecx, MSR_EFER
        rdmsr
        and     eax, ~EFER_SCE          ; (firmware-free reset: 0; SCE ignored)
        EQ      eax, 0, "EFER.LME = EFER.LMA = 0 at reset"
%ifndef QEMU_REF                         ; QEMU 7.2 takes reserved bits
        mov     ecx, MSR_EFER
        mov     eax, 2                  ; bit 1: reserved
        xor     edx, edx
        FAULT   13, 0, {wrmsr}, "EFER reserved bit 1 #GP(0)"
%endif
        mov     ecx, MSR_EFER
        mov     eax, EFER_LMA
        xor     edx, edx
        wrmsr
        rdmsr
        EQ      eax, 0, "EFER.LMA is read-only: a written 1 ignored"
        mov     ecx, MSR_EFER
        mov     eax, EFER_LME
        xor     edx, edx
        wrmsr
        rdmsr
        EQ      eax, EFER_LME, "LME = 1 with paging off: LMA stays 0"

; --- CR0.PG with LME = 1 and CR4.PAE = 0: #GP(0)
        mov     eax, PML4
        mov     cr3, eax
%ifndef QEMU_REF                         ; QEMU 7.2 turns paging on
        mov     eax, cr0
        or      eax, CR0_PG
        FAULT   13, 0, {mov cr0, eax}, "CR0.PG = 1 with EFER.LME = 1, CR4.PAE = 0 #GP(0)"
        mov     eax, cr0
        and     eax, CR0_PG
        EQ      eax, 0, "... CR0.PG stays 0"
%endif

; --- EFER.LME written while (legacy) paging is on: #GP(0)
        mov     ecx, MSR_EFER
        xor     eax, eax
        xor     edx, edx
        wrmsr
        mov     eax, cr4
        or      eax, CR4_PSE
        mov     cr4, eax
        PAGING_ON PD32
%ifndef QEMU_REF                         ; QEMU 7.2 takes the write
        mov     ecx, MSR_EFER
        mov     eax, EFER_LME
        xor     edx, edx
        FAULT   13, 0, {wrmsr}, "EFER.LME = 1 with legacy paging on #GP(0)"
        mov     ecx, MSR_EFER
        rdmsr
        EQ      eax, 0, "... EFER unchanged"
%endif
        mov     eax, cr4
        and     eax, CR4_PSE
        EQ      eax, CR4_PSE, "legacy 32-bit paging with 4 MiB pages on"
        mov     eax, cr0
        and     eax, ~CR0_PG
        mov     cr0, eax
        mov     eax, cr4
        and     eax, ~CR4_PSE
        mov     cr4, eax

; --- activation (SDM Vol. 3A 10.8.5)
        mov     eax, cr4
        or      eax, CR4_PAE
        mov     cr4, eax
        mov     eax, PML4
        mov     cr3, eax
        mov     ecx, MSR_EFER
        mov     eax, EFER_LME
        xor     edx, edx
        wrmsr
        lidt    [cs:idtr64]             ; from here on: IA-32e exceptions
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        mov     ecx, MSR_EFER
        rdmsr
        EQ      eax, EFER_LME | EFER_LMA, "CR0.PG = 1: EFER.LMA = 1"
        mov     ax, cs
        EQ      ax, SEL_CODE0, "compatibility mode: CS unchanged"
        mov     eax, 5
        db      0x40                    ; inc eax (not REX)
        EQ      eax, 6, "compatibility mode: 40h is INC EAX"

; --- checks in IA-32e mode
%ifndef QEMU_REF                         ; QEMU 7.2 takes all three
        mov     eax, cr4
        and     eax, ~CR4_PAE
        FAULT   13, 0, {mov cr4, eax}, "clearing CR4.PAE in IA-32e mode #GP(0)"
        mov     ecx, MSR_EFER
        xor     eax, eax
        xor     edx, edx
        FAULT   13, 0, {wrmsr}, "clearing EFER.LME with CR0.PG = 1 #GP(0)"
        FAULT   13, SEL_LD, {jmp SEL_LD:0}, "far JMP to CS with L = 1, D = 1 #GP(sel)"
        MEQ     [LASTCS], SEL_CODE0, "... raised in compatibility mode"
%endif
        jmp     SEL_C64:ROMBASE+in64
back32: MEQ     [V64], 0x89ABCDEF, "64-bit mode: qword store, low half"
        MEQ     [V64+4], 0x01234567, "64-bit mode: qword store, high half"
%ifndef QEMU_REF
        MEQ     [V64HITS], 1, "64-bit mode: clearing CR0.PG faults"
        MEQ     [V64VEC], 13, "... #GP"
%endif
        mov     ax, cs
        EQ      ax, SEL_CODE0, "far JMP m16:32 back to compatibility mode"
        jmp     SEL_CODE16:c16
back16: MEQ     [V16], 0xFFFF0000, "compatibility mode, CS.D = 0: 16-bit INC AX"

; --- leaving IA-32e mode (SDM Vol. 3A 10.8.5.4)
        mov     eax, cr0
        and     eax, ~CR0_PG
        mov     cr0, eax
        lidt    [cs:idtr]               ; protected mode: the 32-bit IDT
        mov     ecx, MSR_EFER
        rdmsr
        EQ      eax, EFER_LME, "CR0.PG = 0: EFER.LMA = 0, LME kept"
        mov     ecx, MSR_EFER
        xor     eax, eax
        xor     edx, edx
        NOFAULT {wrmsr}, "EFER.LME = 0 with paging off"
        FAULT   6, 0, {ud2}, "protected mode: #UD through the 32-bit IDT"
        mov     eax, cr4
        and     eax, ~CR4_PAE
        mov     cr4, eax
        jmp     exit_pass

        RESET_VECTOR
