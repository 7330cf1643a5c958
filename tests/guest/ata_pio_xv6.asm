; ata_pio_xv6.asm -- Glassbox guest test: an ATA PIO write as xv6's ide.c
; issues it: WRITE SECTORS, then the 512 data bytes at once with no BSY/DRQ
; poll (OUTSD right after the command), then sleep until IRQ 14; then READ
; SECTORS, sleep until IRQ 14, wait for BSY clear and DRDY (xv6's idewait)
; and read the sector back. QEMU and Bochs accept the data phase within the
; command write; so must Glassbox by default (--device-timing qemu), or the
; data is lost and the write never completes.
; Run with the ROM itself as -hda and -snapshot: LBA 5 of its 128 sectors.
; PIC: ICW1-ICW4 as a PC BIOS programs them, slave at 70h (IRQ 14 -> 76h).
;
; Output (lib/report16.inc): "ok <check>" per check on port E9h, then
; "PASS"; the first failing check prints "FAIL <check>" and ends the run.

%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES
%include "isa.inc"                      ; PIC8259_INIT, PIC_EOI, PIT_1KHZ, OUTB

IRQS    equ 0x0500                      ; word: IRQ 14 count
WBUF    equ 0x1000                      ; 0000:1000 the sector written
RBUF    equ 0x1400                      ; 0000:1400 the sector read back
LBA     equ 5

        START16                         ; start: CLI, SS:SP = 0:7000h, AX = 0
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     word [es:IRQS], 0
        mov     word [es:0x76*4], irq14 ; IVT[76h] = F000:irq14
        mov     word [es:0x76*4+2], 0xF000
        ; PIC master: ICW1 (edge, cascade, ICW4), ICW2 = 08h, ICW3 = 04h,
        ; ICW4 = 8086; IMR: only IRQ2 (the slave) unmasked.
        PIC8259_INIT 0x20, 0x08, 0x04, 0xFB
        ; Slave: vectors from 70h, ID 2, IRQ 14 unmasked.
        PIC8259_INIT 0xA0, 0x70, 0x02, 0xBF
        ; The sector to write: byte i = i * 7 + 3.
        mov     di, WBUF
        xor     cx, cx
.fill:  mov     al, cl
        mov     ah, 7
        mul     ah
        add     al, 3
        stosb
        inc     cx
        cmp     cx, 512
        jb      .fill
        call    idewait
        OUTB    0x3F6, 0                ; nIEN = 0: interrupts on
        ; xv6 idestart: count, LBA, drive, command, then the data at once.
        OUTB    0x1F2, 1
        OUTB    0x1F3, LBA
        OUTB    0x1F4, 0
        OUTB    0x1F5, 0
        OUTB    0x1F6, 0xE0             ; LBA, drive 0, LBA 27-24 = 0
        OUTB    0x1F7, 0x30             ; WRITE SECTORS
        push    ds
        xor     ax, ax
        mov     ds, ax
        mov     si, WBUF
        mov     cx, 128
        mov     dx, 0x1F0
        rep outsd                       ; no status poll before the data
        pop     ds
        call    wait_irq
        mov     dx, 0x1F7
        in      al, dx
        cmp     al, 0x50                ; DRDY DSC: no BSY, DRQ or ERR
        CHECK   "WRITE SECTORS took the data at once and interrupted"
        ; Read it back as xv6 does: command, sleep, idewait, INSD.
        OUTB    0x1F2, 1
        OUTB    0x1F3, LBA
        OUTB    0x1F4, 0
        OUTB    0x1F5, 0
        OUTB    0x1F6, 0xE0
        OUTB    0x1F7, 0x20             ; READ SECTORS
        call    wait_irq
        call    idewait
        mov     di, RBUF
        mov     cx, 128
        mov     dx, 0x1F0
        rep insd
        push    ds
        xor     ax, ax
        mov     ds, ax
        mov     si, WBUF
        mov     di, RBUF
        mov     cx, 512
        repe cmpsb
        pop     ds
        CHECK   "the sector reads back as written"
        PASS

; Sleeps until IRQ 14 has come once more (STI; HLT leaves no window).
wait_irq:
        mov     bx, [es:IRQS]
.w:     cli
        cmp     [es:IRQS], bx
        jne     .got
        sti
        hlt
        jmp     .w
.got:   ret

; xv6 idewait: poll Status until BSY is clear and DRDY set.
idewait:
        mov     dx, 0x1F7
.p:     in      al, dx
        and     al, 0xC0
        cmp     al, 0x40
        jne     .p
        ret

irq14:  inc     word [es:IRQS]
        push    ax
        PIC_EOI 0xA0                    ; non-specific EOI, slave then master
        PIC_EOI 0x20
        pop     ax
        iret

        REPORT16_ROUTINES

        RESET_VECTOR 0
