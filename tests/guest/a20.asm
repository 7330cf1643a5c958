; a20.asm -- Glassbox guest test: the A20 gate through port 92h (PS/2
; system control port A, bit 1; Intel 82371 PIIX3 datasheet, port 92h).
; With A20 disabled, physical address bit 20 reads as 0, so FFFF:0020
; (linear 100010h) aliases 0000:0010, the 8086 wrap-around.
;
; Output (lib/report16.inc): "ok <check>" per check on port E9h, then
; "PASS"; the first failing check prints "FAIL <check>" and ends the run.

%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES

        START16                         ; start: CLI, SS:SP = 0:7000h, AX = 0
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
        PASS

        REPORT16_ROUTINES
msg_on:   db "A20 enabled at reset", 0

        RESET_VECTOR 0
