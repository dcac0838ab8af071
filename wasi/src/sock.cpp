// sock_accept, sock_recv, sock_send, sock_shutdown (standard preview1
// signatures) on socket descriptors.
#include <sys/socket.h>

#include "host_call.hpp"

namespace mywasm::wasi {
namespace {

namespace r = abi::right;

FdEntry& socket_fd(HostCall& c, abi::Fd fd, abi::Rights required) {
  FdEntry& e = c.ctx.fds().get(fd);
  if (e.kind != FdKind::Socket) fail(Errno::NotSock);
  if (!e.has_rights(required)) fail(Errno::NotCapable);
  return e;
}

msghdr message(std::vector<iovec>& iov) {
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  return msg;
}

std::vector<iovec> host_iovecs(const HostCall& c, uint32_t ptr, uint32_t count) {
  std::vector<iovec> out;
  for (auto b : c.mem.iovecs(ptr, count)) out.push_back(iovec{b.data(), b.size()});
  return out;
}

void sock_accept(HostCall& c) {
  FdEntry& listener = socket_fd(c, c.u32(0), r::kSockAccept);
  uint16_t flags = uint16_t(c.u32(1));
  if (flags & ~abi::fdflag::kNonblock) fail(Errno::Inval);
  c.mem.store<uint32_t>(c.u32(2), 0);
  int host = ::accept4(listener.host_fd, nullptr, nullptr,
                       SOCK_CLOEXEC | ((flags & abi::fdflag::kNonblock) ? SOCK_NONBLOCK : 0));
  if (host < 0) fail_host_errno();
  auto entry = describe_host_fd(host, /*owns=*/true);
  c.mem.store<uint32_t>(c.u32(2), c.ctx.fds().insert(std::move(entry)));
}

void sock_recv(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kFdRead);
  auto iov = host_iovecs(c, c.u32(1), c.u32(2));
  uint16_t riflags = uint16_t(c.u32(3));
  if (riflags & ~(abi::kRiRecvPeek | abi::kRiRecvWaitall)) fail(Errno::Inval);
  int flags = ((riflags & abi::kRiRecvPeek) ? MSG_PEEK : 0) | ((riflags & abi::kRiRecvWaitall) ? MSG_WAITALL : 0);
  msghdr msg = message(iov);
  ssize_t n = ::recvmsg(s.host_fd, &msg, flags);
  if (n < 0) fail_host_errno();
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
  c.mem.store<uint16_t>(c.u32(5), (msg.msg_flags & MSG_TRUNC) ? abi::kRoDataTruncated : 0);
}

void sock_send(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kFdWrite);
  auto iov = host_iovecs(c, c.u32(1), c.u32(2));
  msghdr msg = message(iov);
  ssize_t n = ::sendmsg(s.host_fd, &msg, MSG_NOSIGNAL);  // a closed peer is EPIPE, not SIGPIPE
  if (n < 0) fail_host_errno();
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
}

void sock_shutdown(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kSockShutdown);
  int how;
  switch (c.u32(1)) {
    case abi::kSdRd: how = SHUT_RD; break;
    case abi::kSdWr: how = SHUT_WR; break;
    case abi::kSdRd | abi::kSdWr: how = SHUT_RDWR; break;
    default: fail(Errno::Inval);
  }
  if (::shutdown(s.host_fd, how) != 0) fail_host_errno();
}

constexpr FunctionSpec kFunctions[] = {
    {"sock_accept", "iii", sock_accept},
    {"sock_recv", "iiiiii", sock_recv},
    {"sock_send", "iiiii", sock_send},
    {"sock_shutdown", "ii", sock_shutdown},
};

}  // namespace

std::span<const FunctionSpec> sock_functions() { return kFunctions; }

}  // namespace mywasm::wasi
