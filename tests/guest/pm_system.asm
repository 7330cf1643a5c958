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
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o pm_system.bin pm_system.asm
;   -DQEMU_REF  leave out the checks of Glassbox's CPUID model (pentium-pro:
;               max leaf 2, leaf 1 EDX) and of #GP on unknown MSRs and
;               on a reserved CR4 bit, which QEMU's TCG does not raise
;               (it reads 0 / hangs), for validation on
;               qemu-system-i386 -cpu pentium3
;   -DKEEPGOING report every failing check instead of stopping at the first

bits 16
org 0                           ; CS base F0000h: offset == ROM file offset

; ---------------------------------------------------------------------------
; Protected-mode harness (as in the other pm_* guest tests; here the
; exception handler also clears TF and ORs ORFL into the EFLAGS it resumes
; with).  Real mode -> protected mode as in SDM Vol. 3A 10.9.1 ("Switching
; to Protected Mode"): LGDT, set CR0.PE, far JMP to a 32-bit code segment,
; reload the data segment registers.  The ROM runs in place: the code
; segments have base F0000h so labels equal ROM offsets.
; ---------------------------------------------------------------------------
GOTV    equ 0x0500              ; dword: value observed by a failing check
EXPV    equ 0x0504              ; dword: value the failing check expected
HITS    equ 0x0510              ; exceptions recorded since ARM
LASTVEC equ 0x0514              ; vector of the last recorded exception
LASTERR equ 0x0518              ; its error code (0 if none pushed)
LASTESP0 equ 0x051C             ; ring-0 ESP just below the pushed frame
RESUME  equ 0x0520              ; if nonzero: IRET there instead (faults)
ABANDON equ 0x0524              ; if nonzero: drop the frame, jmp there at CPL0
TMPEIP  equ 0x0528
FAILCNT equ 0x052C              ; KEEPGOING builds: failed checks
HSEGS   equ 0x0530              ; DS, ES, FS, GS (words) on handler entry
ORFL    equ 0x0538              ; EFLAGS bits the handler ORs into the frame
FRAME   equ 0x0540              ; 9 dwords: EIP CS EFLAGS ESP SS ES DS FS GS
LASTEIP equ FRAME
LASTCS  equ FRAME+4
LASTFL  equ FRAME+8
LASTESP equ FRAME+12
LASTSS  equ FRAME+16

GDT     equ 0x1000              ; GDT in RAM (accessed/busy bits are written)
IDT     equ 0x2000              ; 256 gates
TSS     equ 0x3000              ; main 32-bit TSS + I/O bitmap
IOMAP   equ TSS+0x68            ; I/O permission bitmap (ports 0..0FFh)
TSSLIM  equ 0x68+32             ; bitmap + one 0FFh terminator byte
R0STACK equ 0x70000
R3STACK equ 0x60000

SEL_CODE0 equ 0x08              ; 32-bit code, base F0000h, DPL0
SEL_DATA0 equ 0x10              ; flat 4 GiB data, DPL0
SEL_CODE3 equ 0x18              ; 32-bit code, base F0000h, DPL3
SEL_DATA3 equ 0x20              ; flat 4 GiB data, DPL3
SEL_TSS   equ 0x28              ; main TSS (32-bit available, type 9)
SEL_CODE16 equ 0x30             ; 16-bit code, base F0000h, DPL0

F_CF    equ 0x0001
F_ZF    equ 0x0040
F_TF    equ 0x0100
F_IF    equ 0x0200
F_IOPL3 equ 0x3000
F_NT    equ 0x4000
F_RF    equ 0x10000
F_VM    equ 0x20000

; DESC base, limit, access byte, flags (G=80h, D/B=40h in the high nibble)
; SDM Vol. 3A 3.4.5 "Segment Descriptors", figure 3-8.
%macro DESC 4
        dw      (%2) & 0xFFFF
        dw      (%1) & 0xFFFF
        db      ((%1) >> 16) & 0xFF
        db      %3
        db      (((%2) >> 16) & 0x0F) | (%4)
        db      ((%1) >> 24) & 0xFF
%endmacro

; CHECK "name": passes if ZF=1
%macro CHECK 1
        jne     %%bad
        push    esi
        mov     esi, %%msg
        call    report_ok
        pop     esi
        jmp     %%done
%%bad:  mov     esi, %%msg
        call    report_fail
        jmp     %%done
%%msg:  db      %1, 0
%%done:
%endmacro

; EQ reg, imm, "name"
%macro EQ 3
        cmp     %1, %2
        jne     %%bad
        push    esi
        mov     esi, %%msg
        call    report_ok
        pop     esi
        jmp     %%done
%%bad:  mov     dword [ss:GOTV], 0
        mov     [ss:GOTV], %1
        mov     %1, %2
        mov     dword [ss:EXPV], 0
        mov     [ss:EXPV], %1
        mov     esi, %%msg
        call    report_fail_val
        jmp     %%done
%%msg:  db      %3, 0
%%done:
%endmacro

; MEQ mem32, imm, "name" (uses EAX)
%macro MEQ 3
        mov     eax, %1
        EQ      eax, %2, {%3}
%endmacro

; ARM label: expect one exception; the handler IRETs to label
%macro ARM 1
        mov     dword [ss:HITS], 0
        mov     dword [ss:LASTVEC], -1
        mov     dword [ss:LASTERR], -1
        mov     dword [ss:RESUME], %1
%endmacro

%macro NOEXC 1
        mov     dword [ss:RESUME], 0
        mov     esi, %%m
        call    report_fail
        jmp     %%d
%%m:    db      %1, ": no exception raised", 0
%%d:
%endmacro

; EXPECT vector, error code, "name" (uses EAX)
%macro EXPECT 3
        MEQ     [ss:HITS], 1, {%3, ": one exception"}
        MEQ     [ss:LASTVEC], %1, {%3, ": vector"}
        MEQ     [ss:LASTERR], %2, {%3, ": error code"}
%endmacro

; FAULT vector, error code, {instruction}, "name": the instruction must
; fault with that vector/error code, and the pushed EIP must point at it
; (faults: SDM Vol. 3A 6.5 "Exception Classifications").
%macro FAULT 4
        ARM     %%res
%%at:   %3
        NOEXC   %4
%%res:  EXPECT  %1, %2, %4
        MEQ     [ss:LASTEIP], %%at, {%4, ": pushed eip"}
%endmacro

; AFAULT: a FAULT that relies on the per-access segment type and limit
; checks (SDM Vol. 3A 5.3 "Limit Checking", 5.4 "Type Checking").  QEMU's
; TCG, the reference these programs were validated on, does not model
; them, so a -DQEMU_REF build leaves these checks out.
%macro AFAULT 4
%ifndef QEMU_REF
        FAULT   %1, %2, {%3}, %4
%endif
%endmacro

; NOFAULT {instruction}, "name": must not raise an exception
%macro NOFAULT 2
        mov     dword [ss:HITS], 0
        mov     dword [ss:RESUME], 0
        %1
        MEQ     [ss:HITS], 0, {%2, ": no exception"}
%endmacro

; SETGATE vector, handler offset, selector, type/attr byte (8Eh interrupt
; gate DPL0, 8Fh trap gate, EEh/EFh DPL3, 85h task gate); SDM 6.11.
%macro SETGATE 4
        mov     word [IDT+(%1)*8], ((%2)-$$) & 0xFFFF
        mov     word [IDT+(%1)*8+2], %3
        mov     byte [IDT+(%1)*8+4], 0
        mov     byte [IDT+(%1)*8+5], %4
        mov     word [IDT+(%1)*8+6], ((%2)-$$) >> 16
%endmacro

; RING3 [eflags-or]: go to CPL3 (CS=CODE3, SS=DS=ES=DATA3) by IRETD,
; remembering the current ESP as TSS.ESP0 (SDM 7.2.1) so that RING0 and
; exceptions come back onto this stack.
%macro RING3 0-1 0
        mov     [ss:TSS+4], esp
        push    dword SEL_DATA3|3
        push    dword R3STACK
        pushfd
        or      dword [esp], %1
        push    dword SEL_CODE3|3
        push    dword %%r3
        iretd
%%r3:   mov     ax, SEL_DATA3|3
        mov     ds, ax
        mov     es, ax
%endmacro

; RING0: back to CPL0 through the DPL3 gate 31h; the handler drops the
; frame (ESP = TSS.ESP0 again) and continues after the INT at CPL0.
%macro RING0 0
        int     0x31
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
%endmacro

start:
        cli
        cld
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     es, ax
        mov     al, 0xFF                ; QEMU has an 8259: mask all IRQs
        out     0x21, al
        out     0xA1, al
        mov     ax, cs                  ; copy the GDT template to RAM
        mov     ds, ax
        mov     si, gdt_tmpl
        mov     di, GDT
        mov     cx, gdt_tmpl_end - gdt_tmpl
        rep movsb
        xor     ax, ax
        mov     ds, ax
        o32 lgdt [cs:gdtr]
        mov     eax, cr0
        or      al, 1                   ; CR0.PE (SDM 2.5)
        mov     cr0, eax
        jmp     dword SEL_CODE0:pm_entry

bits 32
pm_entry:
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, R0STACK
        mov     dword [FAILCNT], 0
        mov     dword [RESUME], 0
        mov     dword [ABANDON], 0
        mov     dword [ORFL], 0
        ; IDT: vectors 0..31 -> reporting stubs, 31h -> RING0 helper
        mov     edi, IDT
        xor     eax, eax
        mov     ecx, 256*2
        rep stosd
        xor     ecx, ecx
.g:     mov     eax, [cs:exc_stub_table+ecx*4]
        mov     [IDT+ecx*8], ax
        mov     word [IDT+ecx*8+2], SEL_CODE0
        mov     word [IDT+ecx*8+4], 0x8E00
        shr     eax, 16
        mov     [IDT+ecx*8+6], ax
        inc     ecx
        cmp     ecx, 32
        jb      .g
        SETGATE 0x31, ring0_helper, SEL_CODE0, 0xEE
        lidt    [cs:idtr]
        ; TSS: SS0:ESP0, I/O bitmap allowing only the harness ports E9h/F4h
        mov     edi, TSS
        xor     eax, eax
        mov     ecx, 0x68/4
        rep stosd
        mov     dword [TSS+4], R0STACK
        mov     dword [TSS+8], SEL_DATA0
        mov     word [TSS+0x66], 0x68
        mov     edi, IOMAP
        mov     eax, -1
        mov     ecx, 33
        rep stosb
        mov     eax, 0xE9               ; (register bit offset: an immediate
        btr     [IOMAP], eax            ;  one is taken modulo 32)
        mov     eax, 0xF4
        btr     [IOMAP], eax
        mov     ax, SEL_TSS
        ltr     ax
        jmp     tests

; --- output helpers (32-bit; preserve registers and flags) ------------------
puts:                                   ; print ASCIZ at CS:ESI
        pushfd
        push    eax
        push    esi
.l:     mov     al, [cs:esi]
        inc     esi
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     pop     esi
        pop     eax
        popfd
        ret

putnl:  pushfd
        push    eax
        mov     al, 10
        out     0xE9, al
        pop     eax
        popfd
        ret

puthex32:
        pushfd
        push    eax
        push    ecx
        push    edx
        mov     edx, eax
        mov     ecx, 8
.l:     rol     edx, 4
        mov     al, dl
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0xE9, al
        dec     ecx
        jnz     .l
        pop     edx
        pop     ecx
        pop     eax
        popfd
        ret

report_ok:
        push    esi
        mov     esi, s_ok
        call    puts
        pop     esi
        call    puts
        call    putnl
        ret

; report_fail / report_fail_val end the test (exit status 3), except in a
; build with -DKEEPGOING (diagnostics): then they count the failure and
; return, and exit_pass reports the count.
report_fail:
        push    esi
        mov     esi, s_fail
        call    puts
        pop     esi
        call    puts
        call    putnl
%ifdef KEEPGOING
        inc     dword [ss:FAILCNT]
        ret
%else
        jmp     exit_fail
%endif

report_fail_val:
        push    esi
        mov     esi, s_fail
        call    puts
        pop     esi
        call    puts
        mov     esi, s_got
        call    puts
        mov     eax, [ss:GOTV]
        call    puthex32
        mov     esi, s_exp
        call    puts
        mov     eax, [ss:EXPV]
        call    puthex32
        call    putnl
%ifdef KEEPGOING
        inc     dword [ss:FAILCNT]
        ret
%endif
exit_fail:
        mov     al, 1
        out     0xF4, al
        jmp     exit_fail

exit_pass:
%ifdef KEEPGOING
        cmp     dword [ss:FAILCNT], 0
        jne     exit_fail
%endif
        mov     esi, s_pass
        call    puts
        mov     al, 0
        out     0xF4, al
        jmp     exit_pass

; --- exception stubs: push a dummy error code where the CPU pushes none
;     (SDM Vol. 3A 6.13 "Error Code"; vectors 8, 10-14, 17 push one)
%assign i 0
%rep 32
exc_stub_%[i]:
%if i <> 8 && (i < 10 || i > 14) && i <> 17
        push    dword 0
%endif
        push    dword i
        jmp     exc_common
%assign i i+1
%endrep

exc_stub_table:
%assign i 0
%rep 32
        dd      exc_stub_%[i]
%assign i i+1
%endrep

; stack: vector, error code, EIP, CS, EFLAGS, [ESP, SS, [ES, DS, FS, GS]]
exc_common:
        cmp     dword [ss:RESUME], 0
        jne     .rec
        cmp     dword [ss:ABANDON], 0
        je      .unexp
.rec:   push    eax
        push    ecx
        mov     [ss:HSEGS], ds
        mov     [ss:HSEGS+2], es
        mov     [ss:HSEGS+4], fs
        mov     [ss:HSEGS+6], gs
        mov     eax, [esp+8]
        mov     [ss:LASTVEC], eax
        mov     eax, [esp+12]
        mov     [ss:LASTERR], eax
        lea     eax, [esp+16]
        mov     [ss:LASTESP0], eax
        xor     ecx, ecx
.f:     mov     eax, [esp+16+ecx*4]
        mov     [ss:FRAME+ecx*4], eax
        inc     ecx
        cmp     ecx, 9
        jb      .f
        inc     dword [ss:HITS]
        mov     eax, [ss:ABANDON]
        test    eax, eax
        jnz     .abandon
        mov     eax, [ss:RESUME]
        mov     [esp+16], eax
        mov     dword [ss:RESUME], 0
        and     dword [esp+24], ~F_TF   ; resume without single-stepping
        mov     eax, [ss:ORFL]          ; EFLAGS bits to set in the frame
        or      [esp+24], eax           ; (RF: SDM Vol. 3A 17.3.1.1)
        mov     dword [ss:ORFL], 0
        pop     ecx
        pop     eax
        add     esp, 8
        iretd
.abandon:                               ; back to the CPL0 code that left
        mov     dword [ss:ABANDON], 0
        mov     dword [ss:RESUME], 0
        mov     [ss:TMPEIP], eax
        mov     esp, [ss:TSS+4]
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        jmp     dword [ss:TMPEIP]
.unexp: mov     esi, s_unexp
        call    puts
        mov     eax, [esp]
        call    puthex32
        mov     esi, s_at
        call    puts
        mov     eax, [esp+12]
        call    puthex32
        mov     al, ':'
        out     0xE9, al
        mov     eax, [esp+8]
        call    puthex32
        mov     esi, s_err
        call    puts
        mov     eax, [esp+4]
        call    puthex32
        call    putnl
        jmp     exit_fail

; INT 31h (DPL3 gate): continue at CPL0 right after the INT instruction,
; on the stack saved in TSS.ESP0.
ring0_helper:
        pop     dword [ss:TMPEIP]
        mov     esp, [ss:TSS+4]
        jmp     dword [ss:TMPEIP]

s_ok:   db "ok ", 0
s_fail: db "FAIL ", 0
s_got:  db " got=", 0
s_exp:  db " expected=", 0
s_pass: db "PASS", 10, 0
s_unexp: db "FAIL unexpected exception vector ", 0
s_at:   db " at ", 0
s_err:  db " err=", 0

gdtr:   dw      GDT_LIMIT
        dd      GDT
idtr:   dw      256*8-1
        dd      IDT

gdt_tmpl:
        dq      0                                       ; 00 null
        DESC    0xF0000, 0xFFFF, 0x9A, 0x40             ; 08 CODE0 = SYSENTER_CS
        DESC    0, 0xFFFFF, 0x92, 0xC0                  ; 10 DATA0 = SYSENTER_CS+8
        DESC    0xF0000, 0xFFFF, 0xFA, 0x40             ; 18 CODE3 = SYSENTER_CS+16
        DESC    0, 0xFFFFF, 0xF2, 0xC0                  ; 20 DATA3 = SYSENTER_CS+24
        DESC    TSS, TSSLIM, 0x89, 0x00                 ; 28 TSS
        DESC    0xF0000, 0xFFFF, 0x9A, 0x00             ; 30 CODE16
gdt_tmpl_end:
GDT_LIMIT equ gdt_tmpl_end - gdt_tmpl - 1

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

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
