// Builds without SDL2 (cross builds): -display sdl falls back with a notice.
#include "frontend/sdl_display.hpp"

namespace gb {

std::unique_ptr<Display> make_sdl_display(Scaling, std::string& why_not) {
  why_not = "this build has no SDL2";
  return nullptr;
}

}  // namespace gb
