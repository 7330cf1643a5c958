; a20.asm -- Glassbox guest test: the A20 gate through port 92h (PS/2
; system control port A, bit 1; Intel 82371 PIIX3 datasheet, port 92h).
; With A20 disabled, physical address bit 20 reads as 0, so FFFF:0020
; (linear 100010h) aliases 0000:0010, the 8086 wrap-around.
;
; Output: "ok <check>" per check on port 0xE9, then "PASS" and 0 to port
; 0xF4; on failure "FAIL <check>" and 1 to port 0xF4.

bits 16
org 0

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

start:
        cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, 0x7000
        mov     ax, 0xFFFF
        mov     es, ax                  ; ES:0020 = linear 100010h
        xor     ax, ax
        mov     fs, ax                  ; FS:0010 = linear 000010h
        mov     byte [fs:0x10], 0x11
        mov     byte [es:0x20], 0x22
        in      al, 0x92
        test    al, 2
        mov     ax, cs
        mov     ds, ax
        jz      .a20_off_at_start
        mov     si, msg_on
        call    ok
.a20_off_at_start:
        cmp     byte [es:0x20], 0x22
        CHECK   "A20 on: FFFF:0020 is its own byte"
        in      al, 0x92
        and     al, 0xFC                ; clear A20 (bit 1); bit 0 must stay 0
        out     0x92, al
        in      al, 0x92
        test    al, 2
        CHECK   "port 92h bit 1 reads back 0"
        cmp     byte [es:0x20], 0x11
        CHECK   "A20 off: FFFF:0020 wraps to 0000:0010"
        mov     byte [es:0x20], 0x33    ; a write wraps too
        cmp     byte [fs:0x10], 0x33
        CHECK   "A20 off: a write through FFFF:0020 lands at 0000:0010"
        in      al, 0x92
        or      al, 2
        out     0x92, al
        cmp     byte [es:0x20], 0x22
        CHECK   "A20 on again: the byte above 1 MiB is back"
        mov     si, pass_msg
        call    puts
        mov     al, 0
        out     0xF4, al
        hlt

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
msg_on:   db "A20 enabled at reset", 0

        times 0xFFF0-($-$$) db 0
        jmp     0xF000:start
        times 0x10000-($-$$) db 0
