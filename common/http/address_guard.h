#ifndef GOVINSPECT_COMMON_HTTP_ADDRESS_GUARD_H_
#define GOVINSPECT_COMMON_HTTP_ADDRESS_GUARD_H_

// The SSRF guard: which peer addresses a fetch may connect to. Checked on the resolved address
// of every connection (libcurl's open-socket callback), so it also covers DNS names that
// resolve to private addresses and every hop of a redirect chain.

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace govinspect::common {

// One network: IPv4 or IPv6 address bits and a prefix length.
struct IpNetwork {
  int family = AF_INET;  // AF_INET or AF_INET6
  uint8_t bytes[16] = {0};
  int prefix = 32;
};

// Parses "10.0.0.0/8", "127.0.0.1" (a /32), "::1", "fd00::/8".
absl::StatusOr<IpNetwork> ParseIpNetwork(const std::string& text);

class AddressGuard {
 public:
  // `allowed`: networks allowed although they are in a forbidden range. `enabled` false allows
  // everything.
  explicit AddressGuard(std::vector<IpNetwork> allowed = {}, bool enabled = true)
      : allowed_(std::move(allowed)), enabled_(enabled) {}

  // True if the address may be connected to.
  bool Allowed(const sockaddr* addr) const;
  // Same for a textual IP address; false for text that is not an IP address.
  bool AllowedText(const std::string& ip) const;

  // True if `addr` lies in a range the guard refuses by default: loopback, RFC 1918 private,
  // carrier-grade NAT, link-local (169.254/16 incl. the cloud metadata address), "this network",
  // multicast/reserved, IPv6 loopback/unspecified/ULA/link-local, IPv4-mapped forms of these.
  static bool IsForbiddenRange(const IpNetwork& addr);

  void Allow(const IpNetwork& net) { allowed_.push_back(net); }
  bool enabled() const { return enabled_; }

 private:
  bool Check(const IpNetwork& host) const;

  std::vector<IpNetwork> allowed_;
  bool enabled_;
};

// "1.2.3.4" for a sockaddr (v4 or v6).
std::string SockaddrToString(const sockaddr* addr);

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTTP_ADDRESS_GUARD_H_
