#include "common/text/content_checker.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "common/text/aho_corasick.h"
#include "common/text/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace govinspect::common {
namespace {

using ::govinspect::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::unique_ptr<ContentChecker> DefaultChecker(ContentCheckerOptions options = {}) {
  auto c = ContentChecker::Create(Dictionary::Default(), options);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

std::vector<std::string> Kinds(const std::vector<ContentMatch>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(std::string(ContentKindName(m.kind)) + ":" + m.text);
  return out;
}

const absl::CivilDay kJune2020(2020, 6, 28);

TEST(ContentCheckerTest, DefaultDictionariesLoadAndAreMeaningful) {
  const Dictionary& d = Dictionary::Default();
  EXPECT_GE(d.expression_errors.size(), 30u);
  EXPECT_GE(d.sensitive_words.size(), 20u);
  EXPECT_GE(d.abolished_names.size(), 15u);
}

TEST(ContentCheckerTest, ExpressionErrorInAPostWithCorrectionAndExcerpt) {
  auto checker = DefaultChecker();
  const std::string text =
      "6月28日上午，镇党委召开专题会议。会议强调，要不忘出心、牢记使命，切实把各项工作落到实处。"
      "会后各村（社区）迅速传达学习。";
  auto ms = checker->Check(text, kJune2020);
  ASSERT_THAT(Kinds(ms), ElementsAre("expression_error:不忘出心、牢记使命"));
  EXPECT_EQ(ms[0].detail, "correct: 不忘初心、牢记使命");
  EXPECT_EQ(text.substr(ms[0].offset, ms[0].length), "不忘出心、牢记使命");
  // ±20 characters of context, cut on character boundaries.
  EXPECT_EQ(ms[0].excerpt, "日上午，镇党委召开专题会议。会议强调，要不忘出心、牢记使命，切实把各项工作落到实处。会后各村（社区");
  EXPECT_TRUE(IsValidUtf8(ms[0].excerpt));
}

TEST(ContentCheckerTest, LeaderNameAndTitleErrors) {
  auto checker = DefaultChecker();
  auto ms = checker->Check(
      "全镇上下要更加紧密地团结在以习近平为核心的党中央周围。国务院总里主持召开常务会议。", kJune2020);
  EXPECT_THAT(Kinds(ms), ElementsAre("expression_error:以习近平为核心的党中央",
                                     "expression_error:国务院总里"));
  // The correct wording is not reported.
  EXPECT_THAT(checker->Check("紧密团结在以习近平同志为核心的党中央周围，国务院总理李克强主持会议。",
                             kJune2020),
              IsEmpty());
}

TEST(ContentCheckerTest, LongestMatchWinsWhenOneTermContainsAnother) {
  auto checker = DefaultChecker();
  // 四个意思 is a term of its own and lies inside 增强“四个意思”.
  auto ms = checker->Check("各级党组织要增强“四个意思”，坚定“四个自信”。", kJune2020);
  EXPECT_THAT(Kinds(ms), ElementsAre("expression_error:增强“四个意思”"));
  ms = checker->Check("牢固树立四个意思。", kJune2020);
  EXPECT_THAT(Kinds(ms), ElementsAre("expression_error:四个意思"));
}

TEST(ContentCheckerTest, SensitiveWordsOnASpammedPage) {
  auto checker = DefaultChecker();
  auto ms = checker->Check("最新通知：详情请咨询代开发票，联系QQ：123456。另有办证刻章业务。", kJune2020);
  EXPECT_THAT(Kinds(ms), ElementsAre("sensitive_word:代开发票", "sensitive_word:办证刻章"));
  // Official texts about fighting gambling are not spam.
  EXPECT_THAT(checker->Check("依法严厉打击网络赌博违法犯罪活动。", kJune2020), IsEmpty());
}

TEST(ContentCheckerTest, AbolishedNamesDependOnThePublishDate) {
  auto checker = DefaultChecker();
  const std::string text = "本次工作由市卫生和计划生育局牵头，市国土资源局配合实施。";
  // Before the local reform took effect the names were right.
  EXPECT_THAT(checker->Check(text, absl::CivilDay(2018, 9, 1)), IsEmpty());
  EXPECT_THAT(checker->Check(text, absl::CivilDay(2018, 12, 31)), IsEmpty());
  auto ms = checker->Check(text, absl::CivilDay(2019, 1, 1));
  ASSERT_THAT(Kinds(ms), ElementsAre("abolished_name:卫生和计划生育局", "abolished_name:国土资源局"));
  EXPECT_EQ(ms[0].detail, "correct: 卫生健康局 (invalid since 2019-01-01)");
  // The national commission changed earlier (2018-03-27).
  EXPECT_THAT(Kinds(checker->Check("国家卫生和计划生育委员会发布通知", absl::CivilDay(2018, 5, 1))),
              ElementsAre("abolished_name:国家卫生和计划生育委员会"));
  EXPECT_THAT(checker->Check("国家工商行政管理总局", absl::CivilDay(2018, 4, 9)), IsEmpty());
  EXPECT_THAT(Kinds(checker->Check("国家工商行政管理总局", absl::CivilDay(2018, 4, 10))),
              ElementsAre("abolished_name:国家工商行政管理总局"));
  // Unknown publish date: not reported by default, reported when configured.
  EXPECT_THAT(checker->Check(text, std::nullopt), IsEmpty());
  ContentCheckerOptions strict;
  strict.abolished_when_date_unknown = true;
  EXPECT_EQ(DefaultChecker(strict)->Check(text, std::nullopt).size(), 2u);
}

TEST(ContentCheckerTest, FullIdNumbersAreLeaksMaskedOnesAreNot) {
  auto checker = DefaultChecker();
  auto ms = checker->Check(
      "获奖人员：张伟，身份证号442000199003072216。李娜，身份证号4420001990****2216。", kJune2020);
  ASSERT_THAT(Kinds(ms), ElementsAre("privacy_id_number:442000199003072216"));
  EXPECT_THAT(ms[0].excerpt, HasSubstr("张伟，身份证号442000199003072216。李娜"));
  // Check digit X (upper or lower case).
  EXPECT_THAT(Kinds(checker->Check("证件号码：44200019851231002X；", kJune2020)),
              ElementsAre("privacy_id_number:44200019851231002X"));
  EXPECT_THAT(Kinds(checker->Check("证件号码：44200019851231002x；", kJune2020)),
              ElementsAre("privacy_id_number:44200019851231002x"));
}

TEST(ContentCheckerTest, IdNumberLookalikesAreNotLeaks) {
  auto checker = DefaultChecker();
  // Wrong check digit.
  EXPECT_THAT(checker->Check("身份证号442000199003072217。", kJune2020), IsEmpty());
  // Valid check digit but born after the publish date.
  EXPECT_THAT(checker->Check("编号442000202101010013", kJune2020), IsEmpty());
  EXPECT_THAT(Kinds(checker->Check("编号442000202101010013", absl::CivilDay(2021, 6, 1))),
              ElementsAre("privacy_id_number:442000202101010013"));
  // Part of a longer number (a bank account, an order id).
  EXPECT_THAT(checker->Check("账号6442000199003072216", kJune2020), IsEmpty());
  EXPECT_THAT(checker->Check("流水号442000199003072216001", kJune2020), IsEmpty());
  // Unknown province code 99 with a valid check digit.
  EXPECT_FALSE(IsPlausibleIdNumber("990000199003072216", kJune2020));
  EXPECT_TRUE(IsPlausibleIdNumber("11010519491231002X", kJune2020));
  // 1990-02-30 does not exist.
  EXPECT_FALSE(IsPlausibleIdNumber("44200019900230221X", kJune2020));
}

TEST(ContentCheckerTest, MobileNumbers) {
  auto checker = DefaultChecker();
  EXPECT_THAT(Kinds(checker->Check("联系电话：13812345678。", kJune2020)),
              ElementsAre("privacy_mobile:13812345678"));
  EXPECT_THAT(Kinds(checker->Check("Tel:19912345678", kJune2020)),
              ElementsAre("privacy_mobile:19912345678"));
  // Masked, landline, 12345 hotline, too long, second digit 2.
  EXPECT_THAT(checker->Check("联系电话：138****5678，0760-88312345，12345热线，138123456789，12812345678", kJune2020),
              IsEmpty());
}

TEST(ContentCheckerTest, DedupeAndLimit) {
  auto checker = DefaultChecker();
  std::string text;
  for (int i = 0; i < 50; ++i) text += "代开发票代开发票，";
  EXPECT_EQ(checker->Check(text, kJune2020).size(), 1u);
  ContentCheckerOptions every;
  every.dedupe = false;
  every.max_matches = 30;
  EXPECT_EQ(DefaultChecker(every)->Check(text, kJune2020).size(), 30u);
}

// ------------------------------------------------------------------ adversarial inputs

TEST(ContentCheckerAdversarialTest, EmptyAndTiny) {
  auto checker = DefaultChecker();
  EXPECT_THAT(checker->Check("", kJune2020), IsEmpty());
  EXPECT_THAT(checker->Check("1", kJune2020), IsEmpty());
  EXPECT_THAT(checker->Check(std::string(1, '\0'), kJune2020), IsEmpty());
  EXPECT_THAT(Kinds(checker->Check("13812345678", kJune2020)), ElementsAre("privacy_mobile:13812345678"));
}

TEST(ContentCheckerAdversarialTest, InvalidUtf8AroundAMatchGivesAValidExcerpt) {
  auto checker = DefaultChecker();
  // GBK bytes, a truncated 3-byte sequence, a stray continuation byte, an overlong '/' and a
  // surrogate around a real match.
  std::string text = "\xD6\xD0\xC9\xBD\xCA\xD0\xE4\xB8\x80\xC0\xAF\xED\xA0\x80";
  text += "代开发票";
  text += "\xE4\xB8\xFF\xFE\n\t";
  auto ms = checker->Check(text, kJune2020);
  ASSERT_THAT(Kinds(ms), ElementsAre("sensitive_word:代开发票"));
  EXPECT_TRUE(IsValidUtf8(ms[0].excerpt)) << ms[0].excerpt;
  EXPECT_THAT(ms[0].excerpt, HasSubstr("代开发票"));
  // Nothing but garbage.
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  for (const auto& m : checker->Check(garbage, kJune2020)) EXPECT_TRUE(IsValidUtf8(m.excerpt));
}

TEST(ContentCheckerAdversarialTest, HugeInputIsLinearAndBounded) {
  auto checker = DefaultChecker();
  // 16 MiB of near-misses: every prefix of a term, digit runs of every length, masked numbers.
  std::string chunk = "不忘出心、牢记使代开发1381234567X4420001990****2216国家工商行政管理";
  std::string big;
  while (big.size() < (16u << 20)) big += chunk;
  big += "营商环竟";
  auto ms = checker->Check(big, kJune2020);
  EXPECT_THAT(Kinds(ms), ElementsAre("expression_error:营商环竟"));
  // A page of nothing but matches stops at max_matches.
  ContentCheckerOptions every;
  every.dedupe = false;
  std::string spam;
  while (spam.size() < (4u << 20)) spam += "13812345678 ";
  EXPECT_EQ(DefaultChecker(every)->Check(spam, kJune2020).size(), every.max_matches);
  // One digit run of 4 MiB.
  EXPECT_THAT(checker->Check(std::string(4u << 20, '7'), kJune2020), IsEmpty());
}

TEST(DictionaryTest, ParseErrorsNameFileAndLine) {
  EXPECT_THAT(Dictionary::ParseExpressionErrors("# c\n中华人民共合国\n", "e.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("e.txt:2: want 2")));
  EXPECT_THAT(Dictionary::ParseExpressionErrors("营商环竟\t营商环竟\n", "e.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("the same")));
  EXPECT_THAT(Dictionary::ParseSensitiveWords("代开发票\n\n代开发票\n", "s.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("s.txt:3:")));
  EXPECT_THAT(Dictionary::ParseSensitiveWords("\xB4\xFA\xBF\xAA\n", "s.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not valid UTF-8")));
  EXPECT_THAT(Dictionary::ParseAbolishedNames("国土资源局\t自然资源局\t2019-02-30\n", "a.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a.txt:1:")));
  auto ok = Dictionary::ParseAbolishedNames("\xEF\xBB\xBF国土资源局\t自然资源局\t2019-01-01\r\n", "a.txt");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[0].old_name, "国土资源局");
  EXPECT_EQ((*ok)[0].invalid_since, absl::CivilDay(2019, 1, 1));
  EXPECT_THAT(Dictionary::LoadDirectory("/nonexistent-dir"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(AhoCorasickTest, FindsEveryOccurrenceIncludingOverlaps) {
  AhoCorasick ac({"he", "she", "his", "hers", ""});
  std::vector<std::pair<int, size_t>> found;
  ac.Scan("ushers", [&](int32_t id, size_t end) { found.push_back({id, end}); });
  EXPECT_THAT(found, ElementsAre(std::pair<int, size_t>{1, 4}, std::pair<int, size_t>{0, 4},
                                 std::pair<int, size_t>{3, 6}));
}

TEST(AhoCorasickTest, AgreesWithNaiveSearchOnRandomText) {
  std::vector<std::string> patterns = {"ab", "abc", "bca", "c", "aaa", "cab", "bb"};
  AhoCorasick ac(patterns);
  uint32_t x = 12345;
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    x = x * 1103515245 + 12345;
    text.push_back("abc"[(x >> 16) % 3]);
  }
  std::multiset<std::pair<int, size_t>> got, want;
  ac.Scan(text, [&](int32_t id, size_t end) { got.insert({id, end}); });
  for (size_t p = 0; p < patterns.size(); ++p) {
    for (size_t pos = text.find(patterns[p]); pos != std::string::npos;
         pos = text.find(patterns[p], pos + 1)) {
      want.insert({static_cast<int>(p), pos + patterns[p].size()});
    }
  }
  EXPECT_EQ(got, want);
}

TEST(Utf8Test, BackAndForwardCountCharacters) {
  const std::string s = "a中b文c";
  EXPECT_EQ(Utf8Back(s, s.size(), 2), s.size() - 4);  // "文c"
  EXPECT_EQ(Utf8Forward(s, 0, 2), 4u);                 // "a中"
  EXPECT_EQ(Utf8Back(s, 1, 5), 0u);
  EXPECT_EQ(SanitizeUtf8("a\xFF\nb"), "a\xEF\xBF\xBD b");
}

}  // namespace
}  // namespace govinspect::common
