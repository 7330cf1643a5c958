; apic.asm -- Glassbox guest test: the local APIC and the I/O APIC of the
; default (P6) model, from real mode with FS reaching 4 GiB ("unreal" mode:
; a flat descriptor loaded in protected mode keeps its limit back in real
; mode, SDM Vol. 3A 9.9.2 and 3.4.3).
;
; Checks, with the registers of SDM Vol. 3A chapter 10 and the 82093AA
; datasheet:
;   CPUID.1:EDX.9 (APIC), IA32_APIC_BASE = FEE00900h (BSP, enabled,
;   SDM Vol. 3A 10.4.4), the version register, the reset LVT state with
;   LINT0 as ExtINT (virtual wire: the 8259's IRQ0 reaches the CPU with the
;   APIC software-disabled), the I/O APIC's version and masked entries;
;   then, the APIC enabled through SVR: PIT IRQ0 routed by I/O APIC pin 0 to
;   vector 40h with the 8259 masked, TPR holding it off in IRR (10.8.3.1),
;   the EOI clearing ISR, the LVT timer one-shot (current count 0 after)
;   and periodic with the divide register (10.5.4), a self IPI (10.6.1).
;   The one-shot expires in the HLT waiting for it with no other device
;   event armed: the machine wakes the CPU rather than ending the run.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check>" and 1 to port 0xF4.

bits 16
org 0

TICKS   equ 0x0500                      ; word: interrupts counted by the handlers
LAPIC   equ 0xFEE00000
IOAPIC  equ 0xFEC00000

%macro CHECK 1                          ; passes if ZF = 1
        jne     %%bad
        mov     si, %%msg
        call    ok
        jmp     %%done
%%bad:  mov     si, %%msg
        jmp     fail
%%msg:  db      %1, 0
%%done:
%endmacro

%macro LAPIC_RD 1                       ; EAX = local APIC register %1
        mov     eax, [fs:dword LAPIC + %1]
%endmacro
%macro LAPIC_WR 2                       ; local APIC register %1 = %2
        mov     dword [fs:dword LAPIC + %1], %2
%endmacro
%macro IOAPIC_RD 1                      ; EAX = I/O APIC register %1
        mov     dword [fs:dword IOAPIC], %1
        mov     eax, [fs:dword IOAPIC + 0x10]
%endmacro
%macro IOAPIC_WR 2
        mov     dword [fs:dword IOAPIC], %1
        mov     dword [fs:dword IOAPIC + 0x10], %2
%endmacro

start:
        cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        ; FS: base 0, limit 4 GiB, through a protected-mode load.
        lgdt    [gdt_ptr]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        mov     bx, 0x08
        mov     fs, bx
        and     al, 0xFE
        mov     cr0, eax
        xor     ax, ax
        mov     fs, ax                  ; base 0 again; the limit stays 4 GiB
        mov     word [es:TICKS], 0
        mov     word [es:0x08*4], irq_pic
        mov     word [es:0x08*4+2], 0xF000
        mov     word [es:0x40*4], irq_apic
        mov     word [es:0x40*4+2], 0xF000
        mov     word [es:0x41*4], irq_apic
        mov     word [es:0x41*4+2], 0xF000
        mov     word [es:0x45*4], irq_apic
        mov     word [es:0x45*4+2], 0xF000

        mov     eax, 1
        cpuid
        test    edx, 1 << 9
        setz    al
        cmp     al, 0
        CHECK   "CPUID.1:EDX.9 reports the local APIC"
        mov     ecx, 0x1B
        rdmsr
        cmp     eax, 0xFEE00900
        CHECK   "IA32_APIC_BASE is FEE00900h: BSP, enabled, default base"
        LAPIC_RD 0x30
        cmp     eax, 0x00040014
        CHECK   "version 14h with five LVT entries"
        LAPIC_RD 0xF0
        cmp     eax, 0xFF
        CHECK   "SVR FFh at reset: software-disabled"
        LAPIC_RD 0x350
        cmp     eax, 0x700
        CHECK   "LINT0 is ExtINT, unmasked (virtual wire)"
        LAPIC_RD 0x320
        cmp     eax, 0x10000
        CHECK   "LVT timer masked at reset"
        IOAPIC_RD 1
        cmp     eax, 0x00170011
        CHECK   "I/O APIC version 11h, 24 entries"
        IOAPIC_RD 0x10
        cmp     eax, 0x10000
        CHECK   "I/O APIC entry 0 masked at reset"

        ; The 8259 (IRQ0 -> vector 08h) and PIT counter 0 at about 1 kHz.
        mov     al, 0x11
        out     0x20, al
        mov     al, 0x08
        out     0x21, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x01
        out     0x21, al
        mov     al, 0xFE
        out     0x21, al
        mov     al, 0x34
        out     0x43, al
        mov     ax, 1193
        out     0x40, al
        mov     al, ah
        out     0x40, al
        sti
.vw:    hlt
        cmp     word [es:TICKS], 3
        jb      .vw
        cli
        cmp     word [es:TICKS], 3
        CHECK   "8259 IRQ0 through LINT0 with the APIC software-disabled"

        ; Enable the APIC (spurious vector FFh); mask the 8259 and LINT0;
        ; I/O APIC pin 0 -> vector 40h, fixed, edge, physical APIC ID 0.
        LAPIC_WR 0xF0, 0x1FF
        LAPIC_RD 0xF0
        cmp     eax, 0x1FF
        CHECK   "SVR enable bit set"
        mov     al, 0xFF
        out     0x21, al
        LAPIC_WR 0x350, 0x10700
        IOAPIC_WR 0x11, 0
        IOAPIC_WR 0x10, 0x40
        mov     word [es:TICKS], 0
        sti
.io:    hlt
        cmp     word [es:TICKS], 5
        jb      .io
        cli
        cmp     word [es:TICKS], 5
        CHECK   "PIT IRQ0 through I/O APIC pin 0 as vector 40h"
        LAPIC_RD 0x120                  ; ISR bits 63-32
        cmp     eax, 0
        CHECK   "EOI cleared the in-service bit"

        ; TPR 50h: class 4 is held in IRR while interrupts are enabled.
        LAPIC_WR 0x80, 0x50
        mov     word [es:TICKS], 0
        sti
        mov     ecx, 600000             ; about 6 PIT periods
.spin:  dec     ecx
        jnz     .spin
        cli
        cmp     word [es:TICKS], 0
        CHECK   "TPR 50h holds vector 40h off"
        LAPIC_RD 0x220                  ; IRR bits 63-32
        and     eax, 1
        cmp     eax, 1
        CHECK   "vector 40h waits in IRR"
        LAPIC_RD 0xA0
        cmp     eax, 0x50
        CHECK   "PPR follows TPR"
        LAPIC_WR 0x80, 0
        sti
        nop
        cli
        cmp     word [es:TICKS], 1
        CHECK   "TPR 0 lets the waiting vector through"
        IOAPIC_WR 0x10, 0x10040         ; mask pin 0 again

        ; Quiet the PIT (mode 0, count 1: one edge, then none), so that the
        ; APIC timer is the only event left.
        mov     al, 0x30
        out     0x43, al
        mov     al, 1
        out     0x40, al
        xor     al, al
        out     0x40, al
        mov     ecx, 1000
.quiet: dec     ecx
        jnz     .quiet
        ; LVT timer one-shot: vector 41h, divide by 1, one bus clock: it
        ; expires during the HLT that waits for it, so the machine must wake
        ; the CPU although nothing else is armed.
        LAPIC_WR 0x3E0, 0x0B
        LAPIC_WR 0x320, 0x41
        mov     word [es:TICKS], 0
        LAPIC_WR 0x380, 1
        sti
.os:    hlt
        cmp     word [es:TICKS], 1
        jb      .os
        cli
        LAPIC_RD 0x390
        cmp     eax, 0
        CHECK   "one-shot timer fired; current count 0"
        ; Periodic, divide by 16 (0011b), 200 clocks: three interrupts.
        LAPIC_WR 0x3E0, 0x03
        LAPIC_WR 0x320, 0x20041
        mov     word [es:TICKS], 0
        LAPIC_WR 0x380, 200
        sti
.per:   hlt
        cmp     word [es:TICKS], 3
        jb      .per
        cli
        LAPIC_WR 0x380, 0               ; a zero initial count stops it
        cmp     word [es:TICKS], 3
        CHECK   "periodic timer interrupts repeat"
        LAPIC_RD 0x3E0
        cmp     eax, 0x03
        CHECK   "divide configuration reads back"

        ; Self IPI through the ICR: shorthand 01 (self), fixed, vector 45h.
        mov     word [es:TICKS], 0
        LAPIC_WR 0x300, 0x40045
        sti
        nop
        cli
        cmp     word [es:TICKS], 1
        CHECK   "self IPI delivered"

        mov     si, pass_msg
        call    puts
        mov     al, 0
        out     0xF4, al
        hlt

irq_pic:
        inc     word [es:TICKS]
        push    ax
        mov     al, 0x20                ; non-specific EOI to the 8259
        out     0x20, al
        pop     ax
        iret

irq_apic:
        inc     word [es:TICKS]
        mov     dword [fs:dword LAPIC + 0xB0], 0    ; EOI
        iret

ok:     push    si
        mov     si, ok_msg
        call    puts
        pop     si
        call    puts
        mov     al, 10
        out     0xE9, al
        ret
fail:   push    si
        mov     si, fail_msg
        call    puts
        pop     si
        call    puts
        mov     al, 10
        out     0xE9, al
        mov     al, 1
        out     0xF4, al
        cli
        hlt
puts:   lodsb
        test    al, al
        jz      .done
        out     0xE9, al
        jmp     puts
.done:  ret

ok_msg:   db "ok ", 0
fail_msg: db "FAIL ", 0
pass_msg: db "PASS", 10, 0

align 8
gdt:    dq 0
        dq 0x00CF92000000FFFF           ; flat data: base 0, limit 4 GiB
gdt_ptr:
        dw 15
        dd 0xF0000 + gdt

        times 0xFFF0 - ($ - $$) db 0
reset:  jmp     0xF000:start
        times 0x10000 - ($ - $$) db 0
