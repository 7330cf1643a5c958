// -display sdl: a resizable SDL2 window showing the VGA output, with the
// keyboard as PS/2 set 2 and a grabbed mouse as the PS/2 mouse.
#pragma once
#include <memory>
#include <string>

#include "frontend/display.hpp"

namespace gb {

/// How the frame fills the window. Integer: the largest whole multiple of
/// the frame's pixels that fits (pixel-exact; the window opens at 1x, 2x
/// for frames under 640 wide). Aspect: the largest 4:3 rectangle for VGA
/// modes (what a CRT showed), square pixels for VBE modes; the window opens
/// at 640x480 or the VBE size.
enum class Scaling { Integer, Aspect };

/// The hot keys of the window, for --help and the README.
inline constexpr const char* kSdlHotkeyHelp =
    "  Ctrl+Alt+G  grab/release the mouse (a click in the window grabs it)\n"
    "  Ctrl+Alt+P  pause/resume           Ctrl+Alt+N  step one instruction (paused)\n"
    "  Ctrl+Alt+S  screenshot (numbered)  Ctrl+Alt+R  reset    Ctrl+Alt+Q  quit\n"
    "  Ctrl+Alt+D  show/hide the debugger panels (registers, disassembly, memory, stack, page walk)\n";

/// Opens the window. Returns nullptr and sets `why_not` (SDL's reason)
/// when no display is available.
std::unique_ptr<Display> make_sdl_display(Scaling scaling, std::string& why_not);

}  // namespace gb
