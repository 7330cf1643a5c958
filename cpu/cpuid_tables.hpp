// The CPUID identification data of each model's real part (CpuModel::cpuid),
// with the source of every value. Only cpu/model.cpp includes this.
#pragma once
#include <array>

#include "cpu/cpuid.hpp"

namespace gb::cpuid_data {

// 486DX, Pentium: leaves 0 and 1 only.
inline constexpr CpuidTable kBasicOnly{.max_leaf = 1};

// Pentium Pro: leaf 2 with 8 KiB L1 I (06h) and D (0Ah) caches, a 256 KiB L2
// (42h) and the P6 TLBs 01h/02h/03h/04h (SDM Vol. 2A Table 3-12; AP-485).
inline constexpr CpuidTable kPentiumPro{.max_leaf = 2, .leaf2 = {0x0302'0101, 0, 0, 0x0604'0A42}};

// Pentium III (Coppermine, 0686h). InstLatx64 GenuineIntel0000686_P3_Coppermine
// (a Celeron of that stepping): leaf 0 EAX = 2 (the serial number disabled, as
// BIOSes leave it), leaf 2 03020101h/0C0408xxh. The Pentium III's brand index
// is 2 (SDM Vol. 2A Table 3-14) and its on-die L2 is 256 KiB, 8-way, 32-byte
// lines (descriptor 82h; the Celeron has 41h, 128 KiB). No CLFLUSH, so EBX
// has no line size. No extended leaves and no brand string.
inline constexpr CpuidTable kPentium3{.max_leaf = 2, .leaf1_ebx = 0x0000'0002, .leaf2 = {0x0302'0101, 0, 0, 0x0C04'0882}};

// Pentium M (Dothan C0, 06D8h): InstLatx64 GenuineIntel00006D8_PM_Dothan
// (Pentium M 730): EBX 00000816h (brand index 16h, CLFLUSH 64 bytes), leaf 2
// 02B3B001h/000000F0h/0/2C04307Dh, extended leaves to 8000_0008h with NX,
// 2 MiB L2 (08006040h), 32-bit physical and linear addresses (2020h, in
// CpuModel). The
// brand string is the 2.00 GHz part's (Pentium M 760, same stepping).
inline constexpr CpuidTable kPentiumM{.max_leaf = 2,
                               .leaf1_ebx = 0x0000'0816,
                               .leaf2 = {0x02B3'B001, 0x0000'00F0, 0, 0x2C04'307D},
                               .max_ext = 0x8000'0008u,
                               .brand = "        Intel(R) Pentium(R) M processor 2.00GHz",
                               .ext6_ecx = 0x0800'6040};

// Core 2 Duo (Conroe/Merom G0, 06FBh): InstLatx64 GenuineIntel00006FB_Conroe
// (Core 2 Duo E6750). Leaf 0 EAX 0Ah; leaf 2 05B0B101h/005657F0h/0/2CB43049h;
// leaf 4 L1D/L1I 32 KiB 8-way, L2 4 MiB 16-way shared (the L1I and L2
// subleaves from VirtualBox's Intel_Core2_T7600_2_33GHz.h, the same core);
// 8000_0001h ECX = LAHF, EDX = 20100800h (LM, XD, SYSCALL; no RDTSCP or
// 1 GiB pages); L2 10008040h; 36-bit physical, 48-bit linear (3024h); the
// 8000_0001h and 8000_0008h values (in CpuModel) also as VirtualBox's
// Intel_Core2_X6800_2_93GHz.h (Conroe, dumped under Linux amd64) has them,
// with IA32_MTRRCAP 508h.
// One logical processor: EBX[23:16] = 1 and the core/thread counts in leaf 4
// EAX[31:14] are 0 (the dump: 2 cores, EBX 00020800h, HTT set), so an OS
// looks for no second core that the machine does not have.
inline constexpr std::array<CpuidRegs, 3> kCore2Leaf4{{
    {0x0000'0121, 0x01C0'003F, 0x0000'003F, 0x0000'0001},  // L1 data
    {0x0000'0122, 0x01C0'003F, 0x0000'003F, 0x0000'0001},  // L1 instruction
    {0x0000'0143, 0x03C0'003F, 0x0000'0FFF, 0x0000'0001},  // L2 unified
}};
inline constexpr CpuidTable kCore2{.max_leaf = 0xA,
                            .leaf1_ebx = 0x0001'0800,
                            .leaf2 = {0x05B0'B101, 0x0056'57F0, 0, 0x2CB4'3049},
                            .leaf4 = kCore2Leaf4,
                            // Line sizes only: MWAIT extensions and C-state
                            // sub-states (ECX, EDX) are not modelled.
                            .leaf5 = {0x40, 0x40, 0, 0},
                            .max_ext = 0x8000'0008u,
                            .brand = "Intel(R) Core(TM)2 Duo CPU     E6750  @ 2.66GHz",
                            .ext6_ecx = 0x1000'8040};

// Core i7 920 (Bloomfield D0, 106A5h; Intel specification update 320836,
// "Core i7-900 Desktop Processor Series"): leaf 0 EAX 0Bh; leaf 1 ECX/EDX
// 0098E3BDh/BFEBFBFFh, 8000_0001h ECX 1 (LAHF) and EDX 28100800h (RDTSCP,
// LM, XD, SYSCALL: in CpuModel, RDTSCP not yet), brand string, 36-bit
// physical / 48-bit linear (cpuinfo of the part); leaf 2
// 55035A01h/00F0B2E4h/0/09CA212Ch and the leaf-4 caches of Nehalem (L1D
// 32 KiB 8-way, L1I 32 KiB 4-way, L2 256 KiB 8-way, L3 8 MiB 16-way
// inclusive) as in InstLatx64's Nehalem dumps; L2 01006040h.
// One logical processor, as for the Core 2.
inline constexpr std::array<CpuidRegs, 4> kNehalemLeaf4{{
    {0x0000'0121, 0x01C0'003F, 0x0000'003F, 0},  // L1 data
    {0x0000'0122, 0x00C0'003F, 0x0000'007F, 0},  // L1 instruction
    {0x0000'0143, 0x01C0'003F, 0x0000'01FF, 0},  // L2 unified
    {0x0000'0163, 0x03C0'003F, 0x0000'1FFF, 2},  // L3 unified, inclusive
}};
inline constexpr CpuidTable kNehalem{.max_leaf = 0xB,
                              .leaf1_ebx = 0x0001'0800,
                              .leaf2 = {0x5503'5A01, 0x00F0'B2E4, 0, 0x09CA'212C},
                              .leaf4 = kNehalemLeaf4,
                              .leaf5 = {0x40, 0x40, 0, 0},
                              .max_ext = 0x8000'0008u,
                              .brand = "Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz",
                              .ext6_ecx = 0x0100'6040};

// Atom N270 (Diamondville C0, 106C2h; the single-core netbook part, no
// 64-bit). The core's CPUID from VirtualBox's CPU database entry
// Intel_Atom_330_1_60GHz.h (the dual-core 330, same stepping): leaf 0 EAX
// 0Ah; leaf 2 4FBA5901h/0E3080C0h/0/0; leaf 4 L1D 24 KiB 6-way, L1I 32 KiB
// 8-way, L2 512 KiB 8-way (core counts cleared: one core, as for the
// Core 2); 8000_0001h ECX = LAHF; L2 02008040h. 32-bit physical and
// linear addresses (the N270 has no EM64T). Brand string of the N270.
inline constexpr std::array<CpuidRegs, 3> kAtomLeaf4{{
    {0x0000'0121, 0x0140'003F, 0x0000'003F, 0x0000'0001},  // L1 data
    {0x0000'0122, 0x01C0'003F, 0x0000'003F, 0x0000'0001},  // L1 instruction
    {0x0000'0143, 0x01C0'003F, 0x0000'03FF, 0x0000'0001},  // L2 unified
}};
inline constexpr CpuidTable kAtomN270{.max_leaf = 0xA,
                               .leaf1_ebx = 0x0001'0800,
                               .leaf2 = {0x4FBA'5901, 0x0E30'80C0, 0, 0},
                               .leaf4 = kAtomLeaf4,
                               .leaf5 = {0x40, 0x40, 0, 0},
                               .max_ext = 0x8000'0008u,
                               .brand = "         Intel(R) Atom(TM) CPU N270   @ 1.60GHz",
                               .ext6_ecx = 0x0200'8040};

// Xeon Platinum 8352Y (Ice Lake-SP, stepping D2, 606A6h). Sources: the
// part's bare-metal lscpu (Supermicro SYS-120U-TNR, Linux 5.8: flags
// include la57 umip smep smap invpcid erms pcid rdtscp pdpe1gb lahf_lm,
// "46 bits physical, 57 bits virtual" = 8000_0008h EAX 392Eh, brand
// string) and a raw `cpuid -r` of the same die and stepping (a Xeon
// Platinum 8370C, also 32 cores and 48 MiB L3, posted to LKML from a
// Hyper-V guest, which passes these leaves through): leaf 2
// 00FEFF01h/000000F0h/0/0 (FFh: caches in leaf 4, FEh: TLBs in leaf 18h);
// leaf 4 L1D 48 KiB 12-way, L1I 32 KiB 8-way, L2 1.25 MiB 20-way, L3
// 48 MiB 12-way; 8000_0001h ECX 121h (LAHF, LZCNT, PREFETCHW), EDX
// 2C100800h; L2 in 8000_0006h 01006040h (as that dump has it: no
// bare-metal dump of this leaf was found; leaf 4 is the exact one). The
// real part's leaf 0 EAX is 1Bh (PCONFIG); the leaves of features
// Glassbox lacks read zero (cpuid.cpp).
// One logical processor: EAX[31:14] of leaf 4 cleared, as for the Core 2.
inline constexpr std::array<CpuidRegs, 4> kIcelakeLeaf4{{
    {0x0000'0121, 0x02C0'003F, 0x0000'003F, 0},  // L1 data
    {0x0000'0122, 0x01C0'003F, 0x0000'003F, 0},  // L1 instruction
    {0x0000'0143, 0x04C0'003F, 0x0000'03FF, 0},  // L2 unified
    {0x0000'0163, 0x02C0'003F, 0x0000'FFFF, 0},  // L3 unified
}};
inline constexpr CpuidTable kIcelakeServer{.max_leaf = 0x1B,
                                           .leaf1_ebx = 0x0001'0800,
                                           .leaf2 = {0x00FE'FF01, 0x0000'00F0, 0, 0},
                                           .leaf4 = kIcelakeLeaf4,
                                           // MONITOR line sizes; the
                                           // MWAIT extensions are not
                                           // modelled (as for the Core 2).
                                           .leaf5 = {0x40, 0x40, 0, 0},
                                           .max_ext = 0x8000'0008u,
                                           .brand = "Intel(R) Xeon(R) Platinum 8352Y CPU @ 2.20GHz",
                                           .ext6_ecx = 0x0100'6040};

}  // namespace gb::cpuid_data
