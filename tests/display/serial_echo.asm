; serial_echo.asm -- boot sector for the -serial stdio test: prints
; "ECHO READY" on COM1, then echoes every received byte upper-cased
; (a-z -> A-Z), so the test can tell the guest's echo from the terminal's.
; Polled: LSR bit 0 (data ready), bit 5 (THR empty) (PC16550D datasheet).
%include "bootsector.inc"               ; bits 16, org 7C00h

COM1 equ 0x3F8

        BOOT_ENTRY              ; start: CLI, DS = SS = 0, SP = 7C00h
        mov dx, COM1 + 3
        mov al, 0x80            ; LCR: divisor latch access
        out dx, al
        mov dx, COM1
        mov al, 1               ; 115200 baud
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03            ; 8N1
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07            ; FCR: FIFOs on, both cleared
        out dx, al
        mov si, ready
.banner:
        lodsb
        test al, al
        jz .loop
        call put
        jmp .banner
.loop:
        mov dx, COM1 + 5
        in al, dx
        test al, 0x01
        jz .loop
        mov dx, COM1
        in al, dx
        cmp al, 'a'
        jb .send
        cmp al, 'z'
        ja .send
        sub al, 0x20
.send:
        call put
        jmp .loop

put:                            ; AL -> THR once THRE
        push ax
        mov dx, COM1 + 5
.wait:
        in al, dx
        test al, 0x20
        jz .wait
        pop ax
        mov dx, COM1
        out dx, al
        ret

ready: db "ECHO READY", 13, 10, 0
        BOOT_SIGNATURE
