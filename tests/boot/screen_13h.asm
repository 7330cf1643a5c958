; Boot sector for the screenshot test: VGA mode 13h (INT 10h AX=0013h, 320x200
; in 256 colours from the BIOS's default palette). Pixel (x, y) gets colour
; (x + y) & 0FFh, except a white 32x32 square at (16, 16). Reports
; "SCREEN ready" on port 0xE9 and halts.
%include "bootsector.inc"               ; bits 16, org 7C00h
    BOOT_ENTRY              ; start: CLI, DS = SS = 0, SP = 7C00h
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
    SAY_AND_HALT ready
ready: db "SCREEN ready", 10, 0
    BOOT_SIGNATURE
