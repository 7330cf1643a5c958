; Boot sector for the screenshot test: VGA mode 13h (INT 10h AX=0013h, 320x200
; in 256 colours from the BIOS's default palette). Pixel (x, y) gets colour
; (x + y) & 0FFh, except a white 32x32 square at (16, 16). Reports
; "SCREEN ready" on port 0xE9 and halts.
bits 16
org 0x7C00
start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7C00
    mov ax, 0x0013
    int 0x10
    mov ax, 0xA000
    mov es, ax
    xor di, di
    xor dx, dx              ; y
.y:
    xor cx, cx              ; x
.x:
    mov ax, cx
    add ax, dx
    stosb
    inc cx
    cmp cx, 320
    jb .x
    inc dx
    cmp dx, 200
    jb .y
    mov dx, 16
.sy:
    imul di, dx, 320
    add di, 16
    mov al, 15
    mov cx, 32
    rep stosb
    inc dx
    cmp dx, 48
    jb .sy
    mov si, ready
    mov dx, 0xE9
.out:
    lodsb
    test al, al
    jz .halt
    out dx, al
    jmp .out
.halt:
    hlt
    jmp .halt
ready: db "SCREEN ready", 10, 0
times 510 - ($ - $$) db 0
dw 0xAA55
