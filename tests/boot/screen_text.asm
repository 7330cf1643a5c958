; Boot sector for the screenshot test: a fixed 80x25 text screen. Clears the
; screen through the text buffer at B800:0000, hides the cursor (INT 10h
; AH=01h, CX=2000h) so nothing blinks, writes a line in each of the 16
; foreground colours on a blue background and one in each background colour,
; reports "SCREEN ready" on port 0xE9 and halts.
%include "bootsector.inc"               ; bits 16, org 7C00h
    BOOT_ENTRY              ; start: CLI, DS = SS = 0, SP = 7C00h
    mov ah, 0x01
    mov cx, 0x2000
    int 0x10
    mov ax, 0xB800
    mov es, ax
    xor di, di
    mov ax, 0x0720          ; blank, grey on black
    mov cx, 80 * 25
    rep stosw
    ; Rows 2-17: "Glassbox text mode, attribute XX" in colour n on blue.
    mov bl, 0               ; colour
.row:
    movzx ax, bl
    add ax, 2
    imul di, ax, 160
    add di, 8
    mov si, line
    mov ah, bl
    or ah, 0x10             ; blue background
.ch:
    lodsb
    test al, al
    jz .next
    stosw
    jmp .ch
.next:
    inc bl
    cmp bl, 16
    jb .row
    ; Row 20: the eight background colours as solid blocks.
    mov di, 20 * 160 + 8
    mov ah, 0x0F
    mov bl, 0
.bg:
    mov ah, bl
    shl ah, 4
    or ah, 0x0F
    mov al, 'B'
    mov cx, 8
.cell:
    stosw
    loop .cell
    inc bl
    cmp bl, 8
    jb .bg
    ; Row 22: the line-drawing characters of code page 437.
    mov di, 22 * 160 + 8
    mov ah, 0x0E
    mov al, 0xB0
.box:
    stosw
    inc al
    cmp al, 0xE0
    jb .box
    SAY_AND_HALT ready
line: db "Glassbox text mode: ", 0xDB, 0xB2, 0xB1, 0xB0, " the quick brown fox", 0
ready: db "SCREEN ready", 10, 0
    BOOT_SIGNATURE
