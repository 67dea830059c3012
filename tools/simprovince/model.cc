#include "tools/simprovince/model.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/simprovince/rng.h"

namespace govinspect::simprovince {

const char* ProfileName(Profile p) {
  switch (p) {
    case Profile::kTiny: return "tiny";
    case Profile::kCity: return "city";
    case Profile::kProvince: return "province";
  }
  return "?";
}

const char* CategoryId(Category c) {
  switch (c) {
    case Category::kNews: return "news";
    case Category::kNotice: return "notice";
    case Category::kPolicy: return "policy";
    case Category::kInterpretation: return "interpretation";
    case Category::kPersonnel: return "personnel";
    case Category::kPlanning: return "planning";
    case Category::kFinance: return "finance";
    case Category::kProfile: return "profile";
    case Category::kService: return "service";
    case Category::kConsult: return "consultation";
    case Category::kStats: return "message_statistics";
    case Category::kSurvey: return "survey";
    case Category::kFeedback: return "survey_feedback";
  }
  return "?";
}

bool IsUpdatingCategory(Category c) { return static_cast<int>(c) <= static_cast<int>(Category::kFinance); }

Day StaleThreshold(Category c, Day as_of) {
  switch (c) {
    case Category::kNews: return as_of - 14;
    case Category::kNotice:
    case Category::kPolicy:
    case Category::kInterpretation: return AddMonths(as_of, -6);
    default: return AddMonths(as_of, -12);
  }
}

const char* DateFormatId(DateFormat f) {
  switch (f) {
    case DateFormat::kIso: return "iso";
    case DateFormat::kChinese: return "chinese";
    case DateFormat::kBracketMonthDay: return "bracket_month_day";
    case DateFormat::kSlash: return "slash";
    case DateFormat::kIsoMinute: return "iso_minute";
    case DateFormat::kDot: return "dot";
    case DateFormat::kMonthDay: return "month_day";
    case DateFormat::kNone: return "undated";
  }
  return "?";
}

const char* DatePlaceId(DatePlace p) {
  switch (p) {
    case DatePlace::kAfter: return "after";
    case DatePlace::kBefore: return "before";
    case DatePlace::kTitleAttr: return "title_attribute";
    case DatePlace::kInAnchor: return "in_anchor";
  }
  return "?";
}

const char* HomeKindId(HomeKind k) {
  switch (k) {
    case HomeKind::kDirect: return "direct";
    case HomeKind::kMetaRefresh: return "meta_refresh";
    case HomeKind::kScriptRedirect: return "script_redirect";
    case HomeKind::kRedirect302: return "redirect_302";
  }
  return "?";
}

const char* LinkStyleId(LinkStyle l) {
  switch (l) {
    case LinkStyle::kAbsolute: return "absolute";
    case LinkStyle::kRelative: return "relative";
    case LinkStyle::kBaseHref: return "base_href";
  }
  return "?";
}

const char* ArticleDateId(ArticleDate a) {
  switch (a) {
    case ArticleDate::kMetaAndText: return "meta_and_text";
    case ArticleDate::kTextOnly: return "text_only";
    case ArticleDate::kMetaOnly: return "meta_only";
    case ArticleDate::kUrlOnly: return "url_only";
  }
  return "?";
}

const char* BlankKindId(BlankKind b) {
  switch (b) {
    case BlankKind::kNone: return "none";
    case BlankKind::kNoInfoText: return "no_info_text";
    case BlankKind::kZeroItems: return "zero_items";
    case BlankKind::kEmptyContainer: return "empty_container";
    case BlankKind::kNoDataText: return "no_data_text";
    case BlankKind::kNotFoundText: return "not_found_text";
  }
  return "?";
}

const char* CmsStyleId(CmsStyle s) {
  switch (s) {
    case CmsStyle::kTrs: return "trs";
    case CmsStyle::kIntensive: return "intensive";
    case CmsStyle::kHashed: return "hashed";
    case CmsStyle::kJavaAction: return "java_action";
    case CmsStyle::kHanweb: return "hanweb";
    case CmsStyle::kEpoint: return "epoint";
    case CmsStyle::kPhpcms: return "phpcms";
    case CmsStyle::kDedecms: return "dedecms";
    case CmsStyle::kLegacyTable: return "legacy_table";
  }
  return "?";
}

const char* CmsFamilyId(CmsStyle s) {
  switch (s) {
    case CmsStyle::kTrs:
    case CmsStyle::kHashed: return "trs";
    case CmsStyle::kHanweb: return "hanweb";
    case CmsStyle::kIntensive: return "intensive";
    case CmsStyle::kEpoint:
    case CmsStyle::kJavaAction: return "epoint";
    case CmsStyle::kPhpcms:
    case CmsStyle::kDedecms: return "phpcms";
    case CmsStyle::kLegacyTable: return "legacy_table";
  }
  return "?";
}

const char* CharsetId(Charset c) {
  switch (c) {
    case Charset::kUtf8: return "utf-8";
    case Charset::kGbkHeaderOnly: return "gbk_header_only";
    case Charset::kGbkMetaOnly: return "gb2312_meta_only";
    case Charset::kGb18030Both: return "gb18030";
  }
  return "?";
}

const char* FailModeId(FailMode m) {
  switch (m) {
    case FailMode::kHttp503: return "http_503";
    case FailMode::kReset: return "connection_reset";
    case FailMode::kTimeout: return "timeout";
  }
  return "?";
}

const char* GuideElementName(int i) {
  static const char* kNames[kGuideElements] = {"事项名称", "设定依据", "申请条件", "办理材料",
                                               "办理地点", "办理时间", "联系电话", "办理流程"};
  return kNames[i];
}

const char* FooterItemId(int i) {
  static const char* kIds[kFooterItems] = {"site_code", "icp", "police", "badge",
                                           "sponsor", "sitemap", "error_report"};
  return kIds[i];
}
const char* FooterItemName(int i) {
  static const char* kNames[kFooterItems] = {"网站标识码", "ICP备案", "公安机关备案", "党政机关标识",
                                             "主办单位", "网站地图", "我为政府网站找错"};
  return kNames[i];
}

int Site::FindColumn(Category c) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].category == c) return static_cast<int>(i);
  }
  return -1;
}

const char* PlatformId(Platform p) {
  switch (p) {
    case Platform::kWechat: return "wechat";
    case Platform::kWeibo: return "weibo";
    case Platform::kDouyin: return "douyin";
    case Platform::kToutiao: return "toutiao";
  }
  return "?";
}
const char* PlatformName(Platform p) {
  switch (p) {
    case Platform::kWechat: return "微信公众号";
    case Platform::kWeibo: return "新浪微博";
    case Platform::kDouyin: return "抖音";
    case Platform::kToutiao: return "今日头条";
  }
  return "?";
}
const char* AccountStatusId(AccountStatus s) {
  switch (s) {
    case AccountStatus::kActive: return "active";
    case AccountStatus::kClosed: return "closed";
    case AccountStatus::kDeleted: return "deleted";
  }
  return "?";
}

std::map<std::string, double> DefaultRates() {
  return {
      // fraction of sites / accounts generated with no defect at all
      {"healthy_site", 0.12},
      {"healthy_account", 0.5},
      // sites
      {"site_unreachable", 0.02},
      {"site_flaky_ok", 0.03},
      {"home_not_updated", 0.03},
      {"column_not_updated", 0.25},
      {"columns_veto", 0.03},
      {"blank_column", 0.15},
      {"blank_veto", 0.02},
      {"broken_link", 0.30},
      {"missing_image", 0.15},
      {"missing_attachment", 0.15},
      {"expression_error", 0.03},
      {"sensitive_word", 0.01},
      {"abolished_name", 0.05},
      {"privacy_id_number", 0.03},
      {"privacy_mobile", 0.03},
      {"message_unanswered", 0.04},
      {"reply_late", 0.15},
      {"message_missing_elements", 0.10},
      {"no_message_statistics", 0.20},
      {"no_consultation_channel", 0.03},
      {"survey_too_few", 0.30},
      {"survey_no_dates", 0.05},
      {"survey_feedback_late", 0.08},
      {"survey_feedback_missing", 0.08},
      {"survey_feedback_before_document", 0.03},
      {"survey_open_after_end", 0.03},
      {"no_survey_column", 0.08},
      {"profile_stale", 0.15},
      {"domain_irregular", 0.03},
      {"footer_missing", 0.05},  // per footer item
      {"no_search", 0.05},
      {"no_viewport", 0.10},
      {"service_guide_incomplete", 0.10},
      {"service_veto", 0.02},
      {"no_service", 0.02},
      // traps (must not be reported)
      {"trap_masked_number", 0.10},
      {"trap_abolished_old", 0.10},
      {"trap_holiday_reply", 0.20},
      {"trap_bracket_date", 0.10},
      // accounts
      {"account_not_updated", 0.05},
      {"account_dormant", 0.02},
      {"account_no_interaction", 0.02},
      {"account_expression_error", 0.01},
      {"account_sensitive_word", 0.005},
      {"account_abolished_name", 0.01},
      {"account_privacy", 0.01},
      {"account_unfiled", 0.02},
      {"account_closed_not_deregistered", 0.01},
      {"account_filed_late", 0.03},
      {"account_duplicate_platform", 0.02},  // per unit
      // open data (per unit on the portal)
      {"opendata_below_quota", 0.15},
      {"opendata_stale_dataset", 0.10},
      {"opendata_zero_records", 0.05},
      {"opendata_not_connected", 0.03},
      {"opendata_resource_broken", 0.05},
  };
}

void Province::Index() {
  site_by_host.clear();
  for (size_t i = 0; i < sites.size(); ++i) {
    site_by_host[sites[i].host] = static_cast<int>(i);
    for (const std::string& h : sites[i].extra_hosts) site_by_host[h] = static_cast<int>(i);
  }
  for (auto& m : account_by_platform_id) m.clear();
  for (size_t i = 0; i < accounts.size(); ++i) {
    account_by_platform_id[static_cast<int>(accounts[i].platform)][accounts[i].platform_id] =
        static_cast<int>(i);
  }
}

// ---------------------------------------------------------------------------- URLs

std::string SiteOrigin(const Site& s) { return absl::StrCat("http://", s.host); }
std::string HomePath(const Site&) { return "/"; }

namespace {

std::string Hex(uint64_t v, int digits) {
  std::string out;
  static const char kHex[] = "0123456789abcdef";
  const uint64_t seed = v;
  for (int i = 0; i < digits; ++i) {
    out.push_back(kHex[v & 15]);
    v >>= 4;
    if ((i & 15) == 15) v = SplitMix64(seed + static_cast<uint64_t>(i));
  }
  return out;
}

bool IsOpenGovCategory(Category c) {
  switch (c) {
    case Category::kNotice:
    case Category::kPolicy:
    case Category::kInterpretation:
    case Category::kPersonnel:
    case Category::kPlanning:
    case Category::kFinance:
    case Category::kFeedback: return true;
    default: return false;
  }
}

}  // namespace

int ItemsPerListPage(const Site& s, int) {
  switch (s.style) {
    case CmsStyle::kTrs: return 20;
    case CmsStyle::kIntensive: return 20;
    case CmsStyle::kHashed: return 15;
    case CmsStyle::kJavaAction: return 25;
    case CmsStyle::kHanweb: return 15;
    case CmsStyle::kEpoint: return 15;
    case CmsStyle::kPhpcms: return 20;
    case CmsStyle::kDedecms: return 20;
    case CmsStyle::kLegacyTable: return 20;
  }
  return 20;
}

bool ListPageHasHtml(const Site& s, int page) { return page == 0 || s.style != CmsStyle::kHanweb; }

std::string CanonicalPathQuery(const std::string& pq) {
  size_t q = pq.find('?');
  if (q == std::string::npos) return pq;
  std::vector<std::string> params;
  size_t start = q + 1;
  while (start <= pq.size()) {
    size_t amp = pq.find('&', start);
    if (amp == std::string::npos) amp = pq.size();
    if (amp > start) params.push_back(pq.substr(start, amp - start));
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out = pq.substr(0, q + 1);
  for (size_t i = 0; i < params.size(); ++i) absl::StrAppend(&out, i ? "&" : "", params[i]);
  return out;
}

int ListEntryCount(const Site& s, int column) {
  const Column& c = s.columns[column];
  int n = static_cast<int>(c.items.size());
  if (c.category == Category::kSurvey && s.feedback_in_survey_column) {
    int fc = s.FindColumn(Category::kFeedback);
    if (fc >= 0) n += static_cast<int>(s.columns[fc].items.size());
  }
  return n;
}

int ListPageCount(const Site& s, int column) {
  int per = ItemsPerListPage(s, column);
  int n = ListEntryCount(s, column);
  return n == 0 ? 1 : (n + per - 1) / per;
}

std::string ListPath(const Site& s, int column, int page) {
  const Column& c = s.columns[column];
  switch (s.style) {
    case CmsStyle::kTrs:
      return page == 0 ? absl::StrCat("/", c.section, "/", c.slug, "/index.html")
                       : absl::StrCat("/", c.section, "/", c.slug, "/index_", page, ".html");
    case CmsStyle::kIntensive:
      return page == 0 ? absl::StrCat("/", c.section, "/", c.slug, "/index.html")
                       : absl::StrCat("/", c.section, "/", c.slug, "/index_", page + 1, ".html");
    case CmsStyle::kHashed:
      return page == 0 ? absl::StrCat("/", c.slug, "/list.htm")
                       : absl::StrCat("/", c.slug, "/list_", page + 1, ".htm");
    case CmsStyle::kJavaAction:
      return page == 0 ? absl::StrCat("/News_list.action?catid=", c.column_id)
                       : absl::StrCat("/News_list.action?catid=", c.column_id, "&pageNum=", page + 1);
    case CmsStyle::kHanweb:
      // Pages after the first: the data proxy's records (a POST in a browser).
      return page == 0 ? absl::StrCat("/col/col", c.column_id, "/index.html")
                       : absl::StrCat(kHanwebDataproxyPath, "?startrecord=", page * 15 + 1, "&endrecord=", (page + 1) * 15,
                                      "&perpage=15&columnid=", c.column_id);
    case CmsStyle::kEpoint:
      return page == 0 ? absl::StrCat("/content/column/", c.column_id)
                       : absl::StrCat("/content/column/", c.column_id, "?pageIndex=", page + 1);
    case CmsStyle::kPhpcms:
      return page == 0 ? absl::StrCat("/index.php?m=content&c=index&a=lists&catid=", c.column_id)
                       : absl::StrCat("/index.php?m=content&c=index&a=lists&catid=", c.column_id, "&page=", page + 1);
    case CmsStyle::kDedecms:
      return page == 0 ? absl::StrCat("/a/", c.slug, "/")
                       : absl::StrCat("/a/", c.slug, "/list_", c.column_id, "_", page + 1, ".html");
    case CmsStyle::kLegacyTable:
      return page == 0 ? absl::StrCat("/Article/ShowClass.asp?ClassID=", c.column_id)
                       : absl::StrCat("/Article/ShowClass.asp?ClassID=", c.column_id, "&page=", page + 1);
  }
  return "/";
}

std::string ArticlePath(const Site& s, int column, int item) {
  return ArticlePathFor(s, column, s.columns[column].items[item]);
}

std::string ArticlePathFor(const Site& s, int column, const Item& it) {
  const Column& c = s.columns[column];
  switch (s.style) {
    case CmsStyle::kTrs:
      return absl::StrCat("/", c.section, "/", c.slug, "/", FormatYearMonth(it.date), "/t",
                          FormatCompact(it.date), "_", it.id, ".html");
    case CmsStyle::kIntensive:
      return absl::StrCat("/", c.section, "/content/post_", it.id, ".html");
    case CmsStyle::kHashed:
      return absl::StrCat("/", FormatYearMonth(it.date), "/", Hex(Mix(s.seed, it.id), 32), ".htm");
    case CmsStyle::kJavaAction:
      if (c.category == Category::kConsult) {
        return absl::StrCat("/Message_show.action?msgid=", it.id);
      }
      return absl::StrCat(IsOpenGovCategory(c.category) ? "/News_showGkmlNews.action?messagekey="
                                                        : "/News_showNews.action?messagekey=",
                          it.id);
    case CmsStyle::kHanweb: {
      Ymd y = YmdFromDay(it.date);
      return absl::StrCat("/art/", y.year, "/", y.month, "/", y.day, "/art_", c.column_id, "_", it.id, ".html");
    }
    case CmsStyle::kEpoint: return absl::StrCat("/content/post/", it.id, ".shtml");
    case CmsStyle::kPhpcms:
      return absl::StrCat("/index.php?m=content&c=index&a=show&catid=", c.column_id, "&id=", it.id);
    case CmsStyle::kDedecms: return absl::StrCat("/a/", c.slug, "/", FormatCompact(it.date), "/", it.id, ".html");
    case CmsStyle::kLegacyTable: return absl::StrCat("/Article/ShowArticle.asp?ArticleID=", it.id);
  }
  return "/";
}

std::string ImagePath(const Site& s, int column, int item, int n) {
  return ImagePathFor(s, column, s.columns[column].items[item], n);
}

std::string ImagePathFor(const Site& s, int column, const Item& it, int n) {
  const Column& c = s.columns[column];
  switch (s.style) {
    case CmsStyle::kTrs:
      return absl::StrCat("/", c.section, "/", c.slug, "/", FormatYearMonth(it.date), "/W0",
                          FormatCompact(it.date), it.id, n, ".jpg");
    case CmsStyle::kIntensive:
      return absl::StrCat("/img/0/", it.id % 1000, "/", it.id, "/", n, ".jpg");
    case CmsStyle::kHashed:
      return absl::StrCat("/uploadfiles/", FormatYearMonth(it.date), "/", Hex(Mix(s.seed, it.id, 7), 16), n,
                          ".jpg");
    case CmsStyle::kJavaAction:
      return absl::StrCat("/upload/images/", YmdFromDay(it.date).year, "/", it.id, "_", n, ".jpg");
    case CmsStyle::kHanweb: return absl::StrCat("/picture/0/", Hex(Mix(s.seed, it.id, 7), 24), n, ".jpg");
    case CmsStyle::kEpoint: return absl::StrCat("/upload/", FormatYearMonth(it.date), "/", it.id, "_", n, ".jpg");
    case CmsStyle::kPhpcms:
      return absl::StrCat("/uploadfile/", YmdFromDay(it.date).year, "/", FormatCompact(it.date).substr(4), "/", it.id, n, ".jpg");
    case CmsStyle::kDedecms: return absl::StrCat("/uploads/allimg/", FormatCompact(it.date).substr(2), "/", it.id, "-", n, ".jpg");
    case CmsStyle::kLegacyTable: return absl::StrCat("/UploadFiles/", FormatYearMonth(it.date), "/", it.id, n, ".jpg");
  }
  return "/";
}

std::string AttachmentPath(const Site& s, int column, int item, int n, const char* ext) {
  return AttachmentPathFor(s, column, s.columns[column].items[item], n, ext);
}

std::string AttachmentPathFor(const Site& s, int column, const Item& it, int n, const char* ext) {
  const Column& c = s.columns[column];
  switch (s.style) {
    case CmsStyle::kTrs:
      return absl::StrCat("/", c.section, "/", c.slug, "/", FormatYearMonth(it.date), "/P0",
                          FormatCompact(it.date), it.id, n, ".", ext);
    case CmsStyle::kIntensive:
      return absl::StrCat("/attachment/0/", it.id % 1000, "/", it.id, "/", n, ".", ext);
    case CmsStyle::kHashed:
      return absl::StrCat("/uploadfiles/", FormatYearMonth(it.date), "/", Hex(Mix(s.seed, it.id, 9), 16), n,
                          ".", ext);
    case CmsStyle::kJavaAction:
      return absl::StrCat("/upload/files/", YmdFromDay(it.date).year, "/", it.id, "_", n, ".", ext);
    case CmsStyle::kHanweb: return absl::StrCat("/attach/0/", Hex(Mix(s.seed, it.id, 9), 24), n, ".", ext);
    case CmsStyle::kEpoint: return absl::StrCat("/upload/", FormatYearMonth(it.date), "/", it.id, "_", n, ".", ext);
    case CmsStyle::kPhpcms:
      return absl::StrCat("/uploadfile/", YmdFromDay(it.date).year, "/", FormatCompact(it.date).substr(4), "/", it.id, n, ".", ext);
    case CmsStyle::kDedecms: return absl::StrCat("/uploads/soft/", FormatCompact(it.date).substr(2), "/", it.id, "-", n, ".", ext);
    case CmsStyle::kLegacyTable: return absl::StrCat("/UploadFiles/", FormatYearMonth(it.date), "/", it.id, n, ".", ext);
  }
  return "/";
}

std::string SitemapPath(const Site& s) {
  switch (s.style) {
    case CmsStyle::kHashed: return "/sitemap.htm";
    case CmsStyle::kJavaAction: return "/Sitemap.action";
    case CmsStyle::kLegacyTable: return "/sitemap.asp";
    case CmsStyle::kPhpcms: return "/index.php?m=content&c=index&a=sitemap";
    default: return "/wzdt/index.html";
  }
}

std::string CatalogueTreePath(const Site& s) {
  switch (s.style) {
    case CmsStyle::kEpoint:
    case CmsStyle::kJavaAction: return absl::StrCat("/site/tpl/2801?organId=", 6600000 + s.seed % 99999);
    case CmsStyle::kHanweb: return "/col/col1229000009/index.html";
    default: return "/xxgkml/index.html";
  }
}

std::string SearchPath(const Site& s) {
  return s.style == CmsStyle::kJavaAction ? "/Search.action" : "/search/index.html";
}

std::string PlatformHost(Platform p) { return absl::StrCat("api.", PlatformId(p), ".sim"); }

std::string AccountUrl(const Account& a) {
  return absl::StrCat("http://", PlatformHost(a.platform), "/v1/accounts/", a.platform_id);
}

std::string PostUrl(const Account& a, int post) {
  return absl::StrCat("http://", PlatformHost(a.platform), "/v1/accounts/", a.platform_id, "/posts/",
                      a.posts[post].id);
}

}  // namespace govinspect::simprovince
