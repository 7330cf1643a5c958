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
; Output: the line below on COM1; "ok <check>" per check on port 0xE9, then
; "PASS" and 0 to port 0xF4; on failure "FAIL <check>" and 1 to port 0xF4.

bits 16
org 0

COM1    equ 0x3F8
RXCOUNT equ 0x0500                      ; word: bytes received by the ISR
RXBUF   equ 0x0600                      ; the bytes received

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

%macro OUTB 2
        mov     dx, %1
        mov     al, %2
        out     dx, al
%endmacro

start:
        cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     word [es:RXCOUNT], 0
        mov     word [es:0x08*4], irq0  ; IVT[08h] = F000:irq0
        mov     word [es:0x08*4+2], 0xF000
        mov     word [es:0x0C*4], irq4  ; IVT[0Ch] = F000:irq4
        mov     word [es:0x0C*4+2], 0xF000
        ; PIC master: ICW1 (edge, cascade, ICW4), ICW2 = 08h, ICW3 = 04h, ICW4 = 8086.
        mov     al, 0x11
        out     0x20, al
        mov     al, 0x08
        out     0x21, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x01
        out     0x21, al
        mov     al, 0xEE                ; unmask IRQ0 and IRQ4
        out     0x21, al
        ; Slave: ICW1..4 with base 70h, everything masked.
        mov     al, 0x11
        out     0xA0, al
        mov     al, 0x70
        out     0xA1, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0xA1, al
        mov     al, 0xFF
        out     0xA1, al
        ; PIT counter 0: mode 2, LSB then MSB, divisor 1193 (about 1 kHz).
        mov     al, 0x34
        out     0x43, al
        mov     ax, 1193
        out     0x40, al
        mov     al, ah
        out     0x40, al
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
        mov     si, pass_msg
        call    puts
        mov     al, 0
        out     0xF4, al
        hlt

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
        mov     al, 0x20                ; non-specific EOI
        out     0x20, al
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
.done:  mov     al, 0x20
        out     0x20, al
        pop     dx
        pop     bx
        pop     ax
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
        hlt
puts:   lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     puts
.d:     ret

ok_msg:   db "ok ", 0
fail_msg: db "FAIL ", 0
pass_msg: db "PASS", 10, 0
line:     db "xv6-uart: every byte of this line arrives 0123456789abcdef", 10, 0
msg_sent: db "the line was written with bounded LSR polling", 0

        times 0xFFF0-($-$$) db 0
        jmp     0xF000:start
        times 0x10000-($-$$) db 0
