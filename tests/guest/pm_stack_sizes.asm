; pm_stack_sizes.asm -- Glassbox guest test: the stack's address size (SS.B)
; against the operand size.
;
; Switches to 32-bit protected mode and checks POP SS with a 32-bit operand
; on a 16-bit stack loading a 32-bit (B=1) stack segment (the stack pointer
; steps by the old stack's size: SP wraps, ESP[31:16] stays; SDM Vol. 2B
; POP), ENTER with a 32-bit operand on a 16-bit stack (FrameTemp is all of
; ESP; SDM Vol. 2A ENTER), and ENTER's #SS(0) when its final stack pointer
; is outside the stack segment though nothing is stored there (SDM Vol. 2A
; ENTER, Protected Mode Exceptions).  Expected values as test386.asm checks
; them on a real 386.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o pm_stack_sizes.bin pm_stack_sizes.asm
;   -DQEMU_REF  leave out the checks QEMU's TCG does not model (per-access
;               limit and type checks, see AFAULT; ENTER's FrameTemp on a
;               16-bit stack, which QEMU takes from SP alone) for validation
;               on QEMU
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
SEL_S16   equ 0x38              ; data RW, base 0, limit FFFFh, B=0 (16-bit stack)
SEL_ED    equ 0x40              ; expand-down RW, limit 00FFh, B=1
SAVEDESP  equ 0x0580

        DESC    0, 0xFFFF, 0x92, 0x00                   ; 38 S16
        DESC    0, 0x00FF, 0x96, 0x40                   ; 40 ED
gdt_tmpl_end:
GDT_LIMIT equ gdt_tmpl_end - gdt_tmpl - 1

; Back to the flat ring-0 stack saved in SAVEDESP.
%macro FLATSTACK 0
        mov     ax, SEL_DATA0
        mov     ss, ax
        mov     esp, [SAVEDESP]
%endmacro

bits 32
tests:
        mov     [SAVEDESP], esp

        ; POP SS (32-bit operand) from a 16-bit stack at SP FFFCh, loading
        ; the flat B=1 segment: SP wraps to 0, ESP[31:16] stays 2.
        mov     dword [0xFFFC], SEL_DATA0
        mov     ax, SEL_S16
        mov     ss, ax
        mov     esp, 0x2FFFC
        pop     ss
        mov     ebx, esp
        mov     cx, ss
        movzx   ecx, cx
        FLATSTACK
        EQ      ecx, SEL_DATA0, "pop ss: ss loaded"
        EQ      ebx, 0x20000, "pop ss: o32, 16-bit stack, B=1 target: esp"

        ; The same with a 16-bit operand.
        mov     word [0xFFFE], SEL_DATA0
        mov     ax, SEL_S16
        mov     ss, ax
        mov     esp, 0x2FFFE
        o16 pop ss
        mov     ebx, esp
        FLATSTACK
        EQ      ebx, 0x20000, "pop ss: o16, 16-bit stack, B=1 target: esp"

        ; From the 32-bit stack to the 16-bit segment: all of ESP steps.
        mov     dword [0x1FFFC], SEL_S16
        mov     esp, 0x1FFFC
        pop     ss
        mov     ebx, esp
        FLATSTACK
        EQ      ebx, 0x20000, "pop ss: o32, 32-bit stack, B=0 target: esp"

        ; ENTER 8,0 with a 32-bit operand on a 16-bit stack at SP 0.
        mov     ax, SEL_S16
        mov     ss, ax
        mov     esp, 0x10000
        mov     ebp, 0x15678
        enter   8, 0
        mov     ebx, esp
        mov     ecx, ebp
        FLATSTACK
        EQ      ebx, 0x1FFF4, "enter o32 8,0 on a 16-bit stack: esp"
%ifndef QEMU_REF
        EQ      ecx, 0x1FFFC, "enter o32 8,0 on a 16-bit stack: ebp"
%endif
        MEQ     [0xFFFC], 0x15678, "enter o32 8,0 on a 16-bit stack: saved ebp"

        ; ENTER 4,1: the frame pointer pushed is all of ESP too.
        mov     ax, SEL_S16
        mov     ss, ax
        mov     esp, 0x10000
        mov     ebp, 0x15678
        enter   4, 1
        mov     ebx, esp
        mov     ecx, ebp
        FLATSTACK
        EQ      ebx, 0x1FFF4, "enter o32 4,1 on a 16-bit stack: esp"
%ifndef QEMU_REF
        EQ      ecx, 0x1FFFC, "enter o32 4,1 on a 16-bit stack: ebp"
        MEQ     [0xFFF8], 0x1FFFC, "enter o32 4,1 on a 16-bit stack: frame pointer pushed"
%endif

        ; ENTER whose final ESP falls below an expand-down segment's limit:
        ; #SS(0), though its push of EBP at 10FCh is within the segment.
        mov     ax, SEL_ED
        mov     ss, ax
        mov     esp, 0x1100
        mov     ebp, 0x1234
        AFAULT  12, 0, {enter 0x1000, 0}, "enter: final esp below an expand-down limit"
        mov     ecx, ebp
        FLATSTACK
%ifndef QEMU_REF
        EQ      ecx, 0x1234, "enter: a faulting enter keeps ebp"
%endif
        jmp     exit_pass

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
