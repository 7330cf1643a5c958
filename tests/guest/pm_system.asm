; pm_system.asm -- Glassbox guest test: system instructions.
;
; CPUID leaves 0 and 1 (Vol. 2A CPUID), RDTSC (Vol. 2B), RDMSR/WRMSR of the
; SYSENTER MSRs 174h-176h and #GP(0) for an unknown MSR (Vol. 2B RDMSR,
; Vol. 4 table 2-2), SYSENTER from ring 3 and SYSEXIT back (Vol. 2B
; SYSENTER/SYSEXIT, Vol. 3A 5.8.7), CMPXCHG8B (Vol. 2A), MOV CR4 with a
; reserved bit -> #GP(0), SMSW, MOV CR0 round trips of MP/EM/TS/NE/WP and
; ET hardwired to 1 (Vol. 3A 2.5), CLTS, LMSW cannot clear PE (Vol. 2A
; LMSW), INVLPG at CPL0, RDMSR/WRMSR/RDTSC(CR4.TSD=1) at CPL3 -> #GP(0).
;
; Build: nasm -f bin -i lib/ -o pm_system.bin pm_system.asm
;   -DQEMU_REF  leave out the checks of Glassbox's CPUID model (pentium-pro:
;               max leaf 2, leaf 1 EDX) and of #GP on unknown MSRs and
;               on a reserved CR4 bit, which QEMU's TCG does not raise
;               (it reads 0 / hangs), for validation on
;               qemu-system-i386 -cpu pentium3
;   -DKEEPGOING report every failing check instead of stopping at the first

%define HARNESS32_ORFL                  ; the handler clears TF, ORs ORFL into EFLAGS
%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
                                        ; (CODE0 = SYSENTER_CS, DATA0 = +8, CODE3 = +16, DATA3 = +24)
        GDT_END

SAVECR0 equ 0x05C0
MAXLEAF equ 0x05C4
F1EAX   equ 0x05C8
F1EDX   equ 0x05CC
TSC0    equ 0x05D0              ; qword
QW      equ 0x05D8              ; qword for CMPXCHG8B
R_EAX   equ 0x05E0
R_EDX   equ 0x05E4
R_FL    equ 0x05E8
H_ESP   equ 0x0580              ; SYSENTER/SYSEXIT landing: ESP
H_CS    equ 0x0584              ;   CS
H_SS    equ 0x0588              ;   SS
H_FL    equ 0x058C              ;   EFLAGS
SYSSTK  equ 0x68000             ; SYSENTER_ESP
R3ESP2  equ R3STACK - 0x100     ; ring-3 ESP given to SYSEXIT in ECX
SMSWBUF equ 0x05F0

MSR_SYSENTER_CS  equ 0x174
MSR_SYSENTER_ESP equ 0x175
MSR_SYSENTER_EIP equ 0x176

; WRMSR_ msr, edx, eax
%macro WRMSR_ 3
        mov     ecx, %1
        mov     edx, %2
        mov     eax, %3
        wrmsr
%endmacro

; RDMSR_EQ msr, edx, eax, "name"
%macro RDMSR_EQ 4
        mov     ecx, %1
        rdmsr
        EQ      eax, %3, {%4, " (eax)"}
        EQ      edx, %2, {%4, " (edx)"}
%endmacro

; CR0BIT mask, "name": set and clear the bit with MOV CR0, read it back
%macro CR0BIT 2
        mov     eax, [SAVECR0]
        or      eax, %1
        mov     cr0, eax
        mov     eax, cr0
        and     eax, %1
        EQ      eax, %1, {"mov cr0: set ", %2, " reads back 1"}
        mov     eax, [SAVECR0]
        and     eax, ~(%1)
        mov     cr0, eax
        mov     eax, cr0
        and     eax, %1
        EQ      eax, 0, {"mov cr0: clear ", %2, " reads back 0"}
%endmacro

; BIT1 value-in-eax, mask, "name"
%macro BIT1 3
        mov     eax, %1
        and     eax, %2
        EQ      eax, %2, %3
%endmacro

tests:
        mov     eax, cr0
        mov     [SAVECR0], eax

; --- CPUID leaf 0: max basic leaf, vendor "GenuineIntel" (EBX, EDX, ECX)
        xor     eax, eax
        cpuid
        mov     [MAXLEAF], eax
        EQ      ebx, 0x756E6547, "cpuid 0: ebx = 'Genu'"
        EQ      edx, 0x49656E69, "cpuid 0: edx = 'ineI'"
        EQ      ecx, 0x6C65746E, "cpuid 0: ecx = 'ntel'"
        cmp     dword [MAXLEAF], 1
        setae   al
        movzx   eax, al
        EQ      eax, 1, "cpuid 0: max leaf >= 1"
%ifndef QEMU_REF
        MEQ     [MAXLEAF], 2, "cpuid 0: max leaf = 2 (pentium-pro model)"
%endif

; --- CPUID leaf 1: family 6; EDX feature flags (Vol. 2A table 3-11)
        mov     eax, 1
        cpuid
        mov     [F1EAX], eax
        mov     [F1EDX], edx
        mov     eax, [F1EAX]
        shr     eax, 8
        and     eax, 0xF
        EQ      eax, 6, "cpuid 1: family 6"
        BIT1    [F1EDX], 1 << 4, "cpuid 1: edx.TSC (bit 4)"
        BIT1    [F1EDX], 1 << 5, "cpuid 1: edx.MSR (bit 5)"
        BIT1    [F1EDX], 1 << 8, "cpuid 1: edx.CX8 (bit 8)"
        BIT1    [F1EDX], 1 << 11, "cpuid 1: edx.SEP (bit 11)"
        BIT1    [F1EDX], 1 << 15, "cpuid 1: edx.CMOV (bit 15)"
%ifndef QEMU_REF
        MEQ     [F1EDX], 0xAB7D, "cpuid 1: edx = FPU|DE|PSE|TSC|MSR|PAE|CX8|APIC|SEP|PGE|CMOV (pentium-pro model)"
%endif

; --- RDTSC: the time-stamp counter increases
        rdtsc
        mov     [TSC0], eax
        mov     [TSC0+4], edx
        mov     ecx, 100
tsc_l:  loop    tsc_l
        rdtsc
        sub     eax, [TSC0]
        sbb     edx, [TSC0+4]
        xor     ebx, ebx
        test    edx, edx
        js      tsc_no
        or      eax, edx
        jz      tsc_no
        inc     ebx
tsc_no: EQ      ebx, 1, "rdtsc: second read is larger"

; --- RDMSR/WRMSR round trip of the SYSENTER MSRs
        WRMSR_  MSR_SYSENTER_CS, 0, 0x1234
        WRMSR_  MSR_SYSENTER_ESP, 0, 0x12345678
        WRMSR_  MSR_SYSENTER_EIP, 0, 0x9ABCDEF0
        RDMSR_EQ MSR_SYSENTER_CS, 0, 0x1234, "rdmsr 174h after wrmsr"
        RDMSR_EQ MSR_SYSENTER_ESP, 0, 0x12345678, "rdmsr 175h after wrmsr"
        RDMSR_EQ MSR_SYSENTER_EIP, 0, 0x9ABCDEF0, "rdmsr 176h after wrmsr"

%ifndef QEMU_REF
; --- unknown MSR -> #GP(0) (Vol. 2B RDMSR/WRMSR; QEMU's TCG reads 0)
        mov     ecx, 0x12345
        FAULT   13, 0, {rdmsr}, "rdmsr 12345h (unknown) #GP(0)"
        mov     ecx, 0x12345
        xor     eax, eax
        xor     edx, edx
        FAULT   13, 0, {wrmsr}, "wrmsr 12345h (unknown) #GP(0)"
%endif

; --- CMPXCHG8B (Vol. 2A): equal -> ZF=1, m64 = ECX:EBX;
;     not equal -> ZF=0, EDX:EAX = m64
        mov     dword [QW], 0x11111111
        mov     dword [QW+4], 0x22222222
        mov     eax, 0x11111111
        mov     edx, 0x22222222
        mov     ebx, 0x33333333
        mov     ecx, 0x44444444
        cmpxchg8b [QW]
        CHECK   "cmpxchg8b equal: ZF=1"
        MEQ     [QW], 0x33333333, "cmpxchg8b equal: low dword = ebx"
        MEQ     [QW+4], 0x44444444, "cmpxchg8b equal: high dword = ecx"
        mov     eax, 0x55555555
        mov     edx, 0x66666666
        mov     ebx, 0x77777777
        mov     ecx, 0x88888888
        cmpxchg8b [QW]
        pushfd
        pop     dword [R_FL]
        mov     [R_EAX], eax
        mov     [R_EDX], edx
        mov     eax, [R_FL]
        and     eax, F_ZF
        EQ      eax, 0, "cmpxchg8b not equal: ZF=0"
        MEQ     [R_EAX], 0x33333333, "cmpxchg8b not equal: eax = low dword"
        MEQ     [R_EDX], 0x44444444, "cmpxchg8b not equal: edx = high dword"
        MEQ     [QW], 0x33333333, "cmpxchg8b not equal: memory unchanged (low)"
        MEQ     [QW+4], 0x44444444, "cmpxchg8b not equal: memory unchanged (high)"

; --- MOV CR4 with a reserved bit -> #GP(0) (Vol. 3A 2.5, Vol. 2B MOV CR)
;     (QEMU 7.2's TCG hangs on this MOV CR4 instead of raising #GP)
        mov     eax, cr4
        mov     ebx, eax
%ifndef QEMU_REF
        or      eax, 1 << 15
        FAULT   13, 0, {mov cr4, eax}, "mov cr4 with reserved bit 15 #GP(0)"
        mov     eax, cr4
        EQ      eax, ebx, "mov cr4: unchanged after the #GP"
%endif
        or      eax, 1 << 2                             ; TSD
        mov     cr4, eax
        mov     eax, cr4
        and     eax, 1 << 2
        EQ      eax, 1 << 2, "mov cr4: TSD reads back 1"
        mov     cr4, ebx

; --- SMSW = CR0 bits 15:0 (Vol. 2B SMSW)
        mov     eax, cr0
        and     eax, 0xFFFF
        smsw    ebx
        and     ebx, 0xFFFF
        EQ      ebx, eax, "smsw ebx = cr0[15:0]"
        mov     word [SMSWBUF], 0xAAAA
        smsw    [SMSWBUF]
        movzx   ebx, word [SMSWBUF]
        EQ      ebx, eax, "smsw m16 = cr0[15:0]"

; --- MOV CR0 round trips (Vol. 3A 2.5)
        CR0BIT  0x2, "MP"
        CR0BIT  0x4, "EM"
        CR0BIT  0x8, "TS"
        CR0BIT  0x20, "NE"
        CR0BIT  0x10000, "WP"
        mov     eax, [SAVECR0]
        and     eax, ~0x10
        mov     cr0, eax
        mov     eax, cr0
        and     eax, 0x10
        EQ      eax, 0x10, "mov cr0: ET hardwired to 1 (P6 family)"
        mov     eax, [SAVECR0]
        mov     cr0, eax

; --- CLTS clears CR0.TS (Vol. 2A CLTS)
        mov     eax, [SAVECR0]
        or      eax, 0x8
        mov     cr0, eax
        clts
        mov     eax, cr0
        and     eax, 0x8
        EQ      eax, 0, "clts clears TS"

; --- LMSW loads CR0 bits 3:0 but cannot clear PE (Vol. 2A LMSW)
        mov     ax, 0xE                                 ; PE=0 MP EM TS
        lmsw    ax
        mov     eax, cr0
        and     eax, 0xF
        EQ      eax, 0xF, "lmsw 0Eh: MP/EM/TS set, PE stays 1"
        xor     ax, ax
        lmsw    ax
        mov     eax, cr0
        and     eax, 0xF
        EQ      eax, 1, "lmsw 0: MP/EM/TS cleared, PE stays 1"
        mov     eax, [SAVECR0]
        mov     cr0, eax

; --- INVLPG at CPL0 (Vol. 2A INVLPG; paging off: no effect, no fault)
        NOFAULT {invlpg [0x1000]}, "invlpg at cpl0"

; --- SYSENTER from ring 3 (Vol. 2B SYSENTER): CS = SYSENTER_CS (flat),
;     SS = CS+8, ESP = SYSENTER_ESP, EIP = SYSENTER_EIP, IF/VM/RF cleared.
;     The code segments here have base F0000h and SYSENTER/SYSEXIT load a
;     flat CS, so the target EIPs are linear addresses and the landing code
;     reloads CS with a far JMP first.
        WRMSR_  MSR_SYSENTER_CS, 0, SEL_CODE0
        WRMSR_  MSR_SYSENTER_ESP, 0, SYSSTK
        WRMSR_  MSR_SYSENTER_EIP, 0, 0xF0000 + sys_land
        mov     dword [H_CS], 0
        mov     dword [H_SS], 0
        RING3   F_IF
        mov     ebx, 0x5A5A5A5A
        sysenter
        mov     esi, s_sysenter_fell
        jmp     report_fail
s_sysenter_fell: db "sysenter did not transfer control", 0

sys_land:                               ; CPL0, flat CS
        mov     [ss:H_ESP], esp
        mov     [ss:H_CS], cs
        mov     [ss:H_SS], ss
        pushfd
        pop     dword [ss:H_FL]
        jmp     SEL_CODE0:sys_land2
sys_land2:
        MEQ     [H_CS], SEL_CODE0, "sysenter: cs = SYSENTER_CS"
        MEQ     [H_SS], SEL_CODE0+8, "sysenter: ss = SYSENTER_CS+8"
        MEQ     [H_ESP], SYSSTK, "sysenter: esp = SYSENTER_ESP"
        mov     eax, [H_FL]
        and     eax, F_IF
        EQ      eax, 0, "sysenter: IF cleared"
        EQ      ebx, 0x5A5A5A5A, "sysenter: ebx preserved"

; --- SYSEXIT to ring 3 (Vol. 2B SYSEXIT): CS = (SYSENTER_CS+16)|3,
;     SS = (SYSENTER_CS+24)|3, ESP = ECX, EIP = EDX
        mov     dword [H_CS], 0
        mov     dword [H_SS], 0
        mov     ecx, R3ESP2
        mov     edx, 0xF0000 + sysx_land
        sysexit
        mov     esi, s_sysexit_fell
        jmp     report_fail
s_sysexit_fell: db "sysexit did not transfer control", 0

sysx_land:                              ; CPL3, flat CS
        mov     [ss:H_ESP], esp
        mov     [ss:H_CS], cs
        mov     [ss:H_SS], ss
        jmp     (SEL_CODE3|3):sysx_land2
sysx_land2:
        mov     ax, SEL_DATA3|3
        mov     ds, ax
        mov     es, ax
        MEQ     [H_CS], SEL_CODE0+16+3, "sysexit: cs = (SYSENTER_CS+16)|3"
        MEQ     [H_SS], SEL_CODE0+24+3, "sysexit: ss = (SYSENTER_CS+24)|3"
        MEQ     [H_ESP], R3ESP2, "sysexit: esp = ecx"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "sysexit: at ring 3 after far jmp"

; --- at CPL3: RDMSR/WRMSR -> #GP(0) (Vol. 2B RDMSR); CPUID and RDTSC
;     (CR4.TSD=0) allowed, RDTSC with CR4.TSD=1 -> #GP(0)
        mov     ecx, MSR_SYSENTER_CS
        FAULT   13, 0, {rdmsr}, "cpl3: rdmsr #GP(0)"
        mov     ecx, MSR_SYSENTER_CS
        FAULT   13, 0, {wrmsr}, "cpl3: wrmsr #GP(0)"
        NOFAULT {rdtsc}, "cpl3: rdtsc with CR4.TSD=0"
        xor     eax, eax
        NOFAULT {cpuid}, "cpl3: cpuid"
        FAULT   13, 0, {sysexit}, "cpl3: sysexit #GP(0)"
        RING0
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE0, "back at ring 0"
        mov     eax, cr4
        or      eax, 1 << 2
        mov     cr4, eax
        RING3
        FAULT   13, 0, {rdtsc}, "cpl3: rdtsc with CR4.TSD=1 #GP(0)"
        RING0
        mov     eax, cr4
        and     eax, ~(1 << 2)
        mov     cr4, eax

; --- SYSENTER with SYSENTER_CS = 0 -> #GP(0) (Vol. 2B SYSENTER)
        WRMSR_  MSR_SYSENTER_CS, 0, 0
        RING3
        FAULT   13, 0, {sysenter}, "cpl3: sysenter with SYSENTER_CS=0 #GP(0)"
        RING0
        cli
        jmp     exit_pass

        RESET_VECTOR
