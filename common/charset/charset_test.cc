#include "common/charset/charset.h"

#include <gtest/gtest.h>

namespace govinspect::common {
namespace {

std::string Gbk(const std::string& utf8) {
  // Round trip through iconv's GB18030 encoder via a known byte string: 中山 = D6D0 C9BD.
  (void)utf8;
  return "\xD6\xD0\xC9\xBD";
}

TEST(CharsetTest, Labels) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=GBK"), "gbk");
  EXPECT_EQ(CharsetFromContentType("text/html;charset=\"utf-8\""), "utf-8");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(CharsetFromMeta("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"), "gb2312");
  EXPECT_EQ(CharsetFromMeta("<meta charset='UTF-8'>"), "utf-8");
  EXPECT_EQ(CanonicalCharset("GB2312"), "GB18030");
  EXPECT_EQ(CanonicalCharset("x-gbk"), "GB18030");
  EXPECT_EQ(CanonicalCharset("utf8"), "UTF-8");
}

TEST(CharsetTest, DecodesGbkFromHeaderMetaAndDetection) {
  std::string page = "<html><head><title>" + Gbk("中山") + "</title></head><body>" + Gbk("中山") + "</body></html>";
  DecodedText h = DecodeToUtf8(page, "text/html; charset=GBK");
  EXPECT_NE(h.utf8.find("中山"), std::string::npos);
  EXPECT_EQ(h.charset, "GB18030");
  EXPECT_EQ(h.source, "header");
  std::string meta_page = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">" + page;
  DecodedText m = DecodeToUtf8(meta_page, "text/html");
  EXPECT_NE(m.utf8.find("中山"), std::string::npos);
  EXPECT_EQ(m.source, "meta");
  // No declaration at all.
  std::string longer;
  for (int i = 0; i < 50; ++i) longer += "\xD6\xD0\xC9\xBD\xCA\xD0\xC8\xCB\xC3\xF1\xD5\xFE\xB8\xAE";  // 中山市人民政府
  DecodedText d = DecodeToUtf8(longer, "");
  EXPECT_NE(d.utf8.find("中山市人民政府"), std::string::npos);
}

TEST(CharsetTest, LyingHeaderIsCheckedAgainstTheBytes) {
  // UTF-8 body labelled GBK.
  DecodedText a = DecodeToUtf8("<p>中山市人民政府</p>", "text/html; charset=GBK");
  EXPECT_EQ(a.charset, "UTF-8");
  EXPECT_NE(a.utf8.find("中山市人民政府"), std::string::npos);
  // GBK body labelled UTF-8.
  std::string gbk = "<p>" + Gbk("中山") + "</p>";
  DecodedText b = DecodeToUtf8(gbk, "text/html; charset=utf-8");
  EXPECT_NE(b.utf8.find("中山"), std::string::npos);
  EXPECT_TRUE(IsUtf8Document(b.utf8));
}

TEST(CharsetTest, BomAndInvalidBytes) {
  DecodedText a = DecodeToUtf8("\xEF\xBB\xBFhello", "text/html; charset=gbk");
  EXPECT_EQ(a.utf8, "hello");
  EXPECT_EQ(a.source, "bom");
  auto c = ConvertToUtf8("a\xFF\xFE" "b", "GB18030");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(IsUtf8Document(*c));
  EXPECT_FALSE(ConvertToUtf8("x", "NO-SUCH-CHARSET").ok());
  EXPECT_FALSE(IsUtf8Document("\xC0\x80"));
  EXPECT_TRUE(IsUtf8Document("中"));
}

// Found by fuzz/charset_fuzzer.cc (fuzz/regressions/charset/): "converted" text that was not
// UTF-8 — a page cut in the middle of a character was returned as it was, and glibc's
// UTF-8 decoder let a sequence above U+10FFFF through (after a BOM).
TEST(CharsetTest, DecodedTextIsAlwaysWellFormedUtf8) {
  const std::string cut = std::string("<p>防汛通知") + "\xE7\x9F";  // 知 cut after two bytes
  DecodedText a = DecodeToUtf8(cut, "text/html; charset=utf-8");
  EXPECT_EQ(a.charset, "UTF-8");
  EXPECT_EQ(a.utf8, "<p>防汛通知\xEF\xBF\xBD\xEF\xBF\xBD");
  DecodedText b = DecodeToUtf8("\xEF\xBB\xBF<p>\xF5\xAD\x9B\xB4</p>", "text/html");
  EXPECT_EQ(b.source, "bom");
  EXPECT_EQ(b.utf8, "<p>\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD</p>");
  auto c = ConvertToUtf8("a\xED\xA0\x80z\xC0\xAF", "utf8");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD");
  // Still detected as UTF-8 (a truncated page), not as GB18030.
  EXPECT_TRUE(IsUtf8Document(cut));
}

}  // namespace
}  // namespace govinspect::common
