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
;   Last, IA32_APIC_BASE: the registers move with the base (10.4.4), and the
;   global disable leaves a processor without an APIC (CPUID.1:EDX.9 clear,
;   the 8259 straight to INTR) that a P6 cannot re-enable (10.4.3).
;
; Build: nasm -f bin -i lib/ -o apic.bin apic.asm
;   -DQEMU_REF  only the version's low byte (QEMU's APIC has six LVT entries),
;               LINT0 set to ExtINT by the program (QEMU resets it masked),
;               only the I/O APIC's entry count (QEMU's is version 20h), and
;               the PIT on pin 2 (QEMU's IRQ 0 override); no relocation of
;               APIC_BASE, no #GP for its reserved bits, no P6 re-enable rule, and the 8259 not rerouted to
;               INTR when the APIC is disabled with its INT already high
;
; Output (lib/report16.inc): "ok <check>" per check on port E9h, then
; "PASS"; the first failing check prints "FAIL <check>" and ends the run.

%define REPORT16_FAIL_CLI               ; fail: CLI before HLT
%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES
%include "isa.inc"
%include "unreal16.inc"                ; UNREAL_FS, UNREAL_GDT                      ; PIC8259_INIT, PIC_EOI, PIT_1KHZ, OUTB

TICKS   equ 0x0500                      ; word: interrupts counted by the handlers
GPS     equ 0x0502                      ; word: #GP faults taken (and skipped)
LAPIC   equ 0xFEE00000
%ifdef QEMU_REF
PITPIN  equ 2                           ; QEMU wires ISA IRQ 0 to pin 2
%else
PITPIN  equ 0                           ; ISA IRQ n on pin n (SeaBIOS's MP table)
%endif
IOAPIC  equ 0xFEC00000

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

%macro WAIT_TICKS 1                     ; STI; HLT until TICKS >= %1; CLI
        sti
%%wait: hlt
        cmp     word [es:TICKS], %1
        jb      %%wait
        cli
%endmacro

        START16                         ; start: CLI, SS:SP = 0:7000h, AX = 0
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        UNREAL_FS                       ; FS: base 0, limit 4 GiB
        mov     word [es:TICKS], 0
        mov     word [es:0x08*4], irq_pic
        mov     word [es:0x08*4+2], 0xF000
        mov     word [es:0x40*4], irq_apic
        mov     word [es:0x40*4+2], 0xF000
        mov     word [es:0x41*4], irq_apic
        mov     word [es:0x41*4+2], 0xF000
        mov     word [es:0x45*4], irq_apic
        mov     word [es:0x45*4+2], 0xF000
        mov     word [es:0x0D*4], gp_skip       ; #GP (IRQ 5 stays masked)
        mov     word [es:0x0D*4+2], 0xF000

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
%ifdef QEMU_REF
        and     eax, 0xFF                ; QEMU has six LVT entries (50014h)
        cmp     eax, 0x14
%else
        cmp     eax, 0x00040014
%endif
        CHECK   "version 14h with five LVT entries"
        LAPIC_RD 0xF0
        cmp     eax, 0xFF
        CHECK   "SVR FFh at reset: software-disabled"
%ifdef QEMU_REF
        LAPIC_WR 0x350, 0x700           ; QEMU resets LINT0 masked: set virtual wire
%else
        LAPIC_RD 0x350
        cmp     eax, 0x700
        CHECK   "LINT0 is ExtINT, unmasked (virtual wire)"
%endif
        LAPIC_RD 0x320
        cmp     eax, 0x10000
        CHECK   "LVT timer masked at reset"
        IOAPIC_RD 1
%ifdef QEMU_REF
        and     eax, 0x00FF0000          ; QEMU's I/O APIC is version 20h
        cmp     eax, 0x00170000
%else
        cmp     eax, 0x00170011
%endif
        CHECK   "I/O APIC version 11h, 24 entries"
        IOAPIC_RD 0x10
        cmp     eax, 0x10000
        CHECK   "I/O APIC entry 0 masked at reset"

        ; The 8259 (IRQ0 -> vector 08h) and PIT counter 0 at about 1 kHz.
        PIC8259_INIT 0x20, 0x08, 0x04, 0xFE     ; master: IRQ0 only
        PIT_1KHZ
        WAIT_TICKS 3
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
        IOAPIC_WR 0x11 + 2*PITPIN, 0
        IOAPIC_WR 0x10 + 2*PITPIN, 0x40
        mov     word [es:TICKS], 0
        WAIT_TICKS 5
        cmp     word [es:TICKS], 5
        CHECK   "PIT IRQ0 through I/O APIC pin 0 as vector 40h"
        LAPIC_RD 0x120                  ; ISR bits 63-32
        cmp     eax, 0
        CHECK   "EOI cleared the in-service bit"

        ; TPR 50h: class 4 is held in IRR while interrupts are enabled.
        LAPIC_WR 0x80, 0x50
        mov     word [es:TICKS], 0
        sti
%ifdef QEMU_REF
        mov     ecx, 50000000           ; QEMU runs on the host clock: longer
%else
        mov     ecx, 600000             ; about 6 PIT periods
%endif
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
        IOAPIC_WR 0x10 + 2*PITPIN, 0x10040 ; mask the pin again

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
        WAIT_TICKS 1
        LAPIC_RD 0x390
        cmp     eax, 0
        CHECK   "one-shot timer fired; current count 0"
        ; Periodic, divide by 16 (0011b), 200 clocks: three interrupts.
        LAPIC_WR 0x3E0, 0x03
        LAPIC_WR 0x320, 0x20041
        mov     word [es:TICKS], 0
        LAPIC_WR 0x380, 200
        WAIT_TICKS 3
        LAPIC_WR 0x380, 0               ; a zero initial count stops it
        cmp     word [es:TICKS], 3      ; at least 3: one more may come before CLI
        setae   al
        cmp     al, 1
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

%ifndef QEMU_REF
        ; IA32_APIC_BASE moves the registers (QEMU does not relocate them).
        mov     ecx, 0x1B
        mov     eax, 0xFED00900
        xor     edx, edx
        wrmsr
        mov     eax, [fs:dword 0xFED00030]
        cmp     eax, 0x00040014
        CHECK   "IA32_APIC_BASE = FED00900h moves the registers there"
        LAPIC_RD 0x30
        cmp     eax, 0xFFFFFFFF
        CHECK   "and leaves nothing at FEE00000h"
        mov     eax, 0xFEE00900
        wrmsr
        LAPIC_RD 0x30
        cmp     eax, 0x00040014
        CHECK   "back at FEE00000h"
%endif
%ifndef QEMU_REF
        ; Reserved bits of IA32_APIC_BASE: #GP(0), the MSR unchanged.
        mov     word [es:GPS], 0
        mov     ecx, 0x1B
        mov     eax, 0xFEE00901         ; bit 0 reserved
        xor     edx, edx
        wrmsr
        mov     eax, 0xFEE00900
        mov     edx, 0x10               ; bit 36: above the physical address width
        wrmsr
        cmp     word [es:GPS], 2
        CHECK   "reserved IA32_APIC_BASE bits raise #GP"
        rdmsr
        cmp     eax, 0xFEE00900
        CHECK   "and leave it unchanged"
%endif
        ; Global disable (IA32_APIC_BASE bit 11 clear, SDM Vol. 3A 10.4.3): a
        ; processor without an APIC. The 8259 drives INTR itself although
        ; LINT0 was left masked.
        mov     ecx, 0x1B
        rdmsr
        and     eax, ~0x800
        wrmsr
        mov     eax, 1
        cpuid
        test    edx, 1 << 9
        CHECK   "CPUID.1:EDX.9 clear once the APIC is globally disabled"
%ifndef QEMU_REF
        PIT_1KHZ
        mov     al, 0xFE
        out     0x21, al
        mov     word [es:TICKS], 0
        WAIT_TICKS 3
        cmp     word [es:TICKS], 3
        CHECK   "8259 IRQ0 straight to INTR"
        mov     ecx, 0x1B
        rdmsr
        or      eax, 0x800
        wrmsr
        rdmsr
        test    eax, 0x800
        CHECK   "P6: the APIC stays disabled until reset"
%endif

        PASS

irq_pic:
        inc     word [es:TICKS]
        push    ax
        PIC_EOI 0x20                    ; non-specific EOI to the 8259
        pop     ax
        iret

gp_skip:                                ; #GP from WRMSR (0F 30): resume after it
        push    bp
        mov     bp, sp
        add     word [bp+2], 2
        pop     bp
        inc     word [es:GPS]
        iret

irq_apic:
        inc     word [es:TICKS]
        mov     dword [fs:dword LAPIC + 0xB0], 0    ; EOI
        iret

        REPORT16_ROUTINES

align 8
        UNREAL_GDT

        RESET_VECTOR 0
