#include "common/http/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace govinspect::common {
namespace {

bool InNetwork(const IpNetwork& host, const IpNetwork& net) {
  if (host.family != net.family) return false;
  int bits = net.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((host.bytes[i] & mask) != (net.bytes[i] & mask)) return false;
  }
  return true;
}

IpNetwork V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int prefix) {
  IpNetwork n;
  n.family = AF_INET;
  n.bytes[0] = a;
  n.bytes[1] = b;
  n.bytes[2] = c;
  n.bytes[3] = d;
  n.prefix = prefix;
  return n;
}

IpNetwork FromSockaddr(const sockaddr* addr) {
  IpNetwork n;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    n.family = AF_INET;
    std::memcpy(n.bytes, &in->sin_addr, 4);
    n.prefix = 32;
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    n.family = AF_INET6;
    std::memcpy(n.bytes, &in6->sin6_addr, 16);
    n.prefix = 128;
  }
  return n;
}

// ::ffff:a.b.c.d → a.b.c.d
IpNetwork Unmap(const IpNetwork& n) {
  if (n.family != AF_INET6) return n;
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(n.bytes, kMapped, 12) != 0) return n;
  return V4(n.bytes[12], n.bytes[13], n.bytes[14], n.bytes[15], 32);
}

}  // namespace

absl::StatusOr<IpNetwork> ParseIpNetwork(const std::string& text) {
  std::string addr = text;
  int prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    if (!absl::SimpleAtoi(text.substr(slash + 1), &prefix) || prefix < 0) {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": bad prefix length"));
    }
  }
  IpNetwork n;
  if (inet_pton(AF_INET, addr.c_str(), n.bytes) == 1) {
    n.family = AF_INET;
    n.prefix = prefix < 0 ? 32 : prefix;
    if (n.prefix > 32) return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": prefix > 32"));
  } else if (inet_pton(AF_INET6, addr.c_str(), n.bytes) == 1) {
    n.family = AF_INET6;
    n.prefix = prefix < 0 ? 128 : prefix;
    if (n.prefix > 128) return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": prefix > 128"));
  } else {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": not an IP address or network"));
  }
  return n;
}

bool AddressGuard::IsForbiddenRange(const IpNetwork& raw) {
  const IpNetwork a = Unmap(raw);
  static const IpNetwork kV4[] = {
      V4(0, 0, 0, 0, 8),        // "this network"
      V4(10, 0, 0, 0, 8),       // RFC 1918
      V4(100, 64, 0, 0, 10),    // carrier-grade NAT
      V4(127, 0, 0, 0, 8),      // loopback
      V4(169, 254, 0, 0, 16),   // link-local, cloud metadata 169.254.169.254
      V4(172, 16, 0, 0, 12),    // RFC 1918
      V4(192, 0, 0, 0, 24),     // IETF protocol assignments
      V4(192, 168, 0, 0, 16),   // RFC 1918
      V4(198, 18, 0, 0, 15),    // benchmarking
      V4(224, 0, 0, 0, 4),      // multicast
      V4(240, 0, 0, 0, 4),      // reserved, broadcast
  };
  if (a.family == AF_INET) {
    for (const auto& n : kV4) {
      if (InNetwork(a, n)) return true;
    }
    return false;
  }
  // IPv6: unspecified, loopback, ULA fc00::/7, link-local fe80::/10, multicast ff00::/8,
  // the AWS metadata fd00:ec2::254 is inside the ULA range.
  static const uint8_t kZero[16] = {0};
  if (std::memcmp(a.bytes, kZero, 15) == 0 && (a.bytes[15] == 0 || a.bytes[15] == 1)) return true;
  if ((a.bytes[0] & 0xfe) == 0xfc) return true;
  if (a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80) return true;
  if (a.bytes[0] == 0xff) return true;
  return false;
}

bool AddressGuard::Check(const IpNetwork& host) const {
  if (!enabled_) return true;
  const IpNetwork h = Unmap(host);
  for (const auto& n : allowed_) {
    if (InNetwork(h, n) || InNetwork(host, n)) return true;
  }
  return !IsForbiddenRange(h);
}

bool AddressGuard::Allowed(const sockaddr* addr) const {
  if (addr == nullptr) return false;
  if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) return !enabled_;
  return Check(FromSockaddr(addr));
}

bool AddressGuard::AllowedText(const std::string& ip) const {
  auto n = ParseIpNetwork(ip);
  if (!n.ok()) return false;
  return Check(*n);
}

std::string SockaddrToString(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, buf, sizeof buf);
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

}  // namespace govinspect::common
