; Glassbox demo disk: the default guest of scripts/run. SeaBIOS boots it
; from the first hard disk; it walks from real mode through protected mode
; to paging and says what it does at each step, in the VGA text console and
; on the debug console (port E9h). Something small to step through.
; Build: nasm -f bin -o demo-disk.img demo_disk.asm (a 1 MiB raw disk image)
;
; Memory: boot sector at 7C00h, the rest at 7E00h, stack below 7C00h; page
; directory at 10000h, page tables at 11000h (0-4 MiB identity) and 12000h
; (linear C0000000h onto the VGA text buffer at physical B8000h).

STAGE2_SECTORS equ 7
PD             equ 0x10000
PT_LOW         equ 0x11000
PT_HIGH        equ 0x12000
VGA_ALIAS      equ 0xC0000000  ; linear address of the text buffer once paging is on

        bits 16
        org 0x7C00

boot:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        jmp 0:.cs_zero             ; some BIOSes enter at 07C0:0000; make CS 0
.cs_zero:
        mov [boot_drive], dl       ; the BIOS passes the boot drive in DL
        sti
        mov ax, 0x0003             ; INT 10h AH=00h: 80x25 text mode, clears the screen
        int 0x10
        ; INT 13h AH=02h: read the rest of the disk (sectors 2.. of cylinder 0,
        ; head 0) to 0000:7E00.
        mov ax, 0x0200 | STAGE2_SECTORS
        mov cx, 0x0002
        xor dh, dh
        mov dl, [boot_drive]
        mov bx, 0x7E00
        int 0x13
        jc .disk_error
        jmp stage2
.disk_error:
        mov si, disk_error_msg
.teletype:
        lodsb
        test al, al
        jz .stop
        mov ah, 0x0E               ; INT 10h AH=0Eh: teletype output
        int 0x10
        jmp .teletype
.stop:
        cli
        hlt
        jmp .stop

disk_error_msg: db "Glassbox demo: reading the disk failed (INT 13h)", 0
boot_drive:     db 0

        times 510 - ($ - $$) db 0
        dw 0xAA55

; ---------------------------------------------------------------- real mode
stage2:
        mov byte [attr], 0x1F      ; white on blue: the title line
        mov si, msg_title
        call rm_line
        mov byte [attr], 0x07
        mov si, msg_real1
        call rm_puts
        movzx eax, byte [boot_drive]
        call rm_hex8
        mov si, msg_h
        call rm_line
        mov si, msg_real2
        call rm_line
        mov si, msg_real3
        call rm_line

        ; A20: port 92h bit 1 (the PS/2 "fast A20" gate). Without it, bit 20
        ; of every address is forced to 0 and FFFF:0010 wraps to 0000:0000.
        in al, 0x92
        or al, 0x02
        and al, 0xFE               ; bit 0 would reset the machine
        out 0x92, al
        mov si, msg_a20
        call rm_line

        cli                        ; no real-mode IVT from here on
        lgdt [gdt_descriptor]
        mov si, msg_gdt
        call rm_line
        mov si, msg_pe
        call rm_line
        mov eax, cr0
        or eax, 1                  ; CR0.PE
        mov cr0, eax
        jmp 0x08:pm_entry          ; loads CS from GDT entry 1: now 32-bit code

; rm_puts: DS:SI = NUL-terminated string, written at (row, col) with attr
; through segment B800h, and to the debug console.
rm_puts:
        push es
        push ax
        push di
        mov ax, 0xB800
        mov es, ax
.next:
        lodsb
        test al, al
        jz .done
        out 0xE9, al
        movzx di, byte [row]
        imul di, di, 160
        add di, [col]
        add di, [col]
        mov ah, [attr]
        mov [es:di], ax
        inc word [col]
        jmp .next
.done:
        pop di
        pop ax
        pop es
        ret

rm_line:
        call rm_puts
        mov al, 10
        out 0xE9, al
        inc byte [row]
        mov word [col], 0
        ret

; rm_hex8: AL as two hex digits.
rm_hex8:
        push si
        mov si, hexbuf
        mov ah, al
        shr al, 4
        call .digit
        mov al, ah
        and al, 0x0F
        call .digit
        mov byte [si], 0
        mov si, hexbuf
        call rm_puts
        pop si
        ret
.digit:
        add al, '0'
        cmp al, '9'
        jbe .store
        add al, 'A' - '9' - 1
.store:
        mov [si], al
        inc si
        ret

; ---------------------------------------------------------- protected mode
        bits 32
pm_entry:
        mov ax, 0x10               ; GDT entry 2: flat 4 GiB data
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, 0x7C00
        mov byte [attr], 0x0A      ; light green from here on
        mov esi, msg_pm1
        call pm_line
        mov esi, msg_pm2
        call pm_puts
        mov eax, esp
        call pm_hex32
        mov esi, msg_pm3
        call pm_line

        ; Page tables. PDE/PTE bit 0 = present, bit 1 = writable; the frame
        ; address is in bits 31-12 (SDM Vol. 3A 4.3, 32-bit paging).
        mov edi, PD
        xor eax, eax
        mov ecx, 3 * 1024          ; the directory and both tables, zeroed
        rep stosd
        mov dword [PD + 0 * 4], PT_LOW | 3          ; 0-4 MiB
        mov dword [PD + (VGA_ALIAS >> 22) * 4], PT_HIGH | 3
        mov edi, PT_LOW
        mov eax, 0x00000003
        mov ecx, 1024
.identity:
        stosd                      ; PTE i maps page i onto frame i
        add eax, 0x1000
        loop .identity
        mov dword [PT_HIGH], 0xB8000 | 3            ; C0000000h -> B8000h

        mov esi, msg_pg1
        call pm_puts
        mov eax, PD
        call pm_hex32
        mov esi, msg_pg2
        call pm_line
        mov esi, msg_pg3
        call pm_line

        mov eax, PD
        mov cr3, eax               ; the page directory's physical address
        mov eax, cr0
        or eax, 0x80000000         ; CR0.PG
        mov cr0, eax
        jmp .paged                 ; (SDM Vol. 3A 9.9.1: a jump after setting PG)
.paged:
        mov dword [vga_base], VGA_ALIAS
        mov byte [attr], 0x0E      ; yellow: written through the new mapping
        mov esi, msg_pg4
        call pm_puts
        mov eax, [vga_base]
        call pm_hex32
        mov esi, msg_pg5
        call pm_line
        mov byte [attr], 0x07
        mov esi, msg_done1
        call pm_line
        mov esi, msg_done2
        call pm_line
.halt:
        cli
        hlt
        jmp .halt

; pm_puts: ESI = NUL-terminated string, at (row, col) through [vga_base].
pm_puts:
        push eax
        push edi
.next:
        lodsb
        test al, al
        jz .done
        out 0xE9, al
        movzx edi, byte [row]
        imul edi, edi, 160
        add edi, [col]
        add edi, [col]
        add edi, [vga_base]
        mov ah, [attr]
        mov [edi], ax
        inc dword [col]
        jmp .next
.done:
        pop edi
        pop eax
        ret

; pm_line: pm_puts, then a new line; moves the hardware cursor there
; (CRTC registers 0Eh/0Fh, cursor location high/low).
pm_line:
        call pm_puts
        mov al, 10
        out 0xE9, al
        inc byte [row]
        mov dword [col], 0
        push eax
        push edx
        movzx eax, byte [row]
        imul eax, eax, 80
        mov edx, 0x3D4
        push eax
        mov al, 0x0E
        out dx, al
        inc edx
        mov al, ah
        out dx, al
        dec edx
        mov al, 0x0F
        out dx, al
        inc edx
        pop eax
        out dx, al
        pop edx
        pop eax
        ret

; pm_hex32: EAX as eight hex digits.
pm_hex32:
        push eax
        push ecx
        push edx
        push esi
        mov edx, eax
        mov esi, hexbuf
        mov ecx, 8
.digit:
        rol edx, 4
        mov al, dl
        and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .store
        add al, 'A' - '9' - 1
.store:
        mov [esi], al
        inc esi
        loop .digit
        mov byte [esi], 0
        mov esi, hexbuf
        call pm_puts
        pop esi
        pop edx
        pop ecx
        pop eax
        ret

; -------------------------------------------------------------------- data
        align 8
gdt:
        dq 0                       ; 00h: the null descriptor
        dq 0x00CF9A000000FFFF      ; 08h: code, base 0, limit 4 GiB, 32-bit, DPL 0
        dq 0x00CF92000000FFFF      ; 10h: data, base 0, limit 4 GiB, writable, DPL 0
gdt_end:
gdt_descriptor:
        dw gdt_end - gdt - 1       ; limit
        dd gdt                     ; linear base

row:      db 0
attr:     db 0x07
col:      dd 0
vga_base: dd 0xB8000
hexbuf:   times 9 db 0

msg_title: db " Glassbox demo: real mode -> protected mode -> paging ", 0
msg_real1: db "[real mode] The BIOS loaded this sector at 0000:7C00 from drive ", 0
msg_h:     db "h.", 0
msg_real2: db "[real mode] Addresses are segment*16 + offset: this text is at B800:0000 = B8000h.", 0
msg_real3: db "[real mode] INT 13h read the rest of the program to 0000:7E00.", 0
msg_a20:   db "[A20] Port 92h bit 1 set: address bit 20 is no longer forced to 0.", 0
msg_gdt:   db "[GDT] Loaded: 08h = flat 32-bit code, 10h = flat data (base 0, 4 GiB).", 0
msg_pe:    db "[CR0.PE] Set; the far jump to 0008h:pm_entry loads CS from the GDT.", 0
msg_pm1:   db "[protected mode] 32-bit code at CPL 0; DS=ES=SS=10h.", 0
msg_pm2:   db "[protected mode] ESP = ", 0
msg_pm3:   db "h; segment limits are now checked on every access.", 0
msg_pg1:   db "[paging] Page directory at ", 0
msg_pg2:   db "h: PDE 0 maps 0-4 MiB onto itself,", 0
msg_pg3:   db "[paging] PDE 300h maps linear C0000000h onto the text buffer (B8000h).", 0
msg_pg4:   db "[CR0.PG] Set. This line is written through linear ", 0
msg_pg5:   db "h.", 0
msg_done1: db "Done: the CPU halts here (CLI; HLT).", 0
msg_done2: db "Step through it with the debugger, or look at docs/tour.md.", 0

        times 512 * (1 + STAGE2_SECTORS) - ($ - $$) db 0
        times 1024 * 1024 - ($ - $$) db 0  ; a 1 MiB disk
