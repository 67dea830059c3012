#include "common/csv/csv_reader.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CsvReaderTest, ParsesQuotedFieldsAndTracksLines) {
  auto rows = ParseCsv("\xEF\xBB\xBF" "a,b\n1,\"x, \"\"y\"\"\"\n\n2,\"multi\nline\"\n3,z", "t.csv");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*rows)[1].fields[1], "x, \"y\"");
  EXPECT_EQ((*rows)[1].line, 2);
  EXPECT_EQ((*rows)[2].line, 4);
  EXPECT_EQ((*rows)[2].fields[1], "multi\nline");
  EXPECT_EQ((*rows)[3].line, 6);
  EXPECT_EQ((*rows)[3].fields[1], "z");
}

TEST(CsvReaderTest, ChineseTextAndCrLf) {
  auto rows = ParseCsv("id,名称\r\nzs,中山市人民政府\r\n", "u.csv");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].fields[1], "中山市人民政府");
}

TEST(CsvReaderTest, RejectsGbkNamingTheLine) {
  // "中山" in GBK is D6 D0 C9 BD.
  std::string gbk = "id,name\nzs,ok\nhp,\xD6\xD0\xC9\xBD\n";
  EXPECT_THAT(ParseCsv(gbk, "units.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("units.csv:3: not valid UTF-8")));
}

TEST(CsvReaderTest, RejectsStrayQuotes) {
  EXPECT_THAT(ParseCsv("a,b\n1,x\"y\"z\n", "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("s.csv:2: malformed CSV")));
  EXPECT_THAT(ParseCsv("a,b\n1,\"open\n", "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("s.csv:2")));
}

TEST(CsvReaderTest, Utf8Validator) {
  EXPECT_EQ(FirstInvalidUtf8Line("plain\n中文\n"), 0);
  EXPECT_EQ(FirstInvalidUtf8Line("a\nb\n\xC0\x80"), 3);     // overlong
  EXPECT_EQ(FirstInvalidUtf8Line("\xED\xA0\x80"), 1);       // surrogate
  EXPECT_EQ(FirstInvalidUtf8Line("ok\n\xE4\xB8"), 2);       // truncated
}

}  // namespace
}  // namespace govinspect::common
