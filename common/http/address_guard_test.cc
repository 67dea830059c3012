#include "common/http/address_guard.h"

#include <gtest/gtest.h>

#include "common/http/robots.h"

namespace govinspect::common {
namespace {

TEST(AddressGuardTest, RefusesPrivateLoopbackLinkLocalAndMetadata) {
  AddressGuard g;
  for (const char* ip : {"10.1.2.3", "127.0.0.1", "127.8.9.1", "169.254.169.254", "172.16.0.1",
                         "172.31.255.255", "192.168.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                         "::1", "::", "fd00:ec2::254", "fe80::1", "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(g.AllowedText(ip)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "202.96.134.133", "172.32.0.1", "2400:3200::1", "11.0.0.1"}) {
    EXPECT_TRUE(g.AllowedText(ip)) << ip;
  }
  EXPECT_FALSE(g.AllowedText("not-an-ip"));
}

TEST(AddressGuardTest, AllowListAndDisabled) {
  AddressGuard g({*ParseIpNetwork("127.0.0.1"), *ParseIpNetwork("10.0.0.0/8")});
  EXPECT_TRUE(g.AllowedText("127.0.0.1"));
  EXPECT_FALSE(g.AllowedText("127.0.0.2"));
  EXPECT_TRUE(g.AllowedText("10.200.1.1"));
  EXPECT_FALSE(g.AllowedText("169.254.169.254"));
  AddressGuard off({}, false);
  EXPECT_TRUE(off.AllowedText("169.254.169.254"));
  EXPECT_FALSE(ParseIpNetwork("10.0.0.0/33").ok());
  EXPECT_FALSE(ParseIpNetwork("example.com").ok());
}

TEST(RobotsTest, GroupsAndLongestMatch) {
  const char* txt =
      "User-agent: *\nDisallow: /admin/\nDisallow: /*.action$\nAllow: /admin/public/\n\n"
      "User-agent: BadBot\nDisallow: /\n";
  RobotsRules r = RobotsRules::Parse(txt, "govinspect");
  EXPECT_TRUE(r.Allowed("/"));
  EXPECT_FALSE(r.Allowed("/admin/x.html"));
  EXPECT_TRUE(r.Allowed("/admin/public/a.html"));
  EXPECT_FALSE(r.Allowed("/News_list.action"));
  EXPECT_TRUE(r.Allowed("/News_list.action?catid=1"));
  RobotsRules bad = RobotsRules::Parse(txt, "badbot");
  EXPECT_FALSE(bad.Allowed("/index.html"));
  EXPECT_TRUE(RobotsRules::Parse("", "x").Allowed("/a"));
  EXPECT_TRUE(RobotsRules::Parse("User-agent: *\nDisallow:\n", "x").Allowed("/a"));
}

}  // namespace
}  // namespace govinspect::common
