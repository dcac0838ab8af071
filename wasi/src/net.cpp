#include "net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <tuple>

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

namespace {

// Digits only, no sign or space, at most `max`.
std::optional<unsigned long> parse_decimal(std::string_view s, unsigned long max) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  unsigned long v = std::stoul(std::string(s));
  if (v > max) return std::nullopt;
  return v;
}

// An IPv4-mapped IPv6 address, as the IPv4 address it maps (bytes 12..15).
bool is_v4_mapped(const uint8_t* a16) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a16, kPrefix, 12) == 0;
}

// "ADDR" or "ADDR/PREFIX" into the rule (family, addr, prefix).
bool parse_range(std::string_view text, bool bracketed, NetRule& r) {
  std::string_view ip = text, bits;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    ip = text.substr(0, slash);
    bits = text.substr(slash + 1);
  }
  const std::string ip_str(ip);
  if (!bracketed && ::inet_pton(AF_INET, ip_str.c_str(), r.addr) == 1) {
    r.family = AF_INET;
    r.prefix = 32;
  } else if (::inet_pton(AF_INET6, ip_str.c_str(), r.addr) == 1) {
    r.family = AF_INET6;
    r.prefix = 128;
  } else {
    return false;
  }
  if (!bits.empty() || text.find('/') != std::string_view::npos) {
    auto p = parse_decimal(bits, r.prefix);
    if (!p) return false;
    r.prefix = unsigned(*p);
  }
  if (r.family == AF_INET6 && is_v4_mapped(r.addr) && r.prefix >= 96) {
    std::memmove(r.addr, r.addr + 12, 4);
    std::memset(r.addr + 4, 0, 12);
    r.family = AF_INET;
    r.prefix -= 96;
  }
  return true;
}

// "PORT" or "LOW-HIGH".
bool parse_ports(std::string_view text, NetRule& r) {
  size_t dash = text.find('-');
  auto lo = parse_decimal(text.substr(0, dash), 65535);
  auto hi = dash == std::string_view::npos ? lo : parse_decimal(text.substr(dash + 1), 65535);
  if (!lo || !hi || *lo > *hi) return false;
  r.port_lo = uint16_t(*lo);
  r.port_hi = uint16_t(*hi);
  return true;
}

bool prefix_equal(const uint8_t* a, const uint8_t* b, unsigned bits) {
  const unsigned whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  if (!rest) return true;
  const uint8_t mask = uint8_t(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

std::optional<NetRule> parse_net_rule(const std::string& text) {
  NetRule r;
  if (text == "*") {
    r.any = true;
    return r;
  }
  std::string_view t = text, range = t, ports;
  bool bracketed = false;
  if (!t.empty() && t.front() == '[') {  // [IPv6[/PREFIX]][:PORTS]
    size_t close = t.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    range = t.substr(1, close - 1);
    std::string_view after = t.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      ports = after.substr(1);
      if (ports.empty()) return std::nullopt;
    }
    bracketed = true;
  } else if (std::count(t.begin(), t.end(), ':') == 1) {  // IPv4[/PREFIX]:PORTS
    size_t colon = t.find(':');
    range = t.substr(0, colon);
    ports = t.substr(colon + 1);
    if (ports.empty()) return std::nullopt;
  }
  if (!parse_range(range, bracketed, r)) return std::nullopt;
  if (!ports.empty() && !parse_ports(ports, r)) return std::nullopt;
  return r;
}

bool NetRule::matches(const SocketAddress& a) const {
  if (any) return true;
  const uint16_t port = a.port();
  if (port < port_lo || port > port_hi) return false;
  const uint8_t* bytes;
  int fam = a.family();
  if (fam == AF_INET) {
    bytes = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_addr);
  } else if (fam == AF_INET6) {
    bytes = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(&a.storage)->sin6_addr);
    if (is_v4_mapped(bytes)) {
      bytes += 12;
      fam = AF_INET;
    }
  } else {
    return false;
  }
  return fam == family && prefix_equal(bytes, addr, prefix);
}

std::optional<NetPolicy> NetPolicy::parse(const std::vector<std::string>& allow, const std::vector<std::string>& deny,
                                          bool allow_dns, std::string* why) {
  NetPolicy p;
  p.allow_dns_ = allow_dns;
  for (auto [texts, rules, flag] : {std::tuple{&allow, &p.allow_, "--allow-net"}, {&deny, &p.deny_, "--deny-net"}}) {
    for (const std::string& text : *texts) {
      auto rule = parse_net_rule(text);
      if (!rule) {
        if (why)
          *why = std::string(flag) + " " + text +
                 ": expected *, IP, IP/PREFIX, IP:PORT, IP:LOW-HIGH, [IPv6]:PORT or [IPv6/PREFIX]:LOW-HIGH";
        return std::nullopt;
      }
      if (rule->any && rules == &p.deny_) p.denies_all_ = true;
      rules->push_back(*rule);
    }
  }
  return p;
}

bool NetPolicy::permits(const SocketAddress& addr) const {
  for (const NetRule& rule : deny_)
    if (rule.matches(addr)) return false;
  if (allow_.empty()) return true;
  for (const NetRule& rule : allow_)
    if (rule.matches(addr)) return true;
  return false;
}

}  // namespace mywasm::wasi
