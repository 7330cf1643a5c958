// The SDL debugger panels, drawn with Dear ImGui into the current frame:
// Control (state, step/next/continue/break buttons), Registers (changed
// values highlighted), Disassembly around EIP (click a line to set or
// clear a breakpoint), Memory, Stack and Page walk.
#pragma once

namespace gb {

class DebugPanels;

/// Draws the panels in the column from `x` to `x + width` (pixels) of a
/// window `height` pixels high. Between ImGui::NewFrame() and
/// ImGui::Render(); button presses land in `p.take_commands()`.
void draw_debug_panels(DebugPanels& p, float x, float width, float height);

}  // namespace gb
