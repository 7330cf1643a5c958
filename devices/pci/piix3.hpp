// Intel 82371SB PIIX3 functions 0 (PCI-to-ISA bridge) and 1 (IDE
// interface), the south bridge of an i440FX PC.
//
// Reference: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator
// datasheet (order no. 290550): function 0 registers 4Ch IORT, 4Eh XBCS,
// 60h-63h PIRQRC[A:D] (bit 7 disables routing, bits 3:0 the IRQ), 69h TOM,
// 70h MBIRQ0, 76h-77h MBDMA, 80h APICBASE, A0h-AFh power management; function
// 1 registers 40h-43h IDETIM (bit 15 decode enable per channel), 44h
// SIDETIM. The edge/level control registers ELCR1/2 at 4D0h/4D1h are part
// of the DualPic, which the bridge fronts.
#pragma once
#include "devices/pci/pci_device.hpp"

namespace gb {

class Piix3Isa final : public PciDevice {
 public:
  Piix3Isa();
  void reset() override;
  /// The ISA IRQ that PCI interrupt pin `pirq` (0-3: PIRQA#-PIRQD#) is
  /// routed to, or -1 if routing is disabled or to a reserved IRQ.
  int pirq_route(unsigned pirq) const;
};

/// Function 1: the IDE controller in compatibility mode (ports 1F0h/3F6h,
/// IRQ 14 and 170h/376h, IRQ 15, fixed, whatever the BARs say). Programming
/// interface 80h: bus-master capable, both channels in compatibility mode.
/// The bus-master (BMIDE) BAR 4 is not implemented and reads as zero, so
/// firmware and Linux's ata_piix use PIO.
class Piix3Ide final : public PciDevice {
 public:
  Piix3Ide();
  void reset() override;
  /// IDETIM bit 15 (IDE decode enable) of the primary (0) or secondary (1)
  /// channel.
  bool decode_enabled(unsigned channel) const;
};

}  // namespace gb
