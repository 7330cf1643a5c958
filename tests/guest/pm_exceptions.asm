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
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o pm_exceptions.bin pm_exceptions.asm
;   -DQEMU_REF  leave out the checks QEMU's TCG does not model (SS limit
;               check) for validation on QEMU
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
BPCODE  equ 0x6000              ; RAM code for the DR0 breakpoint
TSS2    equ 0x3800
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

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
