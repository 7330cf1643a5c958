; pm_segments.asm -- Glassbox guest test: protected-mode segmentation.
;
; Switches to 32-bit protected mode and checks data-segment loads (accessed
; bit, SDM Vol. 3A 3.4.5.1), #GP/#NP/#SS(selector) error codes for bad loads
; (beyond the GDT/LDT limit, system descriptors, execute-only code, RPL/DPL
; violations at CPL0 and CPL3; SDM 5.5-5.7, 6.13, Vol. 2B MOV), null
; selectors (3.4.2), SS rules, limit checks on byte/word/dword accesses
; (5.3), expand-down segments with B=1 and B=0, 4 KiB granularity (3.4.5),
; type checks (5.4: read-only data, code writes, execute-only reads),
; LAR/LSL/VERR/VERW (5.10.1, Vol. 2A/2B), ARPL (5.10.4), SGDT/SIDT/SLDT/STR/
; SMSW at CPL3 (2.8, CR4.UMIP=0), LLDT and LDT selectors (3.5.1).
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o pm_segments.bin pm_segments.asm
;   -DQEMU_REF  leave out the checks QEMU's TCG does not model (per-access
;               limit and type checks, see AFAULT) for validation on QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first

bits 16
org 0                           ; CS base F0000h: offset == ROM file offset

; ---------------------------------------------------------------------------
; Protected-mode harness (identical in every pm_* guest test; each file is
; self-contained).  Real mode -> protected mode as in SDM Vol. 3A 10.9.1
; ("Switching to Protected Mode"): LGDT, set CR0.PE, far JMP to a 32-bit code
; segment, reload the data segment registers.  The ROM runs in place: the
; code segments have base F0000h so labels equal ROM offsets.
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
SEL_NA    equ 0x38              ; data RW, accessed bit clear
SEL_RO    equ 0x40              ; data read-only, base 8000h
SEL_NP    equ 0x48              ; data RW, not present
SEL_LIM   equ 0x50              ; data RW, base 8000h, limit 0FFFh
SEL_ED32  equ 0x58              ; expand-down RW, limit 0FFFh, B=1
SEL_ED16  equ 0x60              ; expand-down RW, limit 0FFFh, B=0
SEL_G4K   equ 0x68              ; data RW, base 100000h, limit 1, G=1
SEL_XO    equ 0x70              ; execute-only code, base F0000h
SEL_LDT   equ 0x78              ; LDT at 4000h, 3 entries
SEL_GATE  equ 0x80              ; call gate (for LAR/LSL)
SEL_LIM3  equ 0x88              ; data RW DPL3, base 8000h, limit 0FFFh
SEL_BEYOND equ 0x90             ; first selector beyond the GDT limit
LDT     equ 0x4000
SAVEDCR0 equ 0x0580
R3BUF   equ 0x0590

        DESC    0x8000, 0xFFFF, 0x92, 0x00              ; 38 NA
        DESC    0x8000, 0xFFFF, 0x90, 0x00              ; 40 RO
        DESC    0x8000, 0xFFFF, 0x12, 0x00              ; 48 NP (P=0)
        DESC    0x8000, 0x0FFF, 0x92, 0x00              ; 50 LIM
        DESC    0, 0x0FFF, 0x96, 0x40                   ; 58 ED32
        DESC    0, 0x0FFF, 0x96, 0x00                   ; 60 ED16
        DESC    0x100000, 0x00001, 0x92, 0x80           ; 68 G4K
        DESC    0xF0000, 0xFFFF, 0x98, 0x40             ; 70 XO
        DESC    LDT, 0x17, 0x82, 0x00                   ; 78 LDT
        dw      0, SEL_CODE0, 0xEC00, 0                 ; 80 call gate DPL3
        DESC    0x8000, 0x0FFF, 0xF2, 0x00              ; 88 LIM3
gdt_tmpl_end:
GDT_LIMIT equ gdt_tmpl_end - gdt_tmpl - 1

ldt_tmpl:
        DESC    0x9000, 0xFFF, 0x92, 0x00               ; LDT sel 04h
        DESC    0xA000, 0xFFF, 0xF2, 0x00               ; LDT sel 0Ch, DPL3
        DESC    0xB000, 0xFFF, 0x92, 0x00               ; LDT sel 14h
ldt_tmpl_end:

; Load selector %1 into segment register %2 and expect vector %3 with
; error code %4 (SDM Vol. 3A 5.4.1 / Vol. 2B MOV: "#GP(selector)").
%macro BADLOAD 5
        mov     bx, %1
        FAULT   %3, %4, {mov %2, bx}, %5
%endmacro

bits 32
tests:
        mov     eax, cr0
        mov     [SAVEDCR0], eax
        mov     esi, ldt_tmpl
        mov     edi, LDT
        mov     ecx, ldt_tmpl_end - ldt_tmpl
        rep cs movsb

; --- loading data segments: accessed bit (SDM 3.4.5.1: the processor sets
;     the accessed bit when it loads the selector into a segment register)
        movzx   eax, byte [GDT+SEL_NA+5]
        EQ      eax, 0x92, "accessed bit clear before the load"
        mov     ax, SEL_NA
        mov     es, ax
        movzx   eax, byte [GDT+SEL_NA+5]
        EQ      eax, 0x93, "accessed bit set by mov es"
        mov     dword [0x8010], 0x12345678
        mov     eax, [es:0x10]
        EQ      eax, 0x12345678, "data read through a based segment"
        mov     dword [es:0x14], 0xCAFEF00D
        mov     eax, [0x8014]
        EQ      eax, 0xCAFEF00D, "data write through a based segment"

; --- #GP(selector) for bad loads (SDM Vol. 2B MOV, 5.5/5.6 privilege checks)
        BADLOAD SEL_BEYOND, ds, 13, SEL_BEYOND, "mov ds beyond GDT limit #GP(sel)"
        BADLOAD SEL_BEYOND|3, es, 13, SEL_BEYOND, "mov es beyond limit, RPL3 #GP(sel&~3)"
        BADLOAD SEL_TSS, ds, 13, SEL_TSS, "mov ds, TSS descriptor #GP(sel)"
        BADLOAD SEL_LDT, fs, 13, SEL_LDT, "mov fs, LDT descriptor #GP(sel)"
        BADLOAD SEL_GATE, gs, 13, SEL_GATE, "mov gs, call gate #GP(sel)"
        BADLOAD SEL_XO, ds, 13, SEL_XO, "mov ds, execute-only code #GP(sel)"
        BADLOAD SEL_DATA0|3, ds, 13, SEL_DATA0, "mov ds, DPL0 data with RPL3 #GP(sel)"
        BADLOAD 0x04, es, 13, 0x04, "mov es, LDT selector with null LDTR #GP(sel)"
        mov     ax, SEL_DATA3|3
        NOFAULT {mov es, ax}, "mov es, DPL3 data with RPL3 at CPL0"
        mov     ax, SEL_DATA3
        NOFAULT {mov es, ax}, "mov es, DPL3 data with RPL0 at CPL0"

; --- readable code segment in DS: reads allowed, writes #GP(0) (SDM 3.4.5.1)
        mov     ax, SEL_CODE0
        NOFAULT {mov ds, ax}, "mov ds, readable code"
        mov     eax, [ds:gdtr+2]
        EQ      eax, GDT, "read through ds = readable code segment"
        AFAULT  13, 0, {mov byte [ds:0x100], 0}, "write to code segment via ds #GP(0)"
        AFAULT  13, 0, {mov byte [cs:0x100], 0}, "write via cs override #GP(0)"
        mov     ax, SEL_DATA0
        mov     ds, ax

; --- null selector: loadable into DS/ES/FS/GS, #GP(0) on use (SDM 3.4.2)
        xor     ax, ax
        NOFAULT {mov es, ax}, "mov es, 0 (null) allowed"
        mov     ax, 3
        NOFAULT {mov fs, ax}, "mov fs, 3 (null, RPL3) allowed"
        AFAULT  13, 0, {mov eax, [es:0]}, "read through null es #GP(0)"
        AFAULT  13, 0, {mov [fs:0x10], eax}, "write through null fs #GP(0)"
        xor     ax, ax
        mov     ds, ax
        AFAULT  13, 0, {mov al, [0x500]}, "read through null ds #GP(0)"
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     fs, ax

; --- SS loads (SDM Vol. 2B MOV: SS must be a writable data segment with
;     RPL = DPL = CPL; not present -> #SS(selector))
        BADLOAD 0, ss, 13, 0, "mov ss, null #GP(0)"
        BADLOAD SEL_RO, ss, 13, SEL_RO, "mov ss, read-only data #GP(sel)"
        BADLOAD SEL_CODE0, ss, 13, SEL_CODE0, "mov ss, code segment #GP(sel)"
        BADLOAD SEL_DATA0|3, ss, 13, SEL_DATA0, "mov ss, RPL3 at CPL0 #GP(sel)"
        BADLOAD SEL_DATA3, ss, 13, SEL_DATA3, "mov ss, DPL3 data at CPL0 #GP(sel)"
        BADLOAD SEL_NP, ss, 12, SEL_NP, "mov ss, not-present #SS(sel)"
        BADLOAD SEL_NP, ds, 11, SEL_NP, "mov ds, not-present #NP(sel)"
        BADLOAD SEL_NP, gs, 11, SEL_NP, "mov gs, not-present #NP(sel)"

; --- read-only data: write #GP(0), read fine (SDM 3.4.5.1)
        mov     ax, SEL_RO
        mov     es, ax
        mov     eax, [es:0x10]
        EQ      eax, 0x12345678, "read through read-only segment"
        AFAULT  13, 0, {mov byte [es:0x10], 0}, "write to read-only segment #GP(0)"
        AFAULT  13, 0, {inc dword [es:0x10]}, "rmw of read-only segment #GP(0)"
%ifndef QEMU_REF
        MEQ     [0x8010], 0x12345678, "read-only memory unchanged"
%endif

; --- limit checks (SDM 5.3 "Limit Checking": every byte of the access must
;     lie within the limit)
        mov     ax, SEL_LIM
        mov     es, ax
        NOFAULT {mov al, [es:0xFFF]}, "byte at limit"
        NOFAULT {mov ax, [es:0xFFE]}, "word ending at limit"
        NOFAULT {mov eax, [es:0xFFC]}, "dword ending at limit"
        AFAULT  13, 0, {mov al, [es:0x1000]}, "byte at limit+1 #GP(0)"
        AFAULT  13, 0, {mov ax, [es:0xFFF]}, "word straddling limit #GP(0)"
        AFAULT  13, 0, {mov eax, [es:0xFFD]}, "dword straddling limit #GP(0)"
        AFAULT  13, 0, {mov dword [es:0xFFE], 0}, "dword write straddling limit #GP(0)"
        mov     byte [es:0xFFF], 0x5A
        movzx   eax, byte [0x8FFF]
        EQ      eax, 0x5A, "write at limit reaches base+limit"

; --- expand-down (SDM 3.4.5.1 / 5.3: valid offsets limit+1 .. FFFFFFFFh when
;     B=1, limit+1 .. FFFFh when B=0)
        mov     ax, SEL_ED32
        mov     es, ax
        AFAULT  13, 0, {mov al, [es:0xFFF]}, "expand-down B=1: offset = limit #GP(0)"
        AFAULT  13, 0, {mov al, [es:0]}, "expand-down B=1: offset 0 #GP(0)"
        AFAULT  13, 0, {mov eax, [es:0xFFE]}, "expand-down B=1: dword across limit #GP(0)"
        NOFAULT {mov al, [es:0x1000]}, "expand-down B=1: limit+1"
        mov     dword [0x5000], 0x600DF00D
        mov     eax, [es:0x5000]
        EQ      eax, 0x600DF00D, "expand-down B=1: base 0 addressing"
        NOFAULT {mov eax, [es:0x10000]}, "expand-down B=1: offset 10000h"
        NOFAULT {mov eax, [es:0xFFFFFFFC]}, "expand-down B=1: dword at FFFFFFFCh"
        mov     ax, SEL_ED16
        mov     es, ax
        AFAULT  13, 0, {mov al, [es:0xFFF]}, "expand-down B=0: offset = limit #GP(0)"
        NOFAULT {mov al, [es:0x1000]}, "expand-down B=0: limit+1"
        NOFAULT {mov al, [es:0xFFFF]}, "expand-down B=0: FFFFh"
        NOFAULT {mov ax, [es:0xFFFE]}, "expand-down B=0: word at FFFEh"
        AFAULT  13, 0, {mov ax, [es:0xFFFF]}, "expand-down B=0: word at FFFFh #GP(0)"
        AFAULT  13, 0, {mov al, [es:0x10000]}, "expand-down B=0: 10000h #GP(0)"

; --- 4 KiB granularity (SDM 3.4.5: G=1 -> limit = (limit << 12) | FFFh)
        mov     ax, SEL_G4K
        mov     es, ax
        mov     dword [0x101FFC], 0x4B4B4B4B
        mov     eax, [es:0x1FFC]
        EQ      eax, 0x4B4B4B4B, "G=1: dword at limit 1FFFh"
        NOFAULT {mov al, [es:0x1FFF]}, "G=1: byte at 1FFFh"
        AFAULT  13, 0, {mov al, [es:0x2000]}, "G=1: byte at 2000h #GP(0)"
        AFAULT  13, 0, {mov ax, [es:0x1FFF]}, "G=1: word at 1FFFh #GP(0)"
        mov     ax, SEL_DATA0
        mov     es, ax

; --- execute-only code: reads through CS override #GP(0) (SDM 3.4.5.1)
%ifndef QEMU_REF
        ARM     xo_res
        jmp     SEL_XO:xo_at
xo_at:  mov     eax, [cs:gdtr]
        jmp     SEL_CODE0:xo_noexc
xo_res: jmp     SEL_CODE0:xo_back
xo_noexc:
        NOEXC   "read via cs of execute-only code"
xo_back:
        EXPECT  13, 0, "read via cs of execute-only code #GP(0)"
        MEQ     [LASTEIP], xo_at, "execute-only read: pushed eip"
        MEQ     [LASTCS], SEL_XO, "execute-only read: pushed cs"
%endif

; --- LAR / LSL / VERR / VERW at CPL0 (SDM Vol. 2A LAR, LSL; Vol. 2B VERR)
%macro LARCHK 3                         ; selector, expected (masked), name
        mov     bx, %1
        mov     eax, 0xDEADBEEF
        lar     eax, bx
        CHECK   {%3, ": ZF=1"}
        and     eax, 0x00F0FF00
        EQ      eax, %2, %3
%endmacro
%macro LARBAD 2
        mov     bx, %1
        mov     eax, 0xDEADBEEF
        or      ecx, 1                  ; ZF=0 going in? set it to 1:
        cmp     eax, eax
        lar     eax, bx
        jnz     %%z
        mov     esi, %%m
        call    report_fail
        jmp     %%z
%%m:    db      %2, ": ZF should be 0", 0
%%z:    EQ      eax, 0xDEADBEEF, {%2, ": destination unchanged"}
%endmacro
%macro LSLCHK 3
        mov     bx, %1
        lsl     eax, bx
        CHECK   {%3, ": ZF=1"}
        EQ      eax, %2, %3
%endmacro
%macro LSLBAD 2
        mov     bx, %1
        mov     eax, 0xDEADBEEF
        cmp     eax, eax
        lsl     eax, bx
        jnz     %%z
        mov     esi, %%m
        call    report_fail
        jmp     %%z
%%m:    db      %2, ": ZF should be 0", 0
%%z:    EQ      eax, 0xDEADBEEF, {%2, ": destination unchanged"}
%endmacro
%macro VERZ 4                           ; verr/verw, selector, 1/0, name
        mov     bx, %2
%if %3
        test    esp, 0                  ; ZF=0 going in
%else
        cmp     eax, eax                ; ZF=1 going in
%endif
        %1      bx
        setz    al
        movzx   eax, al
        EQ      eax, %3, %4
%endmacro

        LARCHK  SEL_DATA0, 0x00C09300, "lar DATA0 (accessed)"
        LARCHK  SEL_CODE0, 0x00409B00, "lar CODE0"
        LARCHK  SEL_TSS, 0x00008B00, "lar busy TSS"
        LARCHK  SEL_LDT, 0x00008200, "lar LDT"
        LARCHK  SEL_GATE, 0x0000EC00, "lar call gate"
        LARCHK  SEL_NP, 0x00001200, "lar not-present data"
        LARBAD  0, "lar null"
        LARBAD  SEL_BEYOND, "lar beyond limit"
        LSLCHK  SEL_DATA0, 0xFFFFFFFF, "lsl DATA0 (G=1)"
        LSLCHK  SEL_LIM, 0x0FFF, "lsl LIM"
        LSLCHK  SEL_G4K, 0x1FFF, "lsl G4K"
        LSLCHK  SEL_TSS, TSSLIM, "lsl TSS"
        LSLCHK  SEL_LDT, 0x17, "lsl LDT"
        LSLBAD  SEL_GATE, "lsl call gate"
        LSLBAD  SEL_BEYOND, "lsl beyond limit"
        VERZ    verr, SEL_CODE0, 1, "verr readable code"
        VERZ    verr, SEL_XO, 0, "verr execute-only code"
        VERZ    verr, SEL_RO, 1, "verr read-only data"
        VERZ    verw, SEL_RO, 0, "verw read-only data"
        VERZ    verw, SEL_DATA0, 1, "verw DATA0"
        VERZ    verw, SEL_CODE0, 0, "verw code"
        VERZ    verr, 0, 0, "verr null"
        VERZ    verr, SEL_TSS, 0, "verr TSS"
        VERZ    verw, SEL_BEYOND, 0, "verw beyond limit"

; --- LLDT and LDT-based selectors (SDM 3.5.1, Vol. 2A LLDT)
        mov     ax, SEL_LDT
        lldt    ax
        sldt    ax
        movzx   eax, ax
        EQ      eax, SEL_LDT, "sldt after lldt"
        mov     dword [0x9020], 0x1D71D7
        mov     ax, 0x04                ; LDT index 0, TI=1
        mov     fs, ax
        mov     eax, [fs:0x20]
        EQ      eax, 0x1D71D7, "read via LDT selector 04h (base 9000h)"
        movzx   eax, byte [LDT+5]
        EQ      eax, 0x93, "LDT descriptor accessed bit set"
        LSLCHK  0x0C, 0x0FFF, "lsl LDT selector 0Ch"
        BADLOAD 0x1C, gs, 13, 0x1C, "mov gs, beyond LDT limit #GP(sel)"
        mov     bx, SEL_TSS
        FAULT   13, SEL_TSS, {lldt bx}, "lldt with a TSS selector #GP(sel)"
        mov     ax, SEL_DATA0
        mov     fs, ax

; --- CPL3 checks ------------------------------------------------------------
        RING3   F_IOPL3
        mov     ax, SEL_LIM3|3
        NOFAULT {mov fs, ax}, "cpl3: mov fs, DPL3 data"
        BADLOAD SEL_DATA0|3, ds, 13, SEL_DATA0, "cpl3: mov ds, DPL0 data #GP(sel)"
        BADLOAD SEL_DATA0, es, 13, SEL_DATA0, "cpl3: mov es, DPL0 data RPL0 #GP(sel)"
        BADLOAD SEL_CODE0|3, ds, 13, SEL_CODE0, "cpl3: mov ds, DPL0 code #GP(sel)"
        BADLOAD SEL_DATA0|3, ss, 13, SEL_DATA0, "cpl3: mov ss, DPL0 data #GP(sel)"
        BADLOAD SEL_DATA3, ss, 13, SEL_DATA3, "cpl3: mov ss, RPL0 #GP(sel)"
        BADLOAD 0x04, ds, 13, 0x04, "cpl3: mov ds, DPL0 LDT data #GP(sel)"
        mov     ax, 0x0C|3
        NOFAULT {mov gs, ax}, "cpl3: mov gs, DPL3 LDT data"
        mov     ax, SEL_CODE3|3
        NOFAULT {mov gs, ax}, "cpl3: mov gs, DPL3 readable code"

%ifndef QEMU_REF
        ; stack limit violation -> #SS(0) (SDM 6.15 #SS); the CPL0 handler
        ; runs on the TSS stack, so the broken ring-3 stack is harmless
        ARM     ss_res                  ; (before SS changes: ARM uses SS:)
        mov     ax, SEL_LIM3|3
        mov     ss, ax
        mov     esp, 0x1002
ss_at:  push    eax
        NOEXC   "push beyond stack limit"
ss_res: mov     ax, SEL_DATA3|3
        mov     ss, ax
        mov     esp, R3STACK
        EXPECT  12, 0, "cpl3: push beyond ss limit #SS(0)"
        MEQ     [LASTEIP], ss_at, "#SS: pushed eip"
        MEQ     [LASTESP], 0x1002, "#SS: pushed esp unchanged"
        MEQ     [LASTSS], SEL_LIM3|3, "#SS: pushed ss"
%endif

        ; LAR/LSL/VERR/VERW at CPL3: DPL < CPL -> ZF=0 (no fault)
        LARBAD  SEL_DATA0|3, "cpl3: lar DPL0 data"
        LARBAD  SEL_CODE0|3, "cpl3: lar DPL0 code"
        LARCHK  SEL_DATA3|3, 0x00C0F300, "cpl3: lar DPL3 data"
        LARCHK  SEL_GATE|3, 0x0000EC00, "cpl3: lar DPL3 call gate"
        LSLBAD  SEL_TSS|3, "cpl3: lsl DPL0 TSS"
        LSLCHK  SEL_LIM3|3, 0xFFF, "cpl3: lsl DPL3 data"
        VERZ    verr, SEL_DATA0|3, 0, "cpl3: verr DPL0 data"
        VERZ    verw, SEL_DATA3|3, 1, "cpl3: verw DPL3 data"
        VERZ    verr, SEL_CODE3|3, 1, "cpl3: verr DPL3 code"
        VERZ    verw, SEL_DATA3, 1, "cpl3: verw DPL3 data, RPL0"

        ; ARPL (SDM Vol. 2A ARPL)
        mov     ax, SEL_DATA0
        mov     bx, SEL_CODE3|3
        arpl    ax, bx
        CHECK   "cpl3: arpl raises RPL: ZF=1"
        movzx   eax, ax
        EQ      eax, SEL_DATA0|3, "cpl3: arpl result"
        mov     ax, SEL_DATA0|2
        mov     bx, SEL_CODE3|1
        cmp     eax, eax
        arpl    ax, bx
        setz    cl
        movzx   ecx, cl
        EQ      ecx, 0, "cpl3: arpl no change: ZF=0"
        movzx   eax, ax
        EQ      eax, SEL_DATA0|2, "cpl3: arpl no change result"

        ; SGDT/SIDT/SLDT/STR/SMSW are not privileged (CR4.UMIP=0; SDM 2.8)
        NOFAULT {sgdt [R3BUF]}, "cpl3: sgdt"
        movzx   eax, word [R3BUF]
        EQ      eax, GDT_LIMIT, "cpl3: sgdt limit"
        MEQ     [R3BUF+2], GDT, "cpl3: sgdt base"
        NOFAULT {sidt [R3BUF+8]}, "cpl3: sidt"
        movzx   eax, word [R3BUF+8]
        EQ      eax, 0x7FF, "cpl3: sidt limit"
        MEQ     [R3BUF+10], IDT, "cpl3: sidt base"
        sldt    ax
        movzx   eax, ax
        EQ      eax, SEL_LDT, "cpl3: sldt"
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSS, "cpl3: str"
        mov     ebx, [SAVEDCR0]
        smsw    ax
        movzx   eax, ax
        movzx   ebx, bx
        EQ      eax, ebx, "cpl3: smsw = low word of CR0"
        and     eax, 1
        EQ      eax, 1, "cpl3: smsw PE=1"
        RING0
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSS, "back at cpl0"
        jmp     exit_pass

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
