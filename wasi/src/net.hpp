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

// The --allow-net / --deny-net rules (see mywasm::wasi::Config).
class NetPolicy {
 public:
  NetPolicy(std::vector<std::string> allow, std::vector<std::string> deny)
      : allow_(std::move(allow)), deny_(std::move(deny)) {}
  bool permits(const SocketAddress& addr) const;

 private:
  static bool matches(const std::string& rule, const SocketAddress& addr);
  std::vector<std::string> allow_, deny_;
};

}  // namespace mywasm::wasi
