; paging_32.asm -- Glassbox guest test: 32-bit paging with 4-KByte pages.
;
; SDM Vol. 3A chapter 4 ("Paging"): 4.3 ("32-Bit Paging", tables 4-5/4-6,
; figure 4-2), 4.6 ("Access Rights": U/S, R/W, CR0.WP), 4.7 ("Page-Fault
; Exceptions": error code P/W/U bits, CR2), 4.8 ("Accessed and Dirty
; Flags"), 4.10 ("Caching Translation Information": 4.10.2.4 global pages,
; 4.10.4.1 INVLPG / MOV to CR3 / MOV to CR4, 4.10.4.3 stale entries may be
; used until invalidated), SDM Vol. 3A 11.6 ("Self-Modifying Code").
; Checks: identity map + an alias of a page at another linear address;
; every #PF cause with its exact error code and CR2; A/D bits; INVLPG of a
; stale entry; MOV CR3 flushing non-global but keeping global entries
; (CR4.PGE); a dword write that crosses into a not-present page (no partial
; write); self-modifying code on the same page and through an alias.
;
; Build: nasm -f bin -i lib/ -o paging_32.bin paging_32.asm
;   -DQEMU_REF  leave out what QEMU's TCG does not model (it flushes global
;               TLB entries on MOV CR3) for validation on QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first
;
; Memory: the ROM runs at F0000h (CS base F0000h); RAM below 1 MiB holds the
; GDT/IDT/TSS, the stacks (60000h, 70000h) and the paging structures.  The
; identity map of 0..4 MiB (PT0, U/S=1 R/W=1) covers all of it.

%define HARNESS32_PAGING                ; the handler also records CR2; PFAULT
%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
        GDT_FAULT_SEGMENTS              ; selectors 38h..50h (SEL_SMALLTSS .. SEL_FLAT)
        GDT_END

; ---------------------------------------------------------------------------
; Paging structures and test pages
; ---------------------------------------------------------------------------
PD      equ 0x10000             ; page directory (CR3)
PT0     equ 0x11000             ; identity map of linear 0..4 MiB
PT1     equ 0x12000             ; linear 4..8 MiB: the test pages

LA_ALIAS equ 0x400000           ; -> FR_ALIAS (also identity mapped)
LA_NP   equ 0x401000            ; not present
LA_SUP  equ 0x402000            ; supervisor, writable
LA_URO  equ 0x403000            ; user, read-only
LA_SRO  equ 0x404000            ; supervisor, read-only
LA_AD   equ 0x405000            ; A/D bit test
LA_TLB  equ 0x406000            ; stale TLB entry / INVLPG
LA_GLB  equ 0x407000            ; global page
LA_X1   equ 0x408000            ; present; LA_X1+1000h is not present
LA_CODEA equ 0x40A000           ; alias of the code page SMC2
LA_NG   equ 0x40B000            ; non-global: MOV CR3 flush
LA_NOPDE equ 0x800000           ; PDE 2: not present

FR_ALIAS equ 0x20000
FR_SUP  equ 0x21000
FR_URO  equ 0x22000
FR_SRO  equ 0x23000
FR_AD   equ 0x24000
FR_TLB1 equ 0x25000
FR_TLB2 equ 0x26000
FR_GLB1 equ 0x27000
FR_GLB2 equ 0x28000
FR_X1   equ 0x29000
FR_NG1  equ 0x2A000
FR_NG2  equ 0x2B000
SMC1    equ 0x30000             ; RAM code pages (run through SEL_FLAT)
SMC2    equ 0x31000

; SETPTE linear, value: the PT1 entry for a test linear address
%macro SETPTE 2
        mov     dword [PT1 + (((%1) >> 12) & 0x3FF) * 4], %2
%endmacro
%define PTE(la) [PT1 + (((la) >> 12) & 0x3FF) * 4]

; COPYCODE dst, start, end: copy a code template from the ROM to RAM
%macro COPYCODE 3
        mov     esi, 0xF0000 + (%2)
        mov     edi, %1
        mov     ecx, (%3) - (%2)
        rep movsb
%endmacro

tests:
; --- build the paging structures (SDM 4.3, figure 4-4 formats)
        mov     edi, PD
        xor     eax, eax
        mov     ecx, 3*1024             ; PD, PT0, PT1
        rep stosd
        mov     edi, PT0                ; identity: frame i, P|RW|US
        mov     eax, PG_P|PG_RW|PG_US
        mov     ecx, 1024
.id:    stosd
        add     eax, 0x1000
        loop    .id
        mov     dword [PD+0], PT0|PG_P|PG_RW|PG_US
        mov     dword [PD+4], PT1|PG_P|PG_RW|PG_US
        SETPTE  LA_ALIAS, FR_ALIAS|PG_P|PG_RW|PG_US
        SETPTE  LA_SUP, FR_SUP|PG_P|PG_RW
        SETPTE  LA_URO, FR_URO|PG_P|PG_US
        SETPTE  LA_SRO, FR_SRO|PG_P
        SETPTE  LA_AD, FR_AD|PG_P|PG_RW
        SETPTE  LA_TLB, FR_TLB1|PG_P|PG_RW
        SETPTE  LA_GLB, FR_GLB1|PG_P|PG_RW|PG_G
        SETPTE  LA_X1, FR_X1|PG_P|PG_RW
        SETPTE  LA_CODEA, SMC2|PG_P|PG_RW
        SETPTE  LA_NG, FR_NG1|PG_P|PG_RW
        ; each frame's first dword holds its own physical address
        mov     eax, FR_ALIAS
.mk:    mov     [eax], eax
        add     eax, 0x1000
        cmp     eax, FR_NG2
        jbe     .mk

; --- enable paging: CR3 = PD (PCD=PWT=0), CR0.PG=1 (SDM 4.1.1, 4.3)
        PAGING_ON PD
        mov     eax, cr0
        and     eax, CR0_PG|1
        EQ      eax, CR0_PG|1, "paging enabled: CR0.PG=1 PE=1"
        mov     eax, cr3
        EQ      eax, PD, "cr3 reads back"
        MEQ     [0xF0000 + s_ok], 0x00206B6F, "identity map: ROM readable at F0000h"

; --- alias: two linear addresses -> one physical page (SDM 4.3)
        mov     dword [LA_ALIAS+0x10], 0xA11A5001
        MEQ     [FR_ALIAS+0x10], 0xA11A5001, "alias: write via 400010h, read via 20010h"
        mov     dword [FR_ALIAS+0x20], 0xA11A5002
        MEQ     [LA_ALIAS+0x20], 0xA11A5002, "alias: write via 20020h, read via 400020h"
        MEQ     [LA_ALIAS], FR_ALIAS, "alias: frame marker"

; --- #PF error codes and CR2 (SDM 4.7, figure 4-12): bit 0 P, 1 W/R, 2 U/S
        PFAULT  0, {mov eax, [LA_NP+0x123]}, LA_NP+0x123, "not-present read #PF(0)"
        PFAULT  2, {mov dword [LA_NP+0x456], 1}, LA_NP+0x456, "not-present write #PF(2)"
        PFAULT  0, {mov eax, [LA_NOPDE+0x10]}, LA_NOPDE+0x10, "read with PDE not present #PF(0)"
        NOFAULT {mov eax, [LA_SUP+0x30]}, "supervisor read of a supervisor page"
        NOFAULT {mov dword [LA_SUP+0x30], 0x5A5A}, "supervisor write to a supervisor page"
        MEQ     [FR_SUP+0x30], 0x5A5A, "supervisor write reached the frame"
; CR0.WP=0: supervisor writes to read-only pages are allowed (SDM 4.6.1)
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        NOFAULT {mov dword [LA_SRO+0x8], 0x1111}, "WP=0: supervisor write to a read-only supervisor page"
        MEQ     [FR_SRO+0x8], 0x1111, "WP=0: the write reached the frame"
        NOFAULT {mov dword [LA_URO+0x8], 0x2222}, "WP=0: supervisor write to a read-only user page"
        MEQ     [FR_URO+0x8], 0x2222, "WP=0: the write to the user page reached the frame"
; CR0.WP=1: they fault with P|W (3)
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PFAULT  3, {mov dword [LA_SRO+0x8], 0x3333}, LA_SRO+0x8, "WP=1: supervisor write to a read-only page #PF(3)"
        MEQ     [FR_SRO+0x8], 0x1111, "WP=1: read-only page unchanged"
        PFAULT  3, {mov dword [LA_URO+0xC], 0x3333}, LA_URO+0xC, "WP=1: supervisor write to a read-only user page #PF(3)"
        NOFAULT {mov eax, [LA_SRO+0x8]}, "WP=1: supervisor read of a read-only page"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
; user mode (CPL 3) accesses (SDM 4.6: U/S=0 pages are supervisor-only;
; user writes need R/W=1 regardless of WP)
        RING3
        PFAULT  5, {mov eax, [LA_SUP+0x30]}, LA_SUP+0x30, "user read of a supervisor page #PF(5)"
        PFAULT  7, {mov dword [LA_SUP+0x34], 1}, LA_SUP+0x34, "user write to a supervisor page #PF(7)"
        NOFAULT {mov ebx, [LA_URO+0x8]}, "user read of a read-only user page"
        EQ      ebx, 0x2222, "user read of a read-only user page: value"
        PFAULT  7, {mov dword [LA_URO+0x40], 3}, LA_URO+0x40, "user write to a read-only user page #PF(7)"
        PFAULT  4, {mov eax, [LA_NP+0x10]}, LA_NP+0x10, "user read of a not-present page #PF(4)"
        PFAULT  6, {mov dword [LA_NP+0x14], 3}, LA_NP+0x14, "user write to a not-present page #PF(6)"
        NOFAULT {mov dword [LA_ALIAS+0x40], 0x77}, "user write to a user writable page"
        RING0
        MEQ     [FR_URO+0x40], 0, "user write to read-only page did not happen"
; U/S and R/W of the PDE combine with the PTE's (SDM 4.6.1, table 4-?)
        and     dword [PD+4], ~PG_US
        FLUSHCR3
        RING3
        PFAULT  5, {mov eax, [LA_ALIAS]}, LA_ALIAS, "user read, PDE U/S=0 PTE U/S=1 #PF(5)"
        RING0
        or      dword [PD+4], PG_US
        and     dword [PD+4], ~PG_RW
        FLUSHCR3
        RING3
        NOFAULT {mov eax, [LA_ALIAS]}, "user read, PDE R/W=0"
        PFAULT  7, {mov dword [LA_ALIAS+4], 1}, LA_ALIAS+4, "user write, PDE R/W=0 PTE R/W=1 #PF(7)"
        RING0
        or      dword [PD+4], PG_RW
        FLUSHCR3

; --- accessed / dirty flags (SDM 4.8)
        and     dword [PD+4], ~PG_A
        SETPTE  LA_AD, FR_AD|PG_P|PG_RW
        FLUSHCR3
        mov     eax, [LA_AD]
        EQ      eax, FR_AD, "A/D page: read value"
        mov     eax, [PD+4]
        and     eax, PG_A
        EQ      eax, PG_A, "read: PDE.A=1"
        mov     eax, PTE(LA_AD)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A, "read: PTE.A=1, PTE.D=0"
        mov     dword [LA_AD+4], 0xD1D1
        mov     eax, PTE(LA_AD)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "write after read: PTE.D=1"
        SETPTE  LA_AD, FR_AD|PG_P|PG_RW
        invlpg  [LA_AD]
        mov     dword [LA_AD+8], 0xD2D2
        mov     eax, PTE(LA_AD)
        and     eax, PG_A|PG_D
        EQ      eax, PG_A|PG_D, "first access a write: PTE.A=1 D=1"
        SETPTE  LA_URO, FR_URO|PG_P|PG_US
        invlpg  [LA_URO]
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        PFAULT  3, {mov dword [LA_URO+0x44], 1}, LA_URO+0x44, "WP=1 write fault on a clean page"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax
        mov     eax, PTE(LA_URO)
        and     eax, PG_D
        EQ      eax, 0, "faulting write leaves PTE.D=0"

; --- stale TLB entry, INVLPG (SDM 4.10.4.1, 4.10.4.3)
        MEQ     [LA_TLB], FR_TLB1, "tlb: initial frame"
        SETPTE  LA_TLB, FR_TLB2|PG_P|PG_RW
        mov     eax, [LA_TLB]           ; old or new frame: either is allowed
        invlpg  [LA_TLB+0x123]          ; any address in the page
        MEQ     [LA_TLB], FR_TLB2, "invlpg: new frame used"
        SETPTE  LA_TLB, 0
        invlpg  [LA_TLB]
        PFAULT  0, {mov eax, [LA_TLB]}, LA_TLB, "invlpg after clearing P: #PF(0)"

; --- MOV CR3 flushes non-global entries (4.10.4.1)
        MEQ     [LA_NG], FR_NG1, "non-global: initial frame"
        SETPTE  LA_NG, FR_NG2|PG_P|PG_RW
        FLUSHCR3
        MEQ     [LA_NG], FR_NG2, "mov cr3: non-global entry flushed"

; --- global pages with CR4.PGE (4.10.2.4): MOV CR3 keeps them, INVLPG and
;     a MOV CR4 that changes PGE do not
        mov     eax, cr4
        or      eax, CR4_PGE
        mov     cr4, eax
        mov     eax, cr4
        and     eax, CR4_PGE
        EQ      eax, CR4_PGE, "CR4.PGE set"
        MEQ     [LA_GLB], FR_GLB1, "global: initial frame"
        SETPTE  LA_GLB, FR_GLB2|PG_P|PG_RW|PG_G
        FLUSHCR3
%ifndef QEMU_REF
        MEQ     [LA_GLB], FR_GLB1, "mov cr3: global entry survives (old frame)"
%endif
        invlpg  [LA_GLB]
        MEQ     [LA_GLB], FR_GLB2, "invlpg: global entry flushed"
        SETPTE  LA_GLB, FR_GLB1|PG_P|PG_RW|PG_G
        mov     eax, cr4
        and     eax, ~CR4_PGE
        mov     cr4, eax
        MEQ     [LA_GLB], FR_GLB1, "mov cr4 clearing PGE flushes global entries"
        SETPTE  LA_GLB, FR_GLB2|PG_P|PG_RW|PG_G
        FLUSHCR3
        MEQ     [LA_GLB], FR_GLB2, "PGE=0: G=1 entry flushed by mov cr3"

; --- a dword write crossing into a not-present page: #PF with CR2 = the
;     first byte of the second page; nothing is written (SDM 4.7; an
;     instruction that faults has no effect, 6.5)
        mov     dword [FR_X1+0xFFC], 0x11223344
        mov     eax, 0xAABBCCDD
        PFAULT  2, {mov [LA_X1+0xFFE], eax}, LA_X1+0x1000, "dword write crossing into a not-present page #PF(2)"
        MEQ     [FR_X1+0xFFC], 0x11223344, "crossing write: first page unmodified"
        PFAULT  0, {mov eax, [LA_X1+0xFFD]}, LA_X1+0x1000, "dword read crossing into a not-present page #PF(0)"
        SETPTE  LA_X1+0x1000, FR_X1|PG_P        ; second page read-only
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        mov     eax, 0xAABBCCDD
        PFAULT  3, {mov [LA_X1+0xFFF], eax}, LA_X1+0x1000, "dword write crossing into a read-only page #PF(3)"
        MEQ     [FR_X1+0xFFC], 0x11223344, "crossing write into read-only page: first page unmodified"
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax

; --- self-modifying code (SDM Vol. 3A 11.6)
        COPYCODE SMC1, smc1_t, smc1_e
        call    SEL_FLAT:SMC1
        EQ      eax, 0x5EC0DE01, "smc: store to the next instruction on the same page"
        COPYCODE SMC2, smc2_t, smc2_e
        COPYCODE SMC2+0x100, smc3_t, smc3_e
        call    SEL_FLAT:SMC2
        EQ      eax, 0x5EC0DE02, "smc: store through an alias of the code page, then jmp to it"
        call    SEL_FLAT:SMC2+0x100
        EQ      eax, 0x33333333, "smc: code page executed once"
        mov     dword [SMC2+0x101], 0x5EC0DE03
        call    SEL_FLAT:SMC2+0x100
        EQ      eax, 0x5EC0DE03, "smc: executed code modified at the same linear address"
        mov     dword [LA_CODEA+0x101], 0x5EC0DE04
        call    SEL_FLAT:SMC2+0x100
        EQ      eax, 0x5EC0DE04, "smc: executed code modified through an alias"
        call    SEL_FLAT:LA_CODEA+0x100
        EQ      eax, 0x5EC0DE04, "smc: code run through the alias"
        mov     dword [SMC2+0x101], 0x5EC0DE05
        call    SEL_FLAT:LA_CODEA+0x100
        EQ      eax, 0x5EC0DE05, "smc: code run via alias, modified via identity"

        jmp     exit_pass

; code templates, copied to RAM
smc1_t: mov     dword [SMC1 + (smc1_i - smc1_t) + 1], 0x5EC0DE01
smc1_i: mov     eax, 0x11111111
        retf
smc1_e:
smc2_t: mov     dword [LA_CODEA + (smc2_i - smc2_t) + 1], 0x5EC0DE02
        jmp     smc2_i                  ; (11.6: a jump after the store)
smc2_i: mov     eax, 0x22222222
        retf
smc2_e:
smc3_t: mov     eax, 0x33333333
        retf
smc3_e:

        RESET_VECTOR
