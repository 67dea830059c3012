// Truth and generated content agree: re-derives truth entries from rendered pages.
#include "tools/simprovince/render.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/api.h"
#include "tools/simprovince/generate.h"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {
namespace {

class TruthAgreesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GenerateOptions o;
    o.seed = 11;
    o.as_of = *ParseIsoDate("2020-06-30");
    o.profile = Profile::kTiny;
    province_ = new Province(*GenerateProvince(o));
    renderer_ = new SiteRenderer(*province_);
    truth_ = new nlohmann::json(BuildTruth(*province_));
  }
  static void TearDownTestSuite() {
    delete truth_;
    delete renderer_;
    delete province_;
  }
  // Fetches an absolute URL of a site; decodes GBK bodies to UTF-8.
  HttpResponse Get(const std::string& url, std::string* utf8 = nullptr) {
    std::string rest = url.substr(7);
    size_t slash = rest.find('/');
    std::string host = rest.substr(0, slash), path = rest.substr(slash);
    auto it = province_->site_by_host.find(host);
    EXPECT_NE(it, province_->site_by_host.end()) << url;
    HttpResponse r = renderer_->Render(it->second, path);
    if (utf8 != nullptr) {
      *utf8 = r.body;
      const Site& s = province_->sites[it->second];
      if (s.charset != Charset::kUtf8 && r.status == 200 && absl::StartsWith(r.content_type, "text/html")) {
        // Decode with iconv in reverse (GB18030 ⊇ GBK).
        iconv_back(r.body, utf8);
      }
    }
    return r;
  }
  static void iconv_back(const std::string& in, std::string* out);

  static Province* province_;
  static SiteRenderer* renderer_;
  static nlohmann::json* truth_;
};
Province* TruthAgreesTest::province_ = nullptr;
SiteRenderer* TruthAgreesTest::renderer_ = nullptr;
nlohmann::json* TruthAgreesTest::truth_ = nullptr;

}  // namespace
}  // namespace govinspect::simprovince

#include <iconv.h>

namespace govinspect::simprovince {
namespace {

void TruthAgreesTest::iconv_back(const std::string& in, std::string* out) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  out->assign(in.size() * 2 + 16, '\0');
  char* ip = const_cast<char*>(in.data());
  size_t il = in.size();
  char* op = out->data();
  size_t ol = out->size();
  size_t r = iconv(cd, &ip, &il, &op, &ol);
  iconv_close(cd);
  ASSERT_NE(r, static_cast<size_t>(-1)) << "body is not GB18030";
  out->resize(out->size() - ol);
}

TEST_F(TruthAgreesTest, EveryPlantedFindingIsVisibleInThePages) {
  int checked = 0;
  for (const auto& t : (*truth_)["targets"]) {
    if (t["type"] != "site") continue;
    for (const auto& f : t["findings"]) {
      const std::string kind = f["kind"], url = f["url"], src = f["source_url"], text = f["text"], date = f["date"];
      std::string body;
      if (kind == "broken_link" || kind == "missing_image" || kind == "missing_attachment") {
        EXPECT_EQ(Get(url).status, 404) << url;
        Get(src, &body);
        std::string path = url.substr(url.find('/', 7));
        EXPECT_TRUE(absl::StrContains(body, absl::StrCat("\"", path, "\""))) << src << " does not link " << path;
        ++checked;
      } else if (kind == "expression_error" || kind == "sensitive_word" || kind == "abolished_name" ||
                 kind == "privacy_id_number" || kind == "privacy_mobile") {
        EXPECT_EQ(Get(src, &body).status, 200);
        EXPECT_TRUE(absl::StrContains(body, text)) << src << " lacks " << text;
        ++checked;
      } else if (kind == "column_not_updated") {
        EXPECT_EQ(Get(url, &body).status, 200);
        Day d = *ParseIsoDate(date);
        bool found = false;
        for (DateFormat fmt : {DateFormat::kIso, DateFormat::kChinese, DateFormat::kBracketMonthDay, DateFormat::kSlash}) {
          found = found || absl::StrContains(body, FormatListDate(d, fmt));
        }
        EXPECT_TRUE(found) << url << " lacks its newest date " << date;
        // Nothing newer than the truth's date on the first list page.
        EXPECT_FALSE(absl::StrContains(body, FormatListDate(d + 1, DateFormat::kIso))) << url;
        ++checked;
      } else if (kind == "blank_column") {
        EXPECT_EQ(Get(url, &body).status, 200);
        EXPECT_FALSE(absl::StrContains(body, "target=\"_blank\" title=")) << url;
        ++checked;
      } else if (kind == "message_unanswered") {
        EXPECT_EQ(Get(url, &body).status, 200);
        EXPECT_TRUE(absl::StrContains(body, "办理中"));
        EXPECT_FALSE(absl::StrContains(body, "答复内容"));
        ++checked;
      } else if (kind == "survey_open_after_end") {
        EXPECT_EQ(Get(url, &body).status, 200);
        EXPECT_TRUE(absl::StrContains(body, "征集状态：进行中"));
        EXPECT_TRUE(absl::StrContains(body, FormatChinese(*ParseIsoDate(date)))) << url;
        ++checked;
      } else if (kind == "survey_no_dates") {
        Get(url, &body);
        EXPECT_FALSE(absl::StrContains(body, "起止时间"));
        ++checked;
      } else if (kind == "service_guide_incomplete") {
        Get(url, &body);
        for (absl::string_view el : absl::StrSplit(std::string(f["detail"]), ',')) {
          EXPECT_FALSE(absl::StrContains(body, absl::StrCat("<th>", el, "</th>"))) << url << " " << el;
        }
        ++checked;
      } else if (kind == "no_viewport") {
        Get(std::string(t["facts"]["home_url"]), &body);
        EXPECT_FALSE(absl::StrContains(body, "name=\"viewport\""));
        ++checked;
      } else if (kind == "no_search") {
        Get(std::string(t["facts"]["home_url"]), &body);
        EXPECT_FALSE(absl::StrContains(body, "name=\"q\""));
        ++checked;
      } else if (kind == "footer_missing_icp") {
        Get(std::string(t["facts"]["home_url"]), &body);
        EXPECT_FALSE(absl::StrContains(body, "ICP备"));
        ++checked;
      }
    }
    for (const auto& f : t["must_not_report"]) {
      std::string body;
      if (f["kind"] == "privacy_id_number") {
        Get(std::string(f["source_url"]), &body);
        EXPECT_TRUE(absl::StrContains(body, std::string(f["text"])));
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40);
}

TEST_F(TruthAgreesTest, CharsetsAreWhatTheTruthSays) {
  int gbk = 0;
  for (const auto& t : (*truth_)["targets"]) {
    if (t["type"] != "site") continue;
    HttpResponse r = Get(std::string(t["facts"]["home_url"]));
    const std::string cs = t["facts"]["charset"];
    if (cs == "utf-8") {
      EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
      EXPECT_TRUE(absl::StrContains(r.body, "<meta charset=\"utf-8\">"));
    } else if (cs == "gbk_header_only") {
      ++gbk;
      EXPECT_EQ(r.content_type, "text/html; charset=GBK");
      EXPECT_FALSE(absl::StrContains(r.body, "charset="));
      std::string utf8;
      iconv_back(r.body, &utf8);
      EXPECT_TRUE(absl::StrContains(utf8, "首页"));
      EXPECT_FALSE(absl::StrContains(r.body, "首页"));  // really not UTF-8
    } else if (cs == "gb2312_meta_only") {
      ++gbk;
      EXPECT_EQ(r.content_type, "text/html");
      EXPECT_TRUE(absl::StrContains(r.body, "charset=gb2312"));
    }
  }
  EXPECT_GE(gbk, 2);
}

TEST_F(TruthAgreesTest, PagesLookReal) {
  const Site& s = province_->sites[0];
  HttpResponse list = renderer_->Render(0, ListPath(s, 0, 0));
  EXPECT_GE(list.body.size(), 30u * 1024);
  EXPECT_LE(list.body.size(), 60u * 1024);
  std::string home3;
  iconv_back(renderer_->Render(3, "/").body, &home3);
  for (const char* needle : {"<meta name=\"SiteName\"", "<meta name=\"SiteIDCode\"", "<meta name=\"ColumnName\"", "网站标识码",
                             "公网安备", "党政机关", "网站地图", "我为政府网站找错", "主办单位"}) {
    EXPECT_TRUE(absl::StrContains(home3, needle)) << needle;
  }
  HttpResponse art = renderer_->Render(0, ArticlePath(s, 0, 0));
  EXPECT_TRUE(absl::StrContains(art.body, "<meta name=\"PubDate\" content=\"" + FormatIso(s.columns[0].items[0].date)));
  EXPECT_EQ(renderer_->Render(0, "/no/such/page.html").status, 404);
  EXPECT_EQ(renderer_->Render(0, "/images/logo.png").content_type, "image/png");
}

}  // namespace
}  // namespace govinspect::simprovince
