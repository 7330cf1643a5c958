; exit_flush.asm -- a 64 KiB BIOS ROM for exit_flush.py: writes "abcdef"
; to COM1 at 9600 baud (FIFOs on) and, without waiting for the transmitter,
; ends the run in the way ENDING selects (nasm -DENDING=n). Every way out of
; glassbox must still deliver all six bytes to the -serial sink.
;
; At 9600 baud 8N1 a character takes 1.04 ms on the wire, so right after the
; sixth THR write the 16550 holds "a" in its transmitter shift register and
; "bcdef" in its transmit FIFO (PC16550D datasheet, "FIFO Control
; Register"); the ending follows within a few instructions.
;
; ENDING: 1 isa-debug-exit (port F4h, status 2Bh -> exit 87)
;         2 Bochs shutdown port 8900h ("Shutdown")
;         3 spin (jmp $): --insn-limit, SIGTERM/SIGINT, the debugger's quit
;         4 triple fault (real-mode IDT limit 0, then INT3: #GP, #DF, shutdown)
;         5 CLI; HLT
;         6 REP LODSB over 4 GiB in a loop (SIGTERM while one instruction is busy)
; Before the ending: "ready" to the debug console (port E9h), the event a driver
; waits for before it sends a signal, and XCHG BX,BX (Bochs's magic
; breakpoint, a no-op unless --magic-break) where a debugger stops.

%include "report16.inc"                 ; START16, puts (tests/guest/lib)
%include "isa.inc"                      ; OUTB

%ifndef ENDING
%define ENDING 1
%endif

COM1 equ 0x3F8

        START16                 ; start: CLI, SS:SP = 0:7000h, AX = 0
        mov ax, cs
        mov ds, ax
        OUTB COM1 + 3, 0x80     ; LCR: DLAB
        OUTB COM1, 12           ; divisor 12: 9600 baud
        OUTB COM1 + 1, 0
        OUTB COM1 + 3, 0x03     ; 8N1, DLAB off
        OUTB COM1 + 2, 0x07     ; FCR: FIFOs on, both cleared
        mov dx, COM1
        mov al, 'a'
.send:
        out dx, al              ; no LSR.THRE wait: six bytes fit (1 + 16)
        inc al
        cmp al, 'g'
        jne .send
        mov si, ready
        call puts               ; to the debug console, port E9h
        xchg bx, bx
%if ENDING == 1
        mov al, 0x2B
        out DEBUGEXIT, al
        jmp $
%elif ENDING == 2
        mov dx, 0x8900
        mov si, shutdown
.magic:
        lodsb
        test al, al
        jz .magic_done
        out dx, al
        jmp .magic
.magic_done:
        jmp $
%elif ENDING == 3
        jmp $
%elif ENDING == 4
        lidt [null_idt]
        int3
        jmp $
%elif ENDING == 5
        cli
        hlt
        jmp $
%elif ENDING == 6
        ; Big real mode (DS limit 4 GiB, kept from a protected-mode load;
        ; SDM Vol. 3A 9.9.2), then REP LODSB over all 4 GiB, again and
        ; again, "x" to the debug console after each: a single instruction
        ; that keeps the host busy for a minute.
        lgdt [flat_gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        mov bx, 8
        mov ds, bx
        and al, 0xFE
        mov cr0, eax
        xor bx, bx
        mov ds, bx
        mov dx, DEBUGCON
.rep:
        xor esi, esi
        mov ecx, 0xFFFFFFFF
        a32 rep lodsb
        mov al, 'x'
        out dx, al
        mov al, 10
        out dx, al
        jmp .rep
%else
%error "unknown ENDING"
%endif

ready:  db "ready", 10, 0          ; a whole line: the sink flushes at LF
shutdown: db "Shutdown", 0
null_idt: dw 0
          dd 0
flat_gdt: dq 0
          dq 0x00CF93000000FFFF ; data, base 0, limit 4 GiB (G=1), writable
flat_gdtr: dw 15
          dd 0xF0000 + flat_gdt

        REPORT16_ROUTINES
        RESET_VECTOR 0xF4       ; fill: HLT
