; long_paging5.asm -- Glassbox guest test: 5-level paging (SDM Vol. 3A 4.5
; "4-Level Paging and 5-Level Paging", 3.3.7.1 canonical addresses with
; LA57, 2.5 CR4.LA57; Vol. 2 MOV CR4).
;
; The harness enters IA-32e mode with CR4.LA57 = 1 and CR3 = the PML5
; (LONG64_LA57).  The guest checks:
; - CR4.LA57 reads 1; CPUID 80000008h:EAX[15:8] (linear-address bits) = 57.
; - A walk through a PML5 entry other than 0: linear 1_0000_0000_0000h
;   (PML5 index 1) through the guest's PML4, PDPT, PD and PT; a read sets
;   A in all five levels, a write D in the PTE.
; - Canonical addresses are 57-bit: 8000_0000_0000h (non-canonical with
;   4-level paging) and FF00_0000_0000_0000h are translated (#PF, not
;   present), 0100_0000_0000_0000h and FE00_0000_0000_0000h are #GP(0);
;   WRMSR FS.base takes 00FF_FFFF_FFFF_F000h, and 0100_0000_0000_0000h is
;   #GP(0).
; - PS in a PML5E is reserved: #PF with RSVD.
; - Clearing CR4.LA57 in IA-32e mode is #GP(0).
;
; Build: nasm -f bin -i lib/ -o long_paging5.bin long_paging5.asm
;   -DQEMU_REF  leave out what QEMU 7.2's TCG does not do as the SDM says:
;               P = 1 in a reserved-bit #PF's error code (QEMU: 0), the
;               #GP(0) of WRMSR FS.base with a non-canonical value (QEMU
;               takes any)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu max,+la57) with
; -DQEMU_REF: every line passes.

%define LONG64_LA57
%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        GDT_END

T       equ 0x0001000000000000  ; PML5 index 1
PML4_T  equ 0x88000
PDPT_T  equ 0x89000
PD_T    equ 0x8A000
PT_T    equ 0x8B000
F0      equ 0x100000
MAGIC   equ 0x5A5A5A5A12345678
PRWU    equ PG_P | PG_RW | PG_US
%ifdef QEMU_REF
RSVD_P  equ 0
%else
RSVD_P  equ 1
%endif

bits 64
tests:
        mov     rax, cr4
        and     eax, CR4_LA57
        EQ      rax, CR4_LA57, "CR4.LA57 = 1"
        mov     eax, 0x80000008
        cpuid
        movzx   eax, ah
        EQ      eax, 57, "CPUID 80000008h: 57 linear-address bits"

        mov     edi, PML4_T
        xor     eax, eax
        mov     ecx, 4*4096/4
        rep stosd
        mov     qword [PML5+8], PML4_T | PRWU
        mov     qword [PML4_T], PDPT_T | PRWU
        mov     qword [PDPT_T], PD_T | PRWU
        mov     qword [PD_T], PT_T | PRWU
        mov     qword [PT_T], F0 | PRWU
        mov     rax, MAGIC
        mov     [F0], rax
        mov     rbx, T
        invlpg  [rbx]
        mov     rax, [rbx]
        EQ      rax, MAGIC, "read through 5 levels (PML5 index 1)"
        MEQ     [PML5+8], PML4_T | PRWU | PG_A, "PML5E.A set"
        MEQ     [PML4_T], PDPT_T | PRWU | PG_A, "PML4E.A set"
        MEQ     [PDPT_T], PD_T | PRWU | PG_A, "PDPTE.A set"
        MEQ     [PD_T], PT_T | PRWU | PG_A, "PDE.A set"
        MEQ     [PT_T], F0 | PRWU | PG_A, "PTE.A set, D clear"
        mov     dword [rbx+4], 0
        MEQ     [PT_T], F0 | PRWU | PG_A | PG_D, "write: PTE.D set"
        MEQ     [PML5+8], PML4_T | PRWU | PG_A, "write: PML5E.D not set"

; --- 57-bit canonical addresses
        mov     rbx, 0x0000800000000000
        PFAULT  0, {mov rax, [rbx]}, 0x0000800000000000, "8000_0000_0000h canonical: #PF"
        mov     rbx, 0xFF00000000000000
        PFAULT  2, {mov [rbx], eax}, 0xFF00000000000000, "FF00_0000_0000_0000h canonical: #PF"
        mov     rbx, 0x0100000000000000
        FAULT   13, 0, {mov rax, [rbx]}, "0100_0000_0000_0000h non-canonical: #GP(0)"
        mov     rbx, 0xFE00000000000000
        FAULT   13, 0, {mov rax, [rbx]}, "FE00_0000_0000_0000h non-canonical: #GP(0)"
        WRMSR64 MSR_FS_BASE, 0x00FFFFFFFFFFF000
        RDMSR64 MSR_FS_BASE
        EQ      rax, 0x00FFFFFFFFFFF000, "FS.base 00FF_FFFF_FFFF_F000h taken"
%ifndef QEMU_REF
        mov     ecx, MSR_FS_BASE
        mov     edx, 0x01000000
        xor     eax, eax
        FAULT   13, 0, {wrmsr}, "FS.base 0100_0000_0000_0000h #GP(0)"
%endif
        WRMSR64 MSR_FS_BASE, 0

; --- PS in a PML5E: reserved
        mov     qword [PML5+8], PML4_T | PRWU | PG_PS
        mov     rbx, T
        invlpg  [rbx]
        PFAULT  RSVD_P | 8, {mov rax, [rbx]}, T, "PML5E.PS: #PF RSVD"
        mov     qword [PML5+8], PML4_T | PRWU
        invlpg  [rbx]

; --- LA57 cannot change in IA-32e mode
        mov     rax, cr4
        and     eax, ~CR4_LA57
        FAULT   13, 0, {mov cr4, rax}, "clearing CR4.LA57 in IA-32e mode #GP(0)"
        jmp     exit_pass

        RESET_VECTOR
