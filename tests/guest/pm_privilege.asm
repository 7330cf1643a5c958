; pm_privilege.asm -- Glassbox guest test: privilege levels and gates.
;
; A TSS with SS0:ESP0 (LTR, SDM Vol. 3A 7.2); IRETD to ring 3 with SS:ESP
; (Vol. 2A IRET); INT from ring 3 through a DPL3 trap gate with a stack
; switch (6.12.1, figure 6-4); INT through a DPL0 gate -> #GP(vector*8+2)
; (6.12.1.1, 6.13); privileged instructions at CPL3 -> #GP(0) (5.9);
; PUSHF/POPF at CPL3 with IOPL=0 (Vol. 2B POPF); IN/OUT checked against the
; TSS I/O permission bitmap (Vol. 1 19.5); a call gate with 2 parameters and
; RETF back to ring 3 with DS nulled (5.8.5, 5.8.6); a conforming code
; segment (5.8.1.2); #DF from a #GP through a not-present gate (6.15
; interrupt 8); IRETD to the same level.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check> got=.. expected=.." and 1 to port 0xF4.
; Any exception that is not expected: "FAIL unexpected exception vector N".
;
; Build: nasm -f bin -o pm_privilege.bin pm_privilege.asm
;   (-DKEEPGOING: report every failing check instead of stopping)

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
SEL_CONF   equ 0x38             ; conforming code, DPL0, base F0000h
SEL_CGATE  equ 0x40             ; 32-bit call gate, DPL3, 2 parameters
SEL_CGATE0 equ 0x48             ; 32-bit call gate, DPL0
SEL_GATEDPL3_TO3 equ 0x50       ; (unused slot)
H_ESP   equ 0x0580              ; handler: ESP on entry
H_CS    equ 0x0584              ; handler: CS on entry
H_FRAME equ 0x0590              ; handler: 8 dwords from the stack
SAVESP  equ 0x05C0
IOBUF   equ 0x05C4

        DESC    0xF0000, 0xFFFF, 0x9E, 0x40             ; 38 conforming
        dw      cg_fn, SEL_CODE0, 0xEC02, 0             ; 40 call gate DPL3
        dw      cg_fn, SEL_CODE0, 0x8C00, 0             ; 48 call gate DPL0
        dq      0                                       ; 50
gdt_tmpl_end:
GDT_LIMIT equ gdt_tmpl_end - gdt_tmpl - 1

bits 32
; INT 40h handler (trap gate, DPL3, target CPL0): record what it sees
int40_h:
        mov     [ss:H_ESP], esp
        push    eax
        push    ecx
        mov     ax, cs
        movzx   eax, ax
        mov     [ss:H_CS], eax
        xor     ecx, ecx
.c:     mov     eax, [esp+8+ecx*4]
        mov     [ss:H_FRAME+ecx*4], eax
        inc     ecx
        cmp     ecx, 8
        jb      .c
        pop     ecx
        pop     eax
        iretd

; call-gate target (CPL0): record the inner stack, load DS with a DPL0
; segment, return with RETF 8 (pops the two copied parameters)
cg_fn:  mov     [ss:H_ESP], esp
        push    eax
        push    ecx
        mov     ax, cs
        movzx   eax, ax
        mov     [ss:H_CS], eax
        xor     ecx, ecx
.c:     mov     eax, [esp+8+ecx*4]
        mov     [ss:H_FRAME+ecx*4], eax
        inc     ecx
        cmp     ecx, 8
        jb      .c
        mov     ax, SEL_DATA0
        mov     ds, ax
        pop     ecx
        pop     eax
        retf    8

; conforming code: runs at the caller's CPL (SDM 5.8.1.2)
conf_fn:
        mov     [ss:H_ESP], esp
        push    eax
        mov     ax, cs
        movzx   eax, ax
        mov     [ss:H_CS], eax
        pop     eax
        retf

tests:
        SETGATE 0x40, int40_h, SEL_CODE0, 0xEF          ; trap gate DPL3
        SETGATE 0x41, int40_h, SEL_CODE0, 0x8E          ; interrupt gate DPL0
        mov     eax, 0x80
        btr     [IOMAP], eax                            ; port 80h allowed

; --- IRET to the same privilege level (SDM Vol. 2A IRET: "return to same
;     privilege level" pops EIP, CS, EFLAGS only)
        mov     [SAVESP], esp
        pushfd
        push    dword SEL_CODE0
        push    dword iret0_ok
        iretd
        jmp     iret0_bad
iret0_bad:
        mov     esi, s_iret0
        jmp     report_fail
s_iret0: db "iretd to the same level did not reach its target", 0
iret0_ok:
        mov     eax, [SAVESP]
        EQ      esp, eax, "iretd same level: 12-byte frame popped"

; --- #DF: #GP whose gate is not present -> #NP (contributory) -> #DF
;     (SDM 6.15 interrupt 8, table 6-5: contributory + contributory)
        and     byte [IDT+13*8+5], 0x7F                 ; gate 13 not present
        mov     bx, 0x1238                              ; beyond the GDT
        ARM     df_res
        mov     ds, bx
        NOEXC   "#DF"
df_res: or      byte [IDT+13*8+5], 0x80
        EXPECT  8, 0, "#GP through a not-present gate -> #DF, error code 0"

; --- to CPL3 by IRET with SS:ESP on the stack (SDM Vol. 2A IRET,
;     "return to outer privilege level"); IOPL=0, IF=1
        RING3   F_IF
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "iretd to ring 3: cs"
        mov     ax, ss
        movzx   eax, ax
        EQ      eax, SEL_DATA3|3, "iretd to ring 3: ss"
        EQ      esp, R3STACK, "iretd to ring 3: esp"
        pushfd
        pop     eax
        and     eax, F_IF|F_IOPL3
        EQ      eax, F_IF, "iretd to ring 3: IF=1 IOPL=0"

; --- INT through a DPL3 trap gate to CPL0: stack switch to SS0:ESP0 from
;     the TSS, frame SS, ESP, EFLAGS, CS, EIP (SDM 6.12.1, figure 6-4)
        mov     [ss:SAVESP], esp
        int     0x40
int40_ret:
        mov     eax, [ss:TSS+4]
        sub     eax, 20
        MEQ     [H_ESP], eax, "int 40h: ring-0 esp = ESP0 - 20"
        MEQ     [H_CS], SEL_CODE0, "int 40h: handler cs"
        MEQ     [H_FRAME], int40_ret, "int 40h: pushed eip"
        MEQ     [H_FRAME+4], SEL_CODE3|3, "int 40h: pushed cs"
        mov     eax, [H_FRAME+8]
        and     eax, F_IF|F_IOPL3|F_VM
        EQ      eax, F_IF, "int 40h: pushed eflags"
        mov     ebx, [SAVESP]
        MEQ     [H_FRAME+12], ebx, "int 40h: pushed esp"
        MEQ     [H_FRAME+16], SEL_DATA3|3, "int 40h: pushed ss"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "int 40h: back at ring 3"

; --- INT through a DPL0 gate from CPL3 -> #GP(vector*8+2) (SDM 6.12.1.1;
;     error code IDT bit, SDM 6.13); the #GP frame has the error code
        FAULT   13, 0x41*8+2, {int 0x41}, "cpl3: int 41h (DPL0 gate) #GP(20Ah)"
        mov     eax, [ss:TSS+4]
        sub     eax, 20
        MEQ     [LASTESP0], eax, "#GP from ring 3: error code below the 5-dword frame"
        MEQ     [LASTCS], SEL_CODE3|3, "#GP from ring 3: pushed cs"
        FAULT   13, 0x0D*8+2, {int 0x0D}, "cpl3: int 0Dh (DPL0 gate) #GP(6Ah)"

; --- privileged instructions at CPL3 -> #GP(0) (SDM 5.9)
        FAULT   13, 0, {hlt}, "cpl3: hlt #GP(0)"
        FAULT   13, 0, {cli}, "cpl3: cli with IOPL=0 #GP(0)"
        FAULT   13, 0, {sti}, "cpl3: sti with IOPL=0 #GP(0)"
        FAULT   13, 0, {mov eax, cr0}, "cpl3: mov eax, cr0 #GP(0)"
        FAULT   13, 0, {mov cr0, eax}, "cpl3: mov cr0, eax #GP(0)"
        FAULT   13, 0, {lgdt [IOBUF]}, "cpl3: lgdt #GP(0)"
        FAULT   13, 0, {lidt [IOBUF]}, "cpl3: lidt #GP(0)"
        FAULT   13, 0, {lldt ax}, "cpl3: lldt #GP(0)"
        FAULT   13, 0, {ltr ax}, "cpl3: ltr #GP(0)"
        FAULT   13, 0, {clts}, "cpl3: clts #GP(0)"
        FAULT   13, 0, {lmsw ax}, "cpl3: lmsw #GP(0)"
        FAULT   13, 0, {invd}, "cpl3: invd #GP(0)"
        pushfd
        pop     eax
        and     eax, F_IF
        EQ      eax, F_IF, "cpl3: IF still set after the faulting cli"

; --- PUSHF/POPF at CPL3, IOPL0: no fault; POPF leaves IF and IOPL alone
;     (SDM Vol. 2B POPF, table "effect of POPF on EFLAGS")
        push    dword 0x3002 | F_CF                     ; IOPL=3, IF=0, CF=1
        popfd                           ; (a fault would be "unexpected")
        pushfd
        pop     eax
        and     eax, F_IF|F_IOPL3|F_CF
        EQ      eax, F_IF|F_CF, "cpl3: popfd keeps IF and IOPL, sets CF"
        push    word 0x0002
        popf
        pushf
        pop     ax
        movzx   eax, ax
        and     eax, F_IF|F_IOPL3|F_CF
        EQ      eax, F_IF, "cpl3: popf clears CF, keeps IF"

; --- I/O at CPL3 with IOPL0: the TSS I/O permission bitmap decides
;     (SDM Vol. 1 19.5.2); ports E9h, F4h and 80h are allowed
        mov     al, 0x42
        NOFAULT {out 0x80, al}, "cpl3: out 80h allowed by the bitmap"
        NOFAULT {in al, 0x80}, "cpl3: in 80h allowed by the bitmap"
        mov     dx, 0x80
        NOFAULT {out dx, al}, "cpl3: out dx=80h allowed"
        FAULT   13, 0, {out 0x84, al}, "cpl3: out 84h denied #GP(0)"
        FAULT   13, 0, {in al, 0x84}, "cpl3: in 84h denied #GP(0)"
        FAULT   13, 0, {out dx, ax}, "cpl3: out dx=80h word (81h denied) #GP(0)"
        mov     dx, 0x1234
        FAULT   13, 0, {in al, dx}, "cpl3: port beyond the TSS limit #GP(0)"
        FAULT   13, 0, {insb}, "cpl3: insb denied #GP(0)"

; --- call gate with 2 parameters, CPL3 -> CPL0 (SDM 5.8.5, figure 5-13):
;     inner stack = EIP, CS, param1..2, ESP, SS; RETF 8 back to CPL3
        mov     ax, SEL_DATA3|3
        mov     es, ax
        mov     [SAVESP], esp
        push    dword 0x1111
        push    dword 0x2222
        call    SEL_CGATE|3:0xDEAD                      ; offset ignored
cg_ret:
        mov     bx, ds
        mov     ax, SEL_DATA3|3
        mov     ds, ax
        movzx   ebx, bx
        EQ      ebx, 0, "call gate: DS (DPL0) nulled by the return to ring 3"
        mov     bx, es
        movzx   ebx, bx
        EQ      ebx, SEL_DATA3|3, "call gate: ES (DPL3) kept"
        mov     eax, [SAVESP]
        EQ      esp, eax, "call gate: retf 8 popped the parameters"
        mov     eax, [ss:TSS+4]
        sub     eax, 24
        MEQ     [H_ESP], eax, "call gate: inner esp = ESP0 - 24"
        MEQ     [H_CS], SEL_CODE0, "call gate: cs at CPL0"
        MEQ     [H_FRAME], cg_ret, "call gate: pushed eip"
        MEQ     [H_FRAME+4], SEL_CODE3|3, "call gate: pushed cs"
        MEQ     [H_FRAME+8], 0x2222, "call gate: parameter at [esp+8]"
        MEQ     [H_FRAME+12], 0x1111, "call gate: parameter at [esp+12]"
        mov     eax, [SAVESP]
        sub     eax, 8
        MEQ     [H_FRAME+16], eax, "call gate: pushed outer esp"
        MEQ     [H_FRAME+20], SEL_DATA3|3, "call gate: pushed outer ss"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "call gate: back at ring 3"

        FAULT   13, SEL_CGATE0, {call SEL_CGATE0|3:0}, "cpl3: call through DPL0 call gate #GP(sel)"
        FAULT   13, SEL_CODE0, {call SEL_CODE0:conf_fn}, "cpl3: far call to DPL0 non-conforming code #GP(sel)"

; --- conforming code from CPL3: no privilege change, CPL stays 3
;     (SDM 5.8.1.2); CS.RPL = CPL
        mov     [SAVESP], esp
        call    SEL_CONF:conf_fn
        mov     eax, [SAVESP]
        sub     eax, 8
        MEQ     [H_ESP], eax, "conforming call: same stack"
        MEQ     [H_CS], SEL_CONF|3, "conforming call: cs = SEL|3 (CPL 3)"
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE3|3, "conforming call: retf to ring 3"

; --- IRET to the same level at CPL3
        pushfd
        push    dword SEL_CODE3|3
        push    dword iret3_ok
        iretd
        mov     esi, s_iret3
        jmp     report_fail
s_iret3: db "iretd at ring 3 did not reach its target", 0
iret3_ok:
        mov     eax, [SAVESP]
        EQ      esp, eax, "iretd same level at ring 3"

        RING0
        mov     ax, cs
        movzx   eax, ax
        EQ      eax, SEL_CODE0, "back at ring 0"
        cli
        jmp     exit_pass

; ---------------------------------------------------------------------------
; Reset vector
; ---------------------------------------------------------------------------
bits 16
        times 0xFFF0-($-$$) db 0xFF
reset:  jmp     0xF000:start
        times 0x10000-($-$$) db 0xFF
