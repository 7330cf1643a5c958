; pm_v86.asm -- Glassbox guest test: virtual-8086 mode.
;
; Enters V86 by IRETD with EFLAGS.VM=1 from ring 0 (SDM Vol. 3B 20.2.5; the
; frame holds GS, FS, DS, ES, SS, ESP, EFLAGS, CS, EIP), runs real-mode
; style code (base = selector*16, 20.1.1), INT n with IOPL<3 -> #GP(0) to
; the ring-0 monitor with the V86 segment registers on its stack and
; DS/ES/FS/GS = 0 (20.2.7, 20.3.1.1, figure 20-2), CLI/STI/PUSHF/POPF/IRET
; with IOPL<3 -> #GP(0), INT3 not IOPL-sensitive (Vol. 2A INT n), HLT ->
; #GP(0), with IOPL=3 INT n through the protected-mode IDT to a ring-0
; handler and IRETD back, IN/OUT checked against the TSS I/O bitmap
; whatever IOPL (20.2.8.1).
;
; Build: nasm -f bin -i lib/ -o pm_v86.bin pm_v86.asm
;   (-DKEEPGOING: report every failing check instead of stopping)

%include "harness32.inc"                ; start: protected-mode set-up, then jmp tests
        GDT_BEGIN                       ; null, selectors 08h..30h (lib/pm_tables.inc)
H_FRAME equ 0x0580              ; INT 40h handler: 9 dwords of its frame
H_ESP   equ 0x05A4
H_SEGS  equ 0x05A8              ; DS, ES, FS, GS in the handler
V86DS   equ 0x0800
V86ES   equ 0x0900
V86FS   equ 0x0A00
V86GS   equ 0x0B00
V86SS   equ 0x5000
V86SP   equ 0xFFF0

        GDT_END

; V86RUN entry, eflags bits: enter virtual-8086 mode by IRETD from CPL0
; with EFLAGS.VM=1; the 9-dword frame holds GS, FS, DS, ES, SS, ESP,
; EFLAGS, CS, EIP (SDM Vol. 3B 20.2.5 "Entering Virtual-8086 Mode", Vol. 2A
; IRET).  The V86 code ends with a faulting instruction; the #GP handler
; (ABANDON mode) records the frame and comes back here at CPL0.
%macro V86RUN 2
        mov     dword [HITS], 0
        mov     dword [ABANDON], %%back
        mov     [TSS+4], esp
        push    dword V86GS
        push    dword V86FS
        push    dword V86DS
        push    dword V86ES
        push    dword V86SS
        push    dword V86SP
        push    dword F_VM | 2 | (%2)
        push    dword 0xF000
        push    dword %1
        iretd
%%back:
%endmacro

; VFAULT entry, eflags, fault label, error code, "name"
%macro VFAULT 5
        V86RUN  %1, %2
        EXPECT  13, %4, %5
        MEQ     [LASTEIP], %3, {%5, ": pushed eip"}
        MEQ     [LASTCS], 0xF000, {%5, ": pushed cs"}
        mov     eax, [LASTFL]
        and     eax, F_VM|F_IOPL3
        EQ      eax, F_VM|(%2), {%5, ": pushed eflags VM"}
%endmacro

; ---------------------------------------------------------------------------
; virtual-8086 code (real-mode style, CS = F000h)
; ---------------------------------------------------------------------------
bits 16
v86_a:  mov     ax, [0x10]              ; DS = 0800h -> linear 8010h
        mov     [es:0x20], ax           ; ES = 0900h -> linear 9020h
        mov     bx, 0x1234
        mov     fs, bx                  ; no descriptor: base = 12340h
        mov     cx, [fs:0]
        mov     [es:0x22], cx
        mov     dx, cs
        mov     [es:0x24], dx
        mov     [es:0x26], sp
        mov     ax, 0x5A5A
va_int: int     0x21                    ; IOPL < 3: #GP(0) (SDM 20.2.7)
v86_cli:
        cli
v86_sti:
        sti
v86_pushf:
        pushf
v86_popf:
        popf
v86_iret:
        iret
v86_pushfd:
        pushfd
v86_int3:
        int3                            ; not IOPL-sensitive: IDT gate 3
                                        ; (DPL0) -> #GP(3*8+2)
v86_hlt:
        hlt                             ; CPL3: always #GP(0)
v86_in:
        mov     al, 0x42
        out     0x80, al                ; allowed by the bitmap, any IOPL
        in      al, 0x80
va_in2: in      al, 0x84                ; denied by the bitmap: #GP(0)
v86_out:
va_out: out     0x84, al                ; denied even with IOPL=3
v86_b:  cli                             ; IOPL=3: CLI/STI/PUSHF/POPF work
        pushf
        pop     ax
        mov     [es:0x30], ax
        sti
        pushf
        pop     ax
        mov     [es:0x32], ax
        push    word 0x0002             ; POPF may not change IOPL (CPL3)
        popf
        pushf
        pop     ax
        mov     [es:0x34], ax
        mov     word [es:0x36], 0
        mov     bx, 0x7777
        int     0x40                    ; IOPL=3: through the IDT to CPL0
vb_ret: mov     [es:0x36], bx           ; handler set BX
        mov     [es:0x38], sp
        mov     ax, ds
        mov     [es:0x3A], ax
vb_hlt: hlt
v86_c:
vc_int: int     0x41                    ; DPL0 gate: #GP(41h*8+2)

bits 32
; INT 40h from V86 (IOPL=3): the ring-0 handler sees the V86 segment
; registers on its stack and DS/ES/FS/GS = 0 (SDM 20.3.1.1, figure 20-2)
int40_v86:
        mov     [ss:H_ESP], esp
        mov     [ss:H_SEGS], ds
        mov     [ss:H_SEGS+2], es
        mov     [ss:H_SEGS+4], fs
        mov     [ss:H_SEGS+6], gs
        push    eax
        push    ecx
        COPY_FRAME H_FRAME, 8, 9
        pop     ecx
        pop     eax
        mov     bx, 0x4040
        iretd                           ; VM=1 in the image: back to V86

tests:
        SETGATE 0x40, int40_v86, SEL_CODE0, 0xEE        ; DPL3 int gate
        SETGATE 0x41, int40_v86, SEL_CODE0, 0x8E        ; DPL0 int gate
        mov     eax, 0x80
        btr     [IOMAP], eax                            ; port 80h allowed
        mov     word [0x8010], 0xBEEF
        mov     word [0x12340], 0xFACE

; --- segment arithmetic in V86; INT n with IOPL=0 -> #GP(0) to the monitor
        VFAULT  v86_a, 0, va_int, 0, "v86 int 21h with IOPL=0 #GP(0)"
        movzx   eax, word [0x9020]
        EQ      eax, 0xBEEF, "v86: ds:10h = linear 8010h (base = sel*16)"
        movzx   eax, word [0x9022]
        EQ      eax, 0xFACE, "v86: mov fs,1234h; fs:0 = linear 12340h"
        movzx   eax, word [0x9024]
        EQ      eax, 0xF000, "v86: cs = F000h"
        movzx   eax, word [0x9026]
        EQ      eax, V86SP, "v86: sp from the iretd frame"
        mov     eax, [TSS+4]
        sub     eax, 36
        MEQ     [LASTESP0], eax, "v86 #GP: 9-dword frame + error code"
        MEQ     [LASTESP], V86SP, "v86 #GP: pushed esp"
        MEQ     [LASTSS], V86SS, "v86 #GP: pushed ss"
        MEQ     [FRAME+20], V86ES, "v86 #GP: pushed es"
        MEQ     [FRAME+24], V86DS, "v86 #GP: pushed ds"
        MEQ     [FRAME+28], 0x1234, "v86 #GP: pushed fs"
        MEQ     [FRAME+32], V86GS, "v86 #GP: pushed gs"
        MEQ     [HSEGS], 0, "v86 #GP: monitor ds = es = 0"
        MEQ     [HSEGS+4], 0, "v86 #GP: monitor fs = gs = 0"

; --- IOPL-sensitive instructions with IOPL<3 -> #GP(0) (SDM 20.2.7)
        VFAULT  v86_cli, 0, v86_cli, 0, "v86 cli IOPL=0 #GP(0)"
        VFAULT  v86_sti, 0, v86_sti, 0, "v86 sti IOPL=0 #GP(0)"
        VFAULT  v86_pushf, 0, v86_pushf, 0, "v86 pushf IOPL=0 #GP(0)"
        VFAULT  v86_popf, 0, v86_popf, 0, "v86 popf IOPL=0 #GP(0)"
        VFAULT  v86_iret, 0, v86_iret, 0, "v86 iret IOPL=0 #GP(0)"
        VFAULT  v86_pushfd, 0x1000, v86_pushfd, 0, "v86 pushfd IOPL=1 #GP(0)"
        ; INT3 (CC) is not IOPL-sensitive in V86 (SDM Vol. 2A INT n
        ; pseudocode: only INT n traps to #GP(0)); it goes to the IDT, where
        ; the DPL0 gate fails the CPL check -> #GP(3*8+2)
        VFAULT  v86_int3, 0x2000, v86_int3, 3*8+2, "v86 int3 IOPL=2 -> DPL0 gate #GP(1Ah)"
        VFAULT  v86_hlt, F_IOPL3, v86_hlt, 0, "v86 hlt IOPL=3 #GP(0)"

; --- I/O in V86: the TSS bitmap decides, whatever IOPL (SDM 20.2.8.1)
        VFAULT  v86_in, 0, va_in2, 0, "v86 IOPL=0: out/in 80h allowed, in 84h #GP(0)"
        VFAULT  v86_in, F_IOPL3, va_in2, 0, "v86 IOPL=3: in 84h still #GP(0)"
        VFAULT  v86_out, F_IOPL3, va_out, 0, "v86 IOPL=3: out 84h #GP(0)"

; --- IOPL=3: CLI/STI/PUSHF/POPF execute; INT n goes through the IDT
        VFAULT  v86_b, F_IOPL3, vb_hlt, 0, "v86 IOPL=3 block ends at hlt"
        movzx   eax, word [0x9030]
        and     eax, F_IF|F_IOPL3
        EQ      eax, F_IOPL3, "v86 IOPL=3: cli; pushf shows IF=0 IOPL=3"
        movzx   eax, word [0x9032]
        and     eax, F_IF
        EQ      eax, F_IF, "v86 IOPL=3: sti; pushf shows IF=1"
        movzx   eax, word [0x9034]
        and     eax, F_IOPL3
        EQ      eax, F_IOPL3, "v86 IOPL=3: popf cannot change IOPL"
        movzx   eax, word [0x9036]
        EQ      eax, 0x4040, "v86 int 40h: handler ran and iretd returned"
        movzx   eax, word [0x9038]
        EQ      eax, V86SP, "v86 int 40h: v86 sp restored"
        movzx   eax, word [0x903A]
        EQ      eax, V86DS, "v86 int 40h: v86 ds restored by iretd"
        mov     eax, [TSS+4]
        sub     eax, 36
        MEQ     [H_ESP], eax, "v86 int 40h: 9-dword frame on the ring-0 stack"
        MEQ     [H_FRAME], vb_ret, "v86 int 40h: pushed eip"
        MEQ     [H_FRAME+4], 0xF000, "v86 int 40h: pushed cs"
        mov     eax, [H_FRAME+8]
        and     eax, F_VM|F_IOPL3
        EQ      eax, F_VM|F_IOPL3, "v86 int 40h: pushed eflags VM=1"
        MEQ     [H_FRAME+12], V86SP, "v86 int 40h: pushed esp"
        MEQ     [H_FRAME+16], V86SS, "v86 int 40h: pushed ss"
        MEQ     [H_FRAME+20], V86ES, "v86 int 40h: pushed es"
        MEQ     [H_FRAME+24], V86DS, "v86 int 40h: pushed ds"
        MEQ     [H_FRAME+28], V86FS, "v86 int 40h: pushed fs"
        MEQ     [H_FRAME+32], V86GS, "v86 int 40h: pushed gs"
        MEQ     [H_SEGS], 0, "v86 int 40h: handler ds = es = 0"
        MEQ     [H_SEGS+4], 0, "v86 int 40h: handler fs = gs = 0"
        VFAULT  v86_c, F_IOPL3, vc_int, 0x41*8+2, "v86 IOPL=3 int 41h via DPL0 gate #GP(20Ah)"

        mov     esp, R0STACK
        pushfd
        pop     eax
        and     eax, F_VM
        EQ      eax, 0, "monitor: VM=0"
        jmp     exit_pass

        RESET_VECTOR
