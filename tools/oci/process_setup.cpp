#include "process_setup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "failure.hpp"

namespace mywasm::oci {

namespace {

void send_fd(const std::string& socket_path, int fd, const std::string& name) {
  const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) fail("console socket path '{}' is too long", socket_path);
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (sock < 0 || ::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    fail("cannot connect to console socket '{}': {}", socket_path, std::strerror(errno));
  iovec iov{const_cast<char*>(name.data()), name.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  const bool sent = ::sendmsg(sock, &msg, 0) >= 0;
  const int saved = errno;
  ::close(sock);
  if (!sent) fail("cannot send the terminal to '{}': {}", socket_path, std::strerror(saved));
}

}  // namespace

int open_console(const std::string& socket_path) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
    fail("cannot open a pseudo-terminal: {}", std::strerror(errno));
  char name[128];
  if (::ptsname_r(master, name, sizeof name) != 0) fail("cannot name the pseudo-terminal: {}", std::strerror(errno));
  const int slave = ::open(name, O_RDWR | O_NOCTTY);
  if (slave < 0) fail("cannot open '{}': {}", name, std::strerror(errno));
  send_fd(socket_path, master, name);
  ::close(master);
  return slave;
}

void use_terminal(int tty) {
  for (int fd = 0; fd <= 2; ++fd) ::dup2(tty, fd);
  ::ioctl(0, TIOCSCTTY, 0);
  if (tty > 2) ::close(tty);
}

void enter_network_namespace(const std::optional<std::string>& path, bool create_new) {
  if (path) {
    const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0)
      fail("cannot join network namespace '{}': {}", *path, std::strerror(errno));
    ::close(fd);
    return;
  }
  if (!create_new) return;
  if (::unshare(CLONE_NEWNET) != 0) fail("cannot create a network namespace: {}", std::strerror(errno));
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq req{};
  std::strcpy(req.ifr_name, "lo");
  const bool up = sock >= 0 && ::ioctl(sock, SIOCGIFFLAGS, &req) == 0 &&
                  (req.ifr_flags |= IFF_UP, ::ioctl(sock, SIOCSIFFLAGS, &req) == 0);
  const int saved = errno;
  if (sock >= 0) ::close(sock);
  if (!up) fail("cannot bring up loopback in the new network namespace: {}", std::strerror(saved));
}

void close_other_fds(const std::set<int>& keep) {
  std::vector<int> open_fds;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(dir)) {
      const int fd = std::atoi(e->d_name);
      if (fd > 2 && fd != ::dirfd(dir) && !keep.count(fd)) open_fds.push_back(fd);
    }
    ::closedir(dir);
  }
  for (int fd : open_fds) ::close(fd);
}

}  // namespace mywasm::oci
