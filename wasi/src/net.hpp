// Host socket addresses: parsing "IP:PORT" text (--tcplisten, the network
// policy) and the network policy check shared by bind, connect and send_to.
#pragma once
#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

namespace mywasm::wasi {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t len = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  uint16_t port() const;
  std::string to_string() const;  // "1.2.3.4:80" or "[::1]:80"
};

// "IP:PORT" or "[IPv6]:PORT"; nullopt if malformed.
std::optional<SocketAddress> parse_socket_address(const std::string& text);

// Gives a new TCP socket the options every guest TCP socket starts with
// (Config::tcp_nodelay). Sockets accepted from it inherit them.
void set_tcp_defaults(int host_fd, bool nodelay);

// One --allow-net / --deny-net rule: "*", or an address or CIDR range with
// an optional port or port range:
//   127.0.0.1   10.0.0.0/8   127.0.0.1:8080   10.0.0.0/8:1-1024
//   ::1   fd00::/8   [::1]:8080   [fd00::/8]:1-1024
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address, in a
// rule and in an address checked against it.
struct NetRule {
  bool any = false;  // "*"
  int family = 0;    // AF_INET or AF_INET6
  uint8_t addr[16] = {};
  unsigned prefix = 0;  // leading bits that must match
  uint16_t port_lo = 0, port_hi = 65535;
  bool matches(const SocketAddress& a) const;
};

// Parses a rule strictly; nullopt if it is malformed.
std::optional<NetRule> parse_net_rule(const std::string& text);

// The network policy: deny rules win; a non-empty allow list makes it
// deny-by-default (only what it matches is allowed). Name resolution
// (sock_getaddrinfo) is a network access too: allowed when the policy
// allows by default, or with allow_dns. (Its results are not filtered:
// connecting to a denied one fails with a message naming the address.)
class NetPolicy {
 public:
  NetPolicy() = default;
  // nullopt, with `why` set to one line naming the bad rule, if any rule is malformed.
  static std::optional<NetPolicy> parse(const std::vector<std::string>& allow, const std::vector<std::string>& deny,
                                        bool allow_dns, std::string* why);
  bool permits(const SocketAddress& addr) const;
  bool permits_resolution() const { return allow_dns_ || (allow_.empty() && !denies_all_); }

 private:
  std::vector<NetRule> allow_, deny_;
  bool allow_dns_ = false, denies_all_ = false;
};

}  // namespace mywasm::wasi
