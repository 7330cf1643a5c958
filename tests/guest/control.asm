; control.asm -- Glassbox guest test: control transfer and stack/segment ops.
;
; Near/far CALL/RET/JMP (direct, indirect through register and memory,
; RET/RETF imm16), Jcc condition evaluation, LOOP/LOOPE/LOOPNE/JCXZ/JECXZ,
; ENTER/LEAVE (with nesting levels), PUSHA/POPA(D), PUSH SP, LDS/LES/LFS/
; LGS/LSS, XLAT, and IN from an unmapped I/O port (reads all ones).
; SDM references: Vol. 2A "CALL", "JMP", "Jcc", "ENTER", "LEAVE"; Vol. 2B
; "LOOP/LOOPcc", "PUSHA/PUSHAD", "POPA/POPAD", "PUSH" (PUSH SP pushes the
; value SP had before the instruction on 286+), "RET", "XLAT".
;
; Build: nasm -f bin -i lib/ -o control.bin control.asm

%include "harness16.inc"                ; start: real-mode set-up, then jmp tests

tests:
RAMSEG  equ 0x1000                      ; small routines are copied here

%macro SEG 2                            ; SEG sreg, value
        mov     ax, %2
        mov     %1, ax
%endmacro

; JT cond, flags, taken(0/1): load FLAGS, then take j<cond> or not
%macro JT 3
        push    word (%2) | 2
        popf
        j%1     %%t
        mov     al, 0
        jmp     %%c
%%t:    mov     al, 1
%%c:    EQ      al, %3, {"j", %str(%1), " with flags ", %str(%2)}
%endmacro

; --- build small routines in RAM at 1000:0000 -----------------------------------
        SEG     es, RAMSEG
        mov     dword [es:0x0010], 0x90CBC88C   ; mov ax,cs / retf
        mov     dword [es:0x0020], 0x900004CA   ; retf 4
        mov     byte  [es:0x0030], 0xB8         ; mov ax, 1234h
        mov     word  [es:0x0031], 0x1234
        mov     byte  [es:0x0033], 0xEA         ; jmp far F000:back_from_ram
        mov     word  [es:0x0034], back_from_ram
        mov     word  [es:0x0036], 0xF000
        mov     byte  [es:0x0040], 0xBB         ; mov bx, 5678h
        mov     word  [es:0x0041], 0x5678
        mov     byte  [es:0x0043], 0xEA         ; jmp far F000:back_from_ram2
        mov     word  [es:0x0044], back_from_ram2
        mov     word  [es:0x0046], 0xF000
        SEG     es, 0

; --- near CALL / RET -------------------------------------------------------------
        mov     dx, sp
        call    sub_retaddr
call1_ret:
        EQ      ax, call1_ret, "call rel16 pushes return IP"
        EQ      sp, dx, "ret restores sp"
        xor     ax, ax
        mov     bx, sub_mark
        call    bx
        EQ      ax, 0xCA11, "call reg"
        xor     ax, ax
        call    [cs:ptr_sub_mark]
        EQ      ax, 0xCA11, "call [mem]"
        push    word 1
        push    word 2
        push    word 3
        call    sub_ret6
        EQ      ax, 0x0123, "ret 6: arguments seen"
        EQ      sp, dx, "ret 6: pops the arguments"
        call    dword sub_retaddr32     ; 66 E8 rel32: pushes a 4-byte EIP
call32_ret:
        EQ      eax, call32_ret, "o32 call pushes 32-bit return EIP"
        EQ      sp, dx, "o32 ret pops 4 bytes"

; --- far CALL / RETF ---------------------------------------------------------------
        call    0xF000:sub_far
callf_ret:
        EQ      ax, 0xF000, "call far direct pushes CS"
        EQ      bx, callf_ret, "call far direct pushes IP"
        EQ      sp, dx, "retf restores sp"
        xor     ax, ax
        call    RAMSEG:0x0010
        EQ      ax, RAMSEG, "call far into another segment"
        mov     ax, cs
        EQ      ax, 0xF000, "retf restores CS"
        xor     ax, ax
        call    far [cs:ptr_ram_cs]
        EQ      ax, RAMSEG, "call far [mem]"
        push    word 0xAAAA
        push    word 0xBBBB
        call    RAMSEG:0x0020
        EQ      sp, dx, "retf 4 pops the arguments"

; --- JMP -------------------------------------------------------------------------------
        mov     al, 0
        jmp     short .s1
        mov     al, 0xEE
.s1:    EQ      al, 0, "jmp short"
        jmp     near .s2
        mov     al, 0xEE
.s2:    EQ      al, 0, "jmp near (e9)"
        mov     bx, .s3
        jmp     bx
        mov     al, 0xEE
.s3:    EQ      al, 0, "jmp reg"
        jmp     [cs:ptr_s4]
        mov     al, 0xEE
jmp_s4: EQ      al, 0, "jmp [mem]"
        xor     ax, ax
        jmp     RAMSEG:0x0030
back_from_ram:
        EQ      ax, 0x1234, "jmp far direct and back"
        xor     bx, bx
        jmp     far [cs:ptr_ram_jmp]
back_from_ram2:
        EQ      bx, 0x5678, "jmp far [mem] and back"
        mov     ax, cs
        EQ      ax, 0xF000, "cs after far jumps"

; --- Jcc: every condition, from FLAGS loaded with POPF ---------------------------------
        JT      o,  F_OF, 1
        JT      o,  0, 0
        JT      no, F_OF, 0
        JT      no, 0, 1
        JT      b,  F_CF, 1
        JT      b,  0, 0
        JT      ae, F_CF, 0
        JT      ae, 0, 1
        JT      e,  F_ZF, 1
        JT      e,  0, 0
        JT      ne, F_ZF, 0
        JT      ne, 0, 1
        JT      be, F_CF, 1
        JT      be, F_ZF, 1
        JT      be, 0, 0
        JT      a,  0, 1
        JT      a,  F_CF, 0
        JT      a,  F_ZF, 0
        JT      s,  F_SF, 1
        JT      s,  0, 0
        JT      ns, F_SF, 0
        JT      ns, 0, 1
        JT      p,  F_PF, 1
        JT      p,  0, 0
        JT      np, F_PF, 0
        JT      np, 0, 1
        JT      l,  F_SF, 1
        JT      l,  F_OF, 1
        JT      l,  F_SF|F_OF, 0
        JT      l,  0, 0
        JT      ge, F_SF, 0
        JT      ge, F_SF|F_OF, 1
        JT      le, F_ZF, 1
        JT      le, F_SF, 1
        JT      le, F_SF|F_OF, 0
        JT      le, 0, 0
        JT      g,  0, 1
        JT      g,  F_SF|F_OF, 1
        JT      g,  F_ZF|F_SF|F_OF, 0
        JT      g,  F_OF, 0
        ; near (0F 8x rel16) forms
        push    word F_ZF|2
        popf
        mov     al, 0
        jz      near .n1
        mov     al, 0xEE
.n1:    jnz     near .n2
        EQ      al, 0, "jz near / jnz near"
        jmp     .n3
.n2:    mov     si, s_jnz_near
        jmp     report_fail
.n3:

; --- LOOP / LOOPE / LOOPNE / JCXZ ---------------------------------------------------------
        mov     cx, 5
        xor     bx, bx
        stc
.l1:    inc     bx                      ; INC does not touch CF
        loop    .l1
        SAVEF
        EQ      bx, 5, "loop: 5 iterations"
        EQ      cx, 0, "loop: cx=0"
        FLAGS   F_CF, F_CF, "loop leaves"
        xor     cx, cx                  ; CX=0: 65536 iterations
        xor     edx, edx
.l2:    inc     edx
        loop    .l2
        EQ      edx, 0x10000, "loop with cx=0 runs 65536 times"
        mov     ecx, 0x00010001         ; a16 LOOP decrements CX only
        xor     edx, edx
.l3:    inc     edx
        loop    .l3
        EQ      edx, 1, "a16 loop counts cx only"
        EQ      ecx, 0x00010000, "a16 loop keeps upper ecx"
        mov     ecx, 0x00010001         ; a32 LOOP decrements ECX
        xor     edx, edx
.l4:    inc     edx
        a32 loop .l4
        EQ      edx, 0x10001, "a32 loop counts ecx"
        mov     cx, 10
        xor     bx, bx
.l5:    inc     bx
        test    bl, 0xFC                ; ZF=1 while bx < 4
        loope   .l5
        EQ      bx, 4, "loope stops when ZF=0"
        EQ      cx, 6, "loope: cx"
        mov     cx, 10
        xor     bx, bx
.l6:    inc     bx
        cmp     bx, 3
        loopne  .l6
        EQ      bx, 3, "loopne stops when ZF=1"
        EQ      cx, 7, "loopne: cx"
        mov     cx, 2
        xor     bx, bx
.l7:    inc     bx
        cmp     bx, bx                  ; ZF=1 always
        loope   .l7
        EQ      bx, 2, "loope stops when cx reaches 0"
        xor     cx, cx
        mov     al, 0
        jcxz    .j1
        mov     al, 0xEE
.j1:    EQ      al, 0, "jcxz cx=0 taken"
        mov     cx, 1
        mov     al, 1
        jcxz    .j2
        mov     al, 0
.j2:    EQ      al, 0, "jcxz cx=1 not taken"
        mov     ecx, 0x00010000
        mov     al, 0
        jcxz    .j3
        mov     al, 0xEE
.j3:    EQ      al, 0, "jcxz ecx=10000h taken (cx=0)"
        mov     al, 1
        jecxz   .j4
        mov     al, 0
.j4:    EQ      al, 0, "jecxz ecx=10000h not taken"

; --- ENTER / LEAVE (SDM "ENTER": nesting level copies frame pointers) ------------------
        mov     dx, sp
        mov     bp, 0x1234
        enter   8, 0
        mov     ax, dx
        sub     ax, 2
        EQ      bp, ax, "enter 8,0: bp"
        sub     ax, 8
        EQ      sp, ax, "enter 8,0: sp"
        mov     ax, [bp]
        EQ      ax, 0x1234, "enter 8,0: saved bp"
        leave
        EQ      sp, dx, "leave: sp"
        EQ      bp, 0x1234, "leave: bp"
        mov     bp, 0x7000              ; outer frame; its display has
        mov     word [0x6FFE], 0xBEEF   ; one pointer at bp-2
        enter   6, 2
        mov     ax, dx
        sub     ax, 2
        EQ      bp, ax, "enter 6,2: bp"
        sub     ax, 10
        EQ      sp, ax, "enter 6,2: sp"
        mov     ax, [bp]
        EQ      ax, 0x7000, "enter 6,2: saved bp"
        mov     ax, [bp-2]
        EQ      ax, 0xBEEF, "enter 6,2: copied outer frame pointer"
        mov     ax, [bp-4]
        EQ      ax, bp, "enter 6,2: pushed own frame pointer"
        leave
        EQ      sp, dx, "leave after enter 6,2: sp"
        EQ      bp, 0x7000, "leave after enter 6,2: bp"
        enter   0, 1
        mov     ax, [bp-2]
        EQ      ax, bp, "enter 0,1: pushes frame pointer"
        mov     ax, dx
        sub     ax, 4
        EQ      sp, ax, "enter 0,1: sp"
        leave

; --- PUSHA / POPA / PUSHAD / POPAD ---------------------------------------------------------
        mov     dx, sp
        mov     ax, 0x1111
        mov     cx, 0x2222
        mov     bx, 0x4444
        mov     bp, 0x6666
        mov     si, 0x7777
        mov     di, 0x8888
        push    dx
        mov     dx, 0x3333
        pusha                           ; ax cx dx bx sp bp si di
        mov     bp, sp
        mov     ax, [bp+14]
        EQ      ax, 0x1111, "pusha: ax slot"
        mov     ax, [bp+12]
        EQ      ax, 0x2222, "pusha: cx slot"
        mov     ax, [bp+10]
        EQ      ax, 0x3333, "pusha: dx slot"
        mov     ax, [bp+8]
        EQ      ax, 0x4444, "pusha: bx slot"
        lea     cx, [bp+16]
        mov     ax, [bp+6]
        EQ      ax, cx, "pusha: sp slot holds sp before pusha"
        mov     ax, [bp+4]
        EQ      ax, 0x6666, "pusha: bp slot"
        mov     ax, [bp+2]
        EQ      ax, 0x7777, "pusha: si slot"
        mov     ax, [bp]
        EQ      ax, 0x8888, "pusha: di slot"
        mov     word [bp+6], 0xDEAD     ; POPA discards the SP slot
        xor     ax, ax
        xor     cx, cx
        xor     dx, dx
        xor     bx, bx
        xor     bp, bp
        xor     si, si
        xor     di, di
        popa
        EQ      ax, 0x1111, "popa: ax"
        EQ      dx, 0x3333, "popa: dx"
        EQ      bp, 0x6666, "popa: bp"
        EQ      di, 0x8888, "popa: di"
        pop     dx
        EQ      sp, dx, "popa ignores the sp slot"
        mov     eax, 0x11111111
        mov     edi, 0x88888888
        pushad
        mov     bp, sp
        mov     ecx, [bp+28]
        EQ      ecx, 0x11111111, "pushad: eax slot"
        mov     ecx, [bp]
        EQ      ecx, 0x88888888, "pushad: edi slot"
        xor     eax, eax
        xor     edi, edi
        popad
        EQ      eax, 0x11111111, "popad: eax"
        EQ      edi, 0x88888888, "popad: edi"
        EQ      sp, dx, "popad: sp"

; --- PUSH forms --------------------------------------------------------------------------------
        mov     bx, sp
        push    sp                      ; 286+: the value before the push
        pop     ax
        EQ      ax, bx, "push sp pushes old sp"
        push    byte -2                 ; 6A: sign-extended imm8
        pop     ax
        EQ      ax, 0xFFFE, "push imm8 sign-extends"
        push    dword 0x12345678        ; 66 68
        mov     ax, bx
        sub     ax, 4
        EQ      sp, ax, "push dword: sp-4"
        pop     eax
        EQ      eax, 0x12345678, "pop dword"
        mov     word [0x0560], 0x4321
        push    word [0x0560]
        pop     word [0x0562]
        mov     ax, [0x0562]
        EQ      ax, 0x4321, "push/pop memory"

; --- LDS / LES / LFS / LGS / LSS ---------------------------------------------------------
        lds     si, [cs:farptr_a]
        mov     ax, ds
        EQ      si, 0x1234, "lds: offset"
        EQ      ax, 0x5678, "lds: segment"
        les     di, [cs:farptr_b]
        mov     ax, es
        EQ      di, 0x9ABC, "les: offset"
        EQ      ax, 0xDEF0, "les: segment"
        lfs     bx, [cs:farptr_a]
        mov     ax, fs
        EQ      ax, 0x5678, "lfs: segment"
        lgs     bx, [cs:farptr_b]
        mov     ax, gs
        EQ      ax, 0xDEF0, "lgs: segment"
        lds     esi, [cs:farptr32]      ; 66h: 32-bit offset + selector
        mov     ax, ds
        EQ      esi, 0x00012345, "lds esi: offset"
        EQ      ax, 0x2000, "lds esi: segment"
        SEG     ds, 0
        SEG     es, 0
        ; LSS: switch to 0700:0B00 (physical 7B00h), push, switch back.
        ; (No harness call may run while SS != 0.)
        mov     [0x0570], sp
        mov     [0x0572], ss
        mov     word [0x7AFE], 0
        lss     sp, [cs:stackptr]
        push    word 0xBEEF
        mov     cx, ss
        mov     bx, sp
        lss     sp, [0x0570]
        EQ      cx, 0x0700, "lss: ss"
        EQ      bx, 0x0AFE, "lss: push used new ss:sp"
        mov     ax, [0x7AFE]
        EQ      ax, 0xBEEF, "lss: pushed to physical 7afeh"
        mov     ax, [0x0570]
        EQ      sp, ax, "lss: old stack restored"

; --- XLAT: AL = DS:[BX + unsigned AL] ------------------------------------------------------
        SEG     es, RAMSEG
        xor     di, di
        xor     ax, ax
.x1:    mov     bl, al
        xor     bl, 0x55
        mov     [es:di], bl
        inc     di
        inc     al
        jnz     .x1
        SEG     ds, RAMSEG
        xor     bx, bx
        mov     al, 0x80
        xlatb
        EQ      al, 0xD5, "xlat with al >= 80h (unsigned index)"
        mov     al, 0x03
        xlatb
        EQ      al, 0x56, "xlat"
        SEG     ds, 0
        mov     bx, xlat_rom
        mov     al, 2
        cs xlatb
        EQ      al, 'C', "cs xlat (segment override)"
        SEG     es, 0

; --- IN from an unmapped port reads all ones ------------------------------------------------
        mov     dx, 0x0312
        in      al, dx
        EQ      al, 0xFF, "in al,dx unmapped port"
        in      ax, dx
        EQ      ax, 0xFFFF, "in ax,dx unmapped port"
        in      al, 0xE5                ; imm8 form, also unassigned
        EQ      al, 0xFF, "in al,imm8 unmapped port"
        ; (no 32-bit IN check: QEMU, the reference, returns 0 for a dword
        ;  read of an unassigned port instead of all ones)

        jmp     exit_pass

; --- subroutines and data ------------------------------------------------------------------
sub_retaddr:
        mov     bp, sp
        mov     ax, [bp]
        ret
sub_retaddr32:
        mov     bp, sp
        mov     eax, [bp]
        o32 ret
sub_mark:
        mov     ax, 0xCA11
        ret
sub_ret6:                               ; args at sp+2 (3), sp+4 (2), sp+6 (1)
        mov     bp, sp
        mov     ax, [bp+6]
        shl     ax, 4
        add     ax, [bp+4]
        shl     ax, 4
        add     ax, [bp+2]
        ret     6
sub_far:
        mov     bp, sp
        mov     bx, [bp]
        mov     ax, [bp+2]
        retf

ptr_sub_mark:   dw sub_mark
ptr_s4:         dw jmp_s4
ptr_ram_cs:     dw 0x0010, RAMSEG
ptr_ram_jmp:    dw 0x0040, RAMSEG
farptr_a:       dw 0x1234, 0x5678
farptr_b:       dw 0x9ABC, 0xDEF0
farptr32:       dd 0x00012345
                dw 0x2000
stackptr:       dw 0x0B00, 0x0700
xlat_rom:       db "ABCDEF"
s_jnz_near:     db "jnz near taken with ZF=1", 0

        RESET_VECTOR
