# Sourced by scripts/run, scripts/test and .ci/run: installs the Debian
# packages the build needs when any is missing (apt-get update once; sudo
# only when not root).
gb_packages=(meson ninja-build pkg-config g++ clang nasm python3
             libfmt-dev libcapstone-dev libsdl2-dev catch2 libcli11-dev
             nlohmann-json3-dev zlib1g-dev libpng-dev libncurses-dev seabios
             libedit-dev libimgui-dev gdb xvfb x11-apps x11-utils xdotool tmux)

gb_install_deps() {
  local missing=() p
  for p in "${gb_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq || { echo "error: apt-get update failed" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null ||
    { echo "error: apt-get install ${missing[*]} failed" >&2; return 1; }
}

# gb_setup BUILD_DIR [MESON_ARGS...]: configures BUILD_DIR if needed, then builds it.
gb_setup() {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null || { echo "error: meson setup $dir failed" >&2; return 1; }
  fi
  ninja -C "$dir" >/dev/null || { ninja -C "$dir" 2>&1 | tail -40; echo "error: build in $dir failed" >&2; return 1; }
}
