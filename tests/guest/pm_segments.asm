; pm_segments.asm -- Glassbox guest test: protected-mode segmentation.
;
; Switches to 32-bit protected mode and checks data-segment loads (accessed
; bit, SDM Vol. 3A 3.4.5.1), #GP/#NP/#SS(selector) error codes for bad loads
; (beyond the GDT/LDT limit, system descriptors, execute-only code, RPL/DPL
; violations at CPL0 and CPL3; SDM 5.5-5.7, 6.13, Vol. 2B MOV), null
; selectors (3.4.2), SS rules, limit checks on byte/word/dword accesses
; (5.3), expand-down segments with B=1 and B=0, 4 KiB granularity (3.4.5),
; type checks (5.4: read-only data, code writes, execute-only reads),
; LAR/LSL/VERR/VERW (5.10.1, Vol. 2A/2B), ARPL (5.10.4), SGDT/SIDT/SLDT/STR/
; SMSW at CPL3 (2.8, CR4.UMIP=0), LLDT and LDT selectors (3.5.1).
;
; Build: nasm -f bin -i lib/ -o pm_segments.bin pm_segments.asm
;   -DQEMU_REF  leave out the checks QEMU's TCG does not model (per-access
;               limit and type checks, see AFAULT) for validation on QEMU
;   -DKEEPGOING report every failing check instead of stopping at the first

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
SEL_NA    equ 0x38              ; data RW, accessed bit clear
SEL_RO    equ 0x40              ; data read-only, base 8000h
SEL_NP    equ 0x48              ; data RW, not present
SEL_LIM   equ 0x50              ; data RW, base 8000h, limit 0FFFh
SEL_ED32  equ 0x58              ; expand-down RW, limit 0FFFh, B=1
SEL_ED16  equ 0x60              ; expand-down RW, limit 0FFFh, B=0
SEL_G4K   equ 0x68              ; data RW, base 100000h, limit 1, G=1
SEL_XO    equ 0x70              ; execute-only code, base F0000h
SEL_LDT   equ 0x78              ; LDT at 4000h, 3 entries
SEL_GATE  equ 0x80              ; call gate (for LAR/LSL)
SEL_LIM3  equ 0x88              ; data RW DPL3, base 8000h, limit 0FFFh
SEL_BEYOND equ 0x90             ; first selector beyond the GDT limit
LDT     equ 0x4000
SAVEDCR0 equ 0x0580
R3BUF   equ 0x0590

        DESC    0x8000, 0xFFFF, 0x92, 0x00              ; 38 NA
        DESC    0x8000, 0xFFFF, 0x90, 0x00              ; 40 RO
        DESC    0x8000, 0xFFFF, 0x12, 0x00              ; 48 NP (P=0)
        DESC    0x8000, 0x0FFF, 0x92, 0x00              ; 50 LIM
        DESC    0, 0x0FFF, 0x96, 0x40                   ; 58 ED32
        DESC    0, 0x0FFF, 0x96, 0x00                   ; 60 ED16
        DESC    0x100000, 0x00001, 0x92, 0x80           ; 68 G4K
        DESC    0xF0000, 0xFFFF, 0x98, 0x40             ; 70 XO
        DESC    LDT, 0x17, 0x82, 0x00                   ; 78 LDT
        dw      0, SEL_CODE0, 0xEC00, 0                 ; 80 call gate DPL3
        DESC    0x8000, 0x0FFF, 0xF2, 0x00              ; 88 LIM3
        GDT_END

ldt_tmpl:
        DESC    0x9000, 0xFFF, 0x92, 0x00               ; LDT sel 04h
        DESC    0xA000, 0xFFF, 0xF2, 0x00               ; LDT sel 0Ch, DPL3
        DESC    0xB000, 0xFFF, 0x92, 0x00               ; LDT sel 14h
ldt_tmpl_end:

; Load selector %1 into segment register %2 and expect vector %3 with
; error code %4 (SDM Vol. 3A 5.4.1 / Vol. 2B MOV: "#GP(selector)").
%macro BADLOAD 5
        mov     bx, %1
        FAULT   %3, %4, {mov %2, bx}, %5
%endmacro

bits 32
tests:
        mov     eax, cr0
        mov     [SAVEDCR0], eax
        mov     esi, ldt_tmpl
        mov     edi, LDT
        mov     ecx, ldt_tmpl_end - ldt_tmpl
        rep cs movsb

; --- loading data segments: accessed bit (SDM 3.4.5.1: the processor sets
;     the accessed bit when it loads the selector into a segment register)
        movzx   eax, byte [GDT+SEL_NA+5]
        EQ      eax, 0x92, "accessed bit clear before the load"
        mov     ax, SEL_NA
        mov     es, ax
        movzx   eax, byte [GDT+SEL_NA+5]
        EQ      eax, 0x93, "accessed bit set by mov es"
        mov     dword [0x8010], 0x12345678
        mov     eax, [es:0x10]
        EQ      eax, 0x12345678, "data read through a based segment"
        mov     dword [es:0x14], 0xCAFEF00D
        mov     eax, [0x8014]
        EQ      eax, 0xCAFEF00D, "data write through a based segment"

; --- #GP(selector) for bad loads (SDM Vol. 2B MOV, 5.5/5.6 privilege checks)
        BADLOAD SEL_BEYOND, ds, 13, SEL_BEYOND, "mov ds beyond GDT limit #GP(sel)"
        BADLOAD SEL_BEYOND|3, es, 13, SEL_BEYOND, "mov es beyond limit, RPL3 #GP(sel&~3)"
        BADLOAD SEL_TSS, ds, 13, SEL_TSS, "mov ds, TSS descriptor #GP(sel)"
        BADLOAD SEL_LDT, fs, 13, SEL_LDT, "mov fs, LDT descriptor #GP(sel)"
        BADLOAD SEL_GATE, gs, 13, SEL_GATE, "mov gs, call gate #GP(sel)"
        BADLOAD SEL_XO, ds, 13, SEL_XO, "mov ds, execute-only code #GP(sel)"
        BADLOAD SEL_DATA0|3, ds, 13, SEL_DATA0, "mov ds, DPL0 data with RPL3 #GP(sel)"
        BADLOAD 0x04, es, 13, 0x04, "mov es, LDT selector with null LDTR #GP(sel)"
        mov     ax, SEL_DATA3|3
        NOFAULT {mov es, ax}, "mov es, DPL3 data with RPL3 at CPL0"
        mov     ax, SEL_DATA3
        NOFAULT {mov es, ax}, "mov es, DPL3 data with RPL0 at CPL0"

; --- readable code segment in DS: reads allowed, writes #GP(0) (SDM 3.4.5.1)
        mov     ax, SEL_CODE0
        NOFAULT {mov ds, ax}, "mov ds, readable code"
        mov     eax, [ds:gdtr+2]
        EQ      eax, GDT, "read through ds = readable code segment"
        AFAULT  13, 0, {mov byte [ds:0x100], 0}, "write to code segment via ds #GP(0)"
        AFAULT  13, 0, {mov byte [cs:0x100], 0}, "write via cs override #GP(0)"
        mov     ax, SEL_DATA0
        mov     ds, ax

; --- null selector: loadable into DS/ES/FS/GS, #GP(0) on use (SDM 3.4.2)
        xor     ax, ax
        NOFAULT {mov es, ax}, "mov es, 0 (null) allowed"
        mov     ax, 3
        NOFAULT {mov fs, ax}, "mov fs, 3 (null, RPL3) allowed"
        AFAULT  13, 0, {mov eax, [es:0]}, "read through null es #GP(0)"
        AFAULT  13, 0, {mov [fs:0x10], eax}, "write through null fs #GP(0)"
        xor     ax, ax
        mov     ds, ax
        AFAULT  13, 0, {mov al, [0x500]}, "read through null ds #GP(0)"
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     fs, ax

; --- SS loads (SDM Vol. 2B MOV: SS must be a writable data segment with
;     RPL = DPL = CPL; not present -> #SS(selector))
        BADLOAD 0, ss, 13, 0, "mov ss, null #GP(0)"
        BADLOAD SEL_RO, ss, 13, SEL_RO, "mov ss, read-only data #GP(sel)"
        BADLOAD SEL_CODE0, ss, 13, SEL_CODE0, "mov ss, code segment #GP(sel)"
        BADLOAD SEL_DATA0|3, ss, 13, SEL_DATA0, "mov ss, RPL3 at CPL0 #GP(sel)"
        BADLOAD SEL_DATA3, ss, 13, SEL_DATA3, "mov ss, DPL3 data at CPL0 #GP(sel)"
        BADLOAD SEL_NP, ss, 12, SEL_NP, "mov ss, not-present #SS(sel)"
        BADLOAD SEL_NP, ds, 11, SEL_NP, "mov ds, not-present #NP(sel)"
        BADLOAD SEL_NP, gs, 11, SEL_NP, "mov gs, not-present #NP(sel)"

; --- read-only data: write #GP(0), read fine (SDM 3.4.5.1)
        mov     ax, SEL_RO
        mov     es, ax
        mov     eax, [es:0x10]
        EQ      eax, 0x12345678, "read through read-only segment"
        AFAULT  13, 0, {mov byte [es:0x10], 0}, "write to read-only segment #GP(0)"
        AFAULT  13, 0, {inc dword [es:0x10]}, "rmw of read-only segment #GP(0)"
%ifndef QEMU_REF
        MEQ     [0x8010], 0x12345678, "read-only memory unchanged"
%endif

; --- limit checks (SDM 5.3 "Limit Checking": every byte of the access must
;     lie within the limit)
        mov     ax, SEL_LIM
        mov     es, ax
        NOFAULT {mov al, [es:0xFFF]}, "byte at limit"
        NOFAULT {mov ax, [es:0xFFE]}, "word ending at limit"
        NOFAULT {mov eax, [es:0xFFC]}, "dword ending at limit"
        AFAULT  13, 0, {mov al, [es:0x1000]}, "byte at limit+1 #GP(0)"
        AFAULT  13, 0, {mov ax, [es:0xFFF]}, "word straddling limit #GP(0)"
        AFAULT  13, 0, {mov eax, [es:0xFFD]}, "dword straddling limit #GP(0)"
        AFAULT  13, 0, {mov dword [es:0xFFE], 0}, "dword write straddling limit #GP(0)"
        mov     byte [es:0xFFF], 0x5A
        movzx   eax, byte [0x8FFF]
        EQ      eax, 0x5A, "write at limit reaches base+limit"

; --- expand-down (SDM 3.4.5.1 / 5.3: valid offsets limit+1 .. FFFFFFFFh when
;     B=1, limit+1 .. FFFFh when B=0)
        mov     ax, SEL_ED32
        mov     es, ax
        AFAULT  13, 0, {mov al, [es:0xFFF]}, "expand-down B=1: offset = limit #GP(0)"
        AFAULT  13, 0, {mov al, [es:0]}, "expand-down B=1: offset 0 #GP(0)"
        AFAULT  13, 0, {mov eax, [es:0xFFE]}, "expand-down B=1: dword across limit #GP(0)"
        NOFAULT {mov al, [es:0x1000]}, "expand-down B=1: limit+1"
        mov     dword [0x5000], 0x600DF00D
        mov     eax, [es:0x5000]
        EQ      eax, 0x600DF00D, "expand-down B=1: base 0 addressing"
        NOFAULT {mov eax, [es:0x10000]}, "expand-down B=1: offset 10000h"
        NOFAULT {mov eax, [es:0xFFFFFFFC]}, "expand-down B=1: dword at FFFFFFFCh"
        mov     ax, SEL_ED16
        mov     es, ax
        AFAULT  13, 0, {mov al, [es:0xFFF]}, "expand-down B=0: offset = limit #GP(0)"
        NOFAULT {mov al, [es:0x1000]}, "expand-down B=0: limit+1"
        NOFAULT {mov al, [es:0xFFFF]}, "expand-down B=0: FFFFh"
        NOFAULT {mov ax, [es:0xFFFE]}, "expand-down B=0: word at FFFEh"
        AFAULT  13, 0, {mov ax, [es:0xFFFF]}, "expand-down B=0: word at FFFFh #GP(0)"
        AFAULT  13, 0, {mov al, [es:0x10000]}, "expand-down B=0: 10000h #GP(0)"

; --- 4 KiB granularity (SDM 3.4.5: G=1 -> limit = (limit << 12) | FFFh)
        mov     ax, SEL_G4K
        mov     es, ax
        mov     dword [0x101FFC], 0x4B4B4B4B
        mov     eax, [es:0x1FFC]
        EQ      eax, 0x4B4B4B4B, "G=1: dword at limit 1FFFh"
        NOFAULT {mov al, [es:0x1FFF]}, "G=1: byte at 1FFFh"
        AFAULT  13, 0, {mov al, [es:0x2000]}, "G=1: byte at 2000h #GP(0)"
        AFAULT  13, 0, {mov ax, [es:0x1FFF]}, "G=1: word at 1FFFh #GP(0)"
        mov     ax, SEL_DATA0
        mov     es, ax

; --- execute-only code: reads through CS override #GP(0) (SDM 3.4.5.1)
%ifndef QEMU_REF
        ARM     xo_res
        jmp     SEL_XO:xo_at
xo_at:  mov     eax, [cs:gdtr]
        jmp     SEL_CODE0:xo_noexc
xo_res: jmp     SEL_CODE0:xo_back
xo_noexc:
        NOEXC   "read via cs of execute-only code"
xo_back:
        EXPECT  13, 0, "read via cs of execute-only code #GP(0)"
        MEQ     [LASTEIP], xo_at, "execute-only read: pushed eip"
        MEQ     [LASTCS], SEL_XO, "execute-only read: pushed cs"
%endif

; --- LAR / LSL / VERR / VERW at CPL0 (SDM Vol. 2A LAR, LSL; Vol. 2B VERR)
%macro LARCHK 3                         ; selector, expected (masked), name
        mov     bx, %1
        mov     eax, 0xDEADBEEF
        lar     eax, bx
        CHECK   {%3, ": ZF=1"}
        and     eax, 0x00F0FF00
        EQ      eax, %2, %3
%endmacro
%macro LARBAD 2
        mov     bx, %1
        mov     eax, 0xDEADBEEF
        or      ecx, 1                  ; ZF=0 going in? set it to 1:
        cmp     eax, eax
        lar     eax, bx
        jnz     %%z
        mov     esi, %%m
        call    report_fail
        jmp     %%z
%%m:    db      %2, ": ZF should be 0", 0
%%z:    EQ      eax, 0xDEADBEEF, {%2, ": destination unchanged"}
%endmacro
%macro LSLCHK 3
        mov     bx, %1
        lsl     eax, bx
        CHECK   {%3, ": ZF=1"}
        EQ      eax, %2, %3
%endmacro
%macro LSLBAD 2
        mov     bx, %1
        mov     eax, 0xDEADBEEF
        cmp     eax, eax
        lsl     eax, bx
        jnz     %%z
        mov     esi, %%m
        call    report_fail
        jmp     %%z
%%m:    db      %2, ": ZF should be 0", 0
%%z:    EQ      eax, 0xDEADBEEF, {%2, ": destination unchanged"}
%endmacro
%macro VERZ 4                           ; verr/verw, selector, 1/0, name
        mov     bx, %2
%if %3
        test    esp, 0                  ; ZF=0 going in
%else
        cmp     eax, eax                ; ZF=1 going in
%endif
        %1      bx
        setz    al
        movzx   eax, al
        EQ      eax, %3, %4
%endmacro

        LARCHK  SEL_DATA0, 0x00C09300, "lar DATA0 (accessed)"
        LARCHK  SEL_CODE0, 0x00409B00, "lar CODE0"
        LARCHK  SEL_TSS, 0x00008B00, "lar busy TSS"
        LARCHK  SEL_LDT, 0x00008200, "lar LDT"
        LARCHK  SEL_GATE, 0x0000EC00, "lar call gate"
        LARCHK  SEL_NP, 0x00001200, "lar not-present data"
        LARBAD  0, "lar null"
        LARBAD  SEL_BEYOND, "lar beyond limit"
        LSLCHK  SEL_DATA0, 0xFFFFFFFF, "lsl DATA0 (G=1)"
        LSLCHK  SEL_LIM, 0x0FFF, "lsl LIM"
        LSLCHK  SEL_G4K, 0x1FFF, "lsl G4K"
        LSLCHK  SEL_TSS, TSSLIM, "lsl TSS"
        LSLCHK  SEL_LDT, 0x17, "lsl LDT"
        LSLBAD  SEL_GATE, "lsl call gate"
        LSLBAD  SEL_BEYOND, "lsl beyond limit"
        VERZ    verr, SEL_CODE0, 1, "verr readable code"
        VERZ    verr, SEL_XO, 0, "verr execute-only code"
        VERZ    verr, SEL_RO, 1, "verr read-only data"
        VERZ    verw, SEL_RO, 0, "verw read-only data"
        VERZ    verw, SEL_DATA0, 1, "verw DATA0"
        VERZ    verw, SEL_CODE0, 0, "verw code"
        VERZ    verr, 0, 0, "verr null"
        VERZ    verr, SEL_TSS, 0, "verr TSS"
        VERZ    verw, SEL_BEYOND, 0, "verw beyond limit"

; --- LLDT and LDT-based selectors (SDM 3.5.1, Vol. 2A LLDT)
        mov     ax, SEL_LDT
        lldt    ax
        sldt    ax
        movzx   eax, ax
        EQ      eax, SEL_LDT, "sldt after lldt"
        mov     dword [0x9020], 0x1D71D7
        mov     ax, 0x04                ; LDT index 0, TI=1
        mov     fs, ax
        mov     eax, [fs:0x20]
        EQ      eax, 0x1D71D7, "read via LDT selector 04h (base 9000h)"
        movzx   eax, byte [LDT+5]
        EQ      eax, 0x93, "LDT descriptor accessed bit set"
        LSLCHK  0x0C, 0x0FFF, "lsl LDT selector 0Ch"
        BADLOAD 0x1C, gs, 13, 0x1C, "mov gs, beyond LDT limit #GP(sel)"
        mov     bx, SEL_TSS
        FAULT   13, SEL_TSS, {lldt bx}, "lldt with a TSS selector #GP(sel)"
        mov     ax, SEL_DATA0
        mov     fs, ax

; --- CPL3 checks ------------------------------------------------------------
        RING3   F_IOPL3
        mov     ax, SEL_LIM3|3
        NOFAULT {mov fs, ax}, "cpl3: mov fs, DPL3 data"
        BADLOAD SEL_DATA0|3, ds, 13, SEL_DATA0, "cpl3: mov ds, DPL0 data #GP(sel)"
        BADLOAD SEL_DATA0, es, 13, SEL_DATA0, "cpl3: mov es, DPL0 data RPL0 #GP(sel)"
        BADLOAD SEL_CODE0|3, ds, 13, SEL_CODE0, "cpl3: mov ds, DPL0 code #GP(sel)"
        BADLOAD SEL_DATA0|3, ss, 13, SEL_DATA0, "cpl3: mov ss, DPL0 data #GP(sel)"
        BADLOAD SEL_DATA3, ss, 13, SEL_DATA3, "cpl3: mov ss, RPL0 #GP(sel)"
        BADLOAD 0x04, ds, 13, 0x04, "cpl3: mov ds, DPL0 LDT data #GP(sel)"
        mov     ax, 0x0C|3
        NOFAULT {mov gs, ax}, "cpl3: mov gs, DPL3 LDT data"
        mov     ax, SEL_CODE3|3
        NOFAULT {mov gs, ax}, "cpl3: mov gs, DPL3 readable code"

%ifndef QEMU_REF
        ; stack limit violation -> #SS(0) (SDM 6.15 #SS); the CPL0 handler
        ; runs on the TSS stack, so the broken ring-3 stack is harmless
        ARM     ss_res                  ; (before SS changes: ARM uses SS:)
        mov     ax, SEL_LIM3|3
        mov     ss, ax
        mov     esp, 0x1002
ss_at:  push    eax
        NOEXC   "push beyond stack limit"
ss_res: mov     ax, SEL_DATA3|3
        mov     ss, ax
        mov     esp, R3STACK
        EXPECT  12, 0, "cpl3: push beyond ss limit #SS(0)"
        MEQ     [LASTEIP], ss_at, "#SS: pushed eip"
        MEQ     [LASTESP], 0x1002, "#SS: pushed esp unchanged"
        MEQ     [LASTSS], SEL_LIM3|3, "#SS: pushed ss"
%endif

        ; LAR/LSL/VERR/VERW at CPL3: DPL < CPL -> ZF=0 (no fault)
        LARBAD  SEL_DATA0|3, "cpl3: lar DPL0 data"
        LARBAD  SEL_CODE0|3, "cpl3: lar DPL0 code"
        LARCHK  SEL_DATA3|3, 0x00C0F300, "cpl3: lar DPL3 data"
        LARCHK  SEL_GATE|3, 0x0000EC00, "cpl3: lar DPL3 call gate"
        LSLBAD  SEL_TSS|3, "cpl3: lsl DPL0 TSS"
        LSLCHK  SEL_LIM3|3, 0xFFF, "cpl3: lsl DPL3 data"
        VERZ    verr, SEL_DATA0|3, 0, "cpl3: verr DPL0 data"
        VERZ    verw, SEL_DATA3|3, 1, "cpl3: verw DPL3 data"
        VERZ    verr, SEL_CODE3|3, 1, "cpl3: verr DPL3 code"
        VERZ    verw, SEL_DATA3, 1, "cpl3: verw DPL3 data, RPL0"

        ; ARPL (SDM Vol. 2A ARPL)
        mov     ax, SEL_DATA0
        mov     bx, SEL_CODE3|3
        arpl    ax, bx
        CHECK   "cpl3: arpl raises RPL: ZF=1"
        movzx   eax, ax
        EQ      eax, SEL_DATA0|3, "cpl3: arpl result"
        mov     ax, SEL_DATA0|2
        mov     bx, SEL_CODE3|1
        cmp     eax, eax
        arpl    ax, bx
        setz    cl
        movzx   ecx, cl
        EQ      ecx, 0, "cpl3: arpl no change: ZF=0"
        movzx   eax, ax
        EQ      eax, SEL_DATA0|2, "cpl3: arpl no change result"

        ; SGDT/SIDT/SLDT/STR/SMSW are not privileged (CR4.UMIP=0; SDM 2.8)
        NOFAULT {sgdt [R3BUF]}, "cpl3: sgdt"
        movzx   eax, word [R3BUF]
        EQ      eax, GDT_LIMIT, "cpl3: sgdt limit"
        MEQ     [R3BUF+2], GDT, "cpl3: sgdt base"
        NOFAULT {sidt [R3BUF+8]}, "cpl3: sidt"
        movzx   eax, word [R3BUF+8]
        EQ      eax, 0x7FF, "cpl3: sidt limit"
        MEQ     [R3BUF+10], IDT, "cpl3: sidt base"
        sldt    ax
        movzx   eax, ax
        EQ      eax, SEL_LDT, "cpl3: sldt"
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSS, "cpl3: str"
        mov     ebx, [SAVEDCR0]
        smsw    ax
        movzx   eax, ax
        movzx   ebx, bx
        EQ      eax, ebx, "cpl3: smsw = low word of CR0"
        and     eax, 1
        EQ      eax, 1, "cpl3: smsw PE=1"
        RING0
        str     ax
        movzx   eax, ax
        EQ      eax, SEL_TSS, "back at cpl0"
        jmp     exit_pass

        RESET_VECTOR
