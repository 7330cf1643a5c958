#include "frontend/debugger/target.hpp"

#include "devices/pc/machine.hpp"

namespace gb {

const Cpu& Target::cpu() const { return m_.processor(cpu_).cpu; }

Translation Target::translate(LinAddr lin) const {
  Translation t;
  const Cpu& cpu = this->cpu();
  Bus& bus = m_.bus();
  if (!(cpu.state().cr0 & 0x8000'0000u)) {
    t.ok = true;
    t.phys = static_cast<u32>(lin) & bus.address_mask();
    return t;
  }
  t.paged = true;
  t.walk = walk(cpu.paging(), lin, PageAccess{}, bus, /*set_ad=*/false);
  t.ok = t.walk.ok;
  t.phys = t.walk.phys & bus.address_mask();
  return t;
}

std::optional<u8> Target::peek_phys(PhysAddr a) const {
  const auto& p = m_.bus().memory().page(a);
  if (p.host_read) return p.host_read[a & (MemoryMap::kPageSize - 1)];
  if (p.mmio) {
    if (const auto v = p.mmio->mmio_peek(a - p.mmio_base, Width::Byte)) return static_cast<u8>(*v);
  }
  return std::nullopt;
}

std::vector<std::optional<u8>> Target::read_linear(LinAddr lin, unsigned n) const {
  std::vector<std::optional<u8>> out;
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    const Translation t = translate(lin + i);
    out.push_back(t.ok ? peek_phys(t.phys) : std::nullopt);
  }
  return out;
}

std::vector<std::optional<u8>> Target::read_phys(PhysAddr a, unsigned n) const {
  std::vector<std::optional<u8>> out;
  out.reserve(n);
  for (unsigned i = 0; i < n; ++i) out.push_back(peek_phys(a + i));
  return out;
}

bool Target::write_phys(PhysAddr a, u8 v) {
  const auto& p = m_.bus().memory().page(a);
  if (!p.host_write) return false;
  p.host_write[a & (MemoryMap::kPageSize - 1)] = v;
  m_.bus().host_wrote(a, 1);
  return true;
}

bool Target::write_linear(LinAddr lin, u8 v) {
  const Translation t = translate(lin);
  return t.ok && write_phys(t.phys, v);
}

}  // namespace gb
