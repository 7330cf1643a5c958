#include "frontend/debugger/panels.hpp"

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include <fmt/format.h>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/disasm.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/debugger/simd_view.hpp"

namespace gb {

namespace {

const ImVec4 kChanged{1.0f, 0.82f, 0.25f, 1.0f};  // amber: changed since the last stop
const ImVec4 kDim{0.6f, 0.6f, 0.6f, 1.0f};
const ImVec4 kBreak{1.0f, 0.35f, 0.35f, 1.0f};
constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

void place(float x, float y, float w, float h) {
  ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_Always);
}

void control(DebugPanels& p) {
  const bool stopped = p.stopped();
  ImGui::BeginDisabled(!stopped);
  if (ImGui::Button("Step")) p.push_command("step");
  ImGui::SameLine();
  if (ImGui::Button("Next")) p.push_command("next");
  ImGui::SameLine();
  if (ImGui::Button("Continue")) p.push_command("continue");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(stopped);
  if (ImGui::Button("Break")) p.push_command("break");
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::TextColored(kDim, "Ctrl+Alt+D hides");
  // Several processors: the panels show the debugger's current CPU (as
  // `cpu N`); a stop selects the one that stopped.
  Debugger& d = p.debugger();
  const unsigned n = p.machine().cpu_count();
  if (n > 1) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(130);
    const std::string label = fmt::format("CPU {} of {}", d.current_cpu(), n);
    if (ImGui::BeginCombo("##cpu", label.c_str())) {
      for (unsigned i = 0; i < n; ++i) {
        const std::string item = fmt::format("CPU {} ({})", i, Debugger::run_state(p.machine().processor(i).cpu.state()));
        if (ImGui::Selectable(item.c_str(), i == d.current_cpu())) d.select_cpu(i);
      }
      ImGui::EndCombo();
    }
  }
  const CpuState& s = p.debugger().cpu().state();
  if (stopped) {
    ImGui::TextWrapped("stopped: %s", p.stop_message().empty() ? "step" : p.stop_message().c_str());
  } else {
    ImGui::Text("running: %llu instructions", static_cast<unsigned long long>(p.debugger().cpu().instructions()));
  }
  const char* mode = s.mode64()               ? "64-bit mode"
                     : s.lma()                ? (s.seg[CS].big ? "compatibility mode, 32-bit code" : "compatibility mode, 16-bit code")
                     : !s.pe()                ? "real mode"
                     : s.v86()                ? "virtual-8086 mode"
                     : s.seg[CS].big          ? "protected mode, 32-bit code"
                                              : "protected mode, 16-bit code";
  ImGui::TextColored(kDim, "%s, CPL %u%s%s", mode, s.cpl, s.cr0 >> 31 ? ", paging" : "", s.halted ? ", halted" : "");
}

void registers(DebugPanels& p) {
  const CpuState& s = p.debugger().cpu().state();
  const auto rows = register_rows(s, p.stopped() ? p.before() : nullptr);
  // 64-bit values (IA-32e mode) three to a line, 32-bit ones four.
  if (ImGui::BeginTable("regs", s.lma() ? 3 : 4, ImGuiTableFlags_SizingFixedFit)) {
    for (const RegisterRow& r : rows) {
      ImGui::TableNextColumn();
      ImGui::TextColored(r.changed ? kChanged : kDim, "%-6s", r.name.c_str());
      ImGui::SameLine();
      if (r.changed) {
        ImGui::TextColored(kChanged, "%s", r.value.c_str());
      } else {
        ImGui::TextUnformatted(r.value.c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::TextColored(kDim, "flags");
  ImGui::SameLine();
  ImGui::TextUnformatted(flag_names(s.eflags()).c_str());
  // XMM0-7 and MXCSR on the models with SSE, two to a line.
  const auto simd = simd_register_rows(s, p.stopped() ? p.before() : nullptr, p.debugger().cpu().model());
  if (!simd.empty() && ImGui::BeginTable("simd", 2, ImGuiTableFlags_SizingFixedFit)) {
    for (const RegisterRow& r : simd) {
      ImGui::TableNextColumn();
      ImGui::TextColored(r.changed ? kChanged : kDim, "%-6s", r.name.c_str());
      ImGui::SameLine();
      if (r.changed) {
        ImGui::TextColored(kChanged, "%s", r.value.c_str());
      } else {
        ImGui::TextUnformatted(r.value.c_str());
      }
    }
    ImGui::EndTable();
    ImGui::TextColored(kDim, "mxcsr");
    ImGui::SameLine();
    ImGui::TextUnformatted(describe_mxcsr(s.fpu.mxcsr).c_str());
  }
}

void disassembly(DebugPanels& p, Disassembler& dis) {
  const CpuState& s = p.debugger().cpu().state();
  Debugger& d = p.debugger();
  const bool m64 = s.mode64();
  const u64 eip_lin = d.pc_linear();
  constexpr unsigned kLines = 14;
  const u64 start = listing_start(eip_lin, p.listing, kLines);
  const unsigned bits = m64 ? 64 : s.pe() && s.seg[CS].big ? 32 : 16;
  // 64-bit mode: CS's base does not count, offsets are linear addresses.
  const u64 cs_base = m64 ? 0 : s.seg[CS].base;
  const u64 start_off = m64 ? start : static_cast<u32>(start - cs_base);
  const auto bytes = d.target().read_linear(start, kLines * 15);
  std::vector<u8> code;
  // 16-bit code ends where IP would wrap.
  const size_t room = bits != 16 ? bytes.size() : std::min<size_t>(bytes.size(), 0x10000 - (start_off & 0xFFFF));
  for (size_t i = 0; i < room && bytes[i]; ++i) code.push_back(*bytes[i]);
  const auto lines = dis.run(code, start_off, bits, kLines);
  p.listing.clear();
  for (const DisasmLine& l : lines) {
    const u64 lin = m64 ? l.address : static_cast<u32>(cs_base + l.address);
    p.listing.push_back(lin);
    const auto bp = d.break_at(lin);
    std::string bytes_text;
    for (u8 b : l.bytes) bytes_text += fmt::format("{:02x}", b);
    const std::string text = fmt::format("{} {:04x}:{:0{}x}  {:<14} {}", lin == eip_lin ? "=>" : bp ? "B " : "  ",
                                         s.seg[CS].selector, l.address, bits == 64 ? 16 : bits == 32 ? 8 : 4, bytes_text, l.text);
    ImGui::PushID(static_cast<int>(lin ^ (lin >> 32)));
    if (bp) ImGui::PushStyleColor(ImGuiCol_Text, kBreak);
    if (ImGui::Selectable(text.c_str(), lin == eip_lin)) {
      // A click sets or clears a breakpoint on the line.
      if (bp) {
        d.delete_break(*bp);
      } else {
        d.add_linear_break(lin);
      }
    }
    if (bp) ImGui::PopStyleColor();
    ImGui::PopID();
  }
  if (lines.empty()) ImGui::TextColored(kDim, "no readable code at %s", fmt::format("{:08x}", eip_lin).c_str());
}

void memory(DebugPanels& p) {
  ImGui::SetNextItemWidth(200);
  ImGui::InputText("address", &p.memory_address);
  Debugger& d = p.debugger();
  try {
    const DebugAddress a = d.parse_address(p.memory_address);
    const bool physical = a.kind == DebugAddress::Kind::Physical;
    const u64 at = physical ? a.offset : *d.linear_of(a);
    for (const std::string& row : memory_rows(d.target(), at, physical, 8)) ImGui::TextUnformatted(row.c_str());
  } catch (const std::exception& e) {
    ImGui::TextColored(kBreak, "%s", e.what());
  }
}

void stack(DebugPanels& p) {
  for (const std::string& row : stack_rows(p.debugger().target(), p.debugger().cpu().state(), 9)) {
    ImGui::TextUnformatted(row.c_str());
  }
}

void page_walk(DebugPanels& p) {
  ImGui::SetNextItemWidth(200);
  ImGui::InputText("address", &p.walk_address);
  // The default, CS:EIP, means CS:RIP in 64-bit mode (EIP is its low half).
  const bool rip = p.walk_address == "cs:eip" && p.debugger().cpu().state().mode64();
  const std::string out = p.debugger().output_of("translate " + (rip ? std::string("cs:rip") : p.walk_address));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(out.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void draw_debug_panels(DebugPanels& p, float x, float width, float height) {
  const CpuState& s = p.debugger().cpu().state();
  float y = 0;
  const auto panel = [&](const char* title, float px, float w, float h, auto&& body) {
    place(px, y, w, h);
    if (ImGui::Begin(title, nullptr, kPanel)) body();
    ImGui::End();
  };
  panel("Control", x, width, 92, [&] { control(p); });
  y += 92;
  // Room for the XMM rows (five lines) on the models with SSE.
  // IA-32e mode: 30 register rows three to a line, four lines more than
  // 24 four to a line; the disassembly and memory panels give up the room
  // (they scroll), so the column still fits kPanelMinHeight.
  const float extra = s.lma() ? 100.0f : 0.0f;
  const float regs_h = (p.debugger().cpu().model().has(Isa::Sse) ? 240.0f : 150.0f) + extra;
  panel("Registers", x, width, regs_h, [&] { registers(p); });
  y += regs_h;
  const float dis_h = 260 - extra * 0.6f, mem_h = 190 - extra * 0.4f;
  panel("Disassembly", x, width, dis_h, [&] { disassembly(p, p.disassembler()); });
  y += dis_h;
  panel("Memory", x, width, mem_h, [&] { memory(p); });
  y += mem_h;
  const float rest = std::max(height - y, 160.0f);
  panel("Stack", x, width * 0.45f, rest, [&] { stack(p); });
  panel("Page walk", x + width * 0.45f, width * 0.55f, rest, [&] { page_walk(p); });
}

}  // namespace gb
