; smp.asm -- Glassbox guest test: a multiprocessor PC with four processors
; (-smp 4), started and exercised from real mode through the local APICs.
;
; Checks, with SDM Vol. 3A chapter 8 (8.4 MP initialization) and chapter 10
; (10.6 issuing interprocessor interrupts):
;   the BSP's CPUID.1:EBX[31:24] initial APIC ID 0 and IA32_APIC_BASE.BSP;
;   CMOS 5Fh (processors less one, where SeaBIOS reads the count);
;   INIT-SIPI-SIPI broadcast (all excluding self): each AP starts in real
;   mode at CS:IP = FF00h:0000h (vector FFh, 8.4.4.1), once: the second SIPI
;   is ignored by a processor no longer waiting for SIPI; each reports a
;   distinct initial APIC ID 1-3 that its APIC ID register matches, with
;   IA32_APIC_BASE.BSP clear;
;   fixed IPIs by physical destination, the all-excluding-self shorthand,
;   a logical (flat model) destination, a lowest-priority IPI taken by
;   exactly one AP, an NMI IPI, a self IPI; an IPI from one AP to another;
;   an AP's INIT to itself puts it back in wait-for-SIPI (a SIPI to it alone
;   starts it again), and last the BSP's INIT to itself restarts it at the
;   reset vector, as RESET would, with RAM kept.
;
; Run with -smp 4 (run_guest.py adds nothing: the meson test passes it).
; Reference: qemu-system-i386 -smp 4 -bios smp.bin (7.2, TCG) passes.
;
; RAM (shared by all processors): 0500h arrivals (word), 0502h tickets
; (word), 0510h+n APIC ID of the n-th AP to arrive, 0520h+id BSP bit seen
; by APIC ID id, 0530h+id APIC ID register's ID seen, 0540h+2*id fixed IPIs
; taken by id (word), 0560h+2*id NMIs taken (word), 0580h the BSP's
; self-INIT marker (dword); AP stacks at 8000h + 400h * ticket.
;
; Output (lib/report16.inc): "ok <check>" per check on port E9h, then
; "PASS"; the first failing check prints "FAIL <check>" and ends the run.

%define REPORT16_FAIL_CLI
%include "report16.inc"                 ; CHECK, PASS, REPORT16_ROUTINES
%include "unreal16.inc"                 ; UNREAL_FS, UNREAL_GDT

LAPIC   equ 0xFEE00000
ARRIVED equ 0x500
TICKET  equ 0x502
IDS     equ 0x510
BSPBIT  equ 0x520
IDREG   equ 0x530
IPIS    equ 0x540
NMIS    equ 0x560
MARKER  equ 0x580
MAGIC   equ 0x54494E49                  ; "INIT"
V_COUNT equ 0x50                        ; IPI vectors: count one
V_SELF  equ 0x51                        ;   INIT yourself
V_RELAY equ 0x52                        ;   send V_COUNT to APIC ID 2

%macro LAPIC_RD 1
        mov     eax, [fs:dword LAPIC + %1]
%endmacro
%macro LAPIC_WR 2
        mov     dword [fs:dword LAPIC + %1], %2
%endmacro
; IPI dest, low: ICR high then ICR low (the write sends).
%macro IPI 2
        mov     dword [fs:dword LAPIC + 0x310], %1
        mov     dword [fs:dword LAPIC + 0x300], %2
%endmacro
; WAITW addr, value: spin (PAUSE) until word [es:addr] == value, else fail.
%macro WAITW 3
        mov     ecx, 2000000
%%w:    cmp     word [es:%1], %2
        je      %%ok
        pause
        dec     ecx
        jnz     %%w
        mov     si, %%msg
        jmp     fail
%%msg:  db      "timeout waiting for ", %3, 0
%%ok:
%endmacro

        START16                         ; CLI, SS:SP = 0:7000h, AX = 0
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        call    unreal_fs
        cmp     dword [es:MARKER], MAGIC
        je      after_self_init

        mov     word [es:ARRIVED], 0
        mov     word [es:TICKET], 0
        xor     di, di
.clr:   mov     word [es:IDS + di], 0xFFFF
        mov     dword [es:IPIS + di], 0
        mov     dword [es:NMIS + di], 0
        add     di, 2
        cmp     di, 16
        jb      .clr
        mov     word [es:V_COUNT*4], isr_count
        mov     word [es:V_COUNT*4+2], 0xF000
        mov     word [es:V_SELF*4], isr_self_init
        mov     word [es:V_SELF*4+2], 0xF000
        mov     word [es:V_RELAY*4], isr_relay
        mov     word [es:V_RELAY*4+2], 0xF000
        mov     word [es:2*4], isr_nmi
        mov     word [es:2*4+2], 0xF000

        mov     eax, 1
        cpuid
        shr     ebx, 24
        cmp     ebx, 0
        CHECK   "BSP: initial APIC ID 0"
        mov     ecx, 0x1B
        rdmsr
        test    eax, 0x100
        setz    al
        cmp     al, 0
        CHECK   "BSP: IA32_APIC_BASE.BSP set"
        mov     al, 0x5F
        out     0x70, al
        in      al, 0x71
        cmp     al, 3
        CHECK   "CMOS 5Fh: four processors"
        LAPIC_WR 0xF0, 0x1FF            ; software-enable, spurious FFh

        ; INIT-SIPI-SIPI to all excluding self (SDM Vol. 3A 8.4.4.1).
        IPI     0, 0x000C4500           ; INIT, level assert
        IPI     0, 0x000C46FF           ; STARTUP, vector FFh: FF000h
        WAITW   ARRIVED, 3, "three APs"
        IPI     0, 0x000C46FF           ; the second SIPI: ignored now
        mov     ecx, 200000
.settle: pause
        dec     ecx
        jnz     .settle
        cmp     word [es:ARRIVED], 3
        CHECK   "three APs started, each once"
        ; The IDs they reported: 1, 2 and 3 in some order, BSP clear, and
        ; the APIC ID register's ID the same.
        xor     bx, bx
        xor     di, di
.ids:   movzx   si, byte [es:IDS + di]
        cmp     si, 4
        jae     .bad_id
        bts     bx, si
        cmp     byte [es:BSPBIT + si], 0
        jne     .bad_id
        mov     ax, si
        cmp     byte [es:IDREG + si], al
        jne     .bad_id
        inc     di
        cmp     di, 3
        jb      .ids
.bad_id:
        cmp     bx, 0x0E
        CHECK   "APs: APIC IDs 1, 2, 3, IA32_APIC_BASE.BSP clear, ID register = initial ID"

        ; Fixed IPIs by physical destination.
        IPI     0x01000000, 0x4000 | V_COUNT
        IPI     0x02000000, 0x4000 | V_COUNT
        IPI     0x03000000, 0x4000 | V_COUNT
        WAITW   IPIS + 2, 1, "AP 1's fixed IPI"
        WAITW   IPIS + 4, 1, "AP 2's fixed IPI"
        WAITW   IPIS + 6, 1, "AP 3's fixed IPI"
        cmp     word [es:IPIS], 0
        CHECK   "fixed IPI to each AP by physical APIC ID"
        ; All excluding self.
        IPI     0, 0x000C4000 | V_COUNT
        WAITW   IPIS + 2, 2, "AP 1's broadcast"
        WAITW   IPIS + 4, 2, "AP 2's broadcast"
        WAITW   IPIS + 6, 2, "AP 3's broadcast"
        cmp     word [es:IPIS], 0
        CHECK   "all-excluding-self reaches the three APs, not the sender"
        ; Logical, flat model: each AP set LDR bit (24 + ID); MDA 0Ah names
        ; APs 1 and 3.
        IPI     0x0A000000, 0x4800 | V_COUNT
        WAITW   IPIS + 2, 3, "AP 1's logical IPI"
        WAITW   IPIS + 6, 3, "AP 3's logical IPI"
        cmp     word [es:IPIS + 4], 2
        CHECK   "logical destination 0Ah: APs 1 and 3 only"
        ; Lowest priority to APs 1-3 (MDA 0Eh): exactly one takes it.
        IPI     0x0E000000, 0x4900 | V_COUNT
        mov     ecx, 200000
.lp:    pause
        dec     ecx
        jnz     .lp
        mov     ax, [es:IPIS + 2]
        add     ax, [es:IPIS + 4]
        add     ax, [es:IPIS + 6]
        cmp     ax, 3 + 2 + 3 + 1
        CHECK   "lowest-priority IPI taken by exactly one AP"
        ; An IPI between two APs: AP 1 sends V_COUNT to AP 2.
        mov     bx, [es:IPIS + 4]
        inc     bx
        IPI     0x01000000, 0x4000 | V_RELAY
        WAITW   IPIS + 4, bx, "AP 1's IPI to AP 2"
        cmp     ax, ax
        CHECK   "AP 1 sends a fixed IPI to AP 2"
        ; NMI to AP 3.
        IPI     0x03000000, 0x4400
        WAITW   NMIS + 6, 1, "AP 3's NMI"
        cmp     word [es:NMIS + 2], 0
        CHECK   "NMI IPI to AP 3 only"
        ; Self IPI, with interrupts enabled on the BSP.
        IPI     0, 0x00044000 | V_COUNT
        sti
        nop
        cli
        cmp     word [es:IPIS], 1
        CHECK   "self IPI"

        ; AP 3 INITs itself (SDM 10.6.1: INIT to its own APIC ID): back to
        ; wait-for-SIPI; it ignores a fixed IPI, then a SIPI to it starts it
        ; again (a fourth arrival).
        IPI     0x03000000, 0x4000 | V_SELF
        mov     ecx, 200000
.si:    pause
        dec     ecx
        jnz     .si
        mov     bx, [es:IPIS + 6]
        IPI     0x03000000, 0x4000 | V_COUNT
        mov     ecx, 200000
.si2:   pause
        dec     ecx
        jnz     .si2
        cmp     word [es:IPIS + 6], bx
        CHECK   "AP 3 after its own INIT takes no fixed IPI (wait-for-SIPI)"
        IPI     0x03000000, 0x46FF      ; STARTUP to AP 3
        WAITW   ARRIVED, 4, "AP 3 again"
        cmp     byte [es:IDS + 3], 3
        CHECK   "a SIPI starts AP 3 again at FF000h"

        ; The BSP INITs itself: it restarts at the reset vector (RAM kept).
        mov     dword [es:MARKER], MAGIC
        IPI     0, 0x4500               ; INIT, physical destination 0 (itself)
        mov     si, .noinit
        jmp     fail
.noinit: db     "the BSP's INIT to itself did not reset it", 0

after_self_init:
        mov     dword [es:MARKER], 0
        mov     ecx, 0x1B
        rdmsr
        test    eax, 0x100
        setz    al
        cmp     al, 0
        CHECK   "the BSP's own INIT restarted it at the reset vector, still the BSP"
        PASS

unreal_fs:                              ; DS = F000h
        UNREAL_FS
        ret

; This processor's APIC ID (LAPIC ID register) in SI.
my_id:  push    eax
        LAPIC_RD 0x20
        shr     eax, 24
        movzx   si, al
        pop     eax
        ret

; COUNTING_ISR label, table, eoi: increments word [table + 2 * APIC ID]
; (EOI to the local APIC when eoi is 1), preserving every register.
%macro COUNTING_ISR 3
%1:     push    eax
        push    si
        push    es
        xor     si, si
        mov     es, si
        call    my_id
        shl     si, 1
        inc     word [es:%2 + si]
%if %3
        LAPIC_WR 0xB0, 0
%endif
        pop     es
        pop     si
        pop     eax
        iret
%endmacro

        COUNTING_ISR isr_count, IPIS, 1
        COUNTING_ISR isr_nmi, NMIS, 0

isr_relay:                              ; AP 1: a fixed IPI to AP 2
        push    eax
        IPI     0x02000000, 0x4000 | V_COUNT
        LAPIC_WR 0xB0, 0
        pop     eax
        iret

isr_self_init:                          ; INIT to this processor's own ID
        call    my_id
        mov     eax, esi
        shl     eax, 24
        LAPIC_WR 0xB0, 0
        mov     dword [fs:dword LAPIC + 0x310], eax
        mov     dword [fs:dword LAPIC + 0x300], 0x4500
.stay:  hlt                             ; not reached: the INIT takes it first
        jmp     .stay

; An AP after its STARTUP IPI: real mode, CS:IP = FF00h:0000h (below).
ap_main:
        cli
        xor     ax, ax
        mov     es, ax
        mov     ax, cs
        mov     ds, ax
        mov     ax, 1
        lock xadd [es:TICKET], ax       ; this AP's ticket: 0, 1, 2, ...
        mov     bx, ax
        xor     ax, ax
        mov     ss, ax
        mov     sp, bx
        shl     sp, 10
        add     sp, 0x8400              ; its own stack
        call    unreal_fs
        mov     eax, 1
        cpuid
        shr     ebx, 24                 ; the initial APIC ID
        mov     si, bx
        mov     ecx, 0x1B
        rdmsr
        shr     eax, 8
        and     al, 1
        mov     [es:BSPBIT + si], al
        LAPIC_RD 0x20
        shr     eax, 24
        mov     [es:IDREG + si], al
        LAPIC_WR 0xE0, 0xFFFFFFFF       ; DFR: flat model
        mov     cx, si
        mov     eax, 1
        shl     eax, cl
        shl     eax, 24
        LAPIC_WR 0xD0, eax              ; LDR: bit 24 + APIC ID
        LAPIC_WR 0x80, 0                ; TPR 0
        LAPIC_WR 0xF0, 0x1FF            ; software-enable
        mov     ax, 1
        lock xadd [es:ARRIVED], ax      ; arrival n: record the ID at IDS + n
        mov     di, ax
        mov     ax, si
        mov     [es:IDS + di], al
        sti
.idle:  hlt
        jmp     .idle

        UNREAL_GDT

        REPORT16_ROUTINES

        times 0xF000-($-$$) db 0xFF
ap_entry:                               ; FF000h: vector FFh's start
        jmp     0xF000:ap_main

        RESET_VECTOR
