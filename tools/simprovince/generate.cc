#include "tools/simprovince/generate.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/simprovince/calendar.h"
#include "tools/simprovince/dictionaries.h"
#include "tools/simprovince/names.h"
#include "tools/simprovince/rng.h"
#include "tools/simprovince/text_gen.h"

namespace govinspect::simprovince {

absl::StatusOr<Profile> ParseProfile(absl::string_view s) {
  if (s == "tiny") return Profile::kTiny;
  if (s == "city") return Profile::kCity;
  if (s == "province") return Profile::kProvince;
  return absl::InvalidArgumentError(absl::StrCat("--profile must be tiny|city|province, got \"", s, "\""));
}

namespace {

// What to plant on one site.
struct SitePlan {
  bool unreachable = false, flaky_ok = false, home_stale = false;
  int stale_columns = 0;
  bool columns_veto = false;
  int blank_columns = 0;
  bool blank_veto = false;
  int broken_links = 0, missing_images = 0, missing_attachments = 0;
  int expression_errors = 0, sensitive_words = 0, abolished_names = 0, privacy_ids = 0, privacy_mobiles = 0;
  int unanswered = 0, late = 0, missing_elements = 0;
  bool no_stats = false, no_consult = false;
  bool survey_too_few = false, survey_no_dates = false, survey_fb_late = false, survey_fb_missing = false,
       survey_fb_before_doc = false, survey_open_after_end = false;
  bool profile_stale = false, domain_irregular = false;
  uint8_t footer_missing = 0;
  bool no_search = false, no_viewport = false;
  int guides_incomplete = 0;
  bool service_veto = false, no_service = false;
  // traps
  bool trap_masked = false, trap_abolished_old = false, trap_holiday = false, trap_bracket = false;
  bool no_survey_column = false;
  // fault parameters forced by the tiny profile
  uint32_t forced_ppm = 0;
  int forced_fail_mode = -1;
};

struct AccountPlan {
  bool not_updated = false, dormant = false, no_interaction = false;
  int expression = 0, sensitive = 0, abolished = 0, privacy = 0;
  bool unfiled = false, closed_not_deregistered = false, filed_late = false;
};

class Generator {
 public:
  explicit Generator(const GenerateOptions& o) : opt_(o), as_of_(o.as_of) {
    rates_ = DefaultRates();
    for (const auto& [k, v] : o.rates) rates_[k] = v;
  }

  Province Run();

 private:
  double R(const char* name) const {
    auto it = rates_.find(name);
    return it == rates_.end() ? 0.0 : it->second;
  }
  bool Tiny() const { return opt_.profile == Profile::kTiny; }

  void BuildUnits();
  std::string MakePlaceName(Rng& rng, std::set<std::string>& used_names, std::set<std::string>& used_initials,
                            std::string* initials);
  int AddUnit(Unit u);
  SitePlan RandomSitePlan(Rng& rng, const Unit& u, bool gov);
  SitePlan TinySitePlan(int index);
  void BuildSite(int unit_index, int site_index_in_list);
  void BuildColumns(Site& s, const Unit& u, const SitePlan& plan, Rng& rng);
  void FillUpdatingColumns(Site& s, const SitePlan& plan, Rng& rng, int total_items);
  void FillConsult(Site& s, Column& c, const SitePlan& plan, Rng& rng, int count);
  void FillSurveys(Site& s, const SitePlan& plan, Rng& rng);
  void FillService(Site& s, Column& c, const SitePlan& plan, Rng& rng, int count);
  void PlantContent(Site& s, const SitePlan& plan, Rng& rng);
  void ChooseMarkup(Site& s, const Unit& u, const SitePlan& plan, int list_index);
  void ChooseColumnMarkup(Site& s, Column& c, Rng& rng);
  std::string FakeArticlePath(Site& s, Rng& rng);
  void BuildAccounts();
  void BuildPortal();

  uint32_t NextId(Site& s) { return next_id_[&s - province_.sites.data()]++; }

  GenerateOptions opt_;
  Day as_of_;
  std::map<std::string, double> rates_;
  Province province_;
  std::vector<uint32_t> next_id_;
  std::vector<int> gov_site_of_unit_;  // the portal (gov site) a unit's consultation can link to
};

// ----------------------------------------------------------------------------- units

int Generator::AddUnit(Unit u) {
  province_.units.push_back(std::move(u));
  return static_cast<int>(province_.units.size()) - 1;
}

std::string Generator::MakePlaceName(Rng& rng, std::set<std::string>& used_names,
                                     std::set<std::string>& used_initials, std::string* initials) {
  const auto& chars = PlaceChars();
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const PlaceChar& a = chars[rng.Below(chars.size())];
    const PlaceChar& b = chars[rng.Below(chars.size())];
    if (std::string(a.ch) == b.ch) continue;
    std::string name = std::string(a.ch) + b.ch;
    std::string ini = {a.initial, b.initial};
    if (used_names.count(name) || used_initials.count(ini)) continue;
    used_names.insert(name);
    used_initials.insert(ini);
    *initials = ini;
    return name;
  }
  *initials = absl::StrCat("x", used_names.size());
  return absl::StrCat("新", used_names.size());
}

void Generator::BuildUnits() {
  Rng rng(Mix(opt_.seed, 0x756e697473ULL));
  auto quota = [&](Unit& u) {
    if (rng.Chance(0.1)) return;  // not expected on the portal
    u.open_data_org = u.id;
    u.open_data_quota = static_cast<int>(rng.Range(3, 10));
  };
  auto add_city = [&](const CityName& city, int departments, int towns, bool districts, int parent) {
    Unit gov;
    gov.id = absl::StrCat(city.abbr, "-gov");
    gov.name = absl::StrCat(city.name, "市人民政府");
    gov.short_name = parent < 0 ? "市政府" : absl::StrCat(city.name, "市政府");
    gov.kind = UnitKind::kGovernment;
    gov.parent = parent;
    gov.city = city.name;
    gov.division = city.division;
    gov.domain_base = absl::StrCat(city.abbr, ".gov.cn");
    quota(gov);
    int gov_index = AddUnit(gov);
    const auto& depts = CityDepartments();
    for (int i = 0; i < departments && i < static_cast<int>(depts.size()); ++i) {
      Unit d;
      d.id = absl::StrCat(city.abbr, "-", depts[i].abbr);
      d.name = absl::StrCat(city.name, "市", depts[i].name);
      d.short_name = parent < 0 ? absl::StrCat("市", depts[i].short_name)
                                : absl::StrCat(city.name, "市", depts[i].short_name);
      d.kind = UnitKind::kDepartment;
      d.parent = gov_index;
      d.public_service = depts[i].public_service;
      d.city = city.name;
      d.division = city.division;
      d.domain_base = gov.domain_base;
      quota(d);
      AddUnit(d);
    }
    std::set<std::string> names, inis;
    for (int i = 0; i < towns; ++i) {
      std::string ini;
      std::string place = MakePlaceName(rng, names, inis, &ini);
      Unit t;
      t.city = city.name;
      t.division = city.division;
      t.parent = gov_index;
      t.domain_base = absl::StrCat(city.abbr, ini, ".gov.cn");
      if (districts) {
        const bool county = i % 3 == 2;
        t.id = absl::StrCat(city.abbr, "-", ini, county ? "x" : "q");
        t.name = absl::StrCat(city.name, "市", place, county ? "县" : "区", "人民政府");
        t.short_name = absl::StrCat(city.name, place, county ? "县" : "区");
        t.kind = UnitKind::kGovernment;
      } else {
        const bool street = i % 8 == 7;
        t.id = absl::StrCat(city.abbr, "-", ini, street ? "jd" : "z");
        t.name = street ? absl::StrCat(city.name, "市", place, "街道办事处")
                        : absl::StrCat(city.name, "市", place, "镇人民政府");
        t.short_name = street ? absl::StrCat(place, "街道") : absl::StrCat(place, "镇");
        t.kind = UnitKind::kTown;
      }
      quota(t);
      AddUnit(t);
    }
  };

  switch (opt_.profile) {
    case Profile::kTiny: {
      province_.name = "中山市";
      add_city(Cities()[0], 0, 0, false, -1);
      // Three departments: one with public-service duties, one without, one kept healthy.
      const auto& depts = CityDepartments();
      for (int idx : {17, 25, 22}) {  // 卫生健康局, 金融工作局, 统计局
        Unit d;
        d.id = absl::StrCat("zs-", depts[idx].abbr);
        d.name = absl::StrCat("中山市", depts[idx].name);
        d.short_name = absl::StrCat("市", depts[idx].short_name);
        d.kind = UnitKind::kDepartment;
        d.parent = 0;
        d.public_service = idx == 25 ? false : true;
        d.city = "中山";
        d.division = "4420";
        d.domain_base = "zs.gov.cn";
        d.open_data_org = d.id;
        d.open_data_quota = 4;
        AddUnit(d);
      }
      for (const char* t : {"黄圃", "神湾"}) {
        Unit u;
        u.id = std::string(t) == "黄圃" ? "zs-hpz" : "zs-swz";
        u.name = absl::StrCat("中山市", t, "镇人民政府");
        u.short_name = absl::StrCat(t, "镇");
        u.kind = UnitKind::kTown;
        u.parent = 0;
        u.city = "中山";
        u.division = "4420";
        u.domain_base = std::string(t) == "黄圃" ? "zshp.gov.cn" : "zssw.gov.cn";
        u.open_data_org = u.id;
        u.open_data_quota = 4;
        AddUnit(u);
      }
      province_.units[0].open_data_org = "zs-gov";
      province_.units[0].open_data_quota = 5;
      break;
    }
    case Profile::kCity:
      province_.name = "中山市";
      add_city(Cities()[0], 33, 25, false, -1);
      break;
    case Profile::kProvince: {
      province_.name = "广东省";
      Unit gov;
      gov.id = "gd-gov";
      gov.name = "广东省人民政府";
      gov.short_name = "省政府";
      gov.kind = UnitKind::kGovernment;
      gov.city = "广东";
      gov.division = "4400";
      gov.domain_base = "gd.gov.cn";
      quota(gov);
      AddUnit(gov);
      for (const DeptName& d : ProvinceDepartments()) {
        Unit u;
        u.id = absl::StrCat("gd-", d.abbr);
        u.name = absl::StrCat("广东省", d.name);
        u.short_name = absl::StrCat("省", d.short_name);
        u.kind = UnitKind::kDepartment;
        u.parent = 0;
        u.public_service = d.public_service;
        u.city = "广东";
        u.division = "4400";
        u.domain_base = "gd.gov.cn";
        quota(u);
        AddUnit(u);
      }
      // 587 sites: 43 provincial + 21 cities × (portal + 12 departments + districts).
      const int provincial = static_cast<int>(province_.units.size());
      const int remaining = 587 - provincial;
      const int per_city = remaining / 21, extra = remaining % 21;
      for (int i = 0; i < 21; ++i) {
        int n = per_city + (i < extra ? 1 : 0);
        add_city(Cities()[i], 12, n - 13, true, 0);
      }
      break;
    }
  }
  province_.region_abbr = "粤";
}

// ----------------------------------------------------------------------------- plans

SitePlan Generator::RandomSitePlan(Rng& rng, const Unit& u, bool gov) {
  SitePlan p;
  const bool healthy = rng.Chance(R("healthy_site"));
  auto count = [&](const char* rate, int lo, int hi) { return rng.Chance(R(rate)) ? static_cast<int>(rng.Range(lo, hi)) : 0; };
  // Traps first (healthy sites get them too: they are what must not be reported).
  p.trap_masked = rng.Chance(R("trap_masked_number"));
  p.trap_abolished_old = rng.Chance(R("trap_abolished_old"));
  p.trap_holiday = rng.Chance(R("trap_holiday_reply"));
  p.trap_bracket = rng.Chance(R("trap_bracket_date"));
  p.flaky_ok = rng.Chance(R("site_flaky_ok"));
  if (healthy) return p;
  if (rng.Chance(R("site_unreachable"))) {
    p.unreachable = true;
    p.flaky_ok = false;
    if (rng.Chance(0.1)) {  // completely down: nothing else can be observed
      SitePlan down;
      down.unreachable = true;
      down.forced_ppm = 1000000;
      return down;
    }
  }
  p.home_stale = rng.Chance(R("home_not_updated"));
  p.stale_columns = count("column_not_updated", 1, 2);
  p.columns_veto = rng.Chance(R("columns_veto"));
  p.blank_columns = count("blank_column", 1, 2);
  p.blank_veto = rng.Chance(R("blank_veto"));
  p.broken_links = count("broken_link", 1, 3);
  p.missing_images = count("missing_image", 1, 2);
  p.missing_attachments = count("missing_attachment", 1, 2);
  p.expression_errors = count("expression_error", 1, 1);
  p.sensitive_words = count("sensitive_word", 1, 1);
  p.abolished_names = count("abolished_name", 1, 2);
  p.privacy_ids = count("privacy_id_number", 1, 2);
  p.privacy_mobiles = count("privacy_mobile", 1, 2);
  p.unanswered = count("message_unanswered", 1, 2);
  p.late = count("reply_late", 1, 3);
  p.missing_elements = count("message_missing_elements", 1, 2);
  p.no_stats = rng.Chance(R("no_message_statistics"));
  p.no_consult = !gov && rng.Chance(R("no_consultation_channel"));
  p.survey_too_few = rng.Chance(R("survey_too_few"));
  p.survey_no_dates = rng.Chance(R("survey_no_dates"));
  p.survey_fb_late = rng.Chance(R("survey_feedback_late"));
  p.survey_fb_missing = rng.Chance(R("survey_feedback_missing"));
  p.survey_fb_before_doc = rng.Chance(R("survey_feedback_before_document"));
  p.survey_open_after_end = rng.Chance(R("survey_open_after_end"));
  p.no_survey_column = !gov && !p.survey_no_dates && !p.survey_fb_late && !p.survey_fb_missing &&
                       !p.survey_fb_before_doc && !p.survey_open_after_end && rng.Chance(R("no_survey_column"));
  p.profile_stale = rng.Chance(R("profile_stale"));
  p.domain_irregular = !gov && rng.Chance(R("domain_irregular"));
  for (int i = 0; i < kFooterItems; ++i) {
    if (rng.Chance(R("footer_missing"))) p.footer_missing |= static_cast<uint8_t>(1u << i);
  }
  p.no_search = rng.Chance(R("no_search"));
  p.no_viewport = rng.Chance(R("no_viewport"));
  p.guides_incomplete = count("service_guide_incomplete", 1, 3);
  p.service_veto = rng.Chance(R("service_veto"));
  p.no_service = u.public_service && rng.Chance(R("no_service"));
  return p;
}

SitePlan Generator::TinySitePlan(int index) {
  SitePlan p;
  switch (index) {
    case 0:  // 市政府 portal
      p.broken_links = 2;
      p.missing_images = 1;
      p.expression_errors = 1;
      p.privacy_ids = 1;
      p.late = 2;
      p.missing_elements = 2;
      p.survey_too_few = p.survey_no_dates = p.profile_stale = true;
      p.footer_missing = 0b0000011;  // site_code, icp
      p.guides_incomplete = 2;
      p.trap_masked = p.trap_holiday = p.trap_bracket = true;
      break;
    case 1:  // 市卫生健康局 (public service)
      p.home_stale = true;
      p.stale_columns = 1;
      p.blank_columns = 1;
      p.no_consult = p.no_viewport = p.survey_fb_late = true;
      p.sensitive_words = 1;
      p.missing_attachments = 1;
      p.broken_links = 1;
      p.footer_missing = 0b0001100;  // police, badge
      p.trap_abolished_old = true;
      break;
    case 2:  // 市金融局 (no public-service duties)
      p.unanswered = 1;
      p.no_stats = true;
      p.abolished_names = 1;
      p.privacy_mobiles = 1;
      p.survey_fb_missing = p.survey_open_after_end = p.domain_irregular = p.no_search = true;
      p.footer_missing = 0b0010000;  // sponsor
      p.trap_masked = true;
      break;
    case 3:  // 市统计局: healthy, traps only
      p.trap_masked = p.trap_holiday = true;
      break;
    case 4:  // 黄圃镇
      p.unreachable = true;
      p.forced_ppm = 200000;
      p.forced_fail_mode = static_cast<int>(FailMode::kHttp503);
      p.blank_veto = p.columns_veto = p.survey_fb_before_doc = p.service_veto = true;
      p.footer_missing = 0b1100000;  // sitemap, error_report
      p.trap_holiday = true;
      break;
    case 5:  // 神湾镇
      p.flaky_ok = true;
      p.forced_ppm = 40000;
      p.forced_fail_mode = static_cast<int>(FailMode::kReset);
      p.no_service = true;
      p.no_survey_column = true;
      p.broken_links = 1;
      p.stale_columns = 2;
      p.trap_bracket = p.trap_abolished_old = true;
      break;
    default: break;
  }
  return p;
}

// ----------------------------------------------------------------------------- sites

struct ColSpec {
  Category cat;
  const char* name;
  const char* slug;
};

void Generator::BuildColumns(Site& s, const Unit& u, const SitePlan& plan, Rng& rng) {
  std::vector<ColSpec> specs;
  const bool dept = u.kind == UnitKind::kDepartment;
  if (u.kind == UnitKind::kTown) {
    specs.push_back({Category::kNews, "镇街动态", "zjdt"});
  } else if (dept) {
    specs.push_back({Category::kNews, "工作动态", "gzdt"});
  } else {
    specs.push_back({Category::kNews, "要闻动态", "ywdt"});
    specs.push_back({Category::kNews, "部门动态", "bmdt"});
  }
  if (plan.columns_veto || rng.Chance(0.3)) specs.push_back({Category::kNews, "图片新闻", "tpxw"});
  if (plan.columns_veto && specs.size() < 3) specs.push_back({Category::kNews, "基层动态", "jcdt"});
  specs.push_back({Category::kNotice, "通知公告", "tzgg"});
  specs.push_back({Category::kPolicy, rng.Chance(0.7) ? "政策文件" : "规范性文件", "zcwj"});
  specs.push_back({Category::kInterpretation, "政策解读", "zcjd"});
  specs.push_back({Category::kPersonnel, rng.Chance(0.5) ? "人事信息" : "人事任免", "rsxx"});
  specs.push_back({Category::kPlanning, rng.Chance(0.5) ? "规划计划" : "发展规划", "ghjh"});
  if (rng.Chance(0.6)) specs.push_back({Category::kFinance, "财政资金", "czzj"});
  if (plan.blank_veto) {
    static const ColSpec kExtra[] = {{Category::kNotice, "公示公告", "gsgg"},  {Category::kPlanning, "工作总结", "gzzj"},
                                     {Category::kFinance, "统计信息", "tjxx"},  {Category::kNews, "专题专栏", "ztzl"},
                                     {Category::kPolicy, "法规文件", "fgwj"},   {Category::kPlanning, "建议提案办理", "jyta"}};
    for (const ColSpec& c : kExtra) specs.push_back(c);
  }
  specs.push_back({Category::kProfile, u.kind == UnitKind::kTown ? "镇情概况" : (dept ? "机构概况" : "概况信息"), "gkxx"});
  const bool service = u.public_service && !plan.no_service && !s.service_via_province;
  if (service) specs.push_back({Category::kService, "办事服务", "bsfw"});
  const bool consult = !plan.no_consult && !s.consult_via_portal && !s.consult_via_12345;
  const bool consult_generic = rng.Chance(0.5);
  if (consult) {
    specs.push_back({Category::kConsult, !s.consult_name.empty() ? s.consult_name.c_str() : consult_generic ? "政务咨询" : "咨询投诉", "zxts"});
    if (!plan.no_stats) specs.push_back({Category::kStats, "留言办理情况统计", "lytj"});
  }
  const bool survey_name = rng.Chance(0.5);
  if (!plan.no_survey_column) {
    specs.push_back({Category::kSurvey, survey_name ? "调查征集" : "意见征集", "dczj"});
    specs.push_back({Category::kFeedback, "征集结果反馈", "zjfk"});
  }

  for (const ColSpec& spec : specs) {
    Column c;
    c.category = spec.cat;
    c.name = spec.name;
    c.slug = spec.slug;
    c.column_id = static_cast<uint32_t>(100 + s.columns.size() * 7 + rng.Below(5));
    if (s.style == CmsStyle::kHanweb) c.column_id += 1229100000u + static_cast<uint32_t>(s.seed % 500) * 1000u;
    if (s.style == CmsStyle::kEpoint) c.column_id += 6790000u + static_cast<uint32_t>(s.seed % 90) * 1000u;
    const bool gk = spec.cat >= Category::kNotice && spec.cat <= Category::kFinance;
    switch (spec.cat) {
      case Category::kNews: c.section = s.style == CmsStyle::kIntensive ? "xwzx" : "xwzx"; break;
      case Category::kProfile: c.section = "zjxx"; break;
      case Category::kService: c.section = "bsfw"; break;
      case Category::kConsult:
      case Category::kStats:
      case Category::kSurvey:
      case Category::kFeedback: c.section = "hdjl"; break;
      default: c.section = s.style == CmsStyle::kIntensive ? "zwgk" : "xxgk"; break;
    }
    (void)gk;
    ChooseColumnMarkup(s, c, rng);
    s.columns.push_back(std::move(c));
  }
  // Feedback listed inside the survey column: its articles live under the survey column's URLs.
  const int sc = s.FindColumn(Category::kSurvey), fc = s.FindColumn(Category::kFeedback);
  if (s.feedback_in_survey_column && sc >= 0 && fc >= 0) {
    Column& f = s.columns[fc];
    f.merged = true;
    f.slug = s.columns[sc].slug;
    f.column_id = s.columns[sc].column_id;
  }
}

void Generator::ChooseColumnMarkup(Site& s, Column& c, Rng& rng) {
  struct W {
    DateFormat f;
    int w;
  };
  std::vector<W> formats;
  switch (s.style) {
    case CmsStyle::kTrs:
      c.layout = ListLayout::kUl;
      formats = {{DateFormat::kIso, 50}, {DateFormat::kNone, 15}, {DateFormat::kIsoMinute, 10}, {DateFormat::kMonthDay, 10},
                 {DateFormat::kBracketMonthDay, 5}, {DateFormat::kSlash, 5}, {DateFormat::kDot, 5}};
      break;
    case CmsStyle::kHanweb:
      c.layout = ListLayout::kUl;
      formats = {{DateFormat::kIso, 60}, {DateFormat::kNone, 15}, {DateFormat::kBracketMonthDay, 10}, {DateFormat::kDot, 10},
                 {DateFormat::kMonthDay, 5}};
      break;
    case CmsStyle::kIntensive:
      c.layout = ListLayout::kTable;
      formats = {{DateFormat::kChinese, 40}, {DateFormat::kIso, 40}, {DateFormat::kNone, 20}};
      break;
    case CmsStyle::kHashed:
      c.layout = ListLayout::kDiv;
      formats = {{DateFormat::kBracketMonthDay, 60}, {DateFormat::kIso, 20}, {DateFormat::kNone, 20}};
      break;
    case CmsStyle::kJavaAction:
      c.layout = rng.Chance(0.5) ? ListLayout::kDiv : ListLayout::kTable;
      formats = {{DateFormat::kSlash, 60}, {DateFormat::kIso, 20}, {DateFormat::kNone, 20}};
      break;
    case CmsStyle::kEpoint:
      c.layout = ListLayout::kUl;
      formats = {{DateFormat::kIso, 50}, {DateFormat::kSlash, 15}, {DateFormat::kIsoMinute, 10}, {DateFormat::kNone, 15},
                 {DateFormat::kBracketMonthDay, 10}};
      break;
    case CmsStyle::kPhpcms:
    case CmsStyle::kDedecms:
      c.layout = ListLayout::kUl;
      formats = {{DateFormat::kIso, 50}, {DateFormat::kMonthDay, 20}, {DateFormat::kDot, 10}, {DateFormat::kNone, 20}};
      break;
    case CmsStyle::kLegacyTable:
      c.layout = ListLayout::kNestedTable;
      formats = {{DateFormat::kSlash, 25}, {DateFormat::kDot, 20}, {DateFormat::kIso, 25}, {DateFormat::kChinese, 10},
                 {DateFormat::kBracketMonthDay, 10}, {DateFormat::kNone, 10}};
      break;
  }
  if (s.style != CmsStyle::kHanweb && rng.Chance(0.15)) c.layout = static_cast<ListLayout>(rng.Below(4));
  int total = 0;
  for (const W& w : formats) total += w.w;
  int x = static_cast<int>(rng.Below(static_cast<uint64_t>(total)));
  for (const W& w : formats) {
    if (x < w.w) {
      c.date_format = w.f;
      break;
    }
    x -= w.w;
  }
  const int place = static_cast<int>(rng.Below(100));
  c.date_place = place < 70 ? DatePlace::kAfter : place < 85 ? DatePlace::kBefore : place < 95 ? DatePlace::kTitleAttr
                                                                                               : DatePlace::kInAnchor;
  c.script_pager_only = s.style == CmsStyle::kTrs && rng.Chance(0.5);
}

void Generator::ChooseMarkup(Site& s, const Unit& u, const SitePlan& plan, int list_index) {
  Rng mk(Mix(s.seed, 0x6d61726b7570ULL));
  const double home = mk.Unit();
  s.home_kind = home < 0.14 ? HomeKind::kMetaRefresh : home < 0.22 ? HomeKind::kScriptRedirect
                : home < 0.27 ? HomeKind::kRedirect302 : HomeKind::kDirect;
  static const char* kHomes[] = {"/index_1.html", "/portal/index.html", "/zwgk/index.shtml", "/site/index.html"};
  s.real_home_path = s.style == CmsStyle::kHanweb ? "/col/col1229000001/index.html" : kHomes[mk.Below(4)];
  const double link = mk.Unit();
  switch (s.style) {
    case CmsStyle::kLegacyTable: s.link_style = link < 0.5 ? LinkStyle::kRelative : LinkStyle::kAbsolute; break;
    case CmsStyle::kDedecms:
      s.link_style = link < 0.4 ? LinkStyle::kRelative : link < 0.7 ? LinkStyle::kBaseHref : LinkStyle::kAbsolute;
      break;
    case CmsStyle::kPhpcms: s.link_style = link < 0.4 ? LinkStyle::kBaseHref : LinkStyle::kAbsolute; break;
    case CmsStyle::kTrs:
    case CmsStyle::kHashed: s.link_style = link < 0.25 ? LinkStyle::kRelative : LinkStyle::kAbsolute; break;
    default: break;
  }
  const double ad = mk.Unit();
  const bool url_dated = s.style == CmsStyle::kTrs || s.style == CmsStyle::kHanweb;
  s.article_date = url_dated && ad < 0.15 ? ArticleDate::kUrlOnly : ad < 0.30 ? ArticleDate::kTextOnly
                   : ad < 0.40 ? ArticleDate::kMetaOnly : ArticleDate::kMetaAndText;
  s.nav_sections = mk.Chance(0.25);
  s.catalogue_tree = mk.Chance(s.style == CmsStyle::kEpoint || s.style == CmsStyle::kJavaAction ? 0.5 : 0.15);
  const double badge = mk.Unit(), jiucuo = mk.Unit();
  s.badge_form = badge < 0.35 ? 0 : badge < 0.8 ? 1 : 2;
  s.jiucuo_form = jiucuo < 0.3 ? 0 : jiucuo < 0.65 ? 1 : jiucuo < 0.85 ? 2 : 3;
  s.sitemap_zhandian = mk.Chance(0.3);
  const bool named_box = mk.Chance(0.3);
  if (named_box) {
    if (u.kind == UnitKind::kDepartment) {
      s.consult_name = absl::EndsWith(u.name, "局") ? "局长信箱" : "主任信箱";
    } else if (u.kind == UnitKind::kTown) {
      s.consult_name = absl::StrContains(u.name, "街道") ? "街道主任信箱" : "镇长信箱";
    } else {
      s.consult_name = absl::EndsWith(u.name, "县人民政府") ? "县长信箱"
                       : absl::EndsWith(u.name, "区人民政府") ? "区长信箱"
                       : u.city == "广东" ? "省长信箱" : "市长信箱";
    }
  }
  const bool via12345 = mk.Chance(0.08), complaint = mk.Chance(0.6), via_province = mk.Chance(0.15),
             merged = mk.Chance(0.3);
  s.consult_via_12345 = u.kind != UnitKind::kGovernment && !plan.no_consult && via12345;
  s.complaint_mailbox_only = plan.no_consult && complaint;
  s.service_via_province = u.public_service && !plan.no_service && plan.guides_incomplete == 0 && !plan.service_veto &&
                           via_province;
  s.feedback_in_survey_column = merged;
  s.city_domain = u.parent >= 0 ? province_.units[u.parent].domain_base : u.domain_base;
  if (Tiny()) {
    s.home_kind = HomeKind::kDirect;
    s.link_style = LinkStyle::kAbsolute;
    s.article_date = ArticleDate::kMetaAndText;
    s.nav_sections = s.catalogue_tree = s.sitemap_zhandian = false;
    s.consult_name.clear();
    s.consult_via_12345 = s.service_via_province = s.feedback_in_survey_column = false;
    s.complaint_mailbox_only = plan.no_consult;
    s.badge_form = s.jiucuo_form = 0;
    switch (list_index) {
      case 0:  // hanweb portal
        s.home_kind = HomeKind::kScriptRedirect;
        s.badge_form = 2;
        s.jiucuo_form = 3;
        s.article_date = ArticleDate::kUrlOnly;
        s.feedback_in_survey_column = true;
        s.consult_name = "市长信箱";
        break;
      case 1:  // trs
        s.home_kind = HomeKind::kMetaRefresh;
        s.real_home_path = "/index_1.html";
        s.badge_form = 1;
        s.jiucuo_form = 1;
        s.article_date = ArticleDate::kTextOnly;
        s.link_style = LinkStyle::kRelative;
        break;
      case 2:  // epoint
        s.catalogue_tree = true;
        s.jiucuo_form = 2;
        s.badge_form = 1;
        s.sitemap_zhandian = true;
        s.consult_name = "局长信箱";
        break;
      case 3:  // intensive, healthy
        s.badge_form = 1;
        s.jiucuo_form = 1;
        s.nav_sections = true;
        s.consult_via_12345 = true;
        s.service_via_province = true;
        s.article_date = ArticleDate::kMetaOnly;
        break;
      case 4:  // legacy tables
        s.link_style = LinkStyle::kRelative;
        s.sitemap_zhandian = true;
        break;
      case 5:  // dedecms
        s.home_kind = HomeKind::kRedirect302;
        s.real_home_path = "/portal/index.html";
        s.link_style = LinkStyle::kBaseHref;
        s.consult_name = "镇长信箱";
        s.badge_form = 2;
        s.jiucuo_form = 1;
        break;
      default: break;
    }
  }
}

void Generator::FillUpdatingColumns(Site& s, const SitePlan& plan, Rng& rng, int total_items) {
  std::vector<int> upd;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (IsUpdatingCategory(s.columns[i].category)) upd.push_back(static_cast<int>(i));
  }
  // Blank columns: never the first news column.
  std::vector<int> candidates(upd.begin() + 1, upd.end());
  rng.Shuffle(candidates);
  std::set<int> blank, stale;
  if (plan.blank_veto) {
    // The six extra columns added for the veto plan are blank (≥5).
    for (int i : upd) {
      const std::string& slug = s.columns[i].slug;
      if (slug == "gsgg" || slug == "gzzj" || slug == "tjxx" || slug == "ztzl" || slug == "fgwj" || slug == "jyta") {
        blank.insert(i);
      }
    }
  }
  for (int i : candidates) {
    if (static_cast<int>(blank.size()) >= plan.blank_columns + (plan.blank_veto ? 6 : 0)) break;
    if (!blank.count(i)) blank.insert(i);
  }
  // Stale columns.
  if (plan.columns_veto) {
    for (int i : upd) {
      Category c = s.columns[i].category;
      if (!blank.count(i) && (c == Category::kNews || c == Category::kNotice || c == Category::kPolicy)) stale.insert(i);
    }
  }
  int want_stale = plan.stale_columns;
  for (int i : candidates) {
    if (want_stale <= 0) break;
    if (blank.count(i) || stale.count(i)) continue;
    stale.insert(i);
    --want_stale;
  }
  // The column that keeps the home page fresh (unless the home page is meant to be stale).
  int fresh_anchor = -1;
  if (!plan.home_stale) {
    for (int i : upd) {
      if (!blank.count(i) && !stale.count(i)) {
        fresh_anchor = i;
        break;
      }
    }
    if (fresh_anchor < 0) {
      // Everything stale: un-stale one non-(a) column so that only the columns are vetoed.
      for (int i : upd) {
        if (!blank.count(i) && s.columns[i].category != Category::kNews &&
            s.columns[i].category != Category::kNotice && s.columns[i].category != Category::kPolicy) {
          stale.erase(i);
          fresh_anchor = i;
          break;
        }
      }
    }
  }
  // Bracket-date trap: a personnel/planning column whose newest item is in the previous year
  // (shown as [MM-DD] with a month-day after as_of's) but within its one-year threshold.
  if (plan.trap_bracket) {
    Ymd a = YmdFromDay(as_of_);
    Day lo = std::max(DayFromYmd(a.year - 1, a.month, a.day) + 3, AddMonths(as_of_, -12) + 8);
    Day hi = std::min(DayFromYmd(a.year - 1, 12, 31), as_of_ - 20);
    if (plan.home_stale) hi = std::min(hi, as_of_ - 18);
    if (lo <= hi) {
      for (int i : upd) {
        Category c = s.columns[i].category;
        if ((c == Category::kPersonnel || c == Category::kPlanning) && !blank.count(i) && i != fresh_anchor) {
          stale.erase(i);
          s.bracket_trap_column = i;
          s.columns[i].date_format = DateFormat::kBracketMonthDay;
          break;
        }
      }
    }
  }

  // Distribute the items.
  static const std::map<Category, int> kWeight = {
      {Category::kNews, 40}, {Category::kNotice, 15}, {Category::kPolicy, 10}, {Category::kInterpretation, 5},
      {Category::kPersonnel, 5}, {Category::kPlanning, 3}, {Category::kFinance, 4}};
  int weight_sum = 0;
  for (int i : upd) weight_sum += kWeight.at(s.columns[i].category);
  for (int i : upd) {
    Column& col = s.columns[i];
    if (blank.count(i)) {
      col.blank = static_cast<BlankKind>(1 + rng.Below(5));
      continue;
    }
    int n = std::max(3, total_items * kWeight.at(col.category) / std::max(1, weight_sum));
    n = static_cast<int>(n * (0.7 + 0.6 * rng.Unit()));
    n = std::max(n, 3);
    const Day threshold = StaleThreshold(col.category, as_of_);
    Day newest;
    if (i == s.bracket_trap_column) {
      Ymd a = YmdFromDay(as_of_);
      Day lo = std::max(DayFromYmd(a.year - 1, a.month, a.day) + 3, AddMonths(as_of_, -12) + 8);
      Day hi = std::min(DayFromYmd(a.year - 1, 12, 31), as_of_ - 20);
      if (plan.home_stale) hi = std::min(hi, as_of_ - 18);
      newest = static_cast<Day>(rng.Range(lo, hi));
    } else if (stale.count(i)) {
      // Long stale (> 1 year) for the veto plans, else just beyond the threshold.
      newest = plan.columns_veto || rng.Chance(0.3) ? AddMonths(as_of_, -12) - static_cast<Day>(rng.Range(8, 300))
                                                     : threshold - static_cast<Day>(rng.Range(5, 60));
    } else if (i == fresh_anchor) {
      newest = as_of_ - static_cast<Day>(rng.Range(0, 9));
    } else {
      const Day span = as_of_ - threshold - 5;  // keep ≥ 5 days clear of the threshold
      newest = as_of_ - static_cast<Day>(rng.Range(0, std::max<Day>(0, span)));
    }
    if (plan.home_stale && newest > as_of_ - 18) newest = as_of_ - static_cast<Day>(rng.Range(18, 40));
    int max_gap = col.category == Category::kNews ? 6 : col.category == Category::kNotice ? 20 : 45;
    Day d = newest;
    for (int k = 0; k < n; ++k) {
      Item it;
      it.date = d;
      it.id = NextId(s);
      col.items.push_back(it);
      d -= static_cast<Day>(rng.Range(0, max_gap));
    }
  }
}

void Generator::FillConsult(Site& s, Column& c, const SitePlan& plan, Rng& rng, int count) {
  const WorkCalendar& cal = WorkCalendar::BuiltIn();
  Day d = as_of_ - static_cast<Day>(rng.Range(1, 10));
  if (plan.home_stale) d = as_of_ - static_cast<Day>(rng.Range(18, 30));
  struct M {
    Item item;
    Message msg;
  };
  std::vector<M> ms;
  for (int k = 0; k < count; ++k) {
    M m;
    m.item.date = d;
    m.item.id = NextId(s);
    m.msg.layout = static_cast<uint8_t>(rng.Below(3));
    Day r = cal.AddWorkingDays(d, static_cast<int>(rng.Range(1, 4)));
    m.msg.replied = r <= as_of_ ? r : kNoDay;  // not yet due otherwise
    ms.push_back(m);
    d -= static_cast<Day>(rng.Range(2, 25));
  }
  auto pick = [&](Day lo, Day hi, auto pred) -> int {
    std::vector<int> cand;
    for (size_t i = 0; i < ms.size(); ++i) {
      if (ms[i].item.date >= lo && ms[i].item.date <= hi && pred(ms[i])) cand.push_back(static_cast<int>(i));
    }
    if (cand.empty()) return -1;
    return cand[rng.Below(cand.size())];
  };
  auto normal = [&](const M& m) { return m.msg.replied != kNoDay && m.msg.missing == 0 &&
                                         cal.WorkingDaysAfter(m.item.date, m.msg.replied) <= 4; };
  for (int k = 0; k < plan.unanswered; ++k) {
    int i = pick(AddMonths(as_of_, -12) + 5, AddMonths(as_of_, -3) - 5, normal);
    if (i < 0) {
      // Make room: add a message in the window.
      M m;
      m.item.date = AddMonths(as_of_, -3) - static_cast<Day>(rng.Range(10, 60));
      m.item.id = NextId(s);
      m.msg.layout = static_cast<uint8_t>(rng.Below(3));
      ms.push_back(m);
      i = static_cast<int>(ms.size()) - 1;
    }
    ms[i].msg.replied = kNoDay;
  }
  for (int k = 0; k < plan.late; ++k) {
    int i = pick(as_of_ - 500, as_of_ - 45, normal);
    if (i < 0) continue;
    ms[i].msg.replied = cal.AddWorkingDays(ms[i].item.date, static_cast<int>(rng.Range(7, 20)));
  }
  for (int k = 0; k < plan.missing_elements; ++k) {
    int i = pick(as_of_ - 500, as_of_, normal);
    if (i < 0) continue;
    static const uint8_t kMasks[] = {kMsgAskTime, kMsgReplyUnit, kMsgReplyTime, kMsgReplyContent,
                                     kMsgReplyUnit | kMsgReplyTime};
    ms[i].msg.missing = kMasks[rng.Below(5)];
  }
  if (plan.trap_holiday) {
    // A reply that is on time only when statutory holidays are applied: ≤ 5 working days
    // but > 5 Monday-Friday days.
    for (Day ask = as_of_ - 30; ask > as_of_ - 400; --ask) {
      if (plan.home_stale && ask > as_of_ - 30) continue;
      Day reply = cal.AddWorkingDays(ask, 5);
      if (reply > as_of_ - 18) continue;
      if (!cal.IsWorkingDay(ask)) continue;
      if (WorkCalendar::WeekdaysAfter(ask, reply) > 5) {
        M m;
        m.item.date = ask;
        m.item.id = NextId(s);
        m.msg.layout = static_cast<uint8_t>(rng.Below(3));
        m.msg.replied = reply;
        ms.push_back(m);
        s.holiday_trap_messages.push_back({-1, static_cast<int>(m.item.id)});  // resolved below
        break;
      }
    }
  }
  std::stable_sort(ms.begin(), ms.end(), [](const M& a, const M& b) {
    return a.item.date != b.item.date ? a.item.date > b.item.date : a.item.id > b.item.id;
  });
  const int col_index = static_cast<int>(&c - s.columns.data());
  for (size_t i = 0; i < ms.size(); ++i) {
    c.items.push_back(ms[i].item);
    c.messages.push_back(ms[i].msg);
    for (auto& t : s.holiday_trap_messages) {
      if (t.first == -1 && static_cast<uint32_t>(t.second) == ms[i].item.id) t = {col_index, static_cast<int>(i)};
    }
  }
}

void Generator::FillSurveys(Site& s, const SitePlan& plan, Rng& rng) {
  const int sc = s.FindColumn(Category::kSurvey);
  const int fc = s.FindColumn(Category::kFeedback);
  if (sc < 0 || fc < 0) return;
  struct Sv {
    Item item;
    Survey sv;
    Day fb_publish = kNoDay;
    Day fb_doc = kNoDay;
  };
  std::vector<Sv> v;
  const Day cap = plan.home_stale ? as_of_ - 18 : as_of_;
  // Surveys started within the last year.
  int recent = plan.survey_too_few ? static_cast<int>(rng.Range(0, 2)) : static_cast<int>(rng.Range(4, 7));
  for (int k = 0; k < recent; ++k) {
    Sv x;
    x.item.date = as_of_ - static_cast<Day>(rng.Range(10, 350));
    v.push_back(x);
  }
  int older = static_cast<int>(rng.Range(2, 4));
  for (int k = 0; k < older; ++k) {
    Sv x;
    x.item.date = as_of_ - static_cast<Day>(rng.Range(375, 720));
    v.push_back(x);
  }
  for (Sv& x : v) {
    x.item.date = std::min(x.item.date, cap);
    x.item.id = NextId(s);
    x.sv.start = x.item.date;
    x.sv.end = x.sv.start + static_cast<Day>(rng.Range(10, 30));
    if (x.sv.end < as_of_) {
      // Feedback on time (or published today at the latest).
      x.fb_publish = std::min(x.sv.end + static_cast<Day>(rng.Range(3, 25)), cap);
      if (x.fb_publish < x.sv.end) x.fb_publish = kNoDay;  // cannot publish before the end (home cap)
      if (x.fb_publish != kNoDay) x.fb_doc = x.fb_publish - static_cast<Day>(rng.Range(0, 5));
    }
  }
  // Planted survey problems, each on its own survey. Feedback is judged for the surveys of the
  // year before the 监测时间点, so its problems are planted there — except on a site planted
  // with too few surveys, where they go older than a year (traps) so that survey_too_few keeps
  // its meaning.
  auto add_old = [&](Day start) -> Sv& {
    Sv x;
    x.item.date = std::min(start, cap);
    x.item.id = NextId(s);
    x.sv.start = x.item.date;
    x.sv.end = x.sv.start + static_cast<Day>(rng.Range(10, 30));
    v.push_back(x);
    return v.back();
  };
  if (plan.survey_no_dates) {
    Sv& x = add_old(as_of_ - static_cast<Day>(rng.Range(380, 600)));
    x.sv.show_dates = false;
    x.fb_publish = x.sv.end + static_cast<Day>(rng.Range(3, 20));
    x.fb_doc = x.fb_publish - 1;
  }
  auto feedback_start = [&](int64_t newest_days) {
    return plan.survey_too_few ? as_of_ - static_cast<Day>(rng.Range(380, 600))
                               : as_of_ - static_cast<Day>(rng.Range(newest_days, 300));
  };
  if (plan.survey_fb_late) {
    Sv& x = add_old(feedback_start(150));
    x.fb_publish = AddMonths(x.sv.end, 1) + static_cast<Day>(rng.Range(10, 60));
    x.fb_doc = x.fb_publish - static_cast<Day>(rng.Range(0, 3));
  }
  if (plan.survey_fb_missing) {
    Sv& x = add_old(feedback_start(90));
    x.fb_publish = kNoDay;
  }
  if (plan.survey_fb_before_doc) {
    Sv& x = add_old(feedback_start(90));
    x.fb_publish = x.sv.end + static_cast<Day>(rng.Range(5, 20));
    x.fb_doc = x.fb_publish + static_cast<Day>(rng.Range(2, 9));
  }
  if (plan.survey_open_after_end && !plan.home_stale) {
    // Ended 5-20 days ago (feedback not yet due) but still shown as open.
    Sv x;
    x.sv.end = as_of_ - static_cast<Day>(rng.Range(5, 20));
    x.sv.start = x.sv.end - static_cast<Day>(rng.Range(10, 30));
    // Started within the last year: counts as a survey of the year; keep too_few honest.
    if (plan.survey_too_few) {
      int in_year = 0;
      for (const Sv& y : v) in_year += y.sv.start > as_of_ - 365 ? 1 : 0;
      if (in_year >= 3) {
        for (Sv& y : v) {
          if (y.sv.start > as_of_ - 365 && y.sv.show_dates) {
            y.sv.start = y.item.date = as_of_ - 400;
            y.sv.end = y.sv.start + 20;
            y.fb_publish = y.sv.end + 5;
            y.fb_doc = y.fb_publish;
            break;
          }
        }
      }
    }
    x.item.date = x.sv.start;
    x.item.id = NextId(s);
    x.sv.open_after_end = true;
    v.push_back(x);
  }
  if (plan.survey_open_after_end && plan.home_stale) {
    Sv x;
    x.sv.end = as_of_ - static_cast<Day>(rng.Range(19, 25));
    x.sv.start = x.sv.end - 15;
    x.item.date = x.sv.start;
    x.item.id = NextId(s);
    x.sv.open_after_end = true;
    v.push_back(x);
  }
  std::stable_sort(v.begin(), v.end(), [](const Sv& a, const Sv& b) {
    return a.item.date != b.item.date ? a.item.date > b.item.date : a.item.id > b.item.id;
  });
  // Feedback articles, newest first.
  struct Fb {
    Item item;
    Day doc;
    size_t survey;
  };
  std::vector<Fb> fbs;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].fb_publish == kNoDay || v[i].sv.open_after_end) continue;
    Fb f;
    f.item.date = v[i].fb_publish;
    f.item.id = NextId(s);
    f.doc = v[i].fb_doc;
    f.survey = i;
    fbs.push_back(f);
  }
  std::stable_sort(fbs.begin(), fbs.end(), [](const Fb& a, const Fb& b) {
    return a.item.date != b.item.date ? a.item.date > b.item.date : a.item.id > b.item.id;
  });
  Column& scol = s.columns[sc];
  Column& fcol = s.columns[fc];
  for (const Sv& x : v) {
    scol.items.push_back(x.item);
    scol.surveys.push_back(x.sv);
  }
  for (size_t j = 0; j < fbs.size(); ++j) {
    fcol.items.push_back(fbs[j].item);
    fcol.document_dates.push_back(fbs[j].doc);
    scol.surveys[fbs[j].survey].feedback = static_cast<int>(j);
  }
}

void Generator::FillService(Site& s, Column& c, const SitePlan& plan, Rng& rng, int count) {
  Day d = as_of_ - static_cast<Day>(rng.Range(30, 200));
  std::set<std::string> used;
  for (int k = 0; k < count; ++k) {
    Item it;
    it.date = d;
    it.id = NextId(s);
    c.items.push_back(it);
    c.guide_missing.push_back(0);
    d -= static_cast<Day>(rng.Range(0, 40));
  }
  std::vector<int> idx(c.items.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
  rng.Shuffle(idx);
  size_t next = 0;
  auto missing_mask = [&](int lo, int hi) {
    int n = static_cast<int>(rng.Range(lo, hi));
    std::vector<int> el = {1, 2, 3, 4, 5, 6, 7};
    rng.Shuffle(el);
    uint8_t m = 0;
    for (int i = 0; i < n; ++i) m |= static_cast<uint8_t>(1u << el[i]);
    return m;
  };
  if (plan.service_veto) {
    for (int k = 0; k < 5 && next < idx.size(); ++k) c.guide_missing[idx[next++]] = missing_mask(4, 6);
  }
  for (int k = 0; k < plan.guides_incomplete && next < idx.size(); ++k) {
    c.guide_missing[idx[next++]] = missing_mask(1, 3);
  }
}

std::string Generator::FakeArticlePath(Site& s, Rng& rng) {
  // A URL in the site's own scheme for an item that does not exist (e.g. lost in a migration).
  int col = 0;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (IsUpdatingCategory(s.columns[i].category) && rng.Chance(0.5)) {
      col = static_cast<int>(i);
      break;
    }
  }
  Item fake;
  fake.date = as_of_ - static_cast<Day>(rng.Range(400, 1500));
  fake.id = 90000000u + NextId(s);
  return ArticlePathFor(s, col, fake);
}

void Generator::PlantContent(Site& s, const SitePlan& plan, Rng& rng) {
  const Dictionaries& dict = Dictionaries::BuiltIn();
  // Articles eligible for content: items of updating and feedback columns.
  struct Ref {
    int col, item;
    Day date;
  };
  std::vector<Ref> arts;
  for (size_t c = 0; c < s.columns.size(); ++c) {
    if (!IsUpdatingCategory(s.columns[c].category)) continue;
    for (size_t i = 0; i < s.columns[c].items.size(); ++i) {
      arts.push_back({static_cast<int>(c), static_cast<int>(i), s.columns[c].items[i].date});
    }
  }
  if (arts.empty()) return;
  std::set<std::pair<int, int>> used;  // one planted thing per article (privacy lists excepted)
  auto pick = [&](auto pred) -> const Ref* {
    std::vector<const Ref*> cand;
    for (const Ref& r : arts) {
      if (!used.count({r.col, r.item}) && pred(r)) cand.push_back(&r);
    }
    if (cand.empty()) return nullptr;
    const Ref* r = cand[rng.Below(cand.size())];
    used.insert({r->col, r->item});
    return r;
  };
  auto any = [](const Ref&) { return true; };
  std::vector<int> ee(dict.expression_errors.size());
  for (size_t i = 0; i < ee.size(); ++i) ee[i] = static_cast<int>(i);
  rng.Shuffle(ee);
  for (int k = 0; k < plan.expression_errors && k < static_cast<int>(ee.size()); ++k) {
    if (const Ref* r = pick(any)) {
      s.injections.push_back({InjectKind::kExpressionError, r->col, r->item, dict.expression_errors[ee[k]].wrong, ""});
    }
  }
  std::vector<int> sw(dict.sensitive_words.size());
  for (size_t i = 0; i < sw.size(); ++i) sw[i] = static_cast<int>(i);
  rng.Shuffle(sw);
  for (int k = 0; k < plan.sensitive_words && k < static_cast<int>(sw.size()); ++k) {
    if (const Ref* r = pick(any)) {
      s.injections.push_back({InjectKind::kSensitiveWord, r->col, r->item, dict.sensitive_words[sw[k]], ""});
    }
  }
  // Abolished names are written in their local form, with the place in front (中山市农业局).
  const Unit& owner = province_.units[s.unit];
  const std::string place = absl::StrCat(owner.city, owner.city == "广东" ? "省" : "市");
  std::vector<int> an(dict.abolished_names.size());
  for (size_t i = 0; i < an.size(); ++i) an[i] = static_cast<int>(i);
  rng.Shuffle(an);
  size_t an_next = 0;
  for (int k = 0; k < plan.abolished_names && an_next < an.size(); ++k) {
    const AbolishedName& name = dict.abolished_names[an[an_next++]];
    if (const Ref* r = pick([&](const Ref& x) { return x.date >= name.invalid_since + 3; })) {
      s.injections.push_back({InjectKind::kAbolishedName, r->col, r->item, name.old_name, "", place});
    }
  }
  if (plan.trap_abolished_old && an_next < an.size()) {
    const AbolishedName& name = dict.abolished_names[an[an_next++]];
    const Ref* r = pick([&](const Ref& x) { return x.date < name.invalid_since - 30; });
    if (r == nullptr) {
      // No article old enough: add one (published before the reform) to the policy column.
      int pc = s.FindColumn(Category::kPolicy);
      if (pc >= 0 && s.columns[pc].blank == BlankKind::kNone) {
        Column& col = s.columns[pc];
        Item old;
        old.date = std::min(col.items.back().date, name.invalid_since - 60) - static_cast<Day>(rng.Range(0, 300));
        old.id = NextId(s);
        col.items.push_back(old);
        arts.push_back({pc, static_cast<int>(col.items.size()) - 1, old.date});
        r = &arts.back();
        used.insert({r->col, r->item});
      }
    }
    if (r != nullptr) s.injections.push_back({InjectKind::kAbolishedNameTrap, r->col, r->item, name.old_name, "", place});
  }
  // Privacy: a published list (a notice or personnel article) with full numbers.
  const Unit& u = province_.units[s.unit];
  if (plan.privacy_ids + plan.privacy_mobiles > 0 || plan.trap_masked) {
    const Ref* r = pick([&](const Ref& x) {
      Category c = s.columns[x.col].category;
      return c == Category::kNotice || c == Category::kPersonnel;
    });
    if (r == nullptr) r = pick(any);
    if (r != nullptr) {
      for (int k = 0; k < plan.privacy_ids; ++k) {
        s.injections.push_back({InjectKind::kIdNumber, r->col, r->item, IdNumber(rng.Next(), u.division), ""});
      }
      for (int k = 0; k < plan.privacy_mobiles; ++k) {
        s.injections.push_back({InjectKind::kMobile, r->col, r->item, MobileNumber(rng.Next()), ""});
      }
      if (plan.trap_masked) {
        s.injections.push_back(
            {InjectKind::kIdNumberMasked, r->col, r->item, MaskIdNumber(IdNumber(rng.Next(), u.division)), ""});
        s.injections.push_back({InjectKind::kMobileMasked, r->col, r->item, MaskMobile(MobileNumber(rng.Next())), ""});
      }
    }
  }
  // Broken links: on the home page and on articles.
  for (int k = 0; k < plan.broken_links; ++k) {
    std::string path = FakeArticlePath(s, rng);
    if (k % 2 == 0) {
      s.injections.push_back({InjectKind::kBrokenLink, -1, -1, "", path});
    } else if (const Ref* r = pick(any)) {
      s.injections.push_back({InjectKind::kBrokenLink, r->col, r->item, "", path});
    }
  }
  for (int k = 0; k < plan.missing_images; ++k) {
    if (const Ref* r = pick(any)) {
      s.injections.push_back(
          {InjectKind::kMissingImage, r->col, r->item, "", ImagePath(s, r->col, r->item, 8)});
    }
  }
  static const char* kExts[] = {"pdf", "doc", "xls", "docx"};
  for (int k = 0; k < plan.missing_attachments; ++k) {
    if (const Ref* r = pick(any)) {
      s.injections.push_back({InjectKind::kMissingAttachment, r->col, r->item, "",
                              AttachmentPath(s, r->col, r->item, 7, kExts[rng.Below(4)])});
    }
  }
  // Anchor texts for link injections.
  for (Injection& in : s.injections) {
    if (in.kind == InjectKind::kBrokenLink) in.text = ItemTitle(HashString(in.path), Category::kNotice, u.short_name, as_of_ - 700);
  }
  std::stable_sort(s.injections.begin(), s.injections.end(), [](const Injection& a, const Injection& b) {
    return a.column != b.column ? a.column < b.column : a.item < b.item;
  });
}

void Generator::BuildSite(int unit_index, int list_index) {
  const Unit& u = province_.units[unit_index];
  Site s;
  s.unit = unit_index;
  s.id = absl::StrCat(u.id, "-site");
  s.seed = Mix(opt_.seed, HashString(s.id));
  Rng rng(s.seed);
  const bool gov = u.kind == UnitKind::kGovernment;
  s.portal = u.kind != UnitKind::kDepartment;
  s.name = absl::StrCat(u.name, s.portal ? "门户网站" : "网站");
  SitePlan plan = Tiny() ? TinySitePlan(list_index) : RandomSitePlan(rng, u, gov);
  s.healthy = !plan.unreachable && !plan.home_stale && plan.stale_columns == 0 && !plan.columns_veto &&
              plan.blank_columns == 0 && !plan.blank_veto && plan.broken_links + plan.missing_images +
              plan.missing_attachments + plan.expression_errors + plan.sensitive_words + plan.abolished_names +
              plan.privacy_ids + plan.privacy_mobiles + plan.unanswered + plan.late + plan.missing_elements == 0 &&
              !plan.no_stats && !plan.no_consult && !plan.survey_too_few && !plan.survey_no_dates &&
              !plan.survey_fb_late && !plan.survey_fb_missing && !plan.survey_fb_before_doc &&
              !plan.survey_open_after_end && !plan.profile_stale && !plan.domain_irregular &&
              plan.footer_missing == 0 && !plan.no_search && !plan.no_viewport && plan.guides_incomplete == 0 &&
              !plan.service_veto && !plan.no_service && !plan.no_survey_column;
  // Host names.
  if (u.kind == UnitKind::kDepartment) {
    std::string label = u.id.substr(u.id.find('-') + 1);
    s.host = absl::StrCat(label, ".", u.domain_base);
  } else {
    s.host = absl::StrCat("www.", u.domain_base);
    s.extra_hosts.push_back(u.domain_base);
  }
  if (plan.domain_irregular) {
    static const char* kTlds[] = {".com", ".net", ".org.cn", ".cn"};
    std::string label = u.id;
    label.erase(std::remove(label.begin(), label.end(), '-'), label.end());
    s.host = absl::StrCat("www.", label, kTlds[rng.Below(4)]);
    s.extra_hosts.clear();
    s.domain_irregular = true;
  }
  s.site_code = absl::StrFormat("%s%06d", u.division, 1 + list_index);
  {
    // CMS styles in the proportions seen across Guangdong's government sites (percent).
    static const std::pair<CmsStyle, int> kStyleWeights[] = {
        {CmsStyle::kTrs, 20},    {CmsStyle::kHanweb, 15},   {CmsStyle::kIntensive, 20},
        {CmsStyle::kEpoint, 8},  {CmsStyle::kJavaAction, 5}, {CmsStyle::kPhpcms, 5},
        {CmsStyle::kDedecms, 5}, {CmsStyle::kLegacyTable, 12}, {CmsStyle::kHashed, 10}};
    int x = static_cast<int>(rng.Below(100));
    for (const auto& [st, w] : kStyleWeights) {
      if (x < w) {
        s.style = st;
        break;
      }
      x -= w;
    }
  }
  // tiny: one site per family.
  static const CmsStyle kTinyStyles[] = {CmsStyle::kHanweb, CmsStyle::kTrs, CmsStyle::kEpoint,
                                         CmsStyle::kIntensive, CmsStyle::kLegacyTable, CmsStyle::kDedecms};
  if (Tiny()) s.style = kTinyStyles[list_index % 6];
  double gbk = 0.05;
  switch (s.style) {
    case CmsStyle::kHashed: gbk = 0.6; break;
    case CmsStyle::kLegacyTable: gbk = 0.7; break;
    case CmsStyle::kDedecms: gbk = 0.5; break;
    case CmsStyle::kTrs: gbk = 0.2; break;
    case CmsStyle::kPhpcms: gbk = 0.3; break;
    case CmsStyle::kHanweb: gbk = 0.0; break;
    default: break;
  }
  if (rng.Chance(gbk)) s.charset = static_cast<Charset>(1 + rng.Below(3));
  if (Tiny()) s.charset = list_index == 2 ? Charset::kGbkHeaderOnly : list_index == 4 ? Charset::kGbkMetaOnly
                          : list_index == 5 ? Charset::kGb18030Both : Charset::kUtf8;
  ChooseMarkup(s, u, plan, list_index);
  s.nav_only_home = u.kind == UnitKind::kDepartment && rng.Chance(0.3);
  if (Tiny()) s.nav_only_home = list_index == 3;
  s.has_search = !plan.no_search;
  s.has_viewport = !plan.no_viewport;
  s.footer_missing = plan.footer_missing;
  if (plan.unreachable) {
    s.fail_ppm = plan.forced_ppm ? plan.forced_ppm
                                 : static_cast<uint32_t>(rng.Chance(0.7) ? rng.Range(55000, 90000) : rng.Range(100000, 300000));
  } else if (plan.flaky_ok) {
    s.fail_ppm = plan.forced_ppm ? plan.forced_ppm : static_cast<uint32_t>(rng.Range(15000, 45000));
  }
  if (s.fail_ppm > 0) {
    double x = rng.Unit();
    s.fail_mode = x < 0.5 ? FailMode::kHttp503 : x < 0.85 ? FailMode::kReset : FailMode::kTimeout;
    if (plan.forced_fail_mode >= 0) s.fail_mode = static_cast<FailMode>(plan.forced_fail_mode);
  }
  // Departments without a board of their own may send users to the city portal's board.
  if (u.kind == UnitKind::kDepartment && !plan.no_consult && !s.consult_via_12345 && gov_site_of_unit_[unit_index] >= 0 &&
      rng.Chance(Tiny() ? 0.0 : 0.25)) {
    s.consult_via_portal = true;
    s.consult_portal_site = gov_site_of_unit_[unit_index];
  }
  province_.sites.push_back(std::move(s));
  next_id_.push_back(0);
  Site& site = province_.sites.back();
  next_id_.back() = static_cast<uint32_t>(site.style == CmsStyle::kIntensive ? rng.Range(1000000, 8000000)
                                                                             : rng.Range(100000, 800000));
  BuildColumns(site, u, plan, rng);
  if (Tiny()) {
    // Every list form at least once: undated policy lists, dates before the title or only in
    // the title attribute, TRS columns paginated only by createPageHTML().
    for (Column& c : site.columns) {
      if (c.category == Category::kPolicy) c.date_format = DateFormat::kNone;
      if (c.category == Category::kNotice) c.date_place = list_index % 2 ? DatePlace::kBefore : DatePlace::kTitleAttr;
      if (c.category == Category::kInterpretation) c.date_place = DatePlace::kInAnchor;
      if (c.category == Category::kNews && list_index == 4) c.date_format = DateFormat::kMonthDay;
      if (c.category == Category::kNews && list_index == 2) c.date_format = DateFormat::kDot;
      c.script_pager_only = site.style == CmsStyle::kTrs && (c.category == Category::kNews || c.category == Category::kPolicy);
    }
  }
  if (plan.forced_ppm == 1000000) {
    // Completely down: keep it otherwise ordinary.
  }
  int total = static_cast<int>(std::clamp(rng.LogNormal(170, 0.9), 25.0, 3000.0));
  if (Tiny()) total = static_cast<int>(rng.Range(40, 120));
  FillUpdatingColumns(site, plan, rng, total);
  for (size_t i = 0; i < site.columns.size(); ++i) {
    Column& c = site.columns[i];
    switch (c.category) {
      case Category::kConsult: FillConsult(site, c, plan, rng, static_cast<int>(rng.Range(8, Tiny() ? 16 : 40))); break;
      case Category::kService: FillService(site, c, plan, rng, static_cast<int>(rng.Range(8, Tiny() ? 10 : 24))); break;
      case Category::kProfile: c.profile_year = YmdFromDay(as_of_).year - (plan.profile_stale ? static_cast<int>(rng.Range(2, 3)) : 1); break;
      default: break;
    }
  }
  FillSurveys(site, plan, rng);
  if (!gov && !u.public_service) site.no_service_trap = true;
  PlantContent(site, plan, rng);
}

// ----------------------------------------------------------------------------- accounts

void Generator::BuildAccounts() {
  Rng rng(Mix(opt_.seed, 0x6163636f756e74ULL));
  const int target = opt_.profile == Profile::kTiny ? 20 : opt_.profile == Profile::kCity ? 100 : 2882;
  const int site_units = static_cast<int>(province_.units.size());
  // Candidate (unit, platform) pairs in tiers: wechat for every unit with a site, then weibo,
  // douyin, toutiao; then account-only offices under towns/districts (wechat).
  std::vector<std::pair<int, Platform>> pairs;
  for (int p = 0; p < kPlatforms && static_cast<int>(pairs.size()) < target; ++p) {
    std::vector<std::pair<int, Platform>> tier;
    for (int u = 0; u < site_units; ++u) tier.push_back({u, static_cast<Platform>(p)});
    rng.Shuffle(tier);
    for (auto& t : tier) {
      if (static_cast<int>(pairs.size()) >= target) break;
      pairs.push_back(t);
    }
  }
  static const char* kOffices[] = {"行政服务中心", "社区卫生服务中心", "综合行政执法局", "文化服务中心",
                                   "经济发展局", "派出所", "卫生健康局", "农业服务中心"};
  int office = 0;
  std::vector<int> parents;
  for (int u = 0; u < site_units; ++u) {
    if (province_.units[u].kind != UnitKind::kDepartment && u != 0) parents.push_back(u);
  }
  if (parents.empty()) parents.push_back(0);
  while (static_cast<int>(pairs.size()) < target) {
    int parent = parents[office % parents.size()];
    const char* suffix = kOffices[(office / parents.size()) % 8];
    const Unit& pu = province_.units[parent];
    Unit o;
    std::string place = pu.short_name;
    o.id = absl::StrCat(pu.id, "-o", office / parents.size() % 8 + 1);
    o.name = absl::StrCat(pu.city, "市", place, suffix);
    if (pu.kind == UnitKind::kGovernment && pu.parent >= 0) o.name = absl::StrCat(place, suffix);
    o.short_name = absl::StrCat(place, suffix);
    o.kind = UnitKind::kDepartment;
    o.parent = parent;
    o.city = pu.city;
    o.division = pu.division;
    o.domain_base = pu.domain_base;
    int ui = AddUnit(o);
    pairs.push_back({ui, Platform::kWechat});
    ++office;
  }
  // Duplicates: a second account of the same unit on the same platform replaces a pair.
  std::vector<int> dup_units;
  for (size_t i = 0; i < pairs.size(); ++i) {
    bool want = Tiny() ? (pairs[i].first == 2 && pairs[i].second == Platform::kWechat)
                       : rng.Chance(R("account_duplicate_platform"));
    if (!want) continue;
    // Replace the last pair of the list (keeps the total) with a duplicate.
    size_t victim = pairs.size() - 1 - dup_units.size();
    if (victim <= i) break;
    pairs[victim] = pairs[i];
    dup_units.push_back(pairs[i].first);
  }
  std::map<std::pair<int, int>, int> per_unit_platform;
  const Dictionaries& dict = Dictionaries::BuiltIn();
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto [ui, platform] = pairs[i];
    const Unit& u = province_.units[ui];
    Account a;
    a.unit = ui;
    a.platform = platform;
    int nth = per_unit_platform[{ui, static_cast<int>(platform)}]++;
    a.registry_id = absl::StrCat(u.id, "-", platform == Platform::kWechat ? "wx" : platform == Platform::kWeibo ? "wb"
                                                  : platform == Platform::kDouyin ? "dy" : "tt",
                                 nth ? absl::StrCat(nth + 1) : "");
    a.seed = Mix(opt_.seed, HashString(a.registry_id));
    Rng r(a.seed);
    switch (platform) {
      case Platform::kWechat: {
        static const char kHex[] = "0123456789abcdef";
        a.platform_id = "gh_";
        for (int k = 0; k < 12; ++k) a.platform_id.push_back(kHex[r.Below(16)]);
        a.name = nth ? absl::StrCat(u.short_name, "服务号") : (r.Chance(0.5) ? absl::StrCat(u.short_name, "发布")
                                                                          : absl::StrCat(u.city, u.short_name));
        break;
      }
      case Platform::kWeibo:
        a.platform_id = absl::StrCat(r.Range(1000000000LL, 7999999999LL));
        a.name = absl::StrCat(u.city, u.short_name);
        break;
      case Platform::kDouyin:
        a.platform_id = absl::StrCat("dy", r.Range(100000000LL, 999999999LL));
        a.name = absl::StrCat(u.short_name, "抖音号");
        break;
      case Platform::kToutiao:
        a.platform_id = absl::StrCat(r.Range(1000000000000000LL, 9999999999999999LL));
        a.name = absl::StrCat(u.short_name, "头条号");
        break;
    }
    if (nth) a.name += absl::StrCat(nth + 1);
    AccountPlan plan;
    a.healthy = Tiny() ? (i % 5 == 4) : r.Chance(R("healthy_account"));
    if (Tiny()) {
      // Every account kind at least once among the 20 accounts.
      switch (i) {
        case 0: plan.not_updated = true; break;
        case 1: plan.dormant = true; plan.unfiled = true; break;
        case 2: plan.no_interaction = true; break;
        case 3: plan.expression = 1; break;
        case 5: plan.sensitive = 1; break;
        case 6: plan.abolished = 1; break;
        case 7: plan.privacy = 1; break;
        case 8: plan.unfiled = true; break;
        case 10: plan.closed_not_deregistered = true; break;
        case 11: plan.filed_late = true; break;
        default: break;
      }
    } else if (!a.healthy) {
      plan.not_updated = r.Chance(R("account_not_updated"));
      plan.dormant = r.Chance(R("account_dormant"));
      plan.no_interaction = r.Chance(R("account_no_interaction"));
      plan.expression = r.Chance(R("account_expression_error")) ? 1 : 0;
      plan.sensitive = r.Chance(R("account_sensitive_word")) ? 1 : 0;
      plan.abolished = r.Chance(R("account_abolished_name")) ? 1 : 0;
      plan.privacy = r.Chance(R("account_privacy")) ? 1 : 0;
      plan.unfiled = r.Chance(R("account_unfiled"));
      plan.closed_not_deregistered = !plan.unfiled && r.Chance(R("account_closed_not_deregistered"));
      plan.filed_late = !plan.unfiled && r.Chance(R("account_filed_late"));
    }
    a.healthy = a.healthy && !nth;
    a.opened = as_of_ - static_cast<Day>(r.Range(90, 2500));
    a.in_registry = !plan.unfiled;
    if (a.in_registry) a.filed = a.opened + static_cast<Day>(plan.filed_late ? r.Range(6, 60) : r.Range(0, 3));
    // Deregistered closed accounts (healthy), closed-but-still-filed (defect).
    const bool closed_ok = !Tiny() && !plan.closed_not_deregistered && a.in_registry && r.Chance(0.03);
    if (Tiny() && i == 12) {
      a.status = AccountStatus::kDeleted;
      a.platform_closed = as_of_ - 200;
      a.registry_closed = as_of_ - 198;
    } else if (closed_ok || plan.closed_not_deregistered) {
      a.status = r.Chance(0.5) ? AccountStatus::kClosed : AccountStatus::kDeleted;
      if (plan.closed_not_deregistered) a.status = AccountStatus::kClosed;
      a.platform_closed = as_of_ - static_cast<Day>(r.Range(30, 300));
      if (closed_ok) a.registry_closed = a.platform_closed + static_cast<Day>(r.Range(0, 5));
      if (a.platform_closed < a.opened + 30) a.opened = a.platform_closed - 60;
      if (a.in_registry && a.filed > a.platform_closed) a.filed = a.opened + 1;
    }
    // Interaction settings.
    if (plan.no_interaction) {
      a.comments = a.messages = a.private_messages = false;
    } else {
      a.comments = r.Chance(0.9);
      a.messages = r.Chance(0.7);
      a.private_messages = r.Chance(0.6);
      if (!a.comments && !a.messages && !a.private_messages) a.comments = true;
    }
    // Posts.
    Day newest = as_of_ - static_cast<Day>(r.Range(0, 9));
    if (plan.not_updated) newest = as_of_ - static_cast<Day>(r.Range(18, 60));
    if (plan.dormant) newest = as_of_ - static_cast<Day>(r.Range(120, 500));
    if (a.platform_closed != kNoDay) newest = a.platform_closed - static_cast<Day>(r.Range(1, 30));
    newest = std::max(newest, a.opened + 1);
    int n = static_cast<int>(r.Range(15, Tiny() ? 30 : 120));
    Day d = newest;
    uint32_t pid = static_cast<uint32_t>(r.Range(100000, 900000)) * 10;
    for (int k = 0; k < n && d > a.opened; ++k) {
      Post p;
      p.date = d;
      p.id = pid + static_cast<uint32_t>(k);
      p.minute_of_day = static_cast<uint16_t>(r.Range(7 * 60, 22 * 60));
      a.posts.push_back(p);
      d -= static_cast<Day>(r.Range(0, 6));
    }
    if (a.posts.empty()) {
      a.posts.push_back(Post{newest, pid, 600});
    }
    // Content problems in posts.
    auto post_after = [&](Day since) -> int {
      std::vector<int> cand;
      for (size_t k = 0; k < a.posts.size(); ++k) {
        if (a.posts[k].date >= since) cand.push_back(static_cast<int>(k));
      }
      return cand.empty() ? -1 : cand[r.Below(cand.size())];
    };
    if (plan.expression) {
      int k = post_after(0);
      a.injections.push_back({InjectKind::kExpressionError, -1, k,
                              dict.expression_errors[r.Below(dict.expression_errors.size())].wrong, ""});
    }
    if (plan.sensitive) {
      int k = post_after(0);
      a.injections.push_back({InjectKind::kSensitiveWord, -1, k,
                              dict.sensitive_words[r.Below(dict.sensitive_words.size())], ""});
    }
    if (plan.abolished) {
      const AbolishedName& nm = dict.abolished_names[r.Below(dict.abolished_names.size())];
      int k = post_after(nm.invalid_since + 3);
      if (k >= 0) a.injections.push_back({InjectKind::kAbolishedName, -1, k, nm.old_name, ""});
    }
    if (plan.privacy) {
      int k = post_after(0);
      a.injections.push_back({InjectKind::kIdNumber, -1, k, IdNumber(r.Next(), u.division), ""});
      a.injections.push_back({InjectKind::kMobile, -1, k, MobileNumber(r.Next()), ""});
      a.injections.push_back({InjectKind::kIdNumberMasked, -1, k, MaskIdNumber(IdNumber(r.Next(), u.division)), ""});
    }
    std::stable_sort(a.injections.begin(), a.injections.end(),
                     [](const Injection& x, const Injection& y) { return x.item < y.item; });
    province_.accounts.push_back(std::move(a));
  }
}

// ----------------------------------------------------------------------------- open data

void Generator::BuildPortal() {
  Rng rng(Mix(opt_.seed, 0x706f7274616cULL));
  Portal& p = province_.portal;
  const Unit& top = province_.units[0];
  p.id = absl::StrCat("kaifang-", top.id.substr(0, top.id.find('-')));
  p.name = absl::StrCat("开放", top.city);
  p.host = absl::StrCat("data.", top.domain_base);
  struct Freq {
    const char* name;
    int days;
  };
  static const Freq kFreqs[] = {{"每日", 1}, {"每周", 7}, {"每月", 30}, {"每季度", 91}, {"每年", 365}};
  std::vector<std::pair<std::string, int>> orgs;
  for (size_t ui = 0; ui < province_.units.size(); ++ui) {
    const Unit& u = province_.units[ui];
    if (u.open_data_org.empty()) continue;
    const int i = static_cast<int>(ui);
    bool not_connected = Tiny() ? i == 2 : rng.Chance(R("opendata_not_connected"));
    bool below = Tiny() ? i == 1 : rng.Chance(R("opendata_below_quota"));
    bool stale = Tiny() ? i == 0 : rng.Chance(R("opendata_stale_dataset"));
    bool zero = Tiny() ? i == 4 : rng.Chance(R("opendata_zero_records"));
    bool broken = Tiny() ? i == 5 : rng.Chance(R("opendata_resource_broken"));
    if (not_connected) continue;
    orgs.push_back({u.open_data_org, i});
    int n = below ? static_cast<int>(rng.Range(0, u.open_data_quota - 1)) : u.open_data_quota + static_cast<int>(rng.Range(0, 3));
    if (n == 0 && (stale || zero || broken)) n = 1;
    std::vector<size_t> mine;
    for (int k = 0; k < n; ++k) {
      Dataset d;
      d.unit = i;
      d.name = absl::StrCat(u.open_data_org, "-ds", k + 1);
      d.title = DatasetTitle(Mix(rng.Next(), static_cast<uint64_t>(k)), u.short_name);
      uint64_t h = Mix(opt_.seed, HashString(d.name));
      d.id = absl::StrFormat("%08x-%04x-%04x-%04x-%012x", static_cast<uint32_t>(h), static_cast<uint32_t>(h >> 32) & 0xffff,
                             static_cast<uint32_t>(h >> 48), static_cast<uint32_t>(SplitMix64(h)) & 0xffff,
                             SplitMix64(h + 1) & 0xffffffffffffULL);
      const Freq& f = kFreqs[1 + rng.Below(4)];
      d.frequency_days = f.days;
      d.frequency_name = f.name;
      d.created = as_of_ - static_cast<Day>(rng.Range(400, 1500));
      d.modified = as_of_ - static_cast<Day>(rng.Range(0, f.days * 9 / 10));
      d.records = rng.Range(30, 50000);
      int nres = static_cast<int>(rng.Range(1, 2));
      for (int r = 0; r < nres; ++r) {
        Resource res;
        uint64_t rh = Mix(h, static_cast<uint64_t>(r) + 1);
        res.id = absl::StrFormat("%08x-%04x-%04x-%04x-%012x", static_cast<uint32_t>(rh), static_cast<uint32_t>(rh >> 32) & 0xffff,
                                 static_cast<uint32_t>(rh >> 48), static_cast<uint32_t>(SplitMix64(rh)) & 0xffff,
                                 SplitMix64(rh + 1) & 0xffffffffffffULL);
        res.format = r == 0 ? "CSV" : (rng.Chance(0.5) ? "XLSX" : "JSON");
        res.name = absl::StrCat(d.title, r == 0 ? "" : "（附表）");
        d.resources.push_back(res);
      }
      p.datasets.push_back(std::move(d));
      mine.push_back(p.datasets.size() - 1);
    }
    if (!mine.empty()) {
      if (stale) {
        Dataset& d = p.datasets[mine[rng.Below(mine.size())]];
        d.modified = as_of_ - d.frequency_days * 3 - static_cast<Day>(rng.Range(5, 60));
      }
      if (zero) p.datasets[mine[rng.Below(mine.size())]].records = 0;
      if (broken) {
        Dataset& d = p.datasets[mine[rng.Below(mine.size())]];
        d.resources[0].broken = true;
      }
    }
  }
  std::sort(orgs.begin(), orgs.end());
  for (auto& o : orgs) p.organizations.push_back(o.second);
}

Province Generator::Run() {
  province_.options = opt_;
  BuildUnits();
  const int site_units = static_cast<int>(province_.units.size());
  // The city portal whose board departments may link to.
  gov_site_of_unit_.assign(site_units, -1);
  for (int i = 0; i < site_units; ++i) {
    const Unit& u = province_.units[i];
    if (u.kind == UnitKind::kDepartment && u.parent >= 0) gov_site_of_unit_[i] = u.parent;  // site index == unit index
  }
  for (int i = 0; i < site_units; ++i) BuildSite(i, i);
  BuildAccounts();
  BuildPortal();
  province_.Index();
  return std::move(province_);
}

}  // namespace

absl::StatusOr<Province> GenerateProvince(const GenerateOptions& options) {
  std::map<std::string, double> defaults = DefaultRates();
  for (const auto& [k, v] : options.rates) {
    if (!defaults.count(k)) return absl::InvalidArgumentError(absl::StrCat("unknown rate \"", k, "\""));
    if (!(v >= 0.0 && v <= 1.0)) {
      return absl::InvalidArgumentError(absl::StrCat("rate ", k, "=", v, " is outside [0, 1]"));
    }
  }
  const WorkCalendar& cal = WorkCalendar::BuiltIn();
  if (options.as_of < cal.first_covered() + 400 || options.as_of > cal.last_covered()) {
    return absl::InvalidArgumentError(absl::StrCat("--as-of ", FormatIso(options.as_of),
                                                   " is outside the holiday calendar's range (",
                                                   FormatIso(cal.first_covered() + 400), " .. ",
                                                   FormatIso(cal.last_covered()), ")"));
  }
  Generator g(options);
  return g.Run();
}

}  // namespace govinspect::simprovince

// ----------------------------------------------------------------------------- files

#include <sys/stat.h>

#include "nlohmann/json.hpp"
#include "tools/simprovince/registry_writer.h"
#include "tools/simprovince/truth.h"

namespace govinspect::simprovince {
namespace {

std::string Digest(const std::string& s) { return absl::StrFormat("%016x", HashString(s)); }

nlohmann::json ModelJson(const Province& p, const std::string& truth_digest) {
  nlohmann::json rates = nlohmann::json::object();
  for (const auto& [k, v] : p.options.rates) rates[k] = v;
  size_t pages = 0;
  for (const Site& s : p.sites) {
    for (size_t c = 0; c < s.columns.size(); ++c) {
      pages += s.columns[c].items.size() + static_cast<size_t>(ListPageCount(s, static_cast<int>(c)));
    }
    pages += 1;
  }
  return nlohmann::json{{"schema", "govinspect.simprovince.model/v1"},
                        {"seed", p.options.seed},
                        {"as_of", FormatIso(p.options.as_of)},
                        {"profile", ProfileName(p.options.profile)},
                        {"rate_overrides", rates},
                        {"truth_digest", truth_digest},
                        {"summary", {{"units", p.units.size()},
                                     {"sites", p.sites.size()},
                                     {"accounts", p.accounts.size()},
                                     {"datasets", p.portal.datasets.size()},
                                     {"pages", pages}}}};
}

}  // namespace

absl::Status WriteProvince(const Province& p, const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::UnavailableError(absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  std::string truth = BuildTruth(p).dump(1);
  truth += '\n';
  for (const auto& [name, content] :
       std::vector<std::pair<std::string, std::string>>{{"units.csv", UnitsCsv(p)},
                                                        {"sites.csv", SitesCsv(p)},
                                                        {"accounts.csv", AccountsCsv(p)},
                                                        {"portals.csv", PortalsCsv(p)},
                                                        {"truth.json", truth},
                                                        {"province.json", ModelJson(p, Digest(truth)).dump(1) + "\n"}}) {
    absl::Status st = WriteFile(dir + "/" + name, content);
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<Province> LoadProvince(const std::string& dir) {
  absl::StatusOr<std::string> text = ReadFile(dir + "/province.json");
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("schema", "") != "govinspect.simprovince.model/v1") {
    return absl::InvalidArgumentError(absl::StrCat(dir, "/province.json is not a simprovince model"));
  }
  GenerateOptions o;
  if (!j.contains("seed") || !j["seed"].is_number_unsigned()) return absl::InvalidArgumentError("province.json: bad seed");
  o.seed = j["seed"].get<uint64_t>();
  absl::StatusOr<Day> as_of = ParseIsoDate(j.value("as_of", ""));
  if (!as_of.ok()) return as_of.status();
  o.as_of = *as_of;
  absl::StatusOr<Profile> profile = ParseProfile(j.value("profile", ""));
  if (!profile.ok()) return profile.status();
  o.profile = *profile;
  if (j.contains("rate_overrides") && j["rate_overrides"].is_object()) {
    for (auto it = j["rate_overrides"].begin(); it != j["rate_overrides"].end(); ++it) {
      if (!it.value().is_number()) return absl::InvalidArgumentError("province.json: bad rate");
      o.rates[it.key()] = it.value().get<double>();
    }
  }
  absl::StatusOr<Province> p = GenerateProvince(o);
  if (!p.ok()) return p.status();
  std::string truth = BuildTruth(*p).dump(1) + "\n";
  if (Digest(truth) != j.value("truth_digest", "")) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, ": the regenerated model does not match truth.json (generated by another simprovince "
                          "version?); run generate again"));
  }
  return p;
}

}  // namespace govinspect::simprovince
