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
; Build: nasm -f bin -i lib/ -o pm_stack_sizes.bin pm_stack_sizes.asm
;   -DQEMU_REF  leave out the checks QEMU's TCG does not model (per-access
;               limit and type checks, see AFAULT; ENTER's FrameTemp on a
;               16-bit stack, which QEMU takes from SP alone) for validation
;               on QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first

%include "harness32.inc"            ; start: protected-mode set-up, then jmp tests

        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
SEL_S16   equ 0x38              ; data RW, base 0, limit FFFFh, B=0 (16-bit stack)
SEL_ED    equ 0x40              ; expand-down RW, limit 00FFh, B=1
SAVEDESP  equ 0x0580

        DESC    0, 0xFFFF, 0x92, 0x00                   ; 38 S16
        DESC    0, 0x00FF, 0x96, 0x40                   ; 40 ED
        GDT_END

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

        RESET_VECTOR
