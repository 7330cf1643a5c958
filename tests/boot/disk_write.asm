; Boot sector for the disk-write test: writes "GLASSBOX-WROTE-THIS-SECTOR"
; (padded with '#') to the disk's second sector (C0 H0 S2) with INT 13h
; AH=03h, then reports "WROTE ok" (or "WROTE fail") on port 0xE9 and sleeps
; with interrupts on, so the test can stop the emulator with a signal.
%include "bootsector.inc"               ; bits 16, org 7C00h
start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    mov [drive], dl
    ; Fill the buffer: the tag, then '#'.
    mov di, buffer
    mov cx, 512
    mov al, '#'
    rep stosb
    mov si, tag
    mov di, buffer
    mov cx, tag_len
    rep movsb
    ; INT 13h AH=03h: write AL sectors at CH cylinder, CL sector, DH head.
    mov ax, 0x0301
    mov cx, 0x0002
    xor dh, dh
    mov dl, [drive]
    mov bx, buffer
    int 0x13
    mov si, ok_msg
    jnc .report
    mov si, fail_msg
.report:
    lodsb
    test al, al
    jz .sleep
    out 0xE9, al
    jmp .report
.sleep:
    hlt
    jmp .sleep

drive:    db 0
tag:      db 'GLASSBOX-WROTE-THIS-SECTOR'
tag_len   equ $ - tag
ok_msg:   db 'WROTE ok', 10, 0
fail_msg: db 'WROTE fail', 10, 0
    BOOT_SIGNATURE
buffer    equ 0x8000
