; paging_pae.asm -- Glassbox guest test: PAE paging (CR4.PAE=1).
;
; SDM Vol. 3A 4.4 ("PAE Paging"): 4.4.1 (PDPTE registers: the four PDPTEs
; are loaded by MOV to CR3 -- and MOV to CR0/CR4 that enable PAE paging --
; not on TLB misses; a present PDPTE with a reserved bit set makes that MOV
; raise #GP(0), table 4-8: bits 2:1, 8:5 and 63:MAXPHYADDR reserved),
; 4.4.2 (tables 4-9..4-11: 64-bit PDEs/PTEs, 2-MByte pages with PDE.PS=1,
; bits 20:13 of a 2-MByte PDE reserved, bit 12 is PAT (reserved without
; PAT), bits 62:MAXPHYADDR reserved, bit 63 XD reserved unless IA32_EFER.NXE
; = 1), 4.6 (access rights), 4.7 (#PF error codes; RSVD = bit 3 with P = 1),
; 4.8 (A/D flags), 4.10.4.1 (INVLPG, MOV CR3).
; The default Glassbox model (pentium-pro) has MAXPHYADDR 36, no NX, no PAT.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o paging_pae.bin paging_pae.asm
;   -DQEMU_REF  leave out what QEMU's TCG does not model (PDPTE registers:
;               it walks the PDPT on every TLB miss and does not check PDPTE
;               reserved bits at MOV CR3), model-specific bits (PAT), and
;               expect QEMU 7.2's RSVD error codes without the P bit
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
LASTCR2 equ 0x053C              ; CR2 read by the handler
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
        mov     eax, cr2                ; #PF: CR2 = faulting linear address
        mov     [ss:LASTCR2], eax       ; (SDM Vol. 3A 4.7, 6.15 int 14)
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
        DESC    0xF0000, 0xFFFF, 0x9A, 0x40             ; 08 CODE0
        DESC    0, 0xFFFFF, 0x92, 0xC0                  ; 10 DATA0
        DESC    0xF0000, 0xFFFF, 0xFA, 0x40             ; 18 CODE3
        DESC    0, 0xFFFFF, 0xF2, 0xC0                  ; 20 DATA3
        DESC    TSS, TSSLIM, 0x89, 0x00                 ; 28 TSS
        DESC    0xF0000, 0xFFFF, 0x9A, 0x00             ; 30 CODE16
        DESC    TSS2, 0x2F, 0x89, 0x00                  ; 38 32-bit TSS, limit 2Fh
        DESC    0, 0xFFFFF, 0x12, 0xC0                  ; 40 data, not present
        DESC    0, 0x7FFFF, 0x92, 0x40                  ; 48 data, limit 7FFFFh
        DESC    0, 0xFFFFF, 0x9A, 0xC0                  ; 50 flat 32-bit code
gdt_tmpl_end:
GDT_LIMIT equ gdt_tmpl_end - gdt_tmpl - 1

SEL_SMALLTSS equ 0x38
SEL_NP    equ 0x40
SEL_SS512 equ 0x48
SEL_FLAT  equ 0x50
TSS2    equ 0x3800              ; (unused second TSS descriptor)

PDPT    equ 0x10000             ; CR3 (32-byte aligned)
PDPTBAD equ 0x10100             ; copies of the PDPT with bad PDPTEs
PD0     equ 0x11000             ; linear 0..1 GiB
PT0     equ 0x12000             ; identity map of linear 0..2 MiB
PT1     equ 0x13000             ; linear 2..4 MiB: 4 KiB test pages
PD1     equ 0x14000             ; linear 1..2 GiB
PD2     equ 0x15000             ; replacement for PD1

PG_P    equ 0x001
PG_RW   equ 0x002
PG_US   equ 0x004
PG_A    equ 0x020
PG_D    equ 0x040
PG_PS   equ 0x080
CR0_WP  equ 0x00010000
CR0_PG  equ 0x80000000
CR4_PAE equ 0x20

LA_ALIAS equ 0x200000           ; PT1 -> FR_ALIAS
LA_NP   equ 0x201000            ; not present
LA_SUP  equ 0x202000            ; supervisor
LA_URO  equ 0x203000            ; user read-only
LA_AD   equ 0x204000            ; A/D
LA_R36  equ 0x205000            ; PTE bit 36 (>= MAXPHYADDR)
LA_R63  equ 0x206000            ; PTE bit 63 (XD without NXE)
LA_R51  equ 0x207000            ; PTE bit 51
LA_TLB  equ 0x208000            ; INVLPG
LA_BIG  equ 0x400000            ; PD0[2]: 2 MiB page -> physical 8 MiB
LA_BIGID equ 0x800000           ; PD0[4]: 2 MiB identity page
LA_RSV  equ 0xA00000            ; PD0[5]: reserved-bit tests (2 MiB / PDE)
LA_HI   equ 0x40000000          ; PDPTE 1
LA_NOPDPT equ 0x80000000        ; PDPTE 2: not present

FR_ALIAS equ 0x20000
FR_SUP  equ 0x21000
FR_URO  equ 0x22000
FR_AD   equ 0x23000
FR_TLB1 equ 0x24000
FR_TLB2 equ 0x25000

; SETE table, index, low dword, high dword: a 64-bit paging entry
%macro SETE 4
        mov     dword [(%1) + (%2) * 8], %3
        mov     dword [(%1) + (%2) * 8 + 4], %4
%endmacro
%define PTIDX(la) (((la) >> 12) & 0x1FF)
%define PDIDX(la) (((la) >> 21) & 0x1FF)

; RSVD faults: SDM 4.7 says P=1 with RSVD=1.  QEMU 7.2 leaves P clear in
; the error code of reserved-bit faults, so a QEMU_REF build expects that.
%ifdef QEMU_REF
RSVD_P  equ 0
%else
RSVD_P  equ 1
%endif

%macro FLUSHCR3 0
        mov     eax, cr3
        mov     cr3, eax
%endmacro

%macro PFAULT 4
        FAULT   14, %1, {%2}, %4
        MEQ     [ss:LASTCR2], %3, {%4, ": cr2"}
%endmacro

tests:
        mov     edi, PDPT
        xor     eax, eax
        mov     ecx, 6*1024
        rep stosd
        mov     edi, PT0
        mov     eax, PG_P|PG_RW|PG_US
        mov     ecx, 512
.id:    mov     [edi], eax
        mov     dword [edi+4], 0
        add     edi, 8
        add     eax, 0x1000
        loop    .id
        SETE    PDPT, 0, PD0|PG_P, 0
        SETE    PDPT, 1, PD1|PG_P, 0
        SETE    PD0, 0, PT0|PG_P|PG_RW|PG_US, 0
        SETE    PD0, 1, PT1|PG_P|PG_RW|PG_US, 0
        SETE    PD0, PDIDX(LA_BIG), 0x800000|PG_PS|PG_P|PG_RW|PG_US, 0
        SETE    PD0, PDIDX(LA_BIGID), 0x800000|PG_PS|PG_P|PG_RW, 0
        SETE    PD1, 0, 0x800000|PG_PS|PG_P|PG_RW, 0
        SETE    PD2, 0, 0|PG_PS|PG_P|PG_RW, 0
        SETE    PT1, PTIDX(LA_ALIAS), FR_ALIAS|PG_P|PG_RW|PG_US, 0
        SETE    PT1, PTIDX(LA_SUP), FR_SUP|PG_P|PG_RW, 0
        SETE    PT1, PTIDX(LA_URO), FR_URO|PG_P|PG_US, 0
        SETE    PT1, PTIDX(LA_AD), FR_AD|PG_P|PG_RW, 0
        SETE    PT1, PTIDX(LA_R36), FR_ALIAS|PG_P|PG_RW|PG_US, 0x10
        SETE    PT1, PTIDX(LA_R63), FR_ALIAS|PG_P|PG_RW|PG_US, 0x80000000
        SETE    PT1, PTIDX(LA_R51), FR_ALIAS|PG_P|PG_RW|PG_US, 0x00080000
        SETE    PT1, PTIDX(LA_TLB), FR_TLB1|PG_P|PG_RW, 0
        mov     eax, FR_ALIAS
.mk:    mov     [eax], eax
        add     eax, 0x1000
        cmp     eax, FR_TLB2
        jbe     .mk

; --- enable PAE paging: CR4.PAE, CR3 = PDPT, CR0.PG (SDM 4.1.2, 4.4)
        mov     eax, cr4
        or      eax, CR4_PAE
        mov     cr4, eax
        mov     eax, PDPT
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        jmp     .pg
.pg:    mov     eax, cr4
        and     eax, CR4_PAE
        EQ      eax, CR4_PAE, "CR4.PAE=1"
        MEQ     [0xF0000 + s_ok], 0x00206B6F, "identity map: ROM readable at F0000h"

; --- 4 KiB and 2 MiB mappings, aliases
        mov     dword [LA_ALIAS+0x10], 0xAE000001
        MEQ     [FR_ALIAS+0x10], 0xAE000001, "4 KiB alias: write via 200010h, read via 20010h"
        mov     dword [LA_BIG+0x1234], 0xAE000002
        MEQ     [LA_BIGID+0x1234], 0xAE000002, "2 MiB alias: write via 401234h, read via 801234h"
        mov     dword [LA_BIGID+0x1FFFF0], 0xAE000003
        MEQ     [LA_BIG+0x1FFFF0], 0xAE000003, "2 MiB alias: last dwords of the page"
        MEQ     [LA_HI+0x1234], 0xAE000002, "PDPTE 1: 2 MiB page at 40000000h"

; --- A/D (4.8): 4 KiB PTE, PDE, PDPTE has none in PAE paging
        and     dword [PD0+1*8], ~PG_A
        FLUSHCR3
        mov     eax, [LA_AD]
        EQ      eax, FR_AD, "A/D page: value"
        mov     eax, [PD0+1*8]
        and     eax, PG_A
        EQ      eax, PG_A, "read: PDE.A=1"
        mov     eax, [PT1+PTIDX(LA_AD)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: PTE.A=1 D=0"
        mov     dword [LA_AD+4], 1
        mov     eax, [PT1+PTIDX(LA_AD)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write: PTE.D=1"
        and     dword [PD0+PDIDX(LA_BIG)*8], ~(PG_A|PG_D)
        FLUSHCR3
        mov     eax, [LA_BIG]
        mov     eax, [PD0+PDIDX(LA_BIG)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: 2 MiB PDE A=1 D=0"
        mov     dword [LA_BIG+0x100000], 1
        mov     eax, [PD0+PDIDX(LA_BIG)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write: 2 MiB PDE D=1"

; --- #PF error codes (4.7)
        PFAULT  0, {mov eax, [LA_NP+0x123]}, LA_NP+0x123, "not-present read #PF(0)"
        PFAULT  2, {mov dword [LA_NP+0x124], 1}, LA_NP+0x124, "not-present write #PF(2)"
        PFAULT  0, {mov eax, [LA_NOPDPT+0x10]}, LA_NOPDPT+0x10, "read with PDPTE not present #PF(0)"
        PFAULT  0, {mov eax, [0x3FE00000]}, 0x3FE00000, "read with PDE not present #PF(0)"
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PFAULT  3, {mov dword [LA_URO+0x10], 1}, LA_URO+0x10, "WP=1: supervisor write to a read-only page #PF(3)"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        NOFAULT {mov dword [LA_URO+0x14], 1}, "WP=0: supervisor write to a read-only page"
        RING3
        PFAULT  5, {mov eax, [LA_SUP+0x20]}, LA_SUP+0x20, "user read of a supervisor page #PF(5)"
        PFAULT  7, {mov dword [LA_URO+0x20], 1}, LA_URO+0x20, "user write to a read-only user page #PF(7)"
        PFAULT  6, {mov dword [LA_NP+0x20], 1}, LA_NP+0x20, "user write to a not-present page #PF(6)"
        PFAULT  5, {mov eax, [LA_BIGID+0x20]}, LA_BIGID+0x20, "user read of a supervisor 2 MiB page #PF(5)"
        NOFAULT {mov eax, [LA_BIG+0x20]}, "user read of a user 2 MiB page"
        RING0

; --- reserved bits (4.4.2, 4.7): RSVD (bit 3) with P (bit 0)
        PFAULT  8|RSVD_P, {mov eax, [LA_R36+0x30]}, LA_R36+0x30, "PTE bit 36 (MAXPHYADDR 36) set: read #PF(9)"
        PFAULT  0x0A|RSVD_P, {mov dword [LA_R36+0x34], 1}, LA_R36+0x34, "PTE bit 36 set: write #PF(0Bh)"
        RING3
        PFAULT  0x0C|RSVD_P, {mov eax, [LA_R36+0x38]}, LA_R36+0x38, "PTE bit 36 set: user read #PF(0Dh)"
        RING0
        PFAULT  8|RSVD_P, {mov eax, [LA_R51+0x30]}, LA_R51+0x30, "PTE bit 51 set: read #PF(9)"
        PFAULT  8|RSVD_P, {mov eax, [LA_R63+0x30]}, LA_R63+0x30, "PTE bit 63 (XD, EFER.NXE=0) set: read #PF(9)"
        mov     eax, [PT1+PTIDX(LA_R36)*8]
        and     eax, PG_A
        EQ      eax, 0, "reserved-bit fault: PTE.A not set"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 13)|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x40]}, LA_RSV+0x40, "2 MiB PDE bit 13 set: read #PF(9)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 20)|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x44]}, LA_RSV+0x44, "2 MiB PDE bit 20 set: read #PF(9)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|PG_PS|PG_P|PG_RW, 0x10
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x48]}, LA_RSV+0x48, "2 MiB PDE bit 36 set: read #PF(9)"
%ifndef QEMU_REF
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 12)|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x4C]}, LA_RSV+0x4C, "2 MiB PDE bit 12 (PAT; no PAT) set: read #PF(9)"
%endif
        SETE    PD0, PDIDX(LA_RSV), PT1|PG_P|PG_RW, 0x10
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x50]}, LA_RSV+0x50, "PDE (page table) bit 36 set: read #PF(9)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 13)|PG_PS|PG_RW, 0x80000010
        invlpg  [LA_RSV]
        PFAULT  0, {mov eax, [LA_RSV+0x54]}, LA_RSV+0x54, "not-present PDE with reserved bits: #PF(0)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        MEQ     [LA_RSV+0x1234], 0xAE000002, "2 MiB PDE with the reserved bits cleared"

; --- INVLPG (4.10.4.1)
        MEQ     [LA_TLB], FR_TLB1, "tlb: initial frame"
        SETE    PT1, PTIDX(LA_TLB), FR_TLB2|PG_P|PG_RW, 0
        invlpg  [LA_TLB+0xFFF]
        MEQ     [LA_TLB], FR_TLB2, "invlpg: new frame used"

; --- PDPTE registers (4.4.1): loaded at MOV CR3, not on TLB misses
        mov     dword [0x800000+0x100], 0x800000
        mov     dword [0x100], 0
        MEQ     [LA_HI+0x100], 0x800000, "PDPTE 1 -> PD1 -> 2 MiB page at 8 MiB"
%ifndef QEMU_REF
        SETE    PDPT, 1, PD2|PG_P, 0
        invlpg  [LA_HI+0x100]
        MEQ     [LA_HI+0x100], 0x800000, "PDPTE changed in memory: INVLPG keeps the loaded PDPTE"
%endif
        SETE    PDPT, 1, PD2|PG_P, 0
        FLUSHCR3
        MEQ     [LA_HI+0x100], 0, "mov cr3 reloads the PDPTEs"

; --- MOV CR3 with a reserved bit in a present PDPTE -> #GP(0) (4.4.1)
%ifndef QEMU_REF
        mov     esi, PDPT
        mov     edi, PDPTBAD
        mov     ecx, 8
        rep movsd
        or      dword [PDPTBAD+1*8], PG_RW              ; bit 1 reserved
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 1 set #GP(0)"
        mov     eax, cr3
        EQ      eax, PDPT, "mov cr3 #GP: cr3 unchanged"
        MEQ     [LA_HI+0x100], 0, "mov cr3 #GP: old PDPTEs still in use"
        and     dword [PDPTBAD+1*8], ~PG_RW
        or      dword [PDPTBAD+1*8], 0x20               ; bit 5 reserved
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 5 set #GP(0)"
        and     dword [PDPTBAD+1*8], ~0x20
        mov     dword [PDPTBAD+1*8+4], 0x10             ; bit 36 >= MAXPHYADDR
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 36 set #GP(0)"
        mov     dword [PDPTBAD+1*8+4], 0x80000000       ; bit 63
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 63 set #GP(0)"
        mov     dword [PDPTBAD+1*8+4], 0
        mov     dword [PDPTBAD+2*8], 0x1E6              ; not present:
        mov     dword [PDPTBAD+2*8+4], 0xFFFFFFFF       ; reserved bits ignored
        mov     eax, PDPTBAD
        NOFAULT {mov cr3, eax}, "mov cr3: not-present PDPTE with reserved bits"
        mov     eax, cr3
        EQ      eax, PDPTBAD, "mov cr3 to the PDPT copy"
        mov     eax, PDPT
        mov     cr3, eax
%endif
        MEQ     [LA_HI+0x100], 0, "back on the PDPT"

        jmp     exit_pass

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
