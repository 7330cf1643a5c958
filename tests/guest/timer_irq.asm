; timer_irq.asm -- Glassbox guest test: the 8254 PIT interrupting through the
; 8259A PIC in real mode, waking HLT.
; PIC: ICW1-ICW4 as a PC BIOS programs them (8259A datasheet, "Initialization
; Command Words"), IRQ0 -> vector 08h, non-specific EOI (OCW2 = 20h).
; PIT: counter 0, mode 2, divisor 1193 (about 1 kHz; 8254 datasheet, mode 2
; "rate generator"). The read-back status of counter 0 reports mode 2.
; Reference: qemu-system-i386 -M isapc (the pc machine's local APIC keeps
; LINT0 masked until a BIOS programs it, so PIC interrupts never arrive).
;
; Output (lib/report16.inc): "ok <check>" per check on port E9h, then
; "PASS"; the first failing check prints "FAIL <check>" and ends the run.

%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES
%include "isa.inc"                      ; PIC8259_INIT, PIC_EOI, PIT_1KHZ, OUTB

TICKS   equ 0x0500                      ; word: IRQ0 count

        START16                         ; start: CLI, SS:SP = 0:7000h, AX = 0
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     word [es:TICKS], 0
        mov     word [es:8*4], irq0     ; IVT[08h] = F000:irq0
        mov     word [es:8*4+2], 0xF000
        ; PIC master: ICW1 (edge, cascade, ICW4), ICW2 = 08h, ICW3 = 04h
        ; (slave on IR2), ICW4 = 8086; IMR: IRQ0 only.
        PIC8259_INIT 0x20, 0x08, 0x04, 0xFE
        ; Slave: vectors from 70h, ID 2, everything masked.
        PIC8259_INIT 0xA0, 0x70, 0x02, 0xFF
        in      al, 0x21
        cmp     al, 0xFE
        CHECK   "PIC IMR reads back"
        PIT_1KHZ                        ; counter 0: mode 2, LSB then MSB, divisor 1193
        ; Read-back status of counter 0: bits 3-1 = mode 2, bits 5-4 = 3.
        mov     al, 0xE2
        out     0x43, al
        in      al, 0x40
        and     al, 0x3E
        cmp     al, 0x34
        CHECK   "PIT read-back status: counter 0 in mode 2, LSB/MSB"
        sti
.wait:  hlt                             ; each IRQ0 wakes the CPU
        cmp     word [es:TICKS], 10
        jb      .wait
        cli
        cmp     word [es:TICKS], 10
        CHECK   "ten IRQ0s woke HLT and reached the handler"
        ; With IRQ0 masked no interrupt arrives any more.
        mov     al, 0xFF
        out     0x21, al
        mov     word [es:TICKS], 0
        sti
        mov     cx, 0xFFFF
.spin:  loop    .spin
        cli
        cmp     word [es:TICKS], 0
        CHECK   "masked IRQ0 is not delivered"
        PASS

irq0:   inc     word [es:TICKS]
        push    ax
        PIC_EOI 0x20                    ; non-specific EOI
        pop     ax
        iret

        REPORT16_ROUTINES

        RESET_VECTOR 0
