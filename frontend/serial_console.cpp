#include "frontend/serial_console.hpp"

#include <poll.h>
#include <unistd.h>

#include "devices/uart16550.hpp"

namespace gb {

SerialConsole::SerialConsole() {
  tty_ = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_) == 0;
  if (tty_) {
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | IEXTEN);
    raw.c_iflag &= ~static_cast<tcflag_t>(ICRNL | IXON);  // the guest wants CR for Enter, and ^S/^Q
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  }
}

SerialConsole::~SerialConsole() {
  if (tty_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
}

void SerialConsole::poll(Uart16550& uart, std::vector<HostAction>& actions) {
  while (!eof_ && pending_.size() < 4096) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP))) break;
    u8 buf[256];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      eof_ = true;  // end of a pipe, or an error: the line goes quiet
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      bool pass = false;
      if (const auto a = keys_.feed(buf[i], pass)) actions.push_back(*a);
      if (pass) pending_.push_back(buf[i]);
    }
  }
  while (!pending_.empty() && !uart.rx_full()) {
    uart.receive(pending_.front());
    pending_.pop_front();
  }
}

}  // namespace gb
