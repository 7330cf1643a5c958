; paging_pse.asm -- Glassbox guest test: 32-bit paging with CR4.PSE
; 4-MByte pages.
;
; SDM Vol. 3A 4.3 ("32-Bit Paging"): table 4-4 (a PDE with PS=1 maps a
; 4-MByte page if CR4.PSE=1; with CR4.PSE=0 bit 7 is ignored and the PDE
; references a page table, table 4-6), figure 4-3 (linear address
; translation to a 4-MByte page), 4-MByte PDE format (bits 21:13 reserved
; without PSE-36 / with MAXPHYADDR 32; bits 20:13 hold physical address bits
; 39:32 with PSE-36, so only bit 21 is reserved for any MAXPHYADDR <= 40),
; 4.7 (#PF error code bit 3 RSVD, set with P=1), 4.8 (A and D flags of a
; PDE that maps a page), 4.10.2.3 / 4.10.4.1 (INVLPG with any address in a
; large page; MOV to CR4 that changes PSE invalidates the TLBs), 4.10.2.4
; (global 4-MByte pages).
; Checks: PS ignored with CR4.PSE=0; the same PDE maps a 4-MByte page with
; CR4.PSE=1; mixed 4-KByte and 4-MByte mappings; alias of a 4-MByte frame;
; A/D bits in the PDE; reserved bits -> #PF with RSVD (9, 0Bh, 0Dh); a
; not-present PDE with reserved bits -> #PF(0); INVLPG on a large page;
; U/S on a large page; a global large page kept across MOV CR3.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o paging_pse.bin paging_pse.asm
;   -DQEMU_REF  leave out the model-specific checks: PDE bit 13 reserved
;               (not on a CPU with PSE-36, like QEMU's pentium3) and global
;               entries surviving MOV CR3 (QEMU's TCG flushes them); and
;               expect QEMU 7.2's RSVD error codes without the P bit
;   -DKEEPGOING report every failing check instead of stopping at the first
;
; Needs 16 MiB of RAM (a page table at 4 MiB, 4-MByte frames at 0, 4 and
; 8 MiB).
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

PD      equ 0x10000             ; page directory (CR3)
PT0     equ 0x11000             ; identity map of linear 0..4 MiB (4 KiB pages)
PT3     equ 0x400000            ; page table referenced by PDE 3 (PSE=0)

PG_P    equ 0x001
PG_RW   equ 0x002
PG_US   equ 0x004
PG_A    equ 0x020
PG_D    equ 0x040
PG_PS   equ 0x080
PG_G    equ 0x100
CR0_PG  equ 0x80000000
CR4_PSE equ 0x10
CR4_PGE equ 0x80

LA_BIG  equ 0x400000            ; PDE 1: 4 MiB page -> physical 8 MiB
LA_BIGID equ 0x800000           ; PDE 2: 4 MiB page, identity (8 MiB)
LA_PS0  equ 0xC00000            ; PDE 3: PT3|PS: table (PSE=0) or page (PSE=1)
LA_RSV  equ 0x1000000           ; PDE 4: reserved-bit tests
LA_BIGG equ 0x1400000           ; PDE 5: global 4 MiB page
FR_MARK equ 0x20000             ; 4 KiB frame with a marker

%define PDE(la) [PD + ((la) >> 22) * 4]

; RSVD faults: SDM 4.7 says P=1 with RSVD=1.  QEMU 7.2 leaves P clear in
; the error code of a reserved-bit fault on a 32-bit 4 MiB PDE, so a
; QEMU_REF build expects its value.
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
        mov     edi, PD
        xor     eax, eax
        mov     ecx, 2*1024
        rep stosd
        mov     edi, PT3
        mov     ecx, 1024
        rep stosd
        mov     edi, PT0
        mov     eax, PG_P|PG_RW|PG_US
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PT3], FR_MARK|PG_P|PG_RW
        mov     dword [FR_MARK], FR_MARK
        mov     dword PDE(0), PT0|PG_P|PG_RW|PG_US
        mov     dword PDE(LA_BIG), 0x800000|PG_PS|PG_P|PG_RW|PG_US
        mov     dword PDE(LA_BIGID), 0x800000|PG_PS|PG_P|PG_RW
        mov     dword PDE(LA_PS0), PT3|PG_PS|PG_P|PG_RW

; --- paging on with CR4.PSE=0: PDE bit 7 is ignored (table 4-6)
        mov     eax, cr4
        and     eax, ~(CR4_PSE|CR4_PGE)
        mov     cr4, eax
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        jmp     .pg
.pg:    MEQ     [LA_PS0], FR_MARK, "CR4.PSE=0: PDE with PS=1 references a page table"

; --- CR4.PSE=1: the same PDE maps a 4 MiB page at PT3 (its first dword is
;     PT3[0]); MOV to CR4 changing PSE invalidates the TLBs (4.10.4.1)
        mov     eax, cr4
        or      eax, CR4_PSE
        mov     cr4, eax
        MEQ     [LA_PS0], FR_MARK|PG_A|PG_P|PG_RW, "CR4.PSE=1: the PDE maps a 4 MiB page (reads PT3[0], A set)"
        MEQ     [LA_PS0+0x1000], 0, "4 MiB page: offset bits 21:0 come from the linear address"
        mov     eax, PDE(LA_PS0)
        and     eax, PG_A
        EQ      eax, PG_A, "4 MiB page: PDE.A=1 after the read"
        MEQ     [0xF0000 + s_ok], 0x00206B6F, "mixed: 4 KiB identity map still works"

; --- alias: 4 MiB page at 4 MiB and the identity page at 8 MiB
        mov     dword [LA_BIG+0x1234], 0xB16A0001
        MEQ     [LA_BIGID+0x1234], 0xB16A0001, "alias: write via 401234h, read via 801234h"
        mov     dword [LA_BIGID+0x3FFFF0], 0xB16A0002
        MEQ     [LA_BIG+0x3FFFF0], 0xB16A0002, "alias: last dwords of the 4 MiB page"

; --- A/D in a 4 MiB PDE (4.8)
        and     dword PDE(LA_BIG), ~(PG_A|PG_D)
        FLUSHCR3
        mov     eax, [LA_BIG+0x10]
        mov     eax, PDE(LA_BIG)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: 4 MiB PDE A=1 D=0"
        mov     dword [LA_BIG+0x200010], 1
        mov     eax, PDE(LA_BIG)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write: 4 MiB PDE D=1"
        and     dword PDE(LA_BIG), ~(PG_A|PG_D)
        FLUSHCR3
        mov     dword [LA_BIG+0x10], 2
        mov     eax, PDE(LA_BIG)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "first access a write: 4 MiB PDE A=1 D=1"

; --- reserved bits in a 4 MiB PDE -> #PF with RSVD (4.7: P=1, RSVD=1)
        mov     dword PDE(LA_RSV), 0x800000|(1 << 21)|PG_PS|PG_P|PG_RW|PG_US
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x100]}, LA_RSV+0x100, "4 MiB PDE bit 21 set: read #PF(9)"
        PFAULT  0x0A|RSVD_P, {mov dword [LA_RSV+0x104], 1}, LA_RSV+0x104, "4 MiB PDE bit 21 set: write #PF(0Bh)"
        RING3
        PFAULT  0x0C|RSVD_P, {mov eax, [LA_RSV+0x108]}, LA_RSV+0x108, "4 MiB PDE bit 21 set: user read #PF(0Dh)"
        RING0
        mov     eax, PDE(LA_RSV)
        and     eax, PG_A
        EQ      eax, 0, "reserved-bit fault: PDE.A not set"
%ifndef QEMU_REF
        ; no PSE-36 (pentium-pro): bits 21:13 are all reserved
        mov     dword PDE(LA_RSV), 0x800000|(1 << 13)|PG_PS|PG_P|PG_RW
        PFAULT  9, {mov eax, [LA_RSV+0x10C]}, LA_RSV+0x10C, "4 MiB PDE bit 13 set (no PSE-36): read #PF(9)"
        mov     dword PDE(LA_RSV), 0x800000|(1 << 17)|PG_PS|PG_P|PG_RW
        PFAULT  9, {mov eax, [LA_RSV+0x110]}, LA_RSV+0x110, "4 MiB PDE bit 17 set (no PSE-36): read #PF(9)"
        ; no PAT (pentium-pro): bit 12 is reserved too
        mov     dword PDE(LA_RSV), 0x800000|(1 << 12)|PG_PS|PG_P|PG_RW
        invlpg  [LA_RSV]
        PFAULT  9, {mov eax, [LA_RSV+0x112]}, LA_RSV+0x112, "4 MiB PDE bit 12 (PAT; no PAT) set: read #PF(9)"
%endif
        mov     dword PDE(LA_RSV), 0x800000|(1 << 21)|PG_PS|PG_RW   ; P=0
        PFAULT  0, {mov eax, [LA_RSV+0x114]}, LA_RSV+0x114, "not-present 4 MiB PDE with reserved bits: #PF(0)"
        mov     dword PDE(LA_RSV), 0x800000|PG_PS|PG_P|PG_RW
        FLUSHCR3
        NOFAULT {mov eax, [LA_RSV+0x118]}, "4 MiB PDE with the reserved bit cleared"

; --- INVLPG with an address elsewhere in the 4 MiB page (4.10.2.3)
        mov     dword [LA_BIGID+FR_MARK], 0xBEEF
        MEQ     [LA_BIG+FR_MARK], 0xBEEF, "invlpg 4 MiB: old frame"
        mov     dword PDE(LA_BIG), 0|PG_PS|PG_P|PG_RW|PG_US
        invlpg  [LA_BIG+0x345678]
        MEQ     [LA_BIG+FR_MARK], FR_MARK, "invlpg elsewhere in the 4 MiB page: new frame"

; --- U/S in a 4 MiB PDE (4.6)
        mov     dword PDE(LA_BIG), 0x800000|PG_PS|PG_P|PG_RW
        invlpg  [LA_BIG]
        RING3
        PFAULT  5, {mov eax, [LA_BIG+0x20]}, LA_BIG+0x20, "user read of a supervisor 4 MiB page #PF(5)"
        RING0
        mov     dword PDE(LA_BIG), 0x800000|PG_PS|PG_P|PG_US
        invlpg  [LA_BIG]
        RING3
        NOFAULT {mov eax, [LA_BIG+0x20]}, "user read of a read-only user 4 MiB page"
        PFAULT  7, {mov dword [LA_BIG+0x24], 0}, LA_BIG+0x24, "user write to a read-only 4 MiB page #PF(7)"
        RING0

; --- global 4 MiB page (4.10.2.4)
        mov     eax, cr4
        or      eax, CR4_PGE
        mov     cr4, eax
        mov     dword PDE(LA_BIGG), 0x800000|PG_G|PG_PS|PG_P|PG_RW
        MEQ     [LA_BIGG+FR_MARK], 0xBEEF, "global 4 MiB page: initial frame"
        mov     dword PDE(LA_BIGG), 0|PG_G|PG_PS|PG_P|PG_RW
        FLUSHCR3
%ifndef QEMU_REF
        MEQ     [LA_BIGG+FR_MARK], 0xBEEF, "mov cr3: global 4 MiB entry survives"
%endif
        invlpg  [LA_BIGG+0x3FF000]
        MEQ     [LA_BIGG+FR_MARK], FR_MARK, "invlpg: global 4 MiB entry flushed"

; --- clearing CR4.PSE: PDE 3 references the page table again
        mov     eax, cr4
        and     eax, ~(CR4_PSE|CR4_PGE)
        mov     cr4, eax
        MEQ     [LA_PS0], FR_MARK, "CR4.PSE cleared: the PDE references a page table again"

        jmp     exit_pass

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
