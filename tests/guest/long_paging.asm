; long_paging.asm -- Glassbox guest test: 4-level paging (SDM Vol. 3A 4.5
; "4-Level Paging and 5-Level Paging", 4.6 access rights, 4.7 page-fault
; error codes, 4.8 accessed and dirty flags, 4.10 TLBs and PCIDs; Vol. 2
; INVLPG, INVPCID, MOV CR3/CR4).
;
; The guest maps a test window at linear 80_0000_0000h (PML4 entry 1) with
; its own PDPT, PD and PT, and checks:
; - A/D: a read sets A in the PML4E, PDPTE, PDE and PTE (D stays clear), a
;   write sets D in the PTE; 2 MiB pages (PDE.PS) and 1 GiB pages
;   (PDPTE.PS, CPUID.80000001h:EDX.Page1GB; without it PS in a PDPTE is
;   reserved: #PF with RSVD) get A and D in the leaf.
; - NX: with EFER.NXE = 0 bit 63 is reserved (#PF, RSVD); with NXE = 1 data
;   reads run and an instruction fetch is #PF with I/D (error code 11h),
;   also for NX in the PDE; a fetch from a not-present page reports I/D
;   only with NXE = 1 (4.7).
; - Reserved bits (error code RSVD|P): a PTE address bit at MAXPHYADDR
;   (CPUID 80000008h:EAX[7:0]), PS in a PML4E, bits 20:13 of a 2 MiB PDE.
; - Protection: a CPL3 write to a read-only page (error code 7), a CPL0
;   write with CR0.WP = 1 (3), a CPL3 read of a supervisor page (5).
; - Flushes that the SDM requires: INVLPG (also of a global page), MOV CR3
;   (non-global), clearing CR4.PGE (global); INVLPG of a non-canonical
;   address is a NOP.
; - PCID (CPUID.1:ECX.PCID; else CR4.PCIDE = 1 is #GP(0)): CR4.PCIDE = 1
;   with CR3[11:0] != 0 #GP(0); CR3 reads back with its PCID and without
;   bit 63; MOV CR3 with bit 63 clear flushes that PCID's entries.
;   INVPCID (CPUID.7.0:EBX.INVPCID; else #UD): types 0-3 make a changed
;   entry visible (types 0 and 1 for the current PCID, 2 for global
;   pages); type 4 is #GP(0), a non-canonical type-0 address #GP(0), a
;   PCID != 0 with CR4.PCIDE = 0 #GP(0), reserved descriptor bits #GP(0).
;
; Build: nasm -f bin -i lib/ -o long_paging.bin long_paging.asm
;   -DQEMU_REF  leave out what QEMU 7.2's TCG does not do as the SDM says:
;               P = 1 in the error code of a reserved-bit #PF (QEMU: 0),
;               the RSVD #PF for PDPTE.PS without CPUID Page1GB (QEMU maps
;               a 1 GiB page), the #GP(0) for CR4.PCIDE without CPUID PCID
;               (QEMU sets it)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG) with -cpu max (1 GiB pages)
; and -cpu core2duo (none) and -DQEMU_REF: every line passes.  QEMU's TCG
; has neither PCID nor INVPCID (it drops +pcid, +invpcid), so the branches
; taken when CPUID reports them are not checked against QEMU; they follow
; SDM Vol. 3A 4.10.1, 4.10.4.1 and Vol. 2 MOV CR3/CR4, INVPCID.

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        GDT_END

T       equ 0x0000008000000000  ; the test window: PML4 entry 1
PDPT_T  equ 0x88000
PD_T    equ 0x89000
PT_T    equ 0x8A000
F0      equ 0x100000            ; physical frames the window maps
F1      equ 0x101000
F2      equ 0x102000
MAGIC   equ 0x0123456789ABCDEF
SAVRSP  equ 0x0580
MAXPA   equ 0x0588              ; dword: MAXPHYADDR
FEAT1   equ 0x058C              ; CPUID 1 ECX
FEATX   equ 0x0590              ; CPUID 80000001h EDX
FEAT7   equ 0x0594              ; CPUID 7.0 EBX
IDESC    equ 0x05A0              ; 16-byte INVPCID descriptor
PRW     equ PG_P | PG_RW
; RSVD_P: the P bit of a reserved-bit #PF.  SDM Vol. 3A 4.7: P = 1 with
; RSVD = 1; QEMU 7.2 leaves P clear (as harness32.inc notes for PAE).
%ifdef QEMU_REF
RSVD_P  equ 0
%else
RSVD_P  equ 1
%endif
PRWU    equ PG_P | PG_RW | PG_US

; SETQ addr, value: a qword in memory (uses RAX)
%macro SETQ 2
        mov     rax, %2
        mov     [%1], rax
%endmacro

; FETCHF err, target, "name": a CALL to target is #PF on the fetch there:
; pushed RIP = CR2 = target
%macro FETCHF 3
        mov     [SAVRSP], rsp
        mov     rax, %2
        ARM     %%res
        call    rax
        NOEXC   %3
%%res:  mov     rsp, [SAVRSP]
        EXPECT  14, %1, %3
        MEQ     [LASTRIP], %2, {%3, ": pushed rip = the target"}
        MEQ     [LASTCR2], %2, {%3, ": cr2"}
%endmacro

bits 64
tests:
        mov     eax, 1
        cpuid
        mov     [FEAT1], ecx
        mov     eax, 0x80000001
        cpuid
        mov     [FEATX], edx
        mov     eax, 0x80000008
        cpuid
        movzx   eax, al
        mov     [MAXPA], eax
        xor     ebx, ebx
        xor     eax, eax
        cpuid
        cmp     eax, 7
        jb      .no7
        mov     eax, 7
        xor     ecx, ecx
        cpuid
.no7:   mov     [FEAT7], ebx

        ; the window's tables, all A/D clear
        mov     edi, PDPT_T
        xor     eax, eax
        mov     ecx, 3*4096/4
        rep stosd
        mov     qword [PML4+8], PDPT_T | PRWU
        mov     qword [PDPT_T], PD_T | PRWU
        mov     qword [PD_T], PT_T | PRWU
        mov     qword [PT_T], F0 | PRWU
        mov     qword [PT_T+8], F1 | PRWU
        mov     byte [F1], 0xC3                 ; RET in the code frame
        SETQ    F0, MAGIC
        FLUSHCR3

; --- accessed and dirty flags, 4 KiB page
        mov     rbx, T
        mov     rax, [rbx]
        EQ      rax, MAGIC, "read through 4 levels"
        MEQ     [PML4+8], PDPT_T | PRWU | PG_A, "read: PML4E.A set"
        MEQ     [PDPT_T], PD_T | PRWU | PG_A, "read: PDPTE.A set"
        MEQ     [PD_T], PT_T | PRWU | PG_A, "read: PDE.A set"
        MEQ     [PT_T], F0 | PRWU | PG_A, "read: PTE.A set, D clear"
        mov     qword [rbx+8], 1
        MEQ     [PT_T], F0 | PRWU | PG_A | PG_D, "write: PTE.D set"
        MEQ     [PD_T], PT_T | PRWU | PG_A, "write: PDE.D not set (not a leaf)"

; --- 2 MiB page: PD_T[1] -> 200000h
        mov     qword [PD_T+8], 0x200000 | PRWU | PG_PS
        SETQ    0x200010, MAGIC
        mov     rbx, T + 0x200000
        mov     rax, [rbx+0x10]
        EQ      rax, MAGIC, "2 MiB page: read"
        MEQ     [PD_T+8], 0x200000 | PRWU | PG_PS | PG_A, "2 MiB page: PDE.A set"
        mov     byte [rbx+0x1FFFFF], 0
        MEQ     [PD_T+8], 0x200000 | PRWU | PG_PS | PG_A | PG_D, "2 MiB page: PDE.D set by a write at +1FFFFFh"

; --- 1 GiB page: PDPT_T[1] -> 0
        mov     qword [PDPT_T+8], 0 | PRWU | PG_PS
        SETQ    0x700, MAGIC
        mov     rbx, T + 0x40000000
        test    dword [FEATX], 1 << 26
        jz      .no1g
        mov     rax, [rbx+0x700]
        EQ      rax, MAGIC, "1 GiB page: read"
        MEQ     [PDPT_T+8], PRWU | PG_PS | PG_A, "1 GiB page: PDPTE.A set"
        mov     [rbx+0x3FFFFFF8], rax
        MEQ     [PDPT_T+8], PRWU | PG_PS | PG_A | PG_D, "1 GiB page: PDPTE.D set"
        jmp     .g1done
.no1g:
%ifndef QEMU_REF                         ; QEMU 7.2 maps 1 GiB pages regardless
        PFAULT  RSVD_P | 8, {mov rax, [rbx+0x700]}, T + 0x40000700, "no Page1GB: PDPTE.PS reserved, #PF RSVD"
%endif
.g1done:
        mov     qword [PDPT_T+8], 0
        invlpg  [rbx]

; --- NX
        mov     rbx, T
        mov     rax, PG_NX | F0 | PRWU
        mov     [PT_T], rax
        invlpg  [rbx]
        PFAULT  RSVD_P | 8, {mov rax, [rbx]}, T, "NXE = 0: PTE bit 63 reserved, #PF RSVD|P"
        FETCHF  0, T + 0x3000, "NXE = 0: fetch from a not-present page: no I/D"
        mov     ecx, MSR_EFER
        rdmsr
        or      eax, EFER_NXE
        wrmsr
        mov     rax, [rbx]
        EQ      rax, MAGIC, "NXE = 1: read of an NX page"
        mov     rax, PG_NX | F1 | PRWU
        mov     [PT_T+8], rax
        invlpg  [rbx+0x1000]
        FETCHF  0x11, T + 0x1000, "NXE = 1: fetch from an NX page #PF(I/D|P)"
        FETCHF  0x10, T + 0x3000, "NXE = 1: fetch from a not-present page #PF(I/D)"
        mov     qword [PT_T+8], F1 | PRWU
        invlpg  [rbx+0x1000]
        mov     rax, T + 0x1000
        NOFAULT {call rax}, "NX clear again after INVLPG: the RET runs"
        mov     rax, PG_NX | PT_T | PRWU
        mov     [PD_T], rax
        invlpg  [rbx+0x1000]
        FETCHF  0x11, T + 0x1000, "NX in the PDE #PF(I/D|P)"
        mov     qword [PD_T], PT_T | PRWU
        invlpg  [rbx+0x1000]
        mov     qword [PT_T], F0 | PRWU
        invlpg  [rbx]

; --- reserved bits
        mov     ecx, [MAXPA]
        cmp     ecx, 52
        jae     .nopa
        mov     eax, 1
        shl     rax, cl
        or      rax, F0 | PRWU
        mov     [PT_T], rax
        invlpg  [rbx]
        PFAULT  RSVD_P | 8, {mov rax, [rbx]}, T, "PTE address bit MAXPHYADDR: #PF RSVD|P"
        PFAULT  RSVD_P | PG_RW | 8, {mov [rbx], eax}, T, "... on a write: RSVD|W|P"
        mov     qword [PT_T], F0 | PRWU
        invlpg  [rbx]
.nopa:  mov     qword [PML4+8], PDPT_T | PRWU | PG_PS
        invlpg  [rbx]
        PFAULT  RSVD_P | 8, {mov rax, [rbx]}, T, "PML4E.PS: #PF RSVD|P"
        mov     qword [PML4+8], PDPT_T | PRWU
        mov     qword [PD_T+8], 0x200000 | PRWU | PG_PS | 0x2000
        mov     rbx, T + 0x200000
        invlpg  [rbx]
        PFAULT  RSVD_P | 8, {mov rax, [rbx]}, T + 0x200000, "2 MiB PDE bit 13: #PF RSVD|P"
        mov     qword [PD_T+8], 0x200000 | PRWU | PG_PS
        invlpg  [rbx]

; --- protection
        mov     rbx, T
        mov     qword [PT_T], F0 | PG_P | PG_US         ; read-only
        mov     qword [PT_T+16], F2 | PG_P | PG_RW      ; supervisor
        invlpg  [rbx]
        invlpg  [rbx+0x2000]
        RING3
        PFAULT  PG_P | PG_RW | PG_US, {mov [rbx], eax}, T, "CPL3 write to a read-only page #PF(7)"
        PFAULT  PG_P | PG_US, {mov eax, [rbx+0x2000]}, T + 0x2000, "CPL3 read of a supervisor page #PF(5)"
        RING0
        mov     rax, cr0
        or      eax, CR0_WP
        mov     cr0, rax
        PFAULT  PG_P | PG_RW, {mov [rbx], eax}, T, "CR0.WP = 1: CPL0 write to a read-only page #PF(3)"
        mov     rax, cr0
        and     eax, ~CR0_WP
        mov     cr0, rax
        NOFAULT {mov [rbx+8], eax}, "CR0.WP = 0: CPL0 writes a read-only page"
        mov     qword [PT_T], F0 | PRWU
        invlpg  [rbx]

; --- required flushes
        mov     rax, [rbx]                      ; T -> F0 cached
        mov     qword [PT_T], F2 | PRWU
        SETQ    F2, 0x2222
        invlpg  [rbx]
        MEQ     [rbx], 0x2222, "INVLPG: the changed PTE is used"
        mov     qword [PT_T], F0 | PRWU
        FLUSHCR3
        MEQ     [rbx], MAGIC, "MOV CR3: the changed PTE is used"
        mov     rax, cr4
        or      eax, CR4_PGE
        mov     cr4, rax
        mov     qword [PT_T], F2 | PRWU | PG_G
        invlpg  [rbx]
        MEQ     [rbx], 0x2222, "global page mapped"
        mov     qword [PT_T], F0 | PRWU | PG_G
        invlpg  [rbx]
        MEQ     [rbx], MAGIC, "INVLPG flushes a global page"
        mov     qword [PT_T], F2 | PRWU | PG_G
        mov     rax, cr4
        and     eax, ~CR4_PGE
        mov     cr4, rax
        MEQ     [rbx], 0x2222, "clearing CR4.PGE flushes global pages"
        mov     qword [PT_T], F0 | PRWU
        invlpg  [rbx]
        mov     rax, 0x0000800000000000
        NOFAULT {invlpg [rax]}, "INVLPG of a non-canonical address: NOP"

; --- PCID
        test    dword [FEAT1], 1 << 17
        jnz     .pcid
%ifndef QEMU_REF                         ; QEMU 7.2 sets CR4.PCIDE regardless
        mov     rax, cr4
        or      eax, CR4_PCIDE
        FAULT   13, 0, {mov cr4, rax}, "no PCID: CR4.PCIDE = 1 #GP(0)"
%endif
        jmp     .pciddone
.pcid:  mov     rax, PML4 | PG_PWT                  ; CR3[11:0] != 0
        mov     cr3, rax
        mov     rax, cr4
        or      eax, CR4_PCIDE
        FAULT   13, 0, {mov cr4, rax}, "CR4.PCIDE = 1 with CR3[11:0] != 0 #GP(0)"
        mov     eax, PML4
        mov     cr3, rax
        mov     rax, cr4
        or      eax, CR4_PCIDE
        NOFAULT {mov cr4, rax}, "CR4.PCIDE = 1"
        mov     rax, (1 << 63) | PML4 | 5
        mov     cr3, rax                        ; PCID 5, no flush
        mov     rax, cr3
        EQ      rax, PML4 | 5, "CR3 reads back PCID 5, bit 63 clear"
        mov     rax, [rbx]                      ; cached under PCID 5
        mov     qword [PT_T], F2 | PRWU
        mov     rax, PML4 | 5
        mov     cr3, rax                        ; bit 63 clear: flush PCID 5
        MEQ     [rbx], 0x2222, "MOV CR3 (bit 63 clear) flushes the current PCID"
        mov     qword [PT_T], F0 | PRWU
        mov     rax, PML4 | 5
        mov     cr3, rax
        mov     rax, cr4
        and     eax, ~CR4_PCIDE
        mov     cr4, rax                        ; (CR3[11:0] must be 0 for the rest)
        mov     eax, PML4
        mov     cr3, rax
.pciddone:
        test    dword [FEAT7], 1 << 10
        jnz     .invpcid
        mov     qword [IDESC], 0
        mov     qword [IDESC+8], 0
        mov     eax, 2
        FAULT   6, 0, {invpcid rax, [IDESC]}, "no INVPCID: #UD"
        jmp     exit_pass
.invpcid:
        mov     rax, [rbx]
        mov     qword [PT_T], F2 | PRWU
        mov     qword [IDESC], 0
        mov     [IDESC+8], rbx
        xor     eax, eax
        invpcid rax, [IDESC]
        MEQ     [rbx], 0x2222, "INVPCID type 0 (address): flushed"
        mov     qword [PT_T], F0 | PRWU
        mov     eax, 1
        invpcid rax, [IDESC]
        MEQ     [rbx], MAGIC, "INVPCID type 1 (PCID 0): flushed"
        mov     rax, cr4
        or      eax, CR4_PGE
        mov     cr4, rax
        mov     qword [PT_T], F2 | PRWU | PG_G
        invlpg  [rbx]
        mov     rax, [rbx]
        mov     qword [PT_T], F0 | PRWU | PG_G
        mov     eax, 2
        invpcid rax, [IDESC]
        MEQ     [rbx], MAGIC, "INVPCID type 2 (all, global too): flushed"
        mov     qword [PT_T], F2 | PRWU
        invlpg  [rbx]
        mov     rax, [rbx]
        mov     qword [PT_T], F0 | PRWU
        mov     eax, 3
        invpcid rax, [IDESC]
        MEQ     [rbx], MAGIC, "INVPCID type 3 (all non-global): flushed"
        mov     eax, 4
        FAULT   13, 0, {invpcid rax, [IDESC]}, "INVPCID type 4 #GP(0)"
        mov     rax, 0x0000800000000000
        mov     [IDESC+8], rax
        xor     eax, eax
        FAULT   13, 0, {invpcid rax, [IDESC]}, "INVPCID type 0, non-canonical address #GP(0)"
        mov     [IDESC+8], rbx
        mov     qword [IDESC], 1                 ; PCID 1 with CR4.PCIDE = 0
        mov     eax, 1
        FAULT   13, 0, {invpcid rax, [IDESC]}, "INVPCID type 1, PCID 1 with CR4.PCIDE = 0 #GP(0)"
        mov     qword [IDESC], 0x1000            ; descriptor bits 63:12 reserved
        FAULT   13, 0, {invpcid rax, [IDESC]}, "INVPCID reserved descriptor bits #GP(0)"
        mov     rax, cr4
        and     eax, ~CR4_PGE
        mov     cr4, rax
        jmp     exit_pass

        RESET_VECTOR
