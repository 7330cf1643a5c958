// The FERR# output pin (SDM Vol. 1 8.7, Vol. 3A 2.5 CR0.NE): with CR0.NE = 0
// an unmasked x87 exception asserts FERR#, which a PC routes through its
// chipset to IRQ 13; it deasserts when the exception flags are cleared.
#pragma once

namespace gb {

class FerrListener {
 public:
  virtual ~FerrListener() = default;
  /// FERR# changed level (true: asserted).
  virtual void ferr_changed(bool asserted) = 0;
};

}  // namespace gb
