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
bits 16
org 0

%ifndef ENDING
%define ENDING 1
%endif

COM1 equ 0x3F8

start:
        cli
        mov dx, COM1 + 3
        mov al, 0x80            ; LCR: DLAB
        out dx, al
        mov dx, COM1
        mov al, 12              ; divisor 12: 9600 baud
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, COM1 + 3
        mov al, 0x03            ; 8N1, DLAB off
        out dx, al
        mov dx, COM1 + 2
        mov al, 0x07            ; FCR: FIFOs on, both cleared
        out dx, al
        mov dx, COM1
        mov al, 'a'
.send:
        out dx, al              ; no LSR.THRE wait: six bytes fit (1 + 16)
        inc al
        cmp al, 'g'
        jne .send
        mov dx, 0xE9
        mov si, ready
.ready:
        cs lodsb
        test al, al
        jz .ready_done
        out dx, al
        jmp .ready
.ready_done:
        xchg bx, bx
%if ENDING == 1
        mov al, 0x2B
        out 0xF4, al
        jmp $
%elif ENDING == 2
        mov dx, 0x8900
        mov si, shutdown
.magic:
        cs lodsb
        test al, al
        jz .magic_done
        out dx, al
        jmp .magic
.magic_done:
        jmp $
%elif ENDING == 3
        jmp $
%elif ENDING == 4
        cs lidt [null_idt]
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
        cs lgdt [flat_gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        mov bx, 8
        mov ds, bx
        and al, 0xFE
        mov cr0, eax
        xor bx, bx
        mov ds, bx
        mov dx, 0xE9
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

        times 0xFFF0 - ($ - $$) db 0xF4
reset:  jmp 0xF000:start        ; the reset vector, F000:FFF0
        times 0x10000 - ($ - $$) db 0xF4
