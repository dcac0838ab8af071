#include "net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cstring>

namespace mywasm::wasi {

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = "?";
  const bool v4 = family() == AF_INET;
  if (v4)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text, sizeof text);
  else
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, text, sizeof text);
  std::string out = v4 ? text : std::string("[").append(text).append("]");
  out.append(":").append(std::to_string(port()));
  return out;
}

void set_tcp_defaults(int host_fd, bool nodelay) {
  if (!nodelay) return;
  int one = 1;
  ::setsockopt(host_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

namespace {

// Parses an IP literal (IPv6 possibly in brackets) with the given port.
std::optional<SocketAddress> from_ip(std::string ip, uint16_t port) {
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (::inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len = sizeof(sockaddr_in);
    return a;
  }
  if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.len = sizeof(sockaddr_in6);
    return a;
  }
  return std::nullopt;
}

std::optional<uint16_t> parse_port(const std::string& s) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  unsigned long v = std::stoul(s);
  if (v > 65535) return std::nullopt;
  return uint16_t(v);
}

}  // namespace

std::optional<SocketAddress> parse_socket_address(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  auto port = parse_port(text.substr(colon + 1));
  if (!port) return std::nullopt;
  return from_ip(text.substr(0, colon), *port);
}

bool NetPolicy::matches(const std::string& rule, const SocketAddress& addr) {
  if (rule == "*") return true;
  // "IP:PORT" must match both; a bare "IP" matches every port.
  std::optional<SocketAddress> want = parse_socket_address(rule);
  bool any_port = false;
  if (!want) {
    want = from_ip(rule, 0);
    any_port = true;
  }
  if (!want || want->family() != addr.family()) return false;
  if (!any_port && want->port() != addr.port()) return false;
  if (addr.family() == AF_INET)
    return std::memcmp(&reinterpret_cast<const sockaddr_in*>(&want->storage)->sin_addr,
                       &reinterpret_cast<const sockaddr_in*>(&addr.storage)->sin_addr, 4) == 0;
  return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&want->storage)->sin6_addr,
                     &reinterpret_cast<const sockaddr_in6*>(&addr.storage)->sin6_addr, 16) == 0;
}

bool NetPolicy::permits(const SocketAddress& addr) const {
  for (const auto& rule : deny_)
    if (matches(rule, addr)) return false;
  if (allow_.empty()) return true;
  for (const auto& rule : allow_)
    if (matches(rule, addr)) return true;
  return false;
}

}  // namespace mywasm::wasi
