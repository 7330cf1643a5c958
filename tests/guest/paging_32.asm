; paging_32.asm -- Glassbox guest test: 32-bit paging with 4-KByte pages.
;
; SDM Vol. 3A chapter 4 ("Paging"): 4.3 ("32-Bit Paging", tables 4-5/4-6,
; figure 4-2), 4.6 ("Access Rights": U/S, R/W, CR0.WP), 4.7 ("Page-Fault
; Exceptions": error code P/W/U bits, CR2), 4.8 ("Accessed and Dirty
; Flags"), 4.10 ("Caching Translation Information": 4.10.2.4 global pages,
; 4.10.4.1 INVLPG / MOV to CR3 / MOV to CR4, 4.10.4.3 stale entries may be
; used until invalidated), SDM Vol. 3A 11.6 ("Self-Modifying Code").
; Checks: identity map + an alias of a page at another linear address;
; every #PF cause with its exact error code and CR2; A/D bits; INVLPG of a
; stale entry; MOV CR3 flushing non-global but keeping global entries
; (CR4.PGE); a dword write that crosses into a not-present page (no partial
; write); self-modifying code on the same page and through an alias.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o paging_32.bin paging_32.asm
;   -DQEMU_REF  leave out what QEMU's TCG does not model (it flushes global
;               TLB entries on MOV CR3) for validation on QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first
;
; Memory: the ROM runs at F0000h (CS base F0000h); RAM below 1 MiB holds the
; GDT/IDT/TSS, the stacks (60000h, 70000h) and the paging structures.  The
; identity map of 0..4 MiB (PT0, U/S=1 R/W=1) covers all of it.
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

; ---------------------------------------------------------------------------
; Paging structures and test pages
; ---------------------------------------------------------------------------
PD      equ 0x10000             ; page directory (CR3)
PT0     equ 0x11000             ; identity map of linear 0..4 MiB
PT1     equ 0x12000             ; linear 4..8 MiB: the test pages

PG_P    equ 0x001
PG_RW   equ 0x002
PG_US   equ 0x004
PG_A    equ 0x020
PG_D    equ 0x040
PG_G    equ 0x100
CR0_WP  equ 0x00010000
CR0_PG  equ 0x80000000
CR4_PGE equ 0x80

LA_ALIAS equ 0x400000           ; -> FR_ALIAS (also identity mapped)
LA_NP   equ 0x401000            ; not present
LA_SUP  equ 0x402000            ; supervisor, writable
LA_URO  equ 0x403000            ; user, read-only
LA_SRO  equ 0x404000            ; supervisor, read-only
LA_AD   equ 0x405000            ; A/D bit test
LA_TLB  equ 0x406000            ; stale TLB entry / INVLPG
LA_GLB  equ 0x407000            ; global page
LA_X1   equ 0x408000            ; present; LA_X1+1000h is not present
LA_CODEA equ 0x40A000           ; alias of the code page SMC2
LA_NG   equ 0x40B000            ; non-global: MOV CR3 flush
LA_NOPDE equ 0x800000           ; PDE 2: not present

FR_ALIAS equ 0x20000
FR_SUP  equ 0x21000
FR_URO  equ 0x22000
FR_SRO  equ 0x23000
FR_AD   equ 0x24000
FR_TLB1 equ 0x25000
FR_TLB2 equ 0x26000
FR_GLB1 equ 0x27000
FR_GLB2 equ 0x28000
FR_X1   equ 0x29000
FR_NG1  equ 0x2A000
FR_NG2  equ 0x2B000
SMC1    equ 0x30000             ; RAM code pages (run through SEL_FLAT)
SMC2    equ 0x31000

; SETPTE linear, value: the PT1 entry for a test linear address
%macro SETPTE 2
        mov     dword [PT1 + (((%1) >> 12) & 0x3FF) * 4], %2
%endmacro
%define PTE(la) [PT1 + (((la) >> 12) & 0x3FF) * 4]

%macro FLUSHCR3 0
        mov     eax, cr3
        mov     cr3, eax
%endmacro

; PFAULT errcode, {instruction}, cr2, "name": #PF with that error code,
; pushed EIP = the instruction, CR2 = the linear address (SDM 4.7)
%macro PFAULT 4
        FAULT   14, %1, {%2}, %4
        MEQ     [ss:LASTCR2], %3, {%4, ": cr2"}
%endmacro

; COPYCODE dst, start, end: copy a code template from the ROM to RAM
%macro COPYCODE 3
        mov     esi, 0xF0000 + (%2)
        mov     edi, %1
        mov     ecx, (%3) - (%2)
        rep movsb
%endmacro

tests:
; --- build the paging structures (SDM 4.3, figure 4-4 formats)
        mov     edi, PD
        xor     eax, eax
        mov     ecx, 3*1024             ; PD, PT0, PT1
        rep stosd
        mov     edi, PT0                ; identity: frame i, P|RW|US
        mov     eax, PG_P|PG_RW|PG_US
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PD+0], PT0|PG_P|PG_RW|PG_US
        mov     dword [PD+4], PT1|PG_P|PG_RW|PG_US
        SETPTE  LA_ALIAS, FR_ALIAS|PG_P|PG_RW|PG_US
        SETPTE  LA_SUP, FR_SUP|PG_P|PG_RW
        SETPTE  LA_URO, FR_URO|PG_P|PG_US
        SETPTE  LA_SRO, FR_SRO|PG_P
        SETPTE  LA_AD, FR_AD|PG_P|PG_RW
        SETPTE  LA_TLB, FR_TLB1|PG_P|PG_RW
        SETPTE  LA_GLB, FR_GLB1|PG_P|PG_RW|PG_G
        SETPTE  LA_X1, FR_X1|PG_P|PG_RW
        SETPTE  LA_CODEA, SMC2|PG_P|PG_RW
        SETPTE  LA_NG, FR_NG1|PG_P|PG_RW
        ; each frame's first dword holds its own physical address
        mov     eax, FR_ALIAS
.mk:    mov     [eax], eax
        add     eax, 0x1000
        cmp     eax, FR_NG2
        jbe     .mk

; --- enable paging: CR3 = PD (PCD=PWT=0), CR0.PG=1 (SDM 4.1.1, 4.3)
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        jmp     .pg
.pg:    mov     eax, cr0
        and     eax, CR0_PG|1
        EQ      eax, CR0_PG|1, "paging enabled: CR0.PG=1 PE=1"
        mov     eax, cr3
        EQ      eax, PD, "cr3 reads back"
        MEQ     [0xF0000 + s_ok], 0x00206B6F, "identity map: ROM readable at F0000h"

; --- alias: two linear addresses -> one physical page (SDM 4.3)
        mov     dword [LA_ALIAS+0x10], 0xA11A5001
        MEQ     [FR_ALIAS+0x10], 0xA11A5001, "alias: write via 400010h, read via 20010h"
        mov     dword [FR_ALIAS+0x20], 0xA11A5002
        MEQ     [LA_ALIAS+0x20], 0xA11A5002, "alias: write via 20020h, read via 400020h"
        MEQ     [LA_ALIAS], FR_ALIAS, "alias: frame marker"

; --- #PF error codes and CR2 (SDM 4.7, figure 4-12): bit 0 P, 1 W/R, 2 U/S
        PFAULT  0, {mov eax, [LA_NP+0x123]}, LA_NP+0x123, "not-present read #PF(0)"
        PFAULT  2, {mov dword [LA_NP+0x456], 1}, LA_NP+0x456, "not-present write #PF(2)"
        PFAULT  0, {mov eax, [LA_NOPDE+0x10]}, LA_NOPDE+0x10, "read with PDE not present #PF(0)"
        NOFAULT {mov eax, [LA_SUP+0x30]}, "supervisor read of a supervisor page"
        NOFAULT {mov dword [LA_SUP+0x30], 0x5A5A}, "supervisor write to a supervisor page"
        MEQ     [FR_SUP+0x30], 0x5A5A, "supervisor write reached the frame"
; CR0.WP=0: supervisor writes to read-only pages are allowed (SDM 4.6.1)
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        NOFAULT {mov dword [LA_SRO+0x8], 0x1111}, "WP=0: supervisor write to a read-only supervisor page"
        MEQ     [FR_SRO+0x8], 0x1111, "WP=0: the write reached the frame"
        NOFAULT {mov dword [LA_URO+0x8], 0x2222}, "WP=0: supervisor write to a read-only user page"
        MEQ     [FR_URO+0x8], 0x2222, "WP=0: the write to the user page reached the frame"
; CR0.WP=1: they fault with P|W (3)
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PFAULT  3, {mov dword [LA_SRO+0x8], 0x3333}, LA_SRO+0x8, "WP=1: supervisor write to a read-only page #PF(3)"
        MEQ     [FR_SRO+0x8], 0x1111, "WP=1: read-only page unchanged"
        PFAULT  3, {mov dword [LA_URO+0xC], 0x3333}, LA_URO+0xC, "WP=1: supervisor write to a read-only user page #PF(3)"
        NOFAULT {mov eax, [LA_SRO+0x8]}, "WP=1: supervisor read of a read-only page"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
; user mode (CPL 3) accesses (SDM 4.6: U/S=0 pages are supervisor-only;
; user writes need R/W=1 regardless of WP)
        RING3
        PFAULT  5, {mov eax, [LA_SUP+0x30]}, LA_SUP+0x30, "user read of a supervisor page #PF(5)"
        PFAULT  7, {mov dword [LA_SUP+0x34], 1}, LA_SUP+0x34, "user write to a supervisor page #PF(7)"
        NOFAULT {mov ebx, [LA_URO+0x8]}, "user read of a read-only user page"
        EQ      ebx, 0x2222, "user read of a read-only user page: value"
        PFAULT  7, {mov dword [LA_URO+0x40], 3}, LA_URO+0x40, "user write to a read-only user page #PF(7)"
        PFAULT  4, {mov eax, [LA_NP+0x10]}, LA_NP+0x10, "user read of a not-present page #PF(4)"
        PFAULT  6, {mov dword [LA_NP+0x14], 3}, LA_NP+0x14, "user write to a not-present page #PF(6)"
        NOFAULT {mov dword [LA_ALIAS+0x40], 0x77}, "user write to a user writable page"
        RING0
        MEQ     [FR_URO+0x40], 0, "user write to read-only page did not happen"
; U/S and R/W of the PDE combine with the PTE's (SDM 4.6.1, table 4-?)
        and     dword [PD+4], ~PG_US
        FLUSHCR3
        RING3
        PFAULT  5, {mov eax, [LA_ALIAS]}, LA_ALIAS, "user read, PDE U/S=0 PTE U/S=1 #PF(5)"
        RING0
        or      dword [PD+4], PG_US
        and     dword [PD+4], ~PG_RW
        FLUSHCR3
        RING3
        NOFAULT {mov eax, [LA_ALIAS]}, "user read, PDE R/W=0"
        PFAULT  7, {mov dword [LA_ALIAS+4], 1}, LA_ALIAS+4, "user write, PDE R/W=0 PTE R/W=1 #PF(7)"
        RING0
        or      dword [PD+4], PG_RW
        FLUSHCR3

; --- accessed / dirty flags (SDM 4.8)
        and     dword [PD+4], ~PG_A
        SETPTE  LA_AD, FR_AD|PG_P|PG_RW
        FLUSHCR3
        mov     eax, [LA_AD]
        EQ      eax, FR_AD, "A/D page: read value"
        mov     eax, [PD+4]
        and     eax, PG_A
        EQ      eax, PG_A, "read: PDE.A=1"
        mov     eax, PTE(LA_AD)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: PTE.A=1, PTE.D=0"
        mov     dword [LA_AD+4], 0xD1D1
        mov     eax, PTE(LA_AD)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write after read: PTE.D=1"
        SETPTE  LA_AD, FR_AD|PG_P|PG_RW
        invlpg  [LA_AD]
        mov     dword [LA_AD+8], 0xD2D2
        mov     eax, PTE(LA_AD)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "first access a write: PTE.A=1 D=1"
        SETPTE  LA_URO, FR_URO|PG_P|PG_US
        invlpg  [LA_URO]
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PFAULT  3, {mov dword [LA_URO+0x44], 1}, LA_URO+0x44, "WP=1 write fault on a clean page"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        mov     eax, PTE(LA_URO)
        and     eax, PG_D
        EQ      eax, 0, "faulting write leaves PTE.D=0"

; --- stale TLB entry, INVLPG (SDM 4.10.4.1, 4.10.4.3)
        MEQ     [LA_TLB], FR_TLB1, "tlb: initial frame"
        SETPTE  LA_TLB, FR_TLB2|PG_P|PG_RW
        mov     eax, [LA_TLB]           ; old or new frame: either is allowed
        invlpg  [LA_TLB+0x123]          ; any address in the page
        MEQ     [LA_TLB], FR_TLB2, "invlpg: new frame used"
        SETPTE  LA_TLB, 0
        invlpg  [LA_TLB]
        PFAULT  0, {mov eax, [LA_TLB]}, LA_TLB, "invlpg after clearing P: #PF(0)"

; --- MOV CR3 flushes non-global entries (4.10.4.1)
        MEQ     [LA_NG], FR_NG1, "non-global: initial frame"
        SETPTE  LA_NG, FR_NG2|PG_P|PG_RW
        FLUSHCR3
        MEQ     [LA_NG], FR_NG2, "mov cr3: non-global entry flushed"

; --- global pages with CR4.PGE (4.10.2.4): MOV CR3 keeps them, INVLPG and
;     a MOV CR4 that changes PGE do not
        mov     eax, cr4
        or      eax, CR4_PGE
        mov     cr4, eax
        mov     eax, cr4
        and     eax, CR4_PGE
        EQ      eax, CR4_PGE, "CR4.PGE set"
        MEQ     [LA_GLB], FR_GLB1, "global: initial frame"
        SETPTE  LA_GLB, FR_GLB2|PG_P|PG_RW|PG_G
        FLUSHCR3
%ifndef QEMU_REF
        MEQ     [LA_GLB], FR_GLB1, "mov cr3: global entry survives (old frame)"
%endif
        invlpg  [LA_GLB]
        MEQ     [LA_GLB], FR_GLB2, "invlpg: global entry flushed"
        SETPTE  LA_GLB, FR_GLB1|PG_P|PG_RW|PG_G
        mov     eax, cr4
        and     eax, ~CR4_PGE
        mov     cr4, eax
        MEQ     [LA_GLB], FR_GLB1, "mov cr4 clearing PGE flushes global entries"
        SETPTE  LA_GLB, FR_GLB2|PG_P|PG_RW|PG_G
        FLUSHCR3
        MEQ     [LA_GLB], FR_GLB2, "PGE=0: G=1 entry flushed by mov cr3"

; --- a dword write crossing into a not-present page: #PF with CR2 = the
;     first byte of the second page; nothing is written (SDM 4.7; an
;     instruction that faults has no effect, 6.5)
        mov     dword [FR_X1+0xFFC], 0x11223344
        mov     eax, 0xAABBCCDD
        PFAULT  2, {mov [LA_X1+0xFFE], eax}, LA_X1+0x1000, "dword write crossing into a not-present page #PF(2)"
        MEQ     [FR_X1+0xFFC], 0x11223344, "crossing write: first page unmodified"
        PFAULT  0, {mov eax, [LA_X1+0xFFD]}, LA_X1+0x1000, "dword read crossing into a not-present page #PF(0)"
        SETPTE  LA_X1+0x1000, FR_X1|PG_P        ; second page read-only
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        mov     eax, 0xAABBCCDD
        PFAULT  3, {mov [LA_X1+0xFFF], eax}, LA_X1+0x1000, "dword write crossing into a read-only page #PF(3)"
        MEQ     [FR_X1+0xFFC], 0x11223344, "crossing write into read-only page: first page unmodified"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax

; --- self-modifying code (SDM Vol. 3A 11.6)
        COPYCODE SMC1, smc1_t, smc1_e
        call    SEL_FLAT:SMC1
        EQ      eax, 0x5EC0DE01, "smc: store to the next instruction on the same page"
        COPYCODE SMC2, smc2_t, smc2_e
        COPYCODE SMC2+0x100, smc3_t, smc3_e
        call    SEL_FLAT:SMC2
        EQ      eax, 0x5EC0DE02, "smc: store through an alias of the code page, then jmp to it"
        call    SEL_FLAT:SMC2+0x100
        EQ      eax, 0x33333333, "smc: code page executed once"
        mov     dword [SMC2+0x101], 0x5EC0DE03
        call    SEL_FLAT:SMC2+0x100
        EQ      eax, 0x5EC0DE03, "smc: executed code modified at the same linear address"
        mov     dword [LA_CODEA+0x101], 0x5EC0DE04
        call    SEL_FLAT:SMC2+0x100
        EQ      eax, 0x5EC0DE04, "smc: executed code modified through an alias"
        call    SEL_FLAT:LA_CODEA+0x100
        EQ      eax, 0x5EC0DE04, "smc: code run through the alias"
        mov     dword [SMC2+0x101], 0x5EC0DE05
        call    SEL_FLAT:LA_CODEA+0x100
        EQ      eax, 0x5EC0DE05, "smc: code run via alias, modified via identity"

        jmp     exit_pass

; code templates, copied to RAM
smc1_t: mov     dword [SMC1 + (smc1_i - smc1_t) + 1], 0x5EC0DE01
smc1_i: mov     eax, 0x11111111
        retf
smc1_e:
smc2_t: mov     dword [LA_CODEA + (smc2_i - smc2_t) + 1], 0x5EC0DE02
        jmp     smc2_i                  ; (11.6: a jump after the store)
smc2_i: mov     eax, 0x22222222
        retf
smc2_e:
smc3_t: mov     eax, 0x33333333
        retf
smc3_e:

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
