#include "frontend/sdl_display.hpp"

#include <SDL.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/sdl_keymap.hpp"
#if GB_HAVE_IMGUI
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include "frontend/debugger/panels.hpp"
#endif

namespace gb {

namespace {

class SdlDisplay final : public Display {
 public:
  SdlDisplay(Scaling scaling, SDL_Window* w, SDL_Renderer* r) : scaling_(scaling), window_(w), renderer_(r) {}
  ~SdlDisplay() override {
#if GB_HAVE_IMGUI
    if (panels_) {
      ImGui_ImplSDLRenderer_Shutdown();
      ImGui_ImplSDL2_Shutdown();
      ImGui::DestroyContext();
    }
#endif
    if (texture_) SDL_DestroyTexture(texture_);
    SDL_DestroyRenderer(renderer_);
    SDL_DestroyWindow(window_);
    // SDL_Quit, not just the video subsystem: it also closes SDL's D-Bus
    // connection (the process is done with SDL once the display goes).
    SDL_Quit();
  }

  void poll(Machine& m, std::vector<HostAction>& actions) override {
    I8042& kbc = m.keyboard_controller();
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
      if (panels_shown() && panel_event(e)) continue;
      switch (e.type) {
        case SDL_QUIT: actions.push_back(HostAction::Quit); break;
        case SDL_KEYDOWN:
        case SDL_KEYUP: key(kbc, e.key, actions); break;
        case SDL_MOUSEMOTION:
          if (grabbed_) kbc.mouse_move(e.motion.xrel, -e.motion.yrel, buttons_);
          break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP: button(kbc, e.button); break;
        case SDL_WINDOWEVENT:
          if (e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) release_all(kbc);
          break;
        default: break;
      }
    }
  }

  void present(const Vga& vga, const DisplayStatus& st) override {
    vga.render(frame_);
    const bool shown = panels_shown();
    if (frame_.width != tex_w_ || frame_.height != tex_h_ || vga.vbe_enabled() != vbe_ || shown != sized_for_panels_) {
      sized_for_panels_ = shown;
      tex_w_ = frame_.width;
      tex_h_ = frame_.height;
      vbe_ = vga.vbe_enabled();
      if (texture_) SDL_DestroyTexture(texture_);
      // RGB888 is a packed 32-bit format in host byte order: 0x00RRGGBB,
      // the frame's pixel layout on any host.
      texture_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
                                   static_cast<int>(tex_w_), static_cast<int>(tex_h_));
      int w = 0, h = 0;
      default_size(w, h);
      SDL_SetWindowSize(window_, w, h);
      // Opening the panels widens the window a lot: keep it on the screen.
      if (shown) SDL_SetWindowPosition(window_, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED);
    }
    if (texture_) SDL_UpdateTexture(texture_, nullptr, frame_.pixels.data(), static_cast<int>(tex_w_ * 4));
    SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
    SDL_RenderClear(renderer_);
    if (texture_) {
      const SDL_Rect dst = placement();
      SDL_RenderCopy(renderer_, texture_, nullptr, &dst);
    }
#if GB_HAVE_IMGUI
    if (shown) {
      int ow = 0, oh = 0;
      SDL_GetRendererOutputSize(renderer_, &ow, &oh);
      ImGui_ImplSDLRenderer_NewFrame();
      ImGui_ImplSDL2_NewFrame();
      ImGui::NewFrame();
      draw_debug_panels(*panels_, static_cast<float>(ow - kPanelColumnWidth), static_cast<float>(kPanelColumnWidth),
                        static_cast<float>(oh));
      ImGui::Render();
      ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    }
#endif
    SDL_RenderPresent(renderer_);
    const std::string title =
        st.mips > 0 ? fmt::format("Glassbox - {} - {:.{}f} MIPS - {}", st.state, st.mips, st.mips < 1 ? 3 : 1, grab_hint())
                    : fmt::format("Glassbox - {} - {}", st.state, grab_hint());
    if (title != title_) {
      title_ = title;
      SDL_SetWindowTitle(window_, title_.c_str());
    }
  }

  void wait(std::chrono::milliseconds timeout) override {
    SDL_WaitEventTimeout(nullptr, static_cast<int>(timeout.count()));
  }

  bool set_panels(DebugPanels* p) override {
#if GB_HAVE_IMGUI
    if (!panels_ && p) {
      // Dear ImGui only once there are panels: a plain window pays nothing.
      IMGUI_CHECKVERSION();
      ImGui::CreateContext();
      ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; no imgui.ini
      ImGui::StyleColorsDark();
      ImGui_ImplSDL2_InitForSDLRenderer(window_);
      ImGui_ImplSDLRenderer_Init(renderer_);
    }
    if (!panels_ || p) panels_ = p;
    return true;
#else
    (void)p;
    return false;
#endif
  }

 private:
  bool panels_shown() const { return panels_ && panels_->visible(); }

  /// With the panels open, ImGui sees every event first; true when the
  /// event was the panels' (a click or wheel in their column, keys while a
  /// panel's text field has focus) and must not reach the guest.
  bool panel_event(const SDL_Event& e) {
#if GB_HAVE_IMGUI
    ImGui_ImplSDL2_ProcessEvent(&e);
    int ow = 0, oh = 0;
    SDL_GetRendererOutputSize(renderer_, &ow, &oh);
    const int column = ow - kPanelColumnWidth;
    switch (e.type) {
      case SDL_MOUSEBUTTONDOWN:
      case SDL_MOUSEBUTTONUP: return !grabbed_ && e.button.x >= column;
      case SDL_MOUSEWHEEL: return !grabbed_;
      case SDL_MOUSEMOTION: return !grabbed_;
      case SDL_KEYDOWN:
      case SDL_KEYUP: {
        const u16 mod = e.key.keysym.mod;
        if ((mod & KMOD_CTRL) && (mod & KMOD_ALT)) return false;  // hot keys still work
        return ImGui::GetIO().WantCaptureKeyboard;
      }
      case SDL_TEXTINPUT: return true;
      default: return false;
    }
#else
    (void)e;
    return false;
#endif
  }

  const char* grab_hint() const { return grabbed_ ? "Ctrl+Alt+G releases the mouse" : "Ctrl+Alt+G grabs the mouse"; }

  void default_size(int& w, int& h) const {
    if (scaling_ == Scaling::Integer) {
      const int k = tex_w_ < 640 ? 2 : 1;
      w = static_cast<int>(tex_w_) * k;
      h = static_cast<int>(tex_h_) * k;
    } else if (vbe_) {
      w = static_cast<int>(tex_w_);
      h = static_cast<int>(tex_h_);
    } else {
      w = 640;
      h = 480;
    }
    if (sized_for_panels_) {
      w += kPanelColumnWidth;
      h = std::max(h, kPanelMinHeight);
    }
  }

  /// Where the frame goes in the window's drawable area, centred.
  SDL_Rect placement() const {
    int ow = 0, oh = 0;
    SDL_GetRendererOutputSize(renderer_, &ow, &oh);
    if (sized_for_panels_) ow = std::max(1, ow - kPanelColumnWidth);  // the guest keeps the left
    const int fw = static_cast<int>(tex_w_), fh = static_cast<int>(tex_h_);
    int w = fw, h = fh;
    if (scaling_ == Scaling::Integer) {
      const int k = std::max(1, std::min(ow / std::max(fw, 1), oh / std::max(fh, 1)));
      w = fw * k;
      h = fh * k;
    } else {
      // Display aspect: 4:3 for VGA modes, the pixel grid's own for VBE.
      const double aspect = vbe_ ? static_cast<double>(fw) / std::max(fh, 1) : 4.0 / 3.0;
      w = ow;
      h = static_cast<int>(ow / aspect);
      if (h > oh) {
        h = oh;
        w = static_cast<int>(oh * aspect);
      }
    }
    // Beside the panels the screen sits at the top left, else centred.
    if (sized_for_panels_) return SDL_Rect{(ow - w) / 2, 0, w, h};
    return SDL_Rect{(ow - w) / 2, (oh - h) / 2, w, h};
  }

  void key(I8042& kbc, const SDL_KeyboardEvent& k, std::vector<HostAction>& actions) {
    const bool down = k.type == SDL_KEYDOWN;
    const u16 mod = k.keysym.mod;  // the modifiers when this key event happened
    if ((mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
      std::optional<HostAction> a;
      switch (k.keysym.scancode) {
        case SDL_SCANCODE_G:
          if (down && !k.repeat) set_grab(!grabbed_);
          return;
        case SDL_SCANCODE_P: a = HostAction::TogglePause; break;
        case SDL_SCANCODE_N: a = HostAction::Step; break;
        case SDL_SCANCODE_S: a = HostAction::Screenshot; break;
        case SDL_SCANCODE_R: a = HostAction::Reset; break;
        case SDL_SCANCODE_Q: a = HostAction::Quit; break;
        case SDL_SCANCODE_D: a = HostAction::TogglePanels; break;
        default: break;
      }
      if (a) {
        if (down && (!k.repeat || *a == HostAction::Step)) actions.push_back(*a);
        return;
      }
    }
    const SDL_Scancode sc = k.keysym.scancode;
    if (sc == SDL_SCANCODE_PRINTSCREEN) {
      if (!k.repeat) kbc.press(set2_print_screen(down));
      return;
    }
    if (sc == SDL_SCANCODE_PAUSE) {
      if (down && !k.repeat) kbc.press(set2_pause());
      return;
    }
    const auto key = sdl_to_set2(sc);
    if (!key) return;
    // Host autorepeat arrives as repeated makes, as typematic does.
    if (down) {
      held_.insert(sc);
      kbc.press(set2_make(*key));
    } else if (held_.erase(sc)) {
      kbc.press(set2_break(*key));
    }
  }

  /// Focus went elsewhere: the keys held now will never be seen released.
  void release_all(I8042& kbc) {
    for (const SDL_Scancode sc : held_) {
      if (const auto key = sdl_to_set2(sc)) kbc.press(set2_break(*key));
    }
    held_.clear();
  }

  void button(I8042& kbc, const SDL_MouseButtonEvent& b) {
    if (!grabbed_) {
      if (b.type == SDL_MOUSEBUTTONDOWN && b.button == SDL_BUTTON_LEFT) set_grab(true);
      return;
    }
    const u8 bit = b.button == SDL_BUTTON_LEFT ? 1 : b.button == SDL_BUTTON_RIGHT ? 2 : b.button == SDL_BUTTON_MIDDLE ? 4 : 0;
    if (!bit) return;
    buttons_ = static_cast<u8>(b.type == SDL_MOUSEBUTTONDOWN ? buttons_ | bit : buttons_ & ~bit);
    kbc.mouse_move(0, 0, buttons_);
  }

  void set_grab(bool on) {
    grabbed_ = on;
    SDL_SetRelativeMouseMode(on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowGrab(window_, on ? SDL_TRUE : SDL_FALSE);
    title_.clear();  // the hint changes
  }

  Scaling scaling_;
  SDL_Window* window_;
  SDL_Renderer* renderer_;
  SDL_Texture* texture_ = nullptr;
  u32 tex_w_ = 0, tex_h_ = 0;
  bool vbe_ = false;
  bool sized_for_panels_ = false;
  DebugPanels* panels_ = nullptr;
  bool grabbed_ = false;
  u8 buttons_ = 0;
  std::set<SDL_Scancode> held_;
  std::string title_;
  Vga::Frame frame_;
};

}  // namespace

std::unique_ptr<Display> make_sdl_display(Scaling scaling, std::string& why_not) {
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
  // Glassbox is not a game: let the desktop's compositor keep running.
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
    why_not = SDL_GetError();
    return nullptr;
  }
  SDL_Window* w = SDL_CreateWindow("Glassbox", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 720, 400, SDL_WINDOW_RESIZABLE);
  if (!w) {
    why_not = SDL_GetError();
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return nullptr;
  }
  // No vsync: the session loop paces redraws, and a blocking present
  // would steal time from the guest.
  SDL_Renderer* r = SDL_CreateRenderer(w, -1, 0);
  if (!r) {
    why_not = SDL_GetError();
    SDL_DestroyWindow(w);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return nullptr;
  }
  return std::make_unique<SdlDisplay>(scaling, w, r);
}

}  // namespace gb
