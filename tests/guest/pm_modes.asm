; pm_modes.asm -- Glassbox guest test: CR0.PE both ways, "unreal" mode and
; 16-bit protected-mode code.
;
; SDM Vol. 3A 10.9.1/10.9.2 (switching to and from protected mode): after
; PE is cleared, the segment caches keep the limits loaded in protected
; mode until reloaded, and a real-mode segment load changes only selector
; and base (Vol. 3A 20.1.1), so a 4 GiB DS limit survives ("unreal mode").
; A code segment with D = 0 runs 16-bit code in protected mode, where 66h
; selects 32-bit operands (Vol. 3A 3.4.5, D/B flag).
;
; Output (lib/report16.inc): "ok <check>" per check on port E9h, then
; "PASS"; the first failing check prints "FAIL <check>" and ends the run.
; Any exception in protected mode triple-faults (the IDT is empty), which
; the runner reports.

%define REPORT16_OK_CS                  ; ok_cs: report a name at CS:SI
%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES

        START16                         ; start: CLI, SS:SP = 0:7000h, AX = 0
        mov     ax, cs
        mov     ds, ax
        ; GDT: null, 32-bit code (base F0000h), flat 4 GiB data, 16-bit code
        ; (base F0000h), 64 KiB data at 0.
        lgdt    [cs:gdt_ptr]
        lidt    [cs:idt_null]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x08:pm32          ; far JMP loads a 32-bit CS

bits 32
pm32:
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, 0x7000
        ; Flat data: write above 1 MiB.
        mov     dword [0x00200000], 0xC0FFEE11
        cmp     dword [0x00200000], 0xC0FFEE11
        jne     fail32
        ; 16-bit code segment: the default operand size is 16 bits.
        jmp     0x18:pm16
bits 16
pm16:
        mov     eax, 0xFFFFFFFF
        mov     ax, 0x1234              ; 16-bit operand: upper half stays
        cmp     eax, 0xFFFF1234
        jne     fail_pm16
        db      0x66                    ; o32 push in 16-bit code
        push    dword 0x89ABCDEF
        cmp     esp, 0x7000 - 4
        jne     fail_pm16
        pop     ebx
        cmp     ebx, 0x89ABCDEF
        jne     fail_pm16
        ; Back to real mode: load a 64 KiB data segment for SS first (as the
        ; SDM's sequence does), keep DS with its 4 GiB limit, clear PE.
        mov     ax, 0x20
        mov     ss, ax
        mov     eax, cr0
        and     al, 0xFE
        mov     cr0, eax
        jmp     0xF000:real_again       ; reloads CS with base F0000h
real_again:
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     si, msg_pm
        call    ok_cs
        ; Unreal: DS's cache still has the 4 GiB limit. Load DS = 0 in real
        ; mode (only the base changes) and read above 1 MiB via 67h.
        xor     ax, ax
        mov     ds, ax
        mov     eax, [dword 0x00200000]
        cmp     eax, 0xC0FFEE11
        mov     ax, cs
        mov     ds, ax
        CHECK   "unreal mode: 4 GiB DS limit survives PE=0 and a real-mode reload"
        ; Real-mode segment arithmetic again: CS base = F000h << 4.
        call    here
here:   pop     ax
        cmp     ax, here
        CHECK   "real mode after PE=0: CS base is selector << 4"
        mov     eax, cr0
        test    al, 1
        CHECK   "CR0.PE reads 0"
        PASS

fail_pm16:
        ; Still in 16-bit protected mode: DS is the flat data segment.
        mov     ax, 0x10
        mov     ds, ax
        mov     esi, 0xF0000 + msg_pm16
        jmp     fail_flat16
fail_flat16:
        mov     al, [esi]
        test    al, al
        jz      .end
        out     0xE9, al
        inc     esi
        jmp     fail_flat16
.end:   mov     al, 10
        out     0xE9, al
        mov     al, 1
        out     0xF4, al
        hlt

bits 32
fail32:
        mov     esi, 0xF0000 + msg_pm32
.l:     mov     al, [esi]
        test    al, al
        jz      .e
        out     0xE9, al
        inc     esi
        jmp     .l
.e:     mov     al, 10
        out     0xE9, al
        mov     al, 1
        out     0xF4, al
        hlt
bits 16

        REPORT16_ROUTINES
msg_pm:   db "protected mode entered and left (32-bit and 16-bit code segments)", 0
msg_pm16: db "FAIL 16-bit protected-mode code segment", 0
msg_pm32: db "FAIL flat 32-bit data segment", 0

align 8
gdt:
        dq      0
        ; 0x08: 32-bit code, base F0000h, limit FFFFh, DPL0, execute/read
        dw      0xFFFF, 0x0000
        db      0x0F, 0x9A, 0x40, 0x00
        ; 0x10: flat data, base 0, limit 4 GiB (G=1), read/write, B=1
        dw      0xFFFF, 0x0000
        db      0x00, 0x92, 0xCF, 0x00
        ; 0x18: 16-bit code, base F0000h, limit FFFFh
        dw      0xFFFF, 0x0000
        db      0x0F, 0x9A, 0x00, 0x00
        ; 0x20: 16-bit data, base 0, limit FFFFh (real-mode-like SS)
        dw      0xFFFF, 0x0000
        db      0x00, 0x92, 0x00, 0x00
gdt_end:
gdt_ptr:  dw gdt_end - gdt - 1
          dd 0xF0000 + gdt
idt_null: dw 0
          dd 0

        RESET_VECTOR 0
