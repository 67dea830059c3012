// The in-memory model of a simulated province: units, sites (columns, items, messages,
// surveys, service guides, planted defects), new-media accounts and the open-data portal.
//
// The model is small (no page bodies): `generate` builds it from (seed, as_of, profile,
// rates) and `serve` rebuilds the identical model from the same parameters, then renders any
// page on request from the model plus hashes of (site seed, item id).
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_MODEL_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "tools/simprovince/civil_date.h"

namespace govinspect::simprovince {

enum class Profile { kTiny, kCity, kProvince };
const char* ProfileName(Profile p);

enum class UnitKind : uint8_t { kGovernment, kDepartment, kTown };

struct Unit {
  std::string id;
  std::string name;
  std::string short_name;
  UnitKind kind = UnitKind::kDepartment;
  int parent = -1;
  bool public_service = true;
  std::string open_data_org;  // empty = not expected on the portal
  int open_data_quota = 0;
  std::string city;      // 中山 (or the province name for provincial units)
  std::string division;  // 4420
  std::string domain_base;  // zs.gov.cn
};

enum class Category : uint8_t {
  kNews,
  kNotice,
  kPolicy,
  kInterpretation,
  kPersonnel,
  kPlanning,
  kFinance,
  kProfile,
  kService,
  kConsult,
  kStats,
  kSurvey,
  kFeedback,
};
const char* CategoryId(Category c);  // "news", "notice", ...
// Columns that must be updated (news … finance).
bool IsUpdatingCategory(Category c);
// The newest item must be on or after this day, else the column is not updated.
Day StaleThreshold(Category c, Day as_of);

enum class ListLayout : uint8_t { kUl, kTable, kDiv, kNestedTable };
// kNone: the list shows no date at all (the date is only in the article page or its URL).
enum class DateFormat : uint8_t { kIso, kChinese, kBracketMonthDay, kSlash, kIsoMinute, kDot, kMonthDay, kNone };
const char* DateFormatId(DateFormat f);
// Where a list row shows its date: after the title (sibling span / td), before it, only in the
// anchor's title= attribute, or inside the anchor text.
enum class DatePlace : uint8_t { kAfter, kBefore, kTitleAttr, kInAnchor };
const char* DatePlaceId(DatePlace p);
enum class BlankKind : uint8_t { kNone, kNoInfoText, kZeroItems, kEmptyContainer, kNoDataText, kNotFoundText };
const char* BlankKindId(BlankKind b);
// CMS styles (markup variants); each belongs to one of six families (CmsFamilyId).
enum class CmsStyle : uint8_t { kTrs, kIntensive, kHashed, kJavaAction, kHanweb, kEpoint, kPhpcms, kDedecms, kLegacyTable };
inline constexpr int kCmsStyles = 9;
const char* CmsStyleId(CmsStyle s);
// trs (trs, hashed), hanweb, intensive, epoint (epoint, java_action), phpcms (phpcms, dedecms),
// legacy_table.
const char* CmsFamilyId(CmsStyle s);
// How "/" reaches the real home page.
enum class HomeKind : uint8_t { kDirect, kMetaRefresh, kScriptRedirect, kRedirect302 };
const char* HomeKindId(HomeKind k);
// How pages write their links: "/a/b.html", relative ("../b.html"), or relative to <base href>.
enum class LinkStyle : uint8_t { kAbsolute, kRelative, kBaseHref };
const char* LinkStyleId(LinkStyle l);
// Where an article page shows its publish date.
enum class ArticleDate : uint8_t { kMetaAndText, kTextOnly, kMetaOnly, kUrlOnly };
const char* ArticleDateId(ArticleDate a);
enum class Charset : uint8_t { kUtf8, kGbkHeaderOnly, kGbkMetaOnly, kGb18030Both };
const char* CharsetId(Charset c);
enum class FailMode : uint8_t { kHttp503, kReset, kTimeout };
const char* FailModeId(FailMode m);

struct Item {
  Day date = kNoDay;
  uint32_t id = 0;
};

// Message elements (bit set of the elements left out of a message detail page).
enum MessageElement : uint8_t {
  kMsgAskTime = 1,
  kMsgReplyUnit = 2,
  kMsgReplyTime = 4,
  kMsgReplyContent = 8,
};

struct Message {
  Day replied = kNoDay;  // kNoDay = not answered
  uint8_t layout = 0;    // 0 table, 1 dl, 2 labelled p
  uint8_t missing = 0;   // MessageElement bits
};

struct Survey {
  Day start = kNoDay;
  Day end = kNoDay;
  bool show_dates = true;
  bool open_after_end = false;  // page still says 进行中 and shows the form after `end`
  int feedback = -1;            // index into the feedback column's items
};

// The eight elements of a service guide, in order.
inline constexpr int kGuideElements = 8;
const char* GuideElementName(int i);  // 事项名称 …

struct Column {
  std::string name;
  std::string slug;     // tzgg
  std::string section;  // xxgk
  Category category = Category::kNews;
  ListLayout layout = ListLayout::kUl;
  DateFormat date_format = DateFormat::kIso;
  DatePlace date_place = DatePlace::kAfter;
  BlankKind blank = BlankKind::kNone;
  bool script_pager_only = false;  // TRS: pagination only by createPageHTML(), no 下一页 anchor
  bool merged = false;             // kFeedback listed inside the survey column (no list of its own)
  uint32_t column_id = 0;    // numeric id (Java-style URLs)
  std::vector<Item> items;   // newest first
  std::vector<Message> messages;        // kConsult, parallel to items (item.date = asked)
  std::vector<Survey> surveys;          // kSurvey, parallel to items (item.date = published)
  std::vector<Day> document_dates;      // kFeedback, parallel to items (成文日期)
  std::vector<uint8_t> guide_missing;   // kService, parallel to items (bit i = element i absent)
  int profile_year = 0;                 // kProfile
};

// Something planted into a page or post.
enum class InjectKind : uint8_t {
  kExpressionError,
  kSensitiveWord,
  kAbolishedName,
  kAbolishedNameTrap,  // old name in a page published before the reform (correct there)
  kIdNumber,           // full 18-digit ID number in a published list
  kIdNumberMasked,     // masked ID number (trap)
  kMobile,
  kMobileMasked,       // trap
  kBrokenLink,
  kMissingImage,
  kMissingAttachment,
};

struct Injection {
  InjectKind kind;
  int column = -1;  // -1 = the home page (sites); for accounts: unused
  int item = -1;    // item index in the column (sites) or post index (accounts)
  std::string text;  // planted text, or the anchor text of a link
  std::string path;  // for links/images/attachments: the absent path (starts with '/')
  std::string place;  // abolished names: the place written in front (中山市)
};

inline constexpr int kFooterItems = 7;
const char* FooterItemId(int i);    // site_code, icp, police, badge, sponsor, sitemap, error_report
const char* FooterItemName(int i);  // 网站标识码 …

struct Site {
  std::string id;
  std::string name;
  std::string host;
  std::vector<std::string> extra_hosts;
  int unit = -1;
  bool portal = false;
  std::string site_code;
  uint64_t seed = 0;
  CmsStyle style = CmsStyle::kTrs;
  Charset charset = Charset::kUtf8;
  bool nav_only_home = false;
  HomeKind home_kind = HomeKind::kDirect;
  std::string real_home_path;  // the home page's own path when "/" only forwards to it
  LinkStyle link_style = LinkStyle::kAbsolute;
  ArticleDate article_date = ArticleDate::kMetaAndText;
  bool nav_sections = false;    // the navigation shows sections, not every column
  bool catalogue_tree = false;  // open-government columns reached through a 信息公开目录 tree page
  // Footer furniture drawn by scripts (present in a browser): 党政机关 badge (0 image link,
  // 1 conac script, 2 script written by document.write(unescape(…))); 找错 (0 image link,
  // 1 zfwzgl script tag, 2 kaipuyun script with a fallback span, 3 loadScripts({…}) call).
  uint8_t badge_form = 0;
  uint8_t jiucuo_form = 0;
  bool sitemap_zhandian = false;  // 站点地图 instead of 网站地图
  bool has_search = true;
  bool has_viewport = true;
  uint8_t footer_missing = 0;  // bit i = FooterItemId(i) absent
  bool domain_irregular = false;
  uint32_t fail_ppm = 0;       // home-page failure ratio, parts per million
  FailMode fail_mode = FailMode::kHttp503;
  bool consult_via_portal = false;  // no board of its own, links to the city portal's board
  int consult_portal_site = -1;
  bool consult_via_12345 = false;     // no board of its own, links to the city's 12345 platform
  bool complaint_mailbox_only = false;  // no channel; only a 纪检/信访 mailbox (not consultation)
  std::string consult_name;           // 政务咨询 / 局长信箱 / 镇长信箱 …
  bool service_via_province = false;
  bool feedback_in_survey_column = false;  // 征集结果反馈 items listed in the survey column  // 办事服务 links to the province's 政务服务网
  std::string city_domain;            // the city's domain base (12345 platform host)
  bool healthy = false;        // generated with no defects at all
  std::vector<Column> columns;
  std::vector<Injection> injections;
  // Traps the truth records as must-not-report (beyond injections).
  std::vector<std::pair<int, int>> holiday_trap_messages;  // (column, item)
  int bracket_trap_column = -1;
  bool no_service_trap = false;  // no 办事服务 but the unit has no public-service duties

  int FindColumn(Category c) const;
};

enum class Platform : uint8_t { kWechat, kWeibo, kDouyin, kToutiao };
inline constexpr int kPlatforms = 4;
const char* PlatformId(Platform p);    // wechat …
const char* PlatformName(Platform p);  // 微信公众号 …

enum class AccountStatus : uint8_t { kActive, kClosed, kDeleted };
const char* AccountStatusId(AccountStatus s);

struct Post {
  Day date = kNoDay;
  uint32_t id = 0;
  uint16_t minute_of_day = 0;
};

struct Account {
  std::string registry_id;  // account_id in accounts.csv; generated even when unfiled
  bool in_registry = true;
  int unit = -1;
  Platform platform = Platform::kWechat;
  std::string platform_id;
  std::string name;
  uint64_t seed = 0;
  Day opened = kNoDay;
  Day filed = kNoDay;
  Day registry_closed = kNoDay;  // closed_date in the filing record
  Day platform_closed = kNoDay;  // when it was closed/deleted on the platform
  AccountStatus status = AccountStatus::kActive;
  bool comments = true;
  bool messages = true;
  bool private_messages = true;
  bool healthy = false;
  std::vector<Post> posts;  // newest first
  std::vector<Injection> injections;  // item = post index
};

struct Resource {
  std::string id;
  std::string name;
  std::string format;  // CSV, XLSX, JSON
  bool broken = false;
};

struct Dataset {
  std::string name;   // CKAN package name
  std::string title;
  std::string id;     // uuid-like
  int unit = -1;
  int frequency_days = 30;
  const char* frequency_name = "每月";
  Day modified = kNoDay;
  Day created = kNoDay;
  int64_t records = 0;
  std::vector<Resource> resources;
};

struct Portal {
  std::string id;
  std::string name;
  std::string host;
  std::vector<Dataset> datasets;
  std::vector<int> organizations;  // units present as CKAN organizations, sorted by org name
};

struct GenerateOptions {
  uint64_t seed = 1;
  Day as_of = 0;
  Profile profile = Profile::kCity;
  // Per-target probabilities by rate name (see DefaultRates()).
  std::map<std::string, double> rates;
};
std::map<std::string, double> DefaultRates();

struct Province {
  GenerateOptions options;
  std::string name;         // 中山市 / 广东省
  std::string region_abbr;  // 粤
  std::vector<Unit> units;
  std::vector<Site> sites;
  std::vector<Account> accounts;
  Portal portal;

  // Lookups (built by Index()).
  absl::flat_hash_map<std::string, int> site_by_host;
  absl::flat_hash_map<std::string, int> account_by_platform_id[kPlatforms];
  void Index();
};

// ---- URLs (shared by the renderer and the truth) ----
std::string SiteOrigin(const Site& s);  // http://host
std::string HomePath(const Site& s);    // "/"
// page 0 is the first list page.
std::string ListPath(const Site& s, int column, int page);
std::string ArticlePath(const Site& s, int column, int item);
std::string ImagePath(const Site& s, int column, int item, int n);
std::string AttachmentPath(const Site& s, int column, int item, int n, const char* ext);
std::string ArticlePathFor(const Site& s, int column, const Item& item);
std::string ImagePathFor(const Site& s, int column, const Item& item, int n);
std::string AttachmentPathFor(const Site& s, int column, const Item& item, int n, const char* ext);
std::string SitemapPath(const Site& s);
std::string SearchPath(const Site& s);
// The 信息公开目录 tree page (sites with catalogue_tree).
std::string CatalogueTreePath(const Site& s);
// Hanweb: list pages after the first exist only as answers of the jpage data proxy.
inline constexpr char kHanwebDataproxyPath[] = "/module/web/jpage/dataproxy.jsp";
bool ListPageHasHtml(const Site& s, int page);
// "/p?b=2&a=1" -> "/p?a=1&b=2" (query parameters sorted), for route lookups.
std::string CanonicalPathQuery(const std::string& path_and_query);
int ItemsPerListPage(const Site& s, int column);
int ListPageCount(const Site& s, int column);
// Rows of a column's list (the survey column also lists merged feedback articles).
int ListEntryCount(const Site& s, int column);
std::string AccountUrl(const Account& a);  // canonical account URL on its platform API host
std::string PostUrl(const Account& a, int post);
std::string PlatformHost(Platform p);      // api.wechat.sim

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_MODEL_H_
