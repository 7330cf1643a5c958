; paging_pse.asm -- Glassbox guest test: 32-bit paging with CR4.PSE
; 4-MByte pages.
;
; SDM Vol. 3A 4.3 ("32-Bit Paging"): table 4-4 (a PDE with PS=1 maps a
; 4-MByte page if CR4.PSE=1; with CR4.PSE=0 bit 7 is ignored and the PDE
; references a page table, table 4-6), figure 4-3 (linear address
; translation to a 4-MByte page), 4-MByte PDE format (bits 21:13 reserved
; without PSE-36 / with MAXPHYADDR 32; bits 20:13 hold physical address bits
; 39:32 with PSE-36, so only bit 21 is reserved for any MAXPHYADDR <= 40),
; 4.7 (#PF error code bit 3 RSVD, set with P=1), 4.8 (A and D flags of a
; PDE that maps a page), 4.10.2.3 / 4.10.4.1 (INVLPG with any address in a
; large page; MOV to CR4 that changes PSE invalidates the TLBs), 4.10.2.4
; (global 4-MByte pages).
; Checks: PS ignored with CR4.PSE=0; the same PDE maps a 4-MByte page with
; CR4.PSE=1; mixed 4-KByte and 4-MByte mappings; alias of a 4-MByte frame;
; A/D bits in the PDE; reserved bits -> #PF with RSVD (9, 0Bh, 0Dh); a
; not-present PDE with reserved bits -> #PF(0); INVLPG on a large page;
; U/S on a large page; a global large page kept across MOV CR3.
;
; Build: nasm -f bin -i lib/ -o paging_pse.bin paging_pse.asm
;   -DQEMU_REF  leave out the model-specific checks: PDE bit 13 reserved
;               (not on a CPU with PSE-36, like QEMU's pentium3) and global
;               entries surviving MOV CR3 (QEMU's TCG flushes them); and
;               expect QEMU 7.2's RSVD error codes without the P bit
;   -DKEEPGOING report every failing check instead of stopping at the first
;
; Needs 16 MiB of RAM (a page table at 4 MiB, 4-MByte frames at 0, 4 and
; 8 MiB).

%define HARNESS32_PAGING                ; the handler also records CR2; PFAULT
%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
        GDT_FAULT_SEGMENTS              ; selectors 38h..50h (SEL_SMALLTSS .. SEL_FLAT)
        GDT_END

PD      equ 0x10000             ; page directory (CR3)
PT0     equ 0x11000             ; identity map of linear 0..4 MiB (4 KiB pages)
PT3     equ 0x400000            ; page table referenced by PDE 3 (PSE=0)

LA_BIG  equ 0x400000            ; PDE 1: 4 MiB page -> physical 8 MiB
LA_BIGID equ 0x800000           ; PDE 2: 4 MiB page, identity (8 MiB)
LA_PS0  equ 0xC00000            ; PDE 3: PT3|PS: table (PSE=0) or page (PSE=1)
LA_RSV  equ 0x1000000           ; PDE 4: reserved-bit tests
LA_BIGG equ 0x1400000           ; PDE 5: global 4 MiB page
FR_MARK equ 0x20000             ; 4 KiB frame with a marker

%define PDE(la) [PD + ((la) >> 22) * 4]

tests:
        mov     edi, PD
        xor     eax, eax
        mov     ecx, 2*1024
        rep stosd
        mov     edi, PT3
        mov     ecx, 1024
        rep stosd
        mov     edi, PT0
        mov     eax, PG_P|PG_RW|PG_US
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PT3], FR_MARK|PG_P|PG_RW
        mov     dword [FR_MARK], FR_MARK
        mov     dword PDE(0), PT0|PG_P|PG_RW|PG_US
        mov     dword PDE(LA_BIG), 0x800000|PG_PS|PG_P|PG_RW|PG_US
        mov     dword PDE(LA_BIGID), 0x800000|PG_PS|PG_P|PG_RW
        mov     dword PDE(LA_PS0), PT3|PG_PS|PG_P|PG_RW

; --- paging on with CR4.PSE=0: PDE bit 7 is ignored (table 4-6)
        mov     eax, cr4
        and     eax, ~(CR4_PSE|CR4_PGE)
        mov     cr4, eax
        PAGING_ON PD
        MEQ     [LA_PS0], FR_MARK, "CR4.PSE=0: PDE with PS=1 references a page table"

; --- CR4.PSE=1: the same PDE maps a 4 MiB page at PT3 (its first dword is
;     PT3[0]); MOV to CR4 changing PSE invalidates the TLBs (4.10.4.1)
        mov     eax, cr4
        or      eax, CR4_PSE
        mov     cr4, eax
        MEQ     [LA_PS0], FR_MARK|PG_A|PG_P|PG_RW, "CR4.PSE=1: the PDE maps a 4 MiB page (reads PT3[0], A set)"
        MEQ     [LA_PS0+0x1000], 0, "4 MiB page: offset bits 21:0 come from the linear address"
        mov     eax, PDE(LA_PS0)
        and     eax, PG_A
        EQ      eax, PG_A, "4 MiB page: PDE.A=1 after the read"
        MEQ     [0xF0000 + s_ok], 0x00206B6F, "mixed: 4 KiB identity map still works"

; --- alias: 4 MiB page at 4 MiB and the identity page at 8 MiB
        mov     dword [LA_BIG+0x1234], 0xB16A0001
        MEQ     [LA_BIGID+0x1234], 0xB16A0001, "alias: write via 401234h, read via 801234h"
        mov     dword [LA_BIGID+0x3FFFF0], 0xB16A0002
        MEQ     [LA_BIG+0x3FFFF0], 0xB16A0002, "alias: last dwords of the 4 MiB page"

; --- A/D in a 4 MiB PDE (4.8)
        and     dword PDE(LA_BIG), ~(PG_A|PG_D)
        FLUSHCR3
        mov     eax, [LA_BIG+0x10]
        mov     eax, PDE(LA_BIG)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: 4 MiB PDE A=1 D=0"
        mov     dword [LA_BIG+0x200010], 1
        mov     eax, PDE(LA_BIG)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write: 4 MiB PDE D=1"
        and     dword PDE(LA_BIG), ~(PG_A|PG_D)
        FLUSHCR3
        mov     dword [LA_BIG+0x10], 2
        mov     eax, PDE(LA_BIG)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "first access a write: 4 MiB PDE A=1 D=1"

; --- reserved bits in a 4 MiB PDE -> #PF with RSVD (4.7: P=1, RSVD=1)
        mov     dword PDE(LA_RSV), 0x800000|(1 << 21)|PG_PS|PG_P|PG_RW|PG_US
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x100]}, LA_RSV+0x100, "4 MiB PDE bit 21 set: read #PF(9)"
        PFAULT  0x0A|RSVD_P, {mov dword [LA_RSV+0x104], 1}, LA_RSV+0x104, "4 MiB PDE bit 21 set: write #PF(0Bh)"
        RING3
        PFAULT  0x0C|RSVD_P, {mov eax, [LA_RSV+0x108]}, LA_RSV+0x108, "4 MiB PDE bit 21 set: user read #PF(0Dh)"
        RING0
        mov     eax, PDE(LA_RSV)
        and     eax, PG_A
        EQ      eax, 0, "reserved-bit fault: PDE.A not set"
%ifndef QEMU_REF
        ; no PSE-36 (pentium-pro): bits 21:13 are all reserved
        mov     dword PDE(LA_RSV), 0x800000|(1 << 13)|PG_PS|PG_P|PG_RW
        PFAULT  9, {mov eax, [LA_RSV+0x10C]}, LA_RSV+0x10C, "4 MiB PDE bit 13 set (no PSE-36): read #PF(9)"
        mov     dword PDE(LA_RSV), 0x800000|(1 << 17)|PG_PS|PG_P|PG_RW
        PFAULT  9, {mov eax, [LA_RSV+0x110]}, LA_RSV+0x110, "4 MiB PDE bit 17 set (no PSE-36): read #PF(9)"
        ; no PAT (pentium-pro): bit 12 is reserved too
        mov     dword PDE(LA_RSV), 0x800000|(1 << 12)|PG_PS|PG_P|PG_RW
        invlpg  [LA_RSV]
        PFAULT  9, {mov eax, [LA_RSV+0x112]}, LA_RSV+0x112, "4 MiB PDE bit 12 (PAT; no PAT) set: read #PF(9)"
%endif
        mov     dword PDE(LA_RSV), 0x800000|(1 << 21)|PG_PS|PG_RW   ; P=0
        PFAULT  0, {mov eax, [LA_RSV+0x114]}, LA_RSV+0x114, "not-present 4 MiB PDE with reserved bits: #PF(0)"
        mov     dword PDE(LA_RSV), 0x800000|PG_PS|PG_P|PG_RW
        FLUSHCR3
        NOFAULT {mov eax, [LA_RSV+0x118]}, "4 MiB PDE with the reserved bit cleared"

; --- INVLPG with an address elsewhere in the 4 MiB page (4.10.2.3)
        mov     dword [LA_BIGID+FR_MARK], 0xBEEF
        MEQ     [LA_BIG+FR_MARK], 0xBEEF, "invlpg 4 MiB: old frame"
        mov     dword PDE(LA_BIG), 0|PG_PS|PG_P|PG_RW|PG_US
        invlpg  [LA_BIG+0x345678]
        MEQ     [LA_BIG+FR_MARK], FR_MARK, "invlpg elsewhere in the 4 MiB page: new frame"

; --- U/S in a 4 MiB PDE (4.6)
        mov     dword PDE(LA_BIG), 0x800000|PG_PS|PG_P|PG_RW
        invlpg  [LA_BIG]
        RING3
        PFAULT  5, {mov eax, [LA_BIG+0x20]}, LA_BIG+0x20, "user read of a supervisor 4 MiB page #PF(5)"
        RING0
        mov     dword PDE(LA_BIG), 0x800000|PG_PS|PG_P|PG_US
        invlpg  [LA_BIG]
        RING3
        NOFAULT {mov eax, [LA_BIG+0x20]}, "user read of a read-only user 4 MiB page"
        PFAULT  7, {mov dword [LA_BIG+0x24], 0}, LA_BIG+0x24, "user write to a read-only 4 MiB page #PF(7)"
        RING0

; --- global 4 MiB page (4.10.2.4)
        mov     eax, cr4
        or      eax, CR4_PGE
        mov     cr4, eax
        mov     dword PDE(LA_BIGG), 0x800000|PG_G|PG_PS|PG_P|PG_RW
        MEQ     [LA_BIGG+FR_MARK], 0xBEEF, "global 4 MiB page: initial frame"
        mov     dword PDE(LA_BIGG), 0|PG_G|PG_PS|PG_P|PG_RW
        FLUSHCR3
%ifndef QEMU_REF
        MEQ     [LA_BIGG+FR_MARK], 0xBEEF, "mov cr3: global 4 MiB entry survives"
%endif
        invlpg  [LA_BIGG+0x3FF000]
        MEQ     [LA_BIGG+FR_MARK], FR_MARK, "invlpg: global 4 MiB entry flushed"

; --- clearing CR4.PSE: PDE 3 references the page table again
        mov     eax, cr4
        and     eax, ~(CR4_PSE|CR4_PGE)
        mov     cr4, eax
        MEQ     [LA_PS0], FR_MARK, "CR4.PSE cleared: the PDE references a page table again"

        jmp     exit_pass

        RESET_VECTOR
