; paging_pae.asm -- Glassbox guest test: PAE paging (CR4.PAE=1).
;
; SDM Vol. 3A 4.4 ("PAE Paging"): 4.4.1 (PDPTE registers: the four PDPTEs
; are loaded by MOV to CR3 -- and MOV to CR0/CR4 that enable PAE paging --
; not on TLB misses; a present PDPTE with a reserved bit set makes that MOV
; raise #GP(0), table 4-8: bits 2:1, 8:5 and 63:MAXPHYADDR reserved),
; 4.4.2 (tables 4-9..4-11: 64-bit PDEs/PTEs, 2-MByte pages with PDE.PS=1,
; bits 20:13 of a 2-MByte PDE reserved, bit 12 is PAT (reserved without
; PAT), bits 62:MAXPHYADDR reserved, bit 63 XD reserved unless IA32_EFER.NXE
; = 1), 4.6 (access rights), 4.7 (#PF error codes; RSVD = bit 3 with P = 1),
; 4.8 (A/D flags), 4.10.4.1 (INVLPG, MOV CR3).
; The default Glassbox model (pentium-pro) has MAXPHYADDR 36, no NX, no PAT.
;
; Build: nasm -f bin -i lib/ -o paging_pae.bin paging_pae.asm
;   -DQEMU_REF  leave out what QEMU's TCG does not model (PDPTE registers:
;               it walks the PDPT on every TLB miss and does not check PDPTE
;               reserved bits at MOV CR3), model-specific bits (PAT), and
;               expect QEMU 7.2's RSVD error codes without the P bit
;   -DKEEPGOING report every failing check instead of stopping at the first

%define HARNESS32_PAGING                ; the handler also records CR2; PFAULT
%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
        GDT_FAULT_SEGMENTS              ; selectors 38h..50h (SEL_SMALLTSS .. SEL_FLAT)
        GDT_END

PDPT    equ 0x10000             ; CR3 (32-byte aligned)
PDPTBAD equ 0x10100             ; copies of the PDPT with bad PDPTEs
PD0     equ 0x11000             ; linear 0..1 GiB
PT0     equ 0x12000             ; identity map of linear 0..2 MiB
PT1     equ 0x13000             ; linear 2..4 MiB: 4 KiB test pages
PD1     equ 0x14000             ; linear 1..2 GiB
PD2     equ 0x15000             ; replacement for PD1

LA_ALIAS equ 0x200000           ; PT1 -> FR_ALIAS
LA_NP   equ 0x201000            ; not present
LA_SUP  equ 0x202000            ; supervisor
LA_URO  equ 0x203000            ; user read-only
LA_AD   equ 0x204000            ; A/D
LA_R36  equ 0x205000            ; PTE bit 36 (>= MAXPHYADDR)
LA_R63  equ 0x206000            ; PTE bit 63 (XD without NXE)
LA_R51  equ 0x207000            ; PTE bit 51
LA_TLB  equ 0x208000            ; INVLPG
LA_BIG  equ 0x400000            ; PD0[2]: 2 MiB page -> physical 8 MiB
LA_BIGID equ 0x800000           ; PD0[4]: 2 MiB identity page
LA_RSV  equ 0xA00000            ; PD0[5]: reserved-bit tests (2 MiB / PDE)
LA_HI   equ 0x40000000          ; PDPTE 1
LA_NOPDPT equ 0x80000000        ; PDPTE 2: not present

FR_ALIAS equ 0x20000
FR_SUP  equ 0x21000
FR_URO  equ 0x22000
FR_AD   equ 0x23000
FR_TLB1 equ 0x24000
FR_TLB2 equ 0x25000

; SETE table, index, low dword, high dword: a 64-bit paging entry
%macro SETE 4
        mov     dword [(%1) + (%2) * 8], %3
        mov     dword [(%1) + (%2) * 8 + 4], %4
%endmacro
%define PTIDX(la) (((la) >> 12) & 0x1FF)
%define PDIDX(la) (((la) >> 21) & 0x1FF)

tests:
        mov     edi, PDPT
        xor     eax, eax
        mov     ecx, 6*1024
        rep stosd
        mov     edi, PT0
        mov     eax, PG_P|PG_RW|PG_US
        mov     ecx, 512
.id:    mov     [edi], eax
        mov     dword [edi+4], 0
        add     edi, 8
        add     eax, 0x1000
        loop    .id
        SETE    PDPT, 0, PD0|PG_P, 0
        SETE    PDPT, 1, PD1|PG_P, 0
        SETE    PD0, 0, PT0|PG_P|PG_RW|PG_US, 0
        SETE    PD0, 1, PT1|PG_P|PG_RW|PG_US, 0
        SETE    PD0, PDIDX(LA_BIG), 0x800000|PG_PS|PG_P|PG_RW|PG_US, 0
        SETE    PD0, PDIDX(LA_BIGID), 0x800000|PG_PS|PG_P|PG_RW, 0
        SETE    PD1, 0, 0x800000|PG_PS|PG_P|PG_RW, 0
        SETE    PD2, 0, 0|PG_PS|PG_P|PG_RW, 0
        SETE    PT1, PTIDX(LA_ALIAS), FR_ALIAS|PG_P|PG_RW|PG_US, 0
        SETE    PT1, PTIDX(LA_SUP), FR_SUP|PG_P|PG_RW, 0
        SETE    PT1, PTIDX(LA_URO), FR_URO|PG_P|PG_US, 0
        SETE    PT1, PTIDX(LA_AD), FR_AD|PG_P|PG_RW, 0
        SETE    PT1, PTIDX(LA_R36), FR_ALIAS|PG_P|PG_RW|PG_US, 0x10
        SETE    PT1, PTIDX(LA_R63), FR_ALIAS|PG_P|PG_RW|PG_US, 0x80000000
        SETE    PT1, PTIDX(LA_R51), FR_ALIAS|PG_P|PG_RW|PG_US, 0x00080000
        SETE    PT1, PTIDX(LA_TLB), FR_TLB1|PG_P|PG_RW, 0
        mov     eax, FR_ALIAS
.mk:    mov     [eax], eax
        add     eax, 0x1000
        cmp     eax, FR_TLB2
        jbe     .mk

; --- enable PAE paging: CR4.PAE, CR3 = PDPT, CR0.PG (SDM 4.1.2, 4.4)
        mov     eax, cr4
        or      eax, CR4_PAE
        mov     cr4, eax
        PAGING_ON PDPT
        mov     eax, cr4
        and     eax, CR4_PAE
        EQ      eax, CR4_PAE, "CR4.PAE=1"
        MEQ     [0xF0000 + s_ok], 0x00206B6F, "identity map: ROM readable at F0000h"

; --- 4 KiB and 2 MiB mappings, aliases
        mov     dword [LA_ALIAS+0x10], 0xAE000001
        MEQ     [FR_ALIAS+0x10], 0xAE000001, "4 KiB alias: write via 200010h, read via 20010h"
        mov     dword [LA_BIG+0x1234], 0xAE000002
        MEQ     [LA_BIGID+0x1234], 0xAE000002, "2 MiB alias: write via 401234h, read via 801234h"
        mov     dword [LA_BIGID+0x1FFFF0], 0xAE000003
        MEQ     [LA_BIG+0x1FFFF0], 0xAE000003, "2 MiB alias: last dwords of the page"
        MEQ     [LA_HI+0x1234], 0xAE000002, "PDPTE 1: 2 MiB page at 40000000h"

; --- A/D (4.8): 4 KiB PTE, PDE, PDPTE has none in PAE paging
        and     dword [PD0+1*8], ~PG_A
        FLUSHCR3
        mov     eax, [LA_AD]
        EQ      eax, FR_AD, "A/D page: value"
        mov     eax, [PD0+1*8]
        and     eax, PG_A
        EQ      eax, PG_A, "read: PDE.A=1"
        mov     eax, [PT1+PTIDX(LA_AD)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: PTE.A=1 D=0"
        mov     dword [LA_AD+4], 1
        mov     eax, [PT1+PTIDX(LA_AD)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write: PTE.D=1"
        and     dword [PD0+PDIDX(LA_BIG)*8], ~(PG_A|PG_D)
        FLUSHCR3
        mov     eax, [LA_BIG]
        mov     eax, [PD0+PDIDX(LA_BIG)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: 2 MiB PDE A=1 D=0"
        mov     dword [LA_BIG+0x100000], 1
        mov     eax, [PD0+PDIDX(LA_BIG)*8]
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write: 2 MiB PDE D=1"

; --- #PF error codes (4.7)
        PFAULT  0, {mov eax, [LA_NP+0x123]}, LA_NP+0x123, "not-present read #PF(0)"
        PFAULT  2, {mov dword [LA_NP+0x124], 1}, LA_NP+0x124, "not-present write #PF(2)"
        PFAULT  0, {mov eax, [LA_NOPDPT+0x10]}, LA_NOPDPT+0x10, "read with PDPTE not present #PF(0)"
        PFAULT  0, {mov eax, [0x3FE00000]}, 0x3FE00000, "read with PDE not present #PF(0)"
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PFAULT  3, {mov dword [LA_URO+0x10], 1}, LA_URO+0x10, "WP=1: supervisor write to a read-only page #PF(3)"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        NOFAULT {mov dword [LA_URO+0x14], 1}, "WP=0: supervisor write to a read-only page"
        RING3
        PFAULT  5, {mov eax, [LA_SUP+0x20]}, LA_SUP+0x20, "user read of a supervisor page #PF(5)"
        PFAULT  7, {mov dword [LA_URO+0x20], 1}, LA_URO+0x20, "user write to a read-only user page #PF(7)"
        PFAULT  6, {mov dword [LA_NP+0x20], 1}, LA_NP+0x20, "user write to a not-present page #PF(6)"
        PFAULT  5, {mov eax, [LA_BIGID+0x20]}, LA_BIGID+0x20, "user read of a supervisor 2 MiB page #PF(5)"
        NOFAULT {mov eax, [LA_BIG+0x20]}, "user read of a user 2 MiB page"
        RING0

; --- reserved bits (4.4.2, 4.7): RSVD (bit 3) with P (bit 0)
        PFAULT  8|RSVD_P, {mov eax, [LA_R36+0x30]}, LA_R36+0x30, "PTE bit 36 (MAXPHYADDR 36) set: read #PF(9)"
        PFAULT  0x0A|RSVD_P, {mov dword [LA_R36+0x34], 1}, LA_R36+0x34, "PTE bit 36 set: write #PF(0Bh)"
        RING3
        PFAULT  0x0C|RSVD_P, {mov eax, [LA_R36+0x38]}, LA_R36+0x38, "PTE bit 36 set: user read #PF(0Dh)"
        RING0
        PFAULT  8|RSVD_P, {mov eax, [LA_R51+0x30]}, LA_R51+0x30, "PTE bit 51 set: read #PF(9)"
        PFAULT  8|RSVD_P, {mov eax, [LA_R63+0x30]}, LA_R63+0x30, "PTE bit 63 (XD, EFER.NXE=0) set: read #PF(9)"
        mov     eax, [PT1+PTIDX(LA_R36)*8]
        and     eax, PG_A
        EQ      eax, 0, "reserved-bit fault: PTE.A not set"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 13)|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x40]}, LA_RSV+0x40, "2 MiB PDE bit 13 set: read #PF(9)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 20)|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x44]}, LA_RSV+0x44, "2 MiB PDE bit 20 set: read #PF(9)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|PG_PS|PG_P|PG_RW, 0x10
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x48]}, LA_RSV+0x48, "2 MiB PDE bit 36 set: read #PF(9)"
%ifndef QEMU_REF
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 12)|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x4C]}, LA_RSV+0x4C, "2 MiB PDE bit 12 (PAT; no PAT) set: read #PF(9)"
%endif
        SETE    PD0, PDIDX(LA_RSV), PT1|PG_P|PG_RW, 0x10
        invlpg  [LA_RSV]
        PFAULT  8|RSVD_P, {mov eax, [LA_RSV+0x50]}, LA_RSV+0x50, "PDE (page table) bit 36 set: read #PF(9)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|(1 << 13)|PG_PS|PG_RW, 0x80000010
        invlpg  [LA_RSV]
        PFAULT  0, {mov eax, [LA_RSV+0x54]}, LA_RSV+0x54, "not-present PDE with reserved bits: #PF(0)"
        SETE    PD0, PDIDX(LA_RSV), 0x800000|PG_PS|PG_P|PG_RW, 0
        invlpg  [LA_RSV]
        MEQ     [LA_RSV+0x1234], 0xAE000002, "2 MiB PDE with the reserved bits cleared"

; --- INVLPG (4.10.4.1)
        MEQ     [LA_TLB], FR_TLB1, "tlb: initial frame"
        SETE    PT1, PTIDX(LA_TLB), FR_TLB2|PG_P|PG_RW, 0
        invlpg  [LA_TLB+0xFFF]
        MEQ     [LA_TLB], FR_TLB2, "invlpg: new frame used"

; --- PDPTE registers (4.4.1): loaded at MOV CR3, not on TLB misses
        mov     dword [0x800000+0x100], 0x800000
        mov     dword [0x100], 0
        MEQ     [LA_HI+0x100], 0x800000, "PDPTE 1 -> PD1 -> 2 MiB page at 8 MiB"
%ifndef QEMU_REF
        SETE    PDPT, 1, PD2|PG_P, 0
        invlpg  [LA_HI+0x100]
        MEQ     [LA_HI+0x100], 0x800000, "PDPTE changed in memory: INVLPG keeps the loaded PDPTE"
%endif
        SETE    PDPT, 1, PD2|PG_P, 0
        FLUSHCR3
        MEQ     [LA_HI+0x100], 0, "mov cr3 reloads the PDPTEs"

; --- MOV CR3 with a reserved bit in a present PDPTE -> #GP(0) (4.4.1)
%ifndef QEMU_REF
        mov     esi, PDPT
        mov     edi, PDPTBAD
        mov     ecx, 8
        rep movsd
        or      dword [PDPTBAD+1*8], PG_RW              ; bit 1 reserved
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 1 set #GP(0)"
        mov     eax, cr3
        EQ      eax, PDPT, "mov cr3 #GP: cr3 unchanged"
        MEQ     [LA_HI+0x100], 0, "mov cr3 #GP: old PDPTEs still in use"
        and     dword [PDPTBAD+1*8], ~PG_RW
        or      dword [PDPTBAD+1*8], 0x20               ; bit 5 reserved
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 5 set #GP(0)"
        and     dword [PDPTBAD+1*8], ~0x20
        mov     dword [PDPTBAD+1*8+4], 0x10             ; bit 36 >= MAXPHYADDR
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 36 set #GP(0)"
        mov     dword [PDPTBAD+1*8+4], 0x80000000       ; bit 63
        mov     eax, PDPTBAD
        FAULT   13, 0, {mov cr3, eax}, "mov cr3: PDPTE bit 63 set #GP(0)"
        mov     dword [PDPTBAD+1*8+4], 0
        mov     dword [PDPTBAD+2*8], 0x1E6              ; not present:
        mov     dword [PDPTBAD+2*8+4], 0xFFFFFFFF       ; reserved bits ignored
        mov     eax, PDPTBAD
        NOFAULT {mov cr3, eax}, "mov cr3: not-present PDPTE with reserved bits"
        mov     eax, cr3
        EQ      eax, PDPTBAD, "mov cr3 to the PDPT copy"
        mov     eax, PDPT
        mov     cr3, eax
%endif
        MEQ     [LA_HI+0x100], 0, "back on the PDPT"

        jmp     exit_pass

        RESET_VECTOR
