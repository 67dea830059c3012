#include "common/json/json_fields.h"

#include <string>

#include <gtest/gtest.h>

namespace govinspect::common {
namespace {

using nlohmann::json;

TEST(JsonFieldsTest, FieldsReadAsTheirKindOrAbsent) {
  const json j = json::parse(R"({"s": "zs-gov", "i": 42, "u": 18446744073709551615, "f": 5.9,
    "big": 5.33333e+45, "ns": " 12 ", "bad": "12a", "t": true, "one": 1, "zero": 0,
    "yes": "Yes", "on": "on", "no": "no", "arr": [1], "obj": {"x": 1}, "null": null})");
  EXPECT_EQ(JsonString(j, "s"), "zs-gov");
  EXPECT_EQ(JsonString(j, "i"), "42");
  EXPECT_EQ(JsonString(j, "f"), "");
  EXPECT_EQ(JsonString(j, "arr"), "");
  EXPECT_EQ(JsonString(j, "missing"), "");
  EXPECT_EQ(JsonString(json::array({1}), "s"), "");

  EXPECT_EQ(JsonInt(j, "i"), 42);
  EXPECT_EQ(JsonInt(j, "u"), -1);    // above int64
  EXPECT_EQ(JsonInt(j, "f"), 5);
  EXPECT_EQ(JsonInt(j, "big"), -1);  // a float outside int64
  EXPECT_EQ(JsonInt(j, "ns"), -1);
  EXPECT_EQ(JsonInt(j, "ns", /*numeric_strings=*/true), 12);
  EXPECT_EQ(JsonInt(j, "bad", /*numeric_strings=*/true), -1);
  EXPECT_EQ(JsonInt(j, "null"), -1);
  EXPECT_EQ(JsonInt(j, "missing"), -1);

  EXPECT_TRUE(JsonBool(j, "t"));
  EXPECT_TRUE(JsonBool(j, "one"));
  EXPECT_FALSE(JsonBool(j, "zero"));
  EXPECT_TRUE(JsonBool(j, "yes"));
  EXPECT_TRUE(JsonBool(j, "on"));
  EXPECT_FALSE(JsonBool(j, "no"));
  EXPECT_FALSE(JsonBool(j, "obj"));
  EXPECT_FALSE(JsonBool(j, "missing"));
}

TEST(JsonFieldsTest, DeepNestingIsDroppedWhileParsing) {
  bool too_deep = true;
  json ok = ParseJsonBounded(R"({"a": [[{"b": 1}]]})", 64, &too_deep);
  EXPECT_FALSE(too_deep);
  EXPECT_EQ(ok["a"][0][0]["b"], 1);

  // 100,000 levels: refused, and the result can be copied and printed without recursing deep.
  std::string deep = "{\"error\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  json d = ParseJsonBounded(deep, 64, &too_deep);
  EXPECT_TRUE(too_deep);
  json copy = d;
  EXPECT_LT(copy.dump().size(), 1000u);

  json bad = ParseJsonBounded("{not json", 64, &too_deep);
  EXPECT_TRUE(bad.is_discarded());
}

}  // namespace
}  // namespace govinspect::common
