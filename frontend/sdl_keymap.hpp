// SDL scancodes (USB HID usage positions, layout-independent) to PS/2
// scan-code set 2: the guest sees the physical key that was pressed.
#pragma once
#include <optional>

#include <SDL_scancode.h>

#include "frontend/set2.hpp"

namespace gb {

/// The set 2 key at scancode `sc`'s position on a 102-key keyboard;
/// nullopt for keys a PC/AT keyboard lacks, and for Print Screen and Pause,
/// whose sequences are set2_print_screen() / set2_pause().
std::optional<Set2Key> sdl_to_set2(SDL_Scancode sc);

}  // namespace gb
