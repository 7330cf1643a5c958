; long_smep.asm -- Glassbox guest test: the supervisor-mode protections in
; 64-bit mode: SMEP, SMAP with STAC/CLAC and EFLAGS.AC, UMIP (SDM Vol. 3A
; 4.6 "Access Rights" (4.6.1 supervisor-mode execution and access
; prevention), 2.5 CR4.SMEP/SMAP/UMIP; Vol. 2 STAC, CLAC, SGDT, SIDT,
; SLDT, SMSW, STR).
;
; The guest maps user pages (U/S = 1 at every level) in a test window at
; linear 80_0000_0000h and makes the harness's identity map supervisor
; (PML4E 0 U/S = 0) while CR4.SMEP or SMAP is set.
; - SMEP (CPUID.(7,0):EBX.SMEP): with CR4.SMEP = 1 an instruction fetch at
;   CPL0 from a user page is #PF(P|I/D = 11h); with SMEP = 0 it runs.
; - SMAP (EBX.SMAP): with CR4.SMAP = 1 a CPL0 data read or write of a user
;   page is #PF(1 / 3) while EFLAGS.AC = 0; STAC sets AC and the access
;   runs, CLAC clears it; STAC and CLAC at CPL3 are #UD.
; - UMIP (ECX.UMIP): with CR4.UMIP = 1 SGDT, SIDT, SLDT, SMSW and STR at
;   CPL3 are #GP(0); at CPL0 they run; with UMIP = 0 they run at CPL3.
; - A model without the feature: setting its CR4 bit is #GP(0).
;
; Build: nasm -f bin -i lib/ -o long_smep.bin long_smep.asm
;   -DQEMU_REF  leave out the #GP(0) for CR4.SMEP/SMAP/UMIP on a model
;               without the feature (QEMU 7.2 sets the bits regardless)
;   -DKEEPGOING report every failing check instead of stopping at the first
; Checked against qemu-system-x86_64 7.2 (TCG, -cpu max: SMEP, SMAP, UMIP;
; -cpu core2duo: none of them) with -DQEMU_REF: every line passes.

%include "long64.inc"                   ; start: IA-32e set-up, then jmp tests
        GDT64_BEGIN                     ; null, selectors 08h..70h
        GDT_END

T       equ 0x0000008000000000  ; the test window: PML4 entry 1
PDPT_T  equ 0x88000
PD_T    equ 0x89000
PT_T    equ 0x8A000
F0      equ 0x100000            ; user data page
F1      equ 0x101000            ; user code page (RET)
PRWU    equ PG_P | PG_RW | PG_US
CR4_UMIP equ 1 << 11
CR4_SMEP equ 1 << 20
CR4_SMAP equ 1 << 21
SAVRSP  equ 0x0580
FEAT7B  equ 0x0588              ; CPUID.(7,0):EBX
FEAT7C  equ 0x058C              ; CPUID.(7,0):ECX
SBUF    equ 0x0600              ; SGDT/SIDT output (user-accessible when PML4E 0 is)

; CR4SET bit: CR4 |= bit (uses RAX); CR4CLR bit: CR4 &= ~bit
%macro CR4SET 1
        mov     rax, cr4
        or      eax, %1
        mov     cr4, rax
%endmacro
%macro CR4CLR 1
        mov     rax, cr4
        and     eax, ~(%1)
        mov     cr4, rax
%endmacro
; SUPERVISOR / USER: the identity map's PML4E 0 with U/S clear / set
%macro SUPERVISOR 0
        mov     qword [PML4], PDPT | PG_P | PG_RW
        FLUSHCR3
%endmacro
%macro USER 0
        mov     qword [PML4], PDPT | PRWU
        FLUSHCR3
%endmacro

bits 64
tests:
        xor     eax, eax
        cpuid
        xor     ebx, ebx
        xor     ecx, ecx
        cmp     eax, 7
        jb      .no7
        mov     eax, 7
        xor     ecx, ecx
        cpuid
.no7:   mov     [FEAT7B], ebx
        mov     [FEAT7C], ecx
        mov     edi, PDPT_T
        xor     eax, eax
        mov     ecx, 3*4096/4
        rep stosd
        mov     qword [PML4+8], PDPT_T | PRWU
        mov     qword [PDPT_T], PD_T | PRWU
        mov     qword [PD_T], PT_T | PRWU
        mov     qword [PT_T], F0 | PRWU
        mov     qword [PT_T+8], F1 | PRWU
        mov     byte [F1], 0xC3
        mov     dword [F0], 0x5A5A
        mov     rbx, T

; --- SMEP
        test    dword [FEAT7B], 1 << 7
        jnz     .smep
%ifndef QEMU_REF                         ; QEMU 7.2 sets the bit regardless
        mov     rax, cr4
        or      eax, CR4_SMEP
        FAULT   13, 0, {mov cr4, rax}, "no SMEP: CR4.SMEP = 1 #GP(0)"
%endif
        jmp     .smepdone
.smep:  SUPERVISOR
        CR4SET  CR4_SMEP
        mov     [SAVRSP], rsp
        lea     rax, [rbx+0x1000]
        ARM     .r1
        call    rax
        NOEXC   "SMEP: CPL0 fetch from a user page"
.r1:    mov     rsp, [SAVRSP]
        EXPECT  14, 0x11, "SMEP: CPL0 fetch from a user page #PF(I/D|P)"
        MEQ     [LASTCR2], T + 0x1000, "SMEP: cr2"
        MEQ     [LASTRIP], T + 0x1000, "SMEP: pushed rip = the user page"
        mov     eax, [rbx]
        EQ      eax, 0x5A5A, "SMEP: data reads of user pages run"
        CR4CLR  CR4_SMEP
        lea     rax, [rbx+0x1000]
        NOFAULT {call rax}, "SMEP = 0: the user page's RET runs at CPL0"
        USER
.smepdone:

; --- SMAP
        test    dword [FEAT7B], 1 << 20
        jnz     .smap
%ifndef QEMU_REF                         ; QEMU 7.2 sets the bit regardless
        mov     rax, cr4
        or      eax, CR4_SMAP
        FAULT   13, 0, {mov cr4, rax}, "no SMAP: CR4.SMAP = 1 #GP(0)"
%endif
        FAULT   6, 0, {stac}, "no SMAP: STAC #UD"
        jmp     .smapdone
.smap:  SUPERVISOR
        CR4SET  CR4_SMAP
        clac
        PFAULT  PG_P, {mov eax, [rbx]}, T, "SMAP, AC = 0: CPL0 read of a user page #PF(1)"
        PFAULT  PG_P | PG_RW, {mov [rbx], eax}, T, "SMAP, AC = 0: CPL0 write of a user page #PF(3)"
        stac
        pushfq
        pop     rax
        and     eax, F_AC
        EQ      rax, F_AC, "STAC sets EFLAGS.AC"
        NOFAULT {mov ecx, [rbx]}, "SMAP, AC = 1: the read runs"
        EQ      ecx, 0x5A5A, "... and reads the user page"
        NOFAULT {mov dword [rbx+4], 1}, "SMAP, AC = 1: the write runs"
        clac
        pushfq
        pop     rax
        and     eax, F_AC
        EQ      rax, 0, "CLAC clears EFLAGS.AC"
        PFAULT  PG_P, {mov eax, [rbx]}, T, "after CLAC: #PF(1) again"
        CR4CLR  CR4_SMAP
        NOFAULT {mov eax, [rbx]}, "SMAP = 0: the read runs with AC = 0"
        USER
        RING3
        FAULT   6, 0, {stac}, "STAC at CPL3 #UD"
        FAULT   6, 0, {clac}, "CLAC at CPL3 #UD"
        RING0
.smapdone:

; --- UMIP
        test    dword [FEAT7C], 1 << 2
        jnz     .umip
%ifndef QEMU_REF                         ; QEMU 7.2 sets the bit regardless
        mov     rax, cr4
        or      eax, CR4_UMIP
        FAULT   13, 0, {mov cr4, rax}, "no UMIP: CR4.UMIP = 1 #GP(0)"
%endif
        jmp     exit_pass
.umip:  CR4SET  CR4_UMIP
        NOFAULT {sgdt [SBUF]}, "UMIP: SGDT at CPL0 runs"
        MEQD    [SBUF+2], GDT, "UMIP: SGDT at CPL0 stores the GDT base"
        RING3
        FAULT   13, 0, {sgdt [SBUF]}, "UMIP: SGDT at CPL3 #GP(0)"
        FAULT   13, 0, {sidt [SBUF]}, "UMIP: SIDT at CPL3 #GP(0)"
        FAULT   13, 0, {sldt ax}, "UMIP: SLDT at CPL3 #GP(0)"
        FAULT   13, 0, {smsw ax}, "UMIP: SMSW at CPL3 #GP(0)"
        FAULT   13, 0, {str ax}, "UMIP: STR at CPL3 #GP(0)"
        RING0
        CR4CLR  CR4_UMIP
        RING3
        NOFAULT {sidt [SBUF]}, "UMIP = 0: SIDT at CPL3 runs"
        NOFAULT {str cx}, "UMIP = 0: STR at CPL3 runs"
        EQ      cx, SEL_TSS64, "... and reads TR"
        RING0
        jmp     exit_pass

        RESET_VECTOR
