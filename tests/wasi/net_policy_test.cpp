// The network policy's rules (wasi/src/net.hpp): strict parsing of
// addresses, CIDR ranges and port ranges, and matching, with IPv4-mapped
// IPv6 addresses taken as their IPv4 form on either side.
#include <gtest/gtest.h>

#include "net.hpp"

namespace mywasm::wasi {
namespace {

SocketAddress addr(const std::string& text) {
  auto a = parse_socket_address(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a ? *a : SocketAddress{};
}

bool rule_matches(const std::string& rule, const std::string& address) {
  auto r = parse_net_rule(rule);
  EXPECT_TRUE(r.has_value()) << rule;
  return r && r->matches(addr(address));
}

TEST(NetPolicyTest, ParsesEveryFormAndRejectsTheRest) {
  for (const char* good : {"*", "127.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "127.0.0.1:80", "127.0.0.1:1-1024",
                           "10.0.0.0/8:443", "::1", "fd00::/8", "[::1]:80", "[fd00::/8]:1-1024", "[::1]",
                           "::ffff:127.0.0.1", "::ffff:10.0.0.0/104", "[::ffff:127.0.0.1]:8080", "1.2.3.4:65535"})
    EXPECT_TRUE(parse_net_rule(good).has_value()) << good;
  for (const char* bad : {"", "garbage", "1.2.3", "1.2.3.4.5", "256.0.0.1", "127.0.0.1/33", "127.0.0.1/", "/8",
                          "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:-1", "127.0.0.1:9-5", "127.0.0.1:1-",
                          "127.0.0.1:+80", "127.0.0.1: 80", "[::1", "::1]:80", "[::1]80", "[::1]:", "fd00::/129",
                          "[127.0.0.1]:80", "**", "127.0.0.1/8/8", "0x7f.0.0.1"})
    EXPECT_FALSE(parse_net_rule(bad).has_value()) << bad;
}

TEST(NetPolicyTest, MatchesRangesPortsAndMappedAddresses) {
  EXPECT_TRUE(rule_matches("127.0.0.0/8", "127.1.2.3:5"));
  EXPECT_FALSE(rule_matches("127.0.0.0/8", "128.0.0.1:5"));
  EXPECT_TRUE(rule_matches("10.0.0.0/9", "10.127.255.255:1"));
  EXPECT_FALSE(rule_matches("10.0.0.0/9", "10.128.0.0:1"));
  EXPECT_TRUE(rule_matches("0.0.0.0/0", "8.8.8.8:53"));
  EXPECT_TRUE(rule_matches("127.0.0.1:1-1024", "127.0.0.1:1024"));
  EXPECT_FALSE(rule_matches("127.0.0.1:1-1024", "127.0.0.1:1025"));
  EXPECT_TRUE(rule_matches("[fd00::/8]:443", "[fdab::1]:443"));
  EXPECT_FALSE(rule_matches("[fd00::/8]:443", "[fe80::1]:443"));
  EXPECT_FALSE(rule_matches("::1", "127.0.0.1:80"));  // families differ
  // An IPv4-mapped address is its IPv4 address, in the address or the rule.
  EXPECT_TRUE(rule_matches("127.0.0.1", "[::ffff:127.0.0.1]:80"));
  EXPECT_TRUE(rule_matches("127.0.0.0/8", "[::ffff:127.9.9.9]:80"));
  EXPECT_TRUE(rule_matches("::ffff:127.0.0.1", "127.0.0.1:80"));
  EXPECT_TRUE(rule_matches("::ffff:10.0.0.0/104", "10.20.30.40:1"));
  EXPECT_FALSE(rule_matches("::ffff:10.0.0.0/104", "11.0.0.1:1"));
  EXPECT_TRUE(rule_matches("*", "[::1]:1"));
}

TEST(NetPolicyTest, DenyWinsAllowListDeniesByDefaultAndResolutionFollows) {
  std::string why;
  auto open = NetPolicy::parse({}, {}, false, &why);
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->permits(addr("1.2.3.4:5")));
  EXPECT_TRUE(open->permits_resolution());

  auto p = NetPolicy::parse({"127.0.0.0/8"}, {"127.0.0.2"}, false, &why);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->permits(addr("127.0.0.1:80")));
  EXPECT_FALSE(p->permits(addr("127.0.0.2:80")));
  EXPECT_FALSE(p->permits(addr("[::ffff:127.0.0.2]:80")));
  EXPECT_FALSE(p->permits(addr("10.0.0.1:80")));  // not on the allow list
  EXPECT_FALSE(p->permits_resolution());
  auto with_dns = NetPolicy::parse({"127.0.0.0/8"}, {}, true, &why);
  ASSERT_TRUE(with_dns);
  EXPECT_TRUE(with_dns->permits_resolution());

  auto none = NetPolicy::parse({}, {"*"}, false, &why);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->permits(addr("127.0.0.1:80")));
  EXPECT_FALSE(none->permits_resolution());

  EXPECT_FALSE(NetPolicy::parse({"127.0.0.1"}, {"nonsense"}, false, &why));
  EXPECT_NE(why.find("--deny-net nonsense: expected"), std::string::npos) << why;
}

}  // namespace
}  // namespace mywasm::wasi
