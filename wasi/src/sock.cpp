// Sockets: the standard preview1 functions (sock_accept with flags,
// sock_recv, sock_send, sock_shutdown) and WasmEdge's socket extension
// (sock_open, sock_bind, sock_listen, the 2-argument sock_accept,
// sock_connect, sock_recv_from, sock_send_to, sock_getsockopt,
// sock_setsockopt, sock_getlocaladdr, sock_getpeeraddr, sock_getaddrinfo).
// Where two ABIs share a name with different signatures both are
// registered; the linker picks the one whose type the import declares.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "host_call.hpp"
#include "net.hpp"

namespace mywasm::wasi {
namespace {

namespace r = abi::right;

// WasmEdge's enums.
constexpr uint32_t kFamilyUnspec = 0, kFamilyInet4 = 1, kFamilyInet6 = 2;
constexpr uint32_t kSockAny = 0, kSockDgram = 1, kSockStream = 2;
// An address argument is {u32 buf, u32 buf_len}. buf_len 4 / 16 holds the
// raw IPv4 / IPv6 bytes; 128 is the tagged form: u16 family, then the bytes.
constexpr uint32_t kAddressTaggedLen = 128, kAddressTaggedData = 2;

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

SocketAddress make_address(int family, const uint8_t* ip, uint16_t port) {
  SocketAddress a;
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, ip, 4);
    a.len = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::memcpy(&v6->sin6_addr, ip, 16);
    a.len = sizeof(sockaddr_in6);
  }
  return a;
}

// Reads a guest address argument (see kAddressTaggedLen) with `port`.
SocketAddress read_address(HostCall& c, uint32_t addr_ptr, uint16_t port) {
  uint32_t buf = c.mem.load<uint32_t>(addr_ptr), len = c.mem.load<uint32_t>(uint64_t(addr_ptr) + 4);
  if (len == 4) return make_address(AF_INET, c.mem.bytes(buf, 4).data(), port);
  if (len == 16) return make_address(AF_INET6, c.mem.bytes(buf, 16).data(), port);
  if (len != kAddressTaggedLen) fail(Errno::Inval);
  auto bytes = c.mem.bytes(buf, len);
  uint16_t family;
  std::memcpy(&family, bytes.data(), 2);
  if (family == kFamilyInet4) return make_address(AF_INET, bytes.data() + kAddressTaggedData, port);
  if (family == kFamilyInet6) return make_address(AF_INET6, bytes.data() + kAddressTaggedData, port);
  fail(Errno::Inval);
}

const uint8_t* ip_bytes(const SocketAddress& a, uint32_t* size) {
  if (a.family() == AF_INET) {
    *size = 4;
    return reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_addr);
  }
  *size = 16;
  return reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(&a.storage)->sin6_addr);
}

// Writes a host address into a guest address argument of the tagged form
// (or, for buf_len 4 / 16, the raw bytes if the family fits).
void write_address(HostCall& c, uint32_t addr_ptr, const SocketAddress& a) {
  uint32_t buf = c.mem.load<uint32_t>(addr_ptr), len = c.mem.load<uint32_t>(uint64_t(addr_ptr) + 4);
  uint32_t size;
  const uint8_t* ip = ip_bytes(a, &size);
  if (len == kAddressTaggedLen) {
    auto out = c.mem.bytes(buf, len);
    std::memset(out.data(), 0, len);
    uint16_t family = a.family() == AF_INET ? kFamilyInet4 : kFamilyInet6;
    std::memcpy(out.data(), &family, 2);
    std::memcpy(out.data() + kAddressTaggedData, ip, size);
    return;
  }
  if (len < size) fail(Errno::Inval);
  std::memcpy(c.mem.bytes(buf, size).data(), ip, size);
}

void check_policy(HostCall& c, const SocketAddress& a, const char* what) {
  if (c.ctx.net_policy().permits(a)) return;
  std::fprintf(stderr, "mywasm: %s %s denied by the network policy (--allow-net/--deny-net)\n", what,
               a.to_string().c_str());
  fail(Errno::Acces);
}

SocketAddress local_address(int host_fd) {
  SocketAddress a;
  a.len = sizeof a.storage;
  if (::getsockname(host_fd, a.get(), &a.len) != 0) fail_host_errno();
  return a;
}

SocketAddress peer_address(int host_fd) {
  SocketAddress a;
  a.len = sizeof a.storage;
  if (::getpeername(host_fd, a.get(), &a.len) != 0) fail_host_errno();
  return a;
}

abi::Fd insert_socket(HostCall& c, int host) {
  return c.ctx.fds().insert(describe_host_fd(host, /*owns=*/true));
}

// --- standard preview1 ---

void sock_accept_preview1(HostCall& c) {
  FdEntry& listener = socket_fd(c, c.u32(0), r::kSockAccept);
  uint16_t flags = uint16_t(c.u32(1));
  if (flags & ~abi::fdflag::kNonblock) fail(Errno::Inval);
  c.mem.store<uint32_t>(c.u32(2), 0);
  int host = ::accept4(listener.host_fd, nullptr, nullptr,
                       SOCK_CLOEXEC | ((flags & abi::fdflag::kNonblock) ? SOCK_NONBLOCK : 0));
  if (host < 0) return c.return_host_errno();
  abi::Fd fd = insert_socket(c, host);
  if (flags & abi::fdflag::kNonblock) c.ctx.fds().get(fd).fdflags |= abi::fdflag::kNonblock;
  c.mem.store<uint32_t>(c.u32(2), fd);
}

// recvmsg's flags for WASI's riflags (EINVAL for bits WASI does not define).
int recv_flags(uint16_t riflags) {
  if (riflags & ~(abi::kRiRecvPeek | abi::kRiRecvWaitall)) fail(Errno::Inval);
  return ((riflags & abi::kRiRecvPeek) ? MSG_PEEK : 0) | ((riflags & abi::kRiRecvWaitall) ? MSG_WAITALL : 0);
}

void sock_recv(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kFdRead);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  const int flags = recv_flags(uint16_t(c.u32(3)));
  c.mem.store<uint32_t>(c.u32(4), 0);  // bad result pointers fail before any I/O
  c.mem.store<uint16_t>(c.u32(5), 0);
  msghdr msg = message(iov);
  ssize_t n = ::recvmsg(s.host_fd, &msg, flags);
  if (n < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
  c.mem.store<uint16_t>(c.u32(5), (msg.msg_flags & MSG_TRUNC) ? abi::kRoDataTruncated : 0);
}

void sock_send(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kFdWrite);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  c.mem.store<uint32_t>(c.u32(4), 0);  // a bad result pointer fails before any I/O
  msghdr msg = message(iov);
  ssize_t n = ::sendmsg(s.host_fd, &msg, MSG_NOSIGNAL);  // a closed peer is EPIPE, not SIGPIPE
  if (n < 0) return c.return_host_errno();
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

// --- WasmEdge extension ---

// sock_open(family, type, *fd)
void sock_open(HostCall& c) {
  int family, type;
  switch (c.u32(0)) {
    case kFamilyInet4: family = AF_INET; break;
    case kFamilyInet6: family = AF_INET6; break;
    case kFamilyUnspec: fail(Errno::AfNoSupport);
    default: fail(Errno::Inval);
  }
  switch (c.u32(1)) {
    case kSockDgram: type = SOCK_DGRAM; break;
    case kSockStream: type = SOCK_STREAM; break;
    case kSockAny: fail(Errno::ProtoType);
    default: fail(Errno::Inval);
  }
  c.mem.store<uint32_t>(c.u32(2), 0);
  int host = ::socket(family, type | SOCK_CLOEXEC, 0);
  if (host < 0) fail_host_errno();
  if (type == SOCK_STREAM) set_tcp_defaults(host, c.ctx.tcp_nodelay());
  c.mem.store<uint32_t>(c.u32(2), insert_socket(c, host));
}

// sock_bind(fd, *addr, port)
void sock_bind(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), 0);
  SocketAddress a = read_address(c, c.u32(1), uint16_t(c.u32(2)));
  check_policy(c, a, "binding to");
  if (::bind(s.host_fd, a.get(), a.len) != 0) fail_host_errno();
}

// sock_listen(fd, backlog)
void sock_listen(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), 0);
  if (::listen(s.host_fd, int(c.u32(1))) != 0) fail_host_errno();
}

// sock_accept(fd, *new_fd): the new socket is blocking, whatever the listener.
void sock_accept_wasmedge(HostCall& c) {
  FdEntry& listener = socket_fd(c, c.u32(0), r::kSockAccept);
  c.mem.store<uint32_t>(c.u32(1), 0);
  int host = ::accept4(listener.host_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (host < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(1), insert_socket(c, host));
}

// sock_connect(fd, *addr, port)
void sock_connect(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), 0);
  SocketAddress a = read_address(c, c.u32(1), uint16_t(c.u32(2)));
  check_policy(c, a, "connecting to");
  if (::connect(s.host_fd, a.get(), a.len) != 0) return c.return_host_errno();
}

// sock_recv_from(fd, *iovs, iovs_len, *addr, riflags, *port, *nread, *roflags)
void sock_recv_from(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kFdRead);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  const int flags = recv_flags(uint16_t(c.u32(4)));
  c.mem.store<uint32_t>(c.u32(5), 0);  // bad result pointers fail before any I/O
  c.mem.store<uint32_t>(c.u32(6), 0);
  c.mem.store<uint16_t>(c.u32(7), 0);
  SocketAddress from;
  msghdr msg = message(iov);
  msg.msg_name = &from.storage;
  msg.msg_namelen = sizeof from.storage;
  ssize_t n = ::recvmsg(s.host_fd, &msg, flags);
  if (n < 0) return c.return_host_errno();
  from.len = msg.msg_namelen;
  if (from.family() == AF_INET || from.family() == AF_INET6) write_address(c, c.u32(3), from);
  c.mem.store<uint32_t>(c.u32(5), from.port());
  c.mem.store<uint32_t>(c.u32(6), uint32_t(n));
  c.mem.store<uint16_t>(c.u32(7), (msg.msg_flags & MSG_TRUNC) ? abi::kRoDataTruncated : 0);
}

// sock_send_to(fd, *iovs, iovs_len, *addr, port, siflags, *nwritten)
void sock_send_to(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), r::kFdWrite);
  auto iov = c.mem.host_iovecs(c.u32(1), c.u32(2));
  SocketAddress to = read_address(c, c.u32(3), uint16_t(c.u32(4)));
  check_policy(c, to, "sending to");
  c.mem.store<uint32_t>(c.u32(6), 0);  // a bad result pointer fails before any I/O
  msghdr msg = message(iov);
  msg.msg_name = to.get();
  msg.msg_namelen = to.len;
  ssize_t n = ::sendmsg(s.host_fd, &msg, MSG_NOSIGNAL);
  if (n < 0) return c.return_host_errno();
  c.mem.store<uint32_t>(c.u32(6), uint32_t(n));
}

// Socket options: level 0 is SOL_SOCKET, with names in WasmEdge's order.
// Level 6 (IPPROTO_TCP's number) is mywasm's addition, which WasmEdge's ABI
// lacks: its name 1 is TCP_NODELAY (Linux's number).
constexpr uint32_t kLevelSocket = 0, kLevelTcp = 6, kTcpNoDelay = 1;

struct HostSockopt {
  int level, name;
};

HostSockopt host_sockopt(uint32_t level, uint32_t name) {
  if (level == kLevelTcp) {
    if (name != kTcpNoDelay) fail(Errno::Inval);
    return {IPPROTO_TCP, TCP_NODELAY};
  }
  if (level != kLevelSocket) fail(Errno::Inval);
  static constexpr int kNames[] = {SO_REUSEADDR, SO_TYPE,     SO_ERROR,    SO_DONTROUTE,
                                   SO_BROADCAST, SO_SNDBUF,   SO_RCVBUF,   SO_KEEPALIVE,
                                   SO_OOBINLINE, SO_LINGER,   SO_RCVLOWAT, SO_RCVTIMEO,
                                   SO_SNDTIMEO,  SO_ACCEPTCONN, SO_BINDTODEVICE};
  if (name >= std::size(kNames)) fail(Errno::Inval);
  int opt = kNames[name];
  // Options whose value is not a plain int have another layout in the guest.
  if (opt == SO_LINGER || opt == SO_RCVTIMEO || opt == SO_SNDTIMEO || opt == SO_BINDTODEVICE)
    fail(Errno::NotSup);
  return {SOL_SOCKET, opt};
}

// sock_getsockopt(fd, level, name, *value, *value_len)
void sock_getsockopt(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), 0);
  HostSockopt opt = host_sockopt(c.u32(1), c.u32(2));
  uint32_t len = c.mem.load<uint32_t>(c.u32(4));
  if (len < 4) fail(Errno::Inval);
  int value = 0;
  socklen_t host_len = sizeof value;
  if (::getsockopt(s.host_fd, opt.level, opt.name, &value, &host_len) != 0) fail_host_errno();
  if (opt.level == SOL_SOCKET && opt.name == SO_TYPE) value = value == SOCK_DGRAM ? kSockDgram : kSockStream;
  if (opt.level == SOL_SOCKET && opt.name == SO_ERROR) value = int(from_host_errno(value));
  c.mem.store<int32_t>(c.u32(3), value);
  c.mem.store<uint32_t>(c.u32(4), 4);
}

// sock_setsockopt(fd, level, name, *value, value_len)
void sock_setsockopt(HostCall& c) {
  FdEntry& s = socket_fd(c, c.u32(0), 0);
  HostSockopt opt = host_sockopt(c.u32(1), c.u32(2));
  if (c.u32(4) != 4) fail(Errno::Inval);
  int value = c.mem.load<int32_t>(c.u32(3));
  if (::setsockopt(s.host_fd, opt.level, opt.name, &value, sizeof value) != 0) fail_host_errno();
}

// sock_getlocaladdr(fd, *addr, *port): WasmEdge takes only the 128-byte
// tagged form here.
void write_tagged_address_and_port(HostCall& c, const SocketAddress& a) {
  if (c.mem.load<uint32_t>(uint64_t(c.u32(1)) + 4) != kAddressTaggedLen) fail(Errno::Inval);
  write_address(c, c.u32(1), a);
  c.mem.store<uint32_t>(c.u32(2), a.port());
}

void sock_getlocaladdr(HostCall& c) {
  write_tagged_address_and_port(c, local_address(socket_fd(c, c.u32(0), 0).host_fd));
}

void sock_getpeeraddr(HostCall& c) {
  write_tagged_address_and_port(c, peer_address(socket_fd(c, c.u32(0), 0).host_fd));
}

// The older form used by wasmedge_wasi_socket 0.4/0.5 (tokio_wasi):
// sock_getlocaladdr(fd, *addr, *addr_type, *port), raw address bytes and
// addr_type 4 or 6.
void write_address_legacy(HostCall& c, const SocketAddress& a) {
  uint32_t buf = c.mem.load<uint32_t>(c.u32(1)), len = c.mem.load<uint32_t>(uint64_t(c.u32(1)) + 4);
  uint32_t size;
  const uint8_t* ip = ip_bytes(a, &size);
  if (len < size) fail(Errno::Inval);
  std::memcpy(c.mem.bytes(buf, size).data(), ip, size);
  c.mem.store<uint32_t>(c.u32(2), a.family() == AF_INET ? 4 : 6);
  c.mem.store<uint32_t>(c.u32(3), a.port());
}

void sock_getlocaladdr_legacy(HostCall& c) {
  write_address_legacy(c, local_address(socket_fd(c, c.u32(0), 0).host_fd));
}
void sock_getpeeraddr_legacy(HostCall& c) {
  write_address_legacy(c, peer_address(socket_fd(c, c.u32(0), 0).host_fd));
}

// sock_getaddrinfo(node, node_len, service, service_len, *hints, *res,
// max_res_len, *res_len). The guest pre-allocates a chain of addrinfo
// records (*res points at the first, linked by ai_next), each with a
// sockaddr and its sa_data buffer; the host fills them in.
namespace ai {
// wasm32 layout of WasmEdge's __wasi_addrinfo_t and __wasi_sockaddr_t.
constexpr uint64_t kFlags = 0, kFamily = 2, kSocktype = 3, kProtocol = 4, kAddrlen = 8, kAddr = 12,
                   kCanonname = 16, kCanonnameLen = 20, kNext = 24;
constexpr uint64_t kSaFamily = 0, kSaDataLen = 4, kSaData = 8;
constexpr uint32_t kProtoIp = 0, kProtoTcp = 1, kProtoUdp = 2;
}  // namespace ai

void sock_getaddrinfo(HostCall& c) {
  std::string node(c.mem.string(c.u32(0), c.u32(1))), service(c.mem.string(c.u32(2), c.u32(3)));
  uint32_t hints_ptr = c.u32(4), res_ptr = c.u32(5), max_res = c.u32(6), res_len_ptr = c.u32(7);
  if (node.empty() && service.empty()) fail(Errno::Inval);
  if (max_res < 1) fail(Errno::Inval);
  if (!c.ctx.net_policy().permits_resolution()) {
    std::fprintf(stderr, "mywasm: resolving '%s' denied by the network policy (--allow-dns permits it)\n",
                 printable(node).c_str());
    fail(Errno::Acces);
  }
  addrinfo hints{};
  uint8_t family = c.mem.load<uint8_t>(hints_ptr + ai::kFamily);
  uint8_t socktype = c.mem.load<uint8_t>(hints_ptr + ai::kSocktype);
  uint8_t protocol = c.mem.load<uint8_t>(hints_ptr + ai::kProtocol);
  hints.ai_family = family == kFamilyInet4 ? AF_INET : family == kFamilyInet6 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = socktype == kSockDgram ? SOCK_DGRAM : socktype == kSockStream ? SOCK_STREAM : 0;
  hints.ai_protocol = protocol == ai::kProtoTcp ? IPPROTO_TCP : protocol == ai::kProtoUdp ? IPPROTO_UDP : 0;
  c.mem.store<uint32_t>(res_len_ptr, 0);

  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(node.empty() ? nullptr : node.c_str(), service.empty() ? nullptr : service.c_str(),
                         &hints, &list);
  if (rc != 0) fail(rc == EAI_SYSTEM ? from_host_errno(errno) : rc == EAI_MEMORY ? Errno::NoMem : Errno::NoEnt);
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(list, ::freeaddrinfo);

  uint32_t count = 0;
  uint32_t rec = c.mem.load<uint32_t>(res_ptr);
  for (addrinfo* it = list; it && count < max_res && rec; it = it->ai_next) {
    if (it->ai_family != AF_INET && it->ai_family != AF_INET6) continue;
    c.mem.store<uint16_t>(rec + ai::kFlags, 0);
    c.mem.store<uint8_t>(rec + ai::kFamily, it->ai_family == AF_INET ? kFamilyInet4 : kFamilyInet6);
    c.mem.store<uint8_t>(rec + ai::kSocktype, it->ai_socktype == SOCK_DGRAM ? kSockDgram : kSockStream);
    c.mem.store<uint8_t>(rec + ai::kProtocol, it->ai_protocol == IPPROTO_UDP   ? ai::kProtoUdp
                                               : it->ai_protocol == IPPROTO_TCP ? ai::kProtoTcp
                                                                                : ai::kProtoIp);
    c.mem.store<uint32_t>(rec + ai::kAddrlen, uint32_t(it->ai_addrlen));
    c.mem.store<uint32_t>(rec + ai::kCanonnameLen, 0);
    // sa_data as in a POSIX sockaddr: port (network order), then the address.
    uint32_t sa = c.mem.load<uint32_t>(rec + ai::kAddr);
    c.mem.store<uint16_t>(sa + ai::kSaFamily, it->ai_family == AF_INET ? kFamilyInet4 : kFamilyInet6);
    uint32_t data_len = c.mem.load<uint32_t>(sa + ai::kSaDataLen);
    uint32_t host_len = uint32_t(it->ai_addrlen) - 2;
    uint32_t n = std::min(data_len, host_len);
    std::memcpy(c.mem.bytes(c.mem.load<uint32_t>(sa + ai::kSaData), n).data(),
                reinterpret_cast<const uint8_t*>(it->ai_addr) + 2, n);
    ++count;
    rec = c.mem.load<uint32_t>(rec + ai::kNext);
  }
  c.mem.store<uint32_t>(res_len_ptr, count);
}

constexpr FunctionSpec kFunctions[] = {
    // preview1
    {"sock_accept", "iii", sock_accept_preview1},
    {"sock_recv", "iiiiii", sock_recv},
    {"sock_send", "iiiii", sock_send},
    {"sock_shutdown", "ii", sock_shutdown},
    // WasmEdge
    {"sock_open", "iii", sock_open},
    {"sock_bind", "iii", sock_bind},
    {"sock_listen", "ii", sock_listen},
    {"sock_accept", "ii", sock_accept_wasmedge},
    {"sock_connect", "iii", sock_connect},
    {"sock_recv_from", "iiiiiiii", sock_recv_from},
    {"sock_send_to", "iiiiiii", sock_send_to},
    {"sock_getsockopt", "iiiii", sock_getsockopt},
    {"sock_setsockopt", "iiiii", sock_setsockopt},
    {"sock_getlocaladdr", "iii", sock_getlocaladdr},
    {"sock_getpeeraddr", "iii", sock_getpeeraddr},
    {"sock_getlocaladdr", "iiii", sock_getlocaladdr_legacy},
    {"sock_getpeeraddr", "iiii", sock_getpeeraddr_legacy},
    {"sock_getaddrinfo", "iiiiiiii", sock_getaddrinfo},
};

}  // namespace

std::span<const FunctionSpec> sock_functions() { return kFunctions; }

}  // namespace mywasm::wasi
