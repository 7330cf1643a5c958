; uart_xv6.asm -- Glassbox guest test: COM1 driven as xv6's uart.c drives
; it. uartinit: FIFOs off, 9600 baud 8N1, MCR = 0 (OUT2 clear), IER = 01h
; (receive interrupts), then read IIR and RBR to acknowledge what is
; pending. uartputc: poll LSR.THRE at most 128 times, then write THR
; anyway. QEMU and Bochs transmit each byte at once, so every byte of the
; line arrives; and QEMU delivers the receive interrupt though OUT2 is
; clear. The default machine (--device-timing qemu) must do the same.
; Run with -serial stdio and "-AB" on stdin: the '-' may be swallowed by
; uartinit's RBR read; 'A' and 'B' must come through IRQ 4.
; PIC: ICW1-ICW4 as a PC BIOS programs them, IRQ 0 and IRQ 4 unmasked; the
; PIT runs at 1 kHz so that HLT always has something to wake it while the
; host delivers the input.
;
; Output: the line below on COM1; (lib/report16.inc) "ok <check>" per check
; on port E9h, then "PASS"; the first failing check prints "FAIL <check>"
; and ends the run.

%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES
%include "isa.inc"                      ; PIC8259_INIT, PIC_EOI, PIT_1KHZ, OUTB

COM1    equ 0x3F8
RXCOUNT equ 0x0500                      ; word: bytes received by the ISR
RXBUF   equ 0x0600                      ; the bytes received

        START16                         ; start: CLI, SS:SP = 0:7000h, AX = 0
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     word [es:RXCOUNT], 0
        mov     word [es:0x08*4], irq0  ; IVT[08h] = F000:irq0
        mov     word [es:0x08*4+2], 0xF000
        mov     word [es:0x0C*4], irq4  ; IVT[0Ch] = F000:irq4
        mov     word [es:0x0C*4+2], 0xF000
        ; PIC master: ICW1 (edge, cascade, ICW4), ICW2 = 08h, ICW3 = 04h,
        ; ICW4 = 8086; IMR: IRQ0 and IRQ4 unmasked.
        PIC8259_INIT 0x20, 0x08, 0x04, 0xEE
        ; Slave: vectors from 70h, ID 2, everything masked.
        PIC8259_INIT 0xA0, 0x70, 0x02, 0xFF
        PIT_1KHZ                        ; counter 0: mode 2, LSB then MSB, divisor 1193
        ; xv6 uartinit.
        OUTB    COM1+2, 0               ; FIFOs off
        OUTB    COM1+3, 0x80            ; DLAB
        OUTB    COM1+0, 115200/9600
        OUTB    COM1+1, 0
        OUTB    COM1+3, 0x03            ; 8N1
        OUTB    COM1+4, 0               ; MCR: OUT2 clear
        OUTB    COM1+1, 0x01            ; IER: received data available
        mov     dx, COM1+5
        in      al, dx
        mov     ah, 0
        cmp     al, 0xFF
        jne     .there
        inc     ah
.there: test    ah, ah                  ; ZF = 1: LSR was not FFh
        CHECK   "LSR is not FFh: a UART is there"
        mov     dx, COM1+2
        in      al, dx
        mov     dx, COM1+0
        in      al, dx
        ; xv6 uartputc for every byte of the line.
        mov     si, line
.tx:    lodsb
        test    al, al
        jz      .txdone
        call    uartputc
        jmp     .tx
.txdone:
        mov     si, msg_sent
        call    ok
        ; Receive: 'A' then 'B' through IRQ 4, OUT2 still clear.
        sti
.rx:    cli
        mov     bx, [es:RXCOUNT]
        test    bx, bx
        jz      .sleep
        cmp     byte [es:RXBUF+bx-1], 'B'
        je      .rxdone
.sleep: sti
        hlt
        jmp     .rx
.rxdone:
        cmp     bx, 2
        jb      .short
        cmp     word [es:RXBUF+bx-2], 'AB'
.short: CHECK   "receive interrupts with MCR.OUT2 clear brought 'A', 'B'"
        PASS

; xv6 uartputc: AL to THR after at most 128 polls of LSR.THRE.
uartputc:
        mov     ah, al
        mov     cx, 128
        mov     dx, COM1+5
.poll:  in      al, dx
        test    al, 0x20
        jnz     .send
        loop    .poll
.send:  mov     al, ah
        mov     dx, COM1
        out     dx, al
        ret

irq0:   push    ax
        PIC_EOI 0x20                    ; non-specific EOI
        pop     ax
        iret

; xv6 uartintr: read RBR while LSR.DR is set.
irq4:   push    ax
        push    bx
        push    dx
.more:  mov     dx, COM1+5
        in      al, dx
        test    al, 0x01
        jz      .done
        mov     dx, COM1
        in      al, dx
        mov     bx, [es:RXCOUNT]
        cmp     bx, 0x100
        jae     .more
        mov     [es:RXBUF+bx], al
        inc     word [es:RXCOUNT]
        jmp     .more
.done:  PIC_EOI 0x20
        pop     dx
        pop     bx
        pop     ax
        iret

        REPORT16_ROUTINES
line:     db "xv6-uart: every byte of this line arrives 0123456789abcdef", 10, 0
msg_sent: db "the line was written with bounded LSR polling", 0

        RESET_VECTOR 0
