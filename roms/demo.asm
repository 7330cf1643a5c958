; Glassbox demo ROM: a 64 KiB BIOS image that shows the CPU at work through
; the debug console (port 0xE9). Real mode only; needs nothing but RAM.
; Build: nasm -f bin -o demo.bin demo.asm
        bits 16
        org 0

%macro print 1
        mov si, %1
        call puts
%endmacro

start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7C00
        mov ax, cs
        mov ds, ax
        print banner

        ; Which CPU? FLAGS bits 12-15: always set on the 8086, always clear
        ; in real mode on the 286, writable on the 386 and later.
        pushf
        pop ax
        and ax, 0x0FFF
        push ax
        popf
        pushf
        pop ax
        and ax, 0xF000
        cmp ax, 0xF000
        jne .not8086
        print cpu8086
        jmp .primes
.not8086:
        mov ax, 0x7000
        push ax
        popf
        pushf
        pop ax
        test ax, 0x7000
        jnz .is386
        print cpu286
        jmp .primes
.is386:
        print cpu386

.primes:
        ; The primes below 100 by trial division, printed in decimal.
        print primes_msg
        mov bx, 2
.next:
        mov cx, 2
.try:
        cmp cx, bx
        jae .prime
        mov ax, bx
        xor dx, dx
        div cx
        test dx, dx
        jz .composite
        inc cx
        jmp .try
.prime:
        mov ax, bx
        call putdec
        mov al, ' '
        out 0xE9, al
.composite:
        inc bx
        cmp bx, 100
        jb .next
        mov al, 10
        out 0xE9, al

        print done_msg
        cli
        hlt
        jmp $

; Prints the NUL-terminated string at DS:SI.
puts:
        lodsb
        test al, al
        jz .end
        out 0xE9, al
        jmp puts
.end:
        ret

; Prints AX in decimal.
putdec:
        push ax
        push cx
        push dx
        mov cx, 0
.div:
        xor dx, dx
        push bx
        mov bx, 10
        div bx
        pop bx
        push dx
        inc cx
        test ax, ax
        jnz .div
.out:
        pop ax
        add al, '0'
        out 0xE9, al
        loop .out
        pop dx
        pop cx
        pop ax
        ret

banner:     db "Glassbox demo ROM: real-mode CPU at work", 10, 0
cpu8086:    db "CPU: 8086 class (FLAGS bits 12-15 stuck at 1)", 10, 0
cpu286:     db "CPU: 286 class (FLAGS bits 12-15 stuck at 0 in real mode)", 10, 0
cpu386:     db "CPU: 386 class or later (IOPL/NT writable)", 10, 0
primes_msg: db "Primes below 100: ", 0
done_msg:   db "Done; halting.", 10, 0

        times 0xFFF0-($-$$) db 0
reset:                                  ; F000:FFF0
        jmp 0xF000:start
        times 0x10000-($-$$) db 0
