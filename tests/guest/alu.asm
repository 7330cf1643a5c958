; alu.asm -- Glassbox guest test: integer ALU instructions in real mode.
;
; Only architecturally *defined* flags are compared: every check masks out
; the flags the Intel SDM (Vol. 2, instruction reference, "Flags Affected")
; lists as undefined for that instruction, so the program is valid on any
; 386-class or later CPU (reference: QEMU's i386 target).
;
; Build: nasm -f bin -i lib/ -o alu.bin alu.asm

%include "harness16.inc"                ; start: real-mode set-up, then jmp tests

tests:
; --- ADD / ADC (SDM Vol. 2A "ADD", "ADC": OF, SF, ZF, AF, CF, PF) ----------
        ALU al, 0x7F, nop, {add al, 1}, 0x80, ARITH, F_OF|F_SF|F_AF, "add8 7f+1"
        ALU al, 0xFF, nop, {add al, 1}, 0x00, ARITH, F_CF|F_ZF|F_AF|F_PF, "add8 ff+1"
        ALU ax, 0x8000, nop, {add ax, 0x8000}, 0, ARITH, F_OF|F_CF|F_ZF|F_PF, "add16 8000+8000"
        ALU ax, 0x1234, nop, {add ax, 0x4321}, 0x5555, ARITH, F_PF, "add16 1234+4321"
        ALU al, 0x0F, stc, {adc al, 0}, 0x10, ARITH, F_AF, "adc8 0f+0+CF"
        ALU al, 0xFF, stc, {adc al, 0}, 0x00, ARITH, F_CF|F_ZF|F_AF|F_PF, "adc8 ff+0+CF"
        ALU ax, 0x7FFF, clc, {adc ax, 0}, 0x7FFF, ARITH, F_PF, "adc16 7fff+0 CF=0"

; --- SUB / SBB / CMP --------------------------------------------------------
        ALU al, 0x80, nop, {sub al, 1}, 0x7F, ARITH, F_OF|F_AF, "sub8 80-1"
        ALU al, 0x00, nop, {sub al, 1}, 0xFF, ARITH, F_CF|F_SF|F_AF|F_PF, "sub8 0-1"
        ALU ax, 0x1000, stc, {sbb ax, 0}, 0x0FFF, ARITH, F_AF|F_PF, "sbb16 1000-0-CF"
        ALU ax, 0x0000, stc, {sbb ax, 0xFFFF}, 0x0000, ARITH, F_CF|F_ZF|F_PF|F_AF, "sbb16 0-ffff-CF"
        ALU al, 5, nop, {cmp al, 7}, 5, ARITH, F_CF|F_SF|F_AF, "cmp8 5,7"
        ALU al, 0x80, nop, {cmp al, 1}, 0x80, ARITH, F_OF|F_AF, "cmp8 80,1"
        ALU ax, 0x1234, nop, {cmp ax, 0x1234}, 0x1234, ARITH, F_ZF|F_PF, "cmp16 equal"

; --- INC / DEC: CF is not affected (SDM "INC", "DEC") ------------------------
        ALU al, 0xFF, stc, {inc al}, 0x00, ARITH, F_CF|F_ZF|F_AF|F_PF, "inc8 ff (CF kept)"
        ALU al, 0x7F, clc, {inc al}, 0x80, ARITH, F_OF|F_SF|F_AF, "inc8 7f"
        ALU ax, 0x8000, clc, {dec ax}, 0x7FFF, ARITH, F_OF|F_AF|F_PF, "dec16 8000"
        ALU ax, 0x0001, stc, {dec ax}, 0x0000, ARITH, F_CF|F_ZF|F_PF, "dec16 1 (CF kept)"

; --- NEG: CF = (operand != 0) (SDM "NEG") ------------------------------------
        ALU al, 0x00, stc, {neg al}, 0x00, ARITH, F_ZF|F_PF, "neg8 0"
        ALU al, 0x80, nop, {neg al}, 0x80, ARITH, F_CF|F_OF|F_SF, "neg8 80"
        ALU al, 0x01, nop, {neg al}, 0xFF, ARITH, F_CF|F_SF|F_AF|F_PF, "neg8 1"

; --- AND / OR / XOR / TEST: OF=CF=0, AF undefined (SDM "AND") ----------------
        ALU al, 0xF0, stc, {and al, 0x0F}, 0x00, LOGIC, F_ZF|F_PF, "and8"
        ALU al, 0x80, stc, {or al, 0x01}, 0x81, LOGIC, F_SF|F_PF, "or8"
        ALU ax, 0x5555, stc, {xor ax, 0xFFFF}, 0xAAAA, LOGIC, F_SF|F_PF, "xor16"
        ALU eax, 0x7FFFFFFF, stc, {xor eax, 0xFFFFFFFF}, 0x80000000, LOGIC, F_SF|F_PF, "xor32"
        ALU al, 0x81, stc, {test al, 0x80}, 0x81, LOGIC, F_SF, "test8"
        ALU ax, 0x00FF, nop, {not ax}, 0xFF00, 0, 0, "not16"

; --- 32-bit operand size (66h prefix in 16-bit code) ------------------------
        ALU eax, 0x7FFFFFFF, nop, {add eax, 1}, 0x80000000, ARITH, F_OF|F_SF|F_AF|F_PF, "add32 7fffffff+1"
        ALU eax, 0, nop, {sub eax, 1}, 0xFFFFFFFF, ARITH, F_CF|F_SF|F_AF|F_PF, "sub32 0-1"
        ; 64-bit add from 32-bit halves: edx:eax = 0:ffffffff + 1
        mov     eax, 0xFFFFFFFF
        xor     edx, edx
        add     eax, 1
        adc     edx, 0
        EQ      eax, 0, "add32/adc32 low"
        EQ      edx, 1, "add32/adc32 high"
        ; writes to 16/8-bit registers preserve the rest of the 32-bit reg
        mov     eax, 0x12345678
        mov     ax, 0xABCD
        EQ      eax, 0x1234ABCD, "mov16 keeps upper eax"
        mov     ah, 0x11
        EQ      eax, 0x123411CD, "mov ah keeps rest of eax"
        mov     ax, 0x8000
        cwde
        EQ      eax, 0xFFFF8000, "cwde"
        cdq
        EQ      edx, 0xFFFFFFFF, "cdq"
        mov     al, 0x80
        cbw
        EQ      ax, 0xFF80, "cbw"
        cwd
        EQ      dx, 0xFFFF, "cwd"
        ; 32-bit addressing (67h) in LEA
        mov     ebx, 0x1000
        mov     ecx, 0x20
        lea     eax, [ebx+ecx*4+8]
        EQ      eax, 0x1088, "lea32 base+index*4+disp"
        mov     ebx, 0x12345678
        mov     eax, 0xAAAA0000
        lea     ax, [bx+0x10]           ; 16-bit address, 16-bit result
        EQ      eax, 0xAAAA5688, "lea16 keeps upper eax"
        mov     ebx, 0x1234FFF0
        lea     cx, [bx+0x20]           ; 16-bit offset wraps at 64K
        EQ      cx, 0x0010, "lea16 wraps"

; --- MUL / IMUL (SDM "MUL", "IMUL": only CF and OF are defined) --------------
        mov     al, 0x80
        mov     bl, 2
        mul     bl
        SAVEF
        EQ      ax, 0x0100, "mul8 80*2"
        FLAGS   F_CF|F_OF, F_CF|F_OF, "mul8 80*2"
        mov     al, 3
        mul     bl
        SAVEF
        EQ      ax, 6, "mul8 3*2"
        FLAGS   F_CF|F_OF, 0, "mul8 3*2"
        mov     ax, 0x1234
        mov     bx, 0x0100
        mul     bx
        SAVEF
        EQ      ax, 0x3400, "mul16 low"
        EQ      dx, 0x0012, "mul16 high"
        FLAGS   F_CF|F_OF, F_CF|F_OF, "mul16"
        mov     eax, 0x80000000
        mov     ebx, 4
        mul     ebx
        EQ      eax, 0, "mul32 low"
        EQ      edx, 2, "mul32 high"
        mov     al, -2
        mov     bl, 3
        imul    bl
        SAVEF
        EQ      ax, 0xFFFA, "imul8 -2*3"
        FLAGS   F_CF|F_OF, 0, "imul8 -2*3"
        mov     al, 0x40
        mov     bl, 2
        imul    bl
        SAVEF
        EQ      ax, 0x0080, "imul8 64*2"
        FLAGS   F_CF|F_OF, F_CF|F_OF, "imul8 64*2"
        mov     ax, -1000
        mov     bx, 1000
        imul    bx
        EQ      ax, 0xBDC0, "imul16 low"        ; -1000000 = FFF0BDC0
        EQ      dx, 0xFFF0, "imul16 high"
        mov     bx, 100
        imul    cx, bx, -3                      ; 3-operand form (186+)
        EQ      cx, 0xFED4, "imul16 r,rm,imm8"
        mov     eax, 0x10000
        mov     ebx, 0x10000
        imul    eax, ebx                        ; 2-operand form (386+)
        SAVEF
        EQ      eax, 0, "imul32 r,rm"
        FLAGS   F_CF|F_OF, F_CF|F_OF, "imul32 r,rm"
        mov     eax, -5
        imul    eax, eax, 7
        EQ      eax, -35, "imul32 r,rm,imm8"

; --- DIV / IDIV (flags undefined; quotient truncates toward zero) ------------
        mov     ax, 1000
        mov     bl, 7
        div     bl
        EQ      ax, 0x068E, "div8 1000/7"       ; AL=142, AH=6
        mov     dx, 0x0001
        mov     ax, 0x0000
        mov     bx, 0x0010
        div     bx
        EQ      ax, 0x1000, "div16 quotient"
        EQ      dx, 0, "div16 remainder"
        mov     edx, 1
        mov     eax, 5
        mov     ebx, 0x10
        div     ebx
        EQ      eax, 0x10000000, "div32 quotient"
        EQ      edx, 5, "div32 remainder"
        mov     ax, -7
        mov     bl, 2
        idiv    bl
        EQ      ax, 0xFFFD, "idiv8 -7/2"        ; AL=-3, AH=-1
        mov     ax, -1000
        cwd
        mov     cx, 7
        idiv    cx
        EQ      ax, -142, "idiv16 quotient"
        EQ      dx, -6, "idiv16 remainder"
        mov     eax, 1000
        cdq
        mov     ecx, -7
        idiv    ecx
        EQ      eax, -142, "idiv32 quotient"
        EQ      edx, 6, "idiv32 remainder"

; --- BCD adjust (SDM "DAA", "DAS", "AAA", "AAS", "AAM", "AAD") ---------------
        ; DAA: OF undefined.  79+35 = 114 -> AL=14, CF=1
        ALU al, 0x79, nop, {add al, 0x35}, 0xAE, 0, 0, "daa setup"
        daa
        SAVEF
        EQ      al, 0x14, "daa 79+35"
        FLAGS   ARITH & ~F_OF, F_CF|F_AF|F_PF, "daa 79+35"
        mov     al, 0x38
        add     al, 0x45
        daa
        SAVEF
        EQ      al, 0x83, "daa 38+45"
        FLAGS   ARITH & ~F_OF, F_AF|F_SF, "daa 38+45"
        ; DAS: 35-47 = -12 -> AL=88, CF=1
        mov     al, 0x35
        sub     al, 0x47
        das
        SAVEF
        EQ      al, 0x88, "das 35-47"
        FLAGS   ARITH & ~F_OF, F_CF|F_AF|F_SF|F_PF, "das 35-47"
        ; AAA/AAS: only AF and CF defined
        mov     ax, 0x0009
        add     al, 3
        aaa
        SAVEF
        EQ      ax, 0x0102, "aaa 9+3"
        FLAGS   F_AF|F_CF, F_AF|F_CF, "aaa 9+3"
        mov     ax, 0x0104
        add     al, 3
        aaa
        SAVEF
        EQ      ax, 0x0107, "aaa 4+3"
        FLAGS   F_AF|F_CF, 0, "aaa 4+3"
        mov     ax, 0x0205
        sub     al, 8
        aas
        SAVEF
        EQ      ax, 0x0107, "aas 25-8"
        FLAGS   F_AF|F_CF, F_AF|F_CF, "aas 25-8"
        ; AAM/AAD: SF, ZF, PF defined
        mov     ax, 0x004F                      ; 79
        aam
        SAVEF
        EQ      ax, 0x0709, "aam 79"
        FLAGS   F_SF|F_ZF|F_PF, F_PF, "aam 79"
        mov     al, 0x4F
        aam     16                              ; D4 10: arbitrary base
        EQ      ax, 0x040F, "aam base 16"
        mov     ax, 0x0709
        aad
        SAVEF
        EQ      ax, 0x004F, "aad 0709"
        FLAGS   F_SF|F_ZF|F_PF, 0, "aad 0709"
        mov     ax, 0x0405
        aad     16                              ; D5 10
        EQ      ax, 0x0045, "aad base 16"

; --- shifts (SDM "SAL/SAR/SHL/SHR": CF = last bit out; OF only for count 1;
;     count masked to 5 bits on 286+) ----------------------------------------
        ALU al, 0xC0, nop, {shl al, 1}, 0x80, SHIFT1, F_CF|F_SF, "shl8 c0,1"
        ALU al, 0x40, nop, {shl al, 1}, 0x80, SHIFT1, F_OF|F_SF, "shl8 40,1"
        ALU al, 0x81, nop, {shr al, 1}, 0x40, SHIFT1, F_CF|F_OF, "shr8 81,1"
        ALU al, 0x81, nop, {sar al, 1}, 0xC0, SHIFT1, F_CF|F_SF|F_PF, "sar8 81,1"
        mov     cl, 4
        ALU ax, 0x1234, nop, {shl ax, cl}, 0x2340, SHIFTN, F_CF, "shl16 1234,cl=4"
        ALU ax, 0x8421, nop, {shr ax, cl}, 0x0842, SHIFTN, F_PF, "shr16 8421,cl=4"
        ALU ax, 0x8008, nop, {sar ax, cl}, 0xF800, SHIFTN, F_CF|F_SF|F_PF, "sar16 8008,cl=4"
        ALU ax, 0x1234, nop, {shl ax, 3}, 0x91A0, SHIFTN, F_SF|F_PF, "shl16 imm8"
        mov     cl, 0x21                        ; masked to 1
        ALU ax, 0x0001, nop, {shl ax, cl}, 0x0002, SHIFTN, 0, "shl16 count masked to 5 bits"
        mov     cl, 0
        ALU al, 0x80, stc, {shl al, cl}, 0x80, F_CF, F_CF, "shl count 0 keeps flags"
        mov     cl, 31
        ALU eax, 0x00000003, nop, {shl eax, cl}, 0x80000000, SHIFTN, F_CF|F_SF|F_PF, "shl32 cl=31"
        ALU eax, 0x80000000, nop, {sar eax, 31}, 0xFFFFFFFF, SHIFTN, F_SF|F_PF, "sar32 31"
        ALU eax, 0x80000001, nop, {shr eax, 1}, 0x40000000, SHIFT1, F_CF|F_OF|F_PF, "shr32 1"

; --- rotates (SDM "RCL/RCR/ROL/ROR": only CF, OF; OF only for count 1) -------
        ALU al, 0x81, nop, {rol al, 1}, 0x03, ROT, F_CF|F_OF, "rol8 81,1"
        ALU al, 0x01, nop, {ror al, 1}, 0x80, ROT, F_CF|F_OF, "ror8 01,1"
        ALU al, 0x80, stc, {rcl al, 1}, 0x01, ROT, F_CF|F_OF, "rcl8 80,1 CF=1"
        ALU al, 0x01, stc, {rcr al, 1}, 0x80, ROT, F_CF|F_OF, "rcr8 01,1 CF=1"
        ALU al, 0x40, clc, {rcl al, 1}, 0x80, ROT, F_OF, "rcl8 40,1 CF=0"
        mov     cl, 4
        ALU ax, 0x1234, nop, {rol ax, cl}, 0x2341, F_CF, F_CF, "rol16 cl=4"
        ALU ax, 0x1234, nop, {ror ax, cl}, 0x4123, F_CF, 0, "ror16 cl=4"
        ALU ax, 0x1234, stc, {rcl ax, cl}, 0x2348, F_CF, F_CF, "rcl16 cl=4"
        mov     cl, 9                           ; RCL r/m8: count mod 9 = 0
        ALU al, 0x5A, stc, {rcl al, cl}, 0x5A, F_CF, F_CF, "rcl8 count 9 = identity"
        ALU eax, 0x80000001, nop, {ror eax, 4}, 0x18000000, F_CF, 0, "ror32 4"

; --- SHLD / SHRD (386+, SDM "SHLD", "SHRD") ----------------------------------
        mov     bx, 0xABCD
        ALU ax, 0x1234, nop, {shld ax, bx, 4}, 0x234A, SHIFTN, F_CF, "shld16 imm"
        mov     ebx, 0x9ABCDEF0
        mov     cl, 8
        ALU eax, 0x12345678, nop, {shld eax, ebx, cl}, 0x3456789A, SHIFTN, F_PF, "shld32 cl"
        ALU eax, 0x12345678, nop, {shrd eax, ebx, cl}, 0xF0123456, SHIFTN, F_SF|F_PF, "shrd32 cl"
        ALU eax, 0x00000001, nop, {shrd eax, ebx, 1}, 0x00000000, SHIFT1, F_CF|F_ZF|F_PF, "shrd32 1"

; --- BSF / BSR (ZF=1 iff source is zero; destination then undefined) --------
        mov     ax, 0x0100
        bsf     bx, ax
        SAVEF
        EQ      bx, 8, "bsf16"
        FLAGS   F_ZF, 0, "bsf16"
        mov     ax, 0x8100
        bsr     bx, ax
        EQ      bx, 15, "bsr16"
        mov     eax, 0x80000000
        bsf     ebx, eax
        EQ      ebx, 31, "bsf32"
        mov     eax, 0x00010001
        bsr     ebx, eax
        EQ      ebx, 16, "bsr32"
        xor     ax, ax
        bsf     bx, ax
        SAVEF
        FLAGS   F_ZF, F_ZF, "bsf16 zero source"

; --- BT / BTS / BTR / BTC: CF = selected bit (SDM "BT") ----------------------
        mov     ax, 0x0004
        bt      ax, 2
        SAVEF
        FLAGS   F_CF, F_CF, "bt16 bit set"
        bt      ax, 3
        SAVEF
        FLAGS   F_CF, 0, "bt16 bit clear"
        bts     ax, 0
        SAVEF
        EQ      ax, 0x0005, "bts16"
        FLAGS   F_CF, 0, "bts16"
        mov     dx, 2
        btr     ax, dx
        SAVEF
        EQ      ax, 0x0001, "btr16 reg"
        FLAGS   F_CF, F_CF, "btr16 reg"
        btc     ax, 15
        SAVEF
        EQ      ax, 0x8001, "btc16"
        FLAGS   F_CF, 0, "btc16"
        mov     eax, 0
        bts     eax, 35                         ; imm offset taken mod 32
        EQ      eax, 8, "bts32 imm mod 32"
        ; Memory bit string with a register offset addresses beyond the
        ; operand (SDM "BT": bit offset range -2^15..2^15-1 for 16-bit).
        mov     word [0x600], 0x8000
        mov     word [0x602], 0x0002
        mov     ax, 17
        bt      word [0x600], ax                ; bit 1 of word at 0x602
        SAVEF
        FLAGS   F_CF, F_CF, "bt mem, reg offset 17"
        mov     ax, -1
        bt      word [0x602], ax                ; bit 15 of word at 0x600
        SAVEF
        FLAGS   F_CF, F_CF, "bt mem, reg offset -1"
        mov     word [0x604], 0
        mov     ax, 33
        bts     word [0x600], ax                ; bit 1 of word at 0x604
        mov     ax, [0x604]
        EQ      ax, 0x0002, "bts mem, reg offset 33"

; --- MOVZX / MOVSX -----------------------------------------------------------
        mov     bl, 0x80
        movzx   ax, bl
        EQ      ax, 0x0080, "movzx16 r8"
        movsx   ax, bl
        EQ      ax, 0xFF80, "movsx16 r8"
        mov     bx, 0x8000
        movsx   eax, bx
        EQ      eax, 0xFFFF8000, "movsx32 r16"
        movzx   eax, bx
        EQ      eax, 0x00008000, "movzx32 r16"
        mov     byte [0x600], 0xFE
        movsx   ecx, byte [0x600]
        EQ      ecx, -2, "movsx32 m8"

; --- SETcc (SDM "SETcc"); SETcc does not modify flags, so several are taken
;     from one comparison before checking (the checks themselves use CMP) ---
        mov     al, 1
        cmp     al, 2                           ; 1 - 2: CF=1 SF=1 OF=0 ZF=0
        setb    cl
        setl    ch
        seta    dl
        setz    dh
        setnz   bl
        EQ      cl, 1, "setb after cmp 1,2"
        EQ      ch, 1, "setl after cmp 1,2"
        EQ      dl, 0, "seta after cmp 1,2"
        EQ      dh, 0, "setz after cmp 1,2"
        EQ      bl, 1, "setnz after cmp 1,2"
        mov     al, 0x80
        cmp     al, 1                           ; unsigned 128>1, signed -128<1
        seta    cl
        setl    ch
        setge   dl
        seto    dh
        setle   bl
        setg    bh
        EQ      cl, 1, "seta after cmp 80,1"
        EQ      ch, 1, "setl after cmp 80,1"
        EQ      dl, 0, "setge after cmp 80,1"
        EQ      dh, 1, "seto after cmp 80,1"
        EQ      bl, 1, "setle after cmp 80,1"
        EQ      bh, 0, "setg after cmp 80,1"
        mov     al, 3                           ; 3 has even parity
        test    al, al
        setp    cl
        sets    ch
        EQ      cl, 1, "setp"
        EQ      ch, 0, "sets"
        mov     byte [0x600], 0x55
        mov     al, 5
        cmp     al, 5
        setbe   byte [0x600]
        mov     al, [0x600]
        EQ      al, 1, "setbe m8"

; --- misc: XCHG, CMC, SAHF/LAHF ------------------------------------------
        mov     ax, 0x1111
        mov     bx, 0x2222
        xchg    ax, bx
        EQ      ax, 0x2222, "xchg16 ax"
        EQ      bx, 0x1111, "xchg16 bx"
        clc
        cmc
        SAVEF
        FLAGS   F_CF, F_CF, "cmc"
        ; SAHF/LAHF: SF ZF AF PF CF <-> AH
        mov     ah, F_SF|F_ZF|F_AF|F_PF|F_CF
        sahf
        SAVEF
        mov     ah, 0
        lahf
        FLAGS   ARITH, F_SF|F_ZF|F_AF|F_PF|F_CF, "sahf"
        EQ      ah, F_SF|F_ZF|F_AF|F_PF|F_CF|2, "lahf (bit 1 reads as 1)"

        jmp     exit_pass

        RESET_VECTOR
