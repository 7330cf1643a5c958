; long_debug.asm -- the 64-bit guest of tests/debugger/long_mode.py: the
; debugger and the gdbstub in IA-32e mode, with code and data above 4 GiB.
;
; lib/long64.inc enters 64-bit mode (4-level paging, the 64-bit IDT and
; TSS); then PML4[1FFh] -> PDPT 88000h, PDPT[1FEh] -> PD 89000h, PD[0] ->
; a 2 MiB page at physical 200000h maps linear FFFF_FFFF_8000_0000h (the
; top 2 GiB, where 64-bit kernels live). `high` is copied there and
; called: it loads the quadword HIGH+20h RIP-relatively into R15 and
; stores it at HIGH+28h. Exit 0 (isa-debug-exit) at the end.
;
; Build: nasm -f bin -i ../guest/lib/ -o long_debug.bin long_debug.asm

%include "long64.inc"
        GDT64_BEGIN
        GDT_END

HIGH    equ 0xFFFFFFFF80000000
HPDPT   equ 0x88000
HPD     equ 0x89000
HPHYS   equ 0x200000

        bits 64
tests:
        mov     qword [PML4 + 0x1FF*8], HPDPT | PG_P | PG_RW
        mov     qword [HPDPT + 0x1FE*8], HPD | PG_P | PG_RW
        mov     qword [HPD], HPHYS | PG_P | PG_RW | 0x80       ; PS: 2 MiB
        mov     rax, cr3                ; flush the TLB
        mov     cr3, rax
        lea     rsi, [rel high]
        mov     edi, HPHYS
        mov     ecx, high_end - high
        rep movsb
        mov     rax, HIGH
        call    rax
        mov     rax, 0x1122334455667788
        cmp     r15, rax
        jne     exit_fail
        cmp     [HPHYS + 0x28], rax
        jne     exit_fail
        jmp     exit_pass

; Position-independent: runs at HIGH.
high:
        mov     rax, [rel high + 0x20]  ; 48 8B 05 rel32
        mov     r15, rax
        mov     [rel high + 0x28], rax
        ret
        times 0x20 - ($ - high) db 0xCC
        dq      0x1122334455667788      ; HIGH + 20h
        dq      0                       ; HIGH + 28h: written
high_end:

        RESET_VECTOR
