#include "tools/simprovince/truth.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "tools/simprovince/calendar.h"
#include "tools/simprovince/dictionaries.h"
#include "tools/simprovince/text_gen.h"

namespace govinspect::simprovince {

using nlohmann::json;

const char* MatchKeyName(MatchKey k) {
  switch (k) {
    case MatchKey::kNone: return "none";
    case MatchKey::kUrl: return "url";
    case MatchKey::kText: return "text";
    case MatchKey::kDetail: return "detail";
  }
  return "?";
}

const std::vector<FindingKind>& FindingKinds() {
  using K = MatchKey;
  static const auto* v = new std::vector<FindingKind>{
      // kind, site indicator, account indicator, unit indicator, key, veto
      {"site_unreachable", "site_unreachable", nullptr, nullptr, K::kNone, true},
      {"home_not_updated", "home_not_updated", nullptr, nullptr, K::kNone, true},
      {"column_not_updated", "columns_not_updated", nullptr, nullptr, K::kUrl, true},
      {"blank_column", "columns_not_updated", nullptr, nullptr, K::kUrl, true},
      {"expression_error", "serious_error", "account_security", nullptr, K::kText, true},
      {"sensitive_word", "serious_error", "account_security", nullptr, K::kText, true},
      {"abolished_name", "serious_error", "account_security", nullptr, K::kText, true},
      {"privacy_id_number", "site_deduct_privacy", "account_privacy", nullptr, K::kText, false},
      {"privacy_mobile", "site_deduct_privacy", "account_privacy", nullptr, K::kText, false},
      {"broken_link", "site_deduct_broken_links", nullptr, nullptr, K::kUrl, false},
      {"missing_image", "site_deduct_migration", nullptr, nullptr, K::kUrl, false},
      {"missing_attachment", "site_deduct_migration", nullptr, nullptr, K::kUrl, false},
      {"message_unanswered", "poor_interaction", nullptr, nullptr, K::kUrl, true},
      {"no_consultation_channel", "poor_interaction", nullptr, nullptr, K::kNone, true},
      {"reply_late", "site_deduct_reply_late", nullptr, nullptr, K::kUrl, false},
      {"message_missing_elements", "site_deduct_message_elements", nullptr, nullptr, K::kUrl, false},
      {"no_message_statistics", "site_deduct_message_statistics", nullptr, nullptr, K::kNone, false},
      {"survey_too_few", "site_deduct_survey", nullptr, nullptr, K::kNone, false},
      {"survey_no_dates", "site_deduct_survey", nullptr, nullptr, K::kUrl, false},
      {"survey_feedback_late", "site_deduct_survey", nullptr, nullptr, K::kUrl, false},
      {"survey_feedback_missing", "site_deduct_survey", nullptr, nullptr, K::kUrl, false},
      {"survey_feedback_before_document", "site_deduct_survey", nullptr, nullptr, K::kUrl, false},
      {"survey_open_after_end", "site_deduct_survey", nullptr, nullptr, K::kUrl, false},
      {"profile_stale", "site_deduct_profile", nullptr, nullptr, K::kNone, false},
      {"domain_irregular", "site_deduct_domain", nullptr, nullptr, K::kNone, false},
      {"footer_missing_site_code", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"footer_missing_icp", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"footer_missing_police", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"footer_missing_badge", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"footer_missing_sponsor", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"footer_missing_sitemap", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"footer_missing_error_report", "site_deduct_identity", nullptr, nullptr, K::kNone, false},
      {"no_search", "site_deduct_search", nullptr, nullptr, K::kNone, false},
      {"no_viewport", "site_deduct_mobile", nullptr, nullptr, K::kNone, false},
      {"service_guide_incomplete", "service_not_practical", nullptr, nullptr, K::kUrl, true},
      {"no_service", "service_not_practical", nullptr, nullptr, K::kNone, true},
      {"account_not_updated", nullptr, "account_not_updated", nullptr, K::kNone, true},
      {"account_dormant", nullptr, "account_not_updated", nullptr, K::kNone, true},
      {"account_no_interaction", nullptr, "account_no_interaction", nullptr, K::kNone, true},
      {"account_closed_not_deregistered", nullptr, "account_filing", nullptr, K::kNone, false},
      {"account_filed_late", nullptr, "account_filing", nullptr, K::kNone, false},
      {"account_unfiled", nullptr, nullptr, "account_filing", K::kUrl, false},
      {"account_duplicate_platform", nullptr, nullptr, "account_consolidation", K::kDetail, false},
      {"opendata_not_connected", nullptr, nullptr, "opendata_connection", K::kNone, false},
      {"opendata_below_quota", nullptr, nullptr, "opendata_quota", K::kNone, false},
      {"opendata_stale_dataset", nullptr, nullptr, "opendata_freshness", K::kText, false},
      {"opendata_zero_records", nullptr, nullptr, "opendata_quality", K::kText, false},
      {"opendata_resource_broken", nullptr, nullptr, "opendata_quality", K::kUrl, false},
  };
  return *v;
}

const FindingKind* FindFindingKind(absl::string_view kind) {
  for (const FindingKind& k : FindingKinds()) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

std::string TargetType(absl::string_view target) {
  if (absl::StartsWith(target, "sites/")) return "site";
  if (absl::StartsWith(target, "accounts/")) return "account";
  if (absl::StartsWith(target, "units/")) return "unit";
  if (absl::StartsWith(target, "portals/")) return "portal";
  return "";
}

std::string IndicatorFor(absl::string_view kind, absl::string_view type) {
  const FindingKind* k = FindFindingKind(kind);
  if (k == nullptr) return "";
  const char* ind = type == "site" ? k->site_indicator : type == "account" ? k->account_indicator
                                                       : k->unit_indicator;
  return ind ? ind : "";
}

std::string NormalizeUrl(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  std::string lower = absl::AsciiStrToLower(url.substr(0, std::min<size_t>(url.size(), 8)));
  size_t scheme_len = 0;
  if (absl::StartsWith(lower, "http://")) scheme_len = 7;
  else if (absl::StartsWith(lower, "https://")) scheme_len = 8;
  else return std::string(url);
  std::string scheme = absl::AsciiStrToLower(url.substr(0, scheme_len));
  absl::string_view rest = url.substr(scheme_len);
  size_t hash = rest.find('#');
  if (hash != absl::string_view::npos) rest = rest.substr(0, hash);
  size_t slash = rest.find_first_of("/?");
  std::string host = absl::AsciiStrToLower(rest.substr(0, slash));
  std::string path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!path.empty() && path[0] == '?') path = "/" + path;
  if ((scheme == "http://" && absl::EndsWith(host, ":80")) || (scheme == "https://" && absl::EndsWith(host, ":443"))) {
    host = host.substr(0, host.rfind(':'));
  }
  return absl::StrCat(scheme, host, path);
}

std::string MatchValue(const json& f) {
  auto str = [&](const char* field) -> std::string {
    auto it = f.find(field);
    return it != f.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const FindingKind* k = FindFindingKind(str("kind"));
  if (k == nullptr) return str("url") + "|" + str("text");
  switch (k->key) {
    case MatchKey::kNone: return "";
    case MatchKey::kUrl: return NormalizeUrl(str("url"));
    case MatchKey::kText: {
      std::string text(absl::StripAsciiWhitespace(str("text")));
      // An abolished name is one name whichever level is written before it: the analyzer's
      // dictionary reports the local form it matched (市农业局), the truth the name (农业局).
      if (k->kind == std::string_view("abolished_name")) {
        for (const char* level : {"省", "市", "县", "区", "州", "旗"}) {
          if (absl::StartsWith(text, level) && text.size() > std::strlen(level)) {
            text.erase(0, std::strlen(level));
            break;
          }
        }
      }
      return text;
    }
    case MatchKey::kDetail: return std::string(absl::StripAsciiWhitespace(str("detail")));
  }
  return "";
}

namespace {

json Finding(const std::string& kind, const std::string& type, const std::string& url = "",
             const std::string& source_url = "", const std::string& text = "", const std::string& excerpt = "",
             const std::string& date = "", const std::string& detail = "") {
  return json{{"kind", kind},     {"indicator", IndicatorFor(kind, type)},
              {"url", url},       {"source_url", source_url},
              {"text", text},     {"excerpt", excerpt},
              {"date", date},     {"detail", detail}};
}

std::string D(Day d) { return d == kNoDay ? "" : FormatIso(d); }

json SiteTruth(const Province& p, const Site& s) {
  const Day as_of = p.options.as_of;
  const Unit& u = p.units[s.unit];
  const WorkCalendar& cal = WorkCalendar::BuiltIn();
  const std::string origin = SiteOrigin(s);
  const std::string home = origin + "/";
  json findings = json::array(), traps = json::array();
  auto add = [&](json f) { findings.push_back(std::move(f)); };
  auto trap = [&](json f) { traps.push_back(std::move(f)); };
  const std::string T = "site";
  std::set<std::string> vetoes;
  const bool down = s.fail_ppm >= 1000000;

  if (s.fail_ppm >= kUnreachablePpm) {
    add(Finding("site_unreachable", T, "", "", "", "", "",
                absl::StrFormat("failure_ratio=%.4f mode=%s", s.fail_ppm / 1e6, FailModeId(s.fail_mode))));
    vetoes.insert("site_unreachable");
  } else if (s.fail_ppm > 0) {
    trap(Finding("site_unreachable", T, "", "", "", "", "",
                 absl::StrFormat("failure_ratio=%.4f mode=%s", s.fail_ppm / 1e6, FailModeId(s.fail_mode))));
  }

  // Columns.
  Day newest_site = kNoDay;
  int a_count = 0, b_count = 0, c_count = 0;
  const Day year_ago = AddMonths(as_of, -12);
  for (size_t ci = 0; ci < s.columns.size(); ++ci) {
    const Column& c = s.columns[ci];
    if (!IsUpdatingCategory(c.category)) continue;
    const std::string list_url = origin + ListPath(s, static_cast<int>(ci), 0);
    if (c.blank != BlankKind::kNone) {
      add(Finding("blank_column", T, list_url, home, c.name, "", "", BlankKindId(c.blank)));
      ++c_count;
      continue;
    }
    const Day newest = c.items.front().date;
    newest_site = newest_site == kNoDay ? newest : std::max(newest_site, newest);
    if (newest < StaleThreshold(c.category, as_of)) {
      add(Finding("column_not_updated", T, list_url, home, c.name, "", D(newest), CategoryId(c.category)));
      if (c.category == Category::kNews || c.category == Category::kNotice || c.category == Category::kPolicy) ++a_count;
    } else if (c.date_format == DateFormat::kBracketMonthDay || c.date_format == DateFormat::kMonthDay) {
      Ymd n = YmdFromDay(newest), a = YmdFromDay(as_of);
      if (n.year < a.year && (n.month > a.month || (n.month == a.month && n.day > a.day))) {
        trap(Finding("column_not_updated", T, list_url, home, c.name, "", D(newest),
                     absl::StrCat(CategoryId(c.category), "; month-day dates of the previous year")));
      }
    }
    if (newest < year_ago) ++b_count;
  }
  if (newest_site == kNoDay || newest_site < as_of - 14) {
    add(Finding("home_not_updated", T, "", "", "", "", D(newest_site), "newest item on or under the home page"));
    vetoes.insert("home_not_updated");
  }
  if (a_count >= 5 || b_count >= 10 || c_count >= 5) vetoes.insert("columns_not_updated");

  // Injections.
  const Dictionaries& dict = Dictionaries::BuiltIn();
  for (const Injection& in : s.injections) {
    // Home-page injections sit on the real home page ("/" may only forward to it).
    const std::string page = in.column < 0 ? (s.home_kind == HomeKind::kDirect ? home : origin + s.real_home_path)
                                           : origin + ArticlePath(s, in.column, in.item);
    const std::string date = in.column < 0 ? "" : D(s.columns[in.column].items[in.item].date);
    switch (in.kind) {
      case InjectKind::kExpressionError:
        add(Finding("expression_error", T, "", page, in.text, PlantedSentence(in), date, ""));
        for (const auto& e : dict.expression_errors) {
          if (e.wrong == in.text) findings.back()["detail"] = absl::StrCat("correct: ", e.right);
        }
        vetoes.insert("serious_error");
        break;
      case InjectKind::kSensitiveWord:
        add(Finding("sensitive_word", T, "", page, in.text, PlantedSentence(in), date, ""));
        vetoes.insert("serious_error");
        break;
      case InjectKind::kAbolishedName:
      case InjectKind::kAbolishedNameTrap: {
        std::string detail;
        for (const auto& a : dict.abolished_names) {
          if (a.old_name == in.text) detail = absl::StrCat("now ", a.new_name, " since ", FormatIso(a.invalid_since));
        }
        json f = Finding("abolished_name", T, "", page, in.text, PlantedSentence(in), date, detail);
        if (in.kind == InjectKind::kAbolishedName) {
          add(std::move(f));
          vetoes.insert("serious_error");
        } else {
          f["detail"] = absl::StrCat(detail, "; published before the reform");
          trap(std::move(f));
        }
        break;
      }
      case InjectKind::kIdNumber: add(Finding("privacy_id_number", T, "", page, in.text, "", date, "published_list")); break;
      case InjectKind::kIdNumberMasked: trap(Finding("privacy_id_number", T, "", page, in.text, "", date, "masked")); break;
      case InjectKind::kMobile: add(Finding("privacy_mobile", T, "", page, in.text, "", date, "published_list")); break;
      case InjectKind::kMobileMasked: trap(Finding("privacy_mobile", T, "", page, in.text, "", date, "masked")); break;
      case InjectKind::kBrokenLink: add(Finding("broken_link", T, origin + in.path, page, in.text, "", "", "http_404")); break;
      case InjectKind::kMissingImage: add(Finding("missing_image", T, origin + in.path, page, "", "", "", "http_404")); break;
      case InjectKind::kMissingAttachment:
        add(Finding("missing_attachment", T, origin + in.path, page, "", "", "", "http_404"));
        break;
    }
  }
  // Links that are not links, present on every page.
  trap(Finding("broken_link", T, "javascript:window.print();", home, "打印本页", "", "", "not a link"));
  trap(Finding("broken_link", T, absl::StrCat("mailto:webmaster@", s.host), home, "联系我们", "", "", "not a link"));
  trap(Finding("broken_link", T, "#top", home, "返回顶部", "", "", "not a link"));

  // Interaction.
  const int cc = s.FindColumn(Category::kConsult);
  if (cc < 0) {
    if (s.consult_via_portal) {
      trap(Finding("no_consultation_channel", T, "", "", "", "", "", "links to the city portal's board"));
    } else if (s.consult_via_12345) {
      trap(Finding("no_consultation_channel", T, "", "", "", "", "", "links to the city's 12345 platform"));
    } else {
      add(Finding("no_consultation_channel", T, "", "", "", "", "",
                  s.complaint_mailbox_only ? "only a 纪检/信访 mailbox (a complaint channel, not consultation)" : ""));
      vetoes.insert("poor_interaction");
    }
  } else {
    const Column& c = s.columns[cc];
    const Day three_months = AddMonths(as_of, -3);
    for (size_t i = 0; i < c.items.size(); ++i) {
      const Message& m = c.messages[i];
      const Day asked = c.items[i].date;
      const std::string url = origin + ArticlePath(s, cc, static_cast<int>(i));
      if (m.replied == kNoDay) {
        if (asked < three_months && asked >= year_ago) {
          add(Finding("message_unanswered", T, url, origin + ListPath(s, cc, 0), "", "", D(asked),
                      absl::StrCat("days_open=", as_of - asked)));
          vetoes.insert("poor_interaction");
        } else if (asked >= three_months) {
          trap(Finding("message_unanswered", T, url, "", "", "", D(asked), "not yet due"));
        }
        continue;
      }
      if (m.missing) {
        std::vector<std::string> names;
        if (m.missing & kMsgAskTime) names.push_back("留言时间");
        if (m.missing & kMsgReplyUnit) names.push_back("答复单位");
        if (m.missing & kMsgReplyTime) names.push_back("答复时间");
        if (m.missing & kMsgReplyContent) names.push_back("答复内容");
        add(Finding("message_missing_elements", T, url, "", "", "", D(asked), absl::StrJoin(names, ",")));
      }
      if ((m.missing & (kMsgAskTime | kMsgReplyTime)) == 0) {
        int wd = cal.WorkingDaysAfter(asked, m.replied);
        if (wd > 5) {
          add(Finding("reply_late", T, url, "", "", "", D(asked),
                      absl::StrCat("working_days=", wd, " replied=", D(m.replied))));
        }
      }
    }
    for (const auto& [col, item] : s.holiday_trap_messages) {
      if (col < 0) continue;
      const Day asked = s.columns[col].items[item].date;
      const Day replied = s.columns[col].messages[item].replied;
      trap(Finding("reply_late", T, origin + ArticlePath(s, col, item), "", "", "", D(asked),
                   absl::StrCat("working_days=", cal.WorkingDaysAfter(asked, replied),
                                " weekdays=", WorkCalendar::WeekdaysAfter(asked, replied),
                                " replied=", D(replied), " (on time with statutory holidays)")));
    }
    if (s.FindColumn(Category::kStats) < 0) add(Finding("no_message_statistics", T));
  }

  // Surveys.
  const int sc = s.FindColumn(Category::kSurvey);
  const int fc = s.FindColumn(Category::kFeedback);
  if (sc >= 0) {
    const Column& c = s.columns[sc];
    int in_year = 0;
    for (size_t i = 0; i < c.items.size(); ++i) {
      const Survey& sv = c.surveys[i];
      if (sv.start > as_of - 365 && sv.start <= as_of) ++in_year;
      const std::string url = origin + ArticlePath(s, sc, static_cast<int>(i));
      if (!sv.show_dates) add(Finding("survey_no_dates", T, url, "", "", "", "", ""));
      if (sv.open_after_end) {
        add(Finding("survey_open_after_end", T, url, "", "", "", D(sv.end), absl::StrCat("end=", D(sv.end))));
        continue;
      }
      if (sv.end >= as_of) continue;  // still running
      const Day due = AddMonths(sv.end, 1);
      // Feedback is judged for the surveys of the year before the 监测时间点 only, the surveys
      // that are counted (the seed notice: 1年内开展的调查征集活动); an older survey without
      // feedback is no finding.
      if (sv.start <= as_of - 365) {
        if (sv.feedback < 0) {
          trap(Finding("survey_feedback_missing", T, url, "", "", "", D(sv.end), "survey of an earlier year"));
        }
        continue;
      }
      if (sv.feedback < 0) {
        if (due < as_of) {
          add(Finding("survey_feedback_missing", T, url, "", "", "", D(sv.end), absl::StrCat("end=", D(sv.end))));
        } else {
          trap(Finding("survey_feedback_missing", T, url, "", "", "", D(sv.end), "feedback not yet due"));
        }
        continue;
      }
      const Day published = s.columns[fc].items[sv.feedback].date;
      const Day document = s.columns[fc].document_dates[sv.feedback];
      if (published > due) {
        add(Finding("survey_feedback_late", T, url, "", "", "", D(published),
                    absl::StrCat("end=", D(sv.end), " feedback=", D(published))));
      }
      if (published < document) {
        add(Finding("survey_feedback_before_document", T, origin + ArticlePath(s, fc, sv.feedback), url, "", "",
                    D(published), absl::StrCat("document_date=", D(document), " publish_date=", D(published))));
      }
    }
    if (in_year < kSurveysPerYear) {
      add(Finding("survey_too_few", T, "", "", "", "", "", absl::StrCat("surveys_in_year=", in_year)));
    }
  } else {
    add(Finding("survey_too_few", T, "", "", "", "", "", "surveys_in_year=0 (no survey column)"));
  }

  // Profile.
  const int pc = s.FindColumn(Category::kProfile);
  if (pc >= 0 && s.columns[pc].profile_year <= YmdFromDay(as_of).year - 2) {
    add(Finding("profile_stale", T, origin + ListPath(s, pc, 0), "", "", "", "",
                absl::StrCat("year=", s.columns[pc].profile_year)));
  }
  // Identity.
  if (s.domain_irregular) add(Finding("domain_irregular", T, "", "", "", "", "", s.host));
  for (int i = 0; i < kFooterItems; ++i) {
    if (s.footer_missing & (1u << i)) add(Finding(absl::StrCat("footer_missing_", FooterItemId(i)), T));
  }
  if (!s.has_search) add(Finding("no_search", T));
  if (!s.has_viewport) add(Finding("no_viewport", T));
  // Service.
  const int svc = s.FindColumn(Category::kService);
  if (svc < 0) {
    if (s.service_via_province) {
      trap(Finding("no_service", T, "", "", "", "", "", "办事服务 links to the province's 政务服务网"));
    } else if (u.public_service) {
      add(Finding("no_service", T));
      vetoes.insert("service_not_practical");
    } else {
      trap(Finding("no_service", T, "", "", "", "", "", "unit without public-service duties"));
    }
  } else {
    int severe = 0;
    const Column& c = s.columns[svc];
    for (size_t i = 0; i < c.items.size(); ++i) {
      if (!c.guide_missing[i]) continue;
      std::vector<std::string> names;
      int n = 0;
      for (int e = 0; e < kGuideElements; ++e) {
        if (c.guide_missing[i] & (1u << e)) {
          names.push_back(GuideElementName(e));
          ++n;
        }
      }
      if (n >= 4) ++severe;
      add(Finding("service_guide_incomplete", T, origin + ArticlePath(s, svc, static_cast<int>(i)), "", "", "", "",
                  absl::StrJoin(names, ",")));
    }
    if (severe >= 5) vetoes.insert("service_not_practical");
  }

  if (down) {
    // Nothing but the home page's failure can be observed.
  }
  json t;
  t["target"] = absl::StrCat("sites/", s.id);
  t["unit"] = absl::StrCat("units/", u.id);
  t["type"] = "site";
  t["site_kind"] = s.portal ? "portal" : "department";
  t["healthy"] = s.healthy;
  t["assessable"] = !down;
  static const char* kBadgeForms[] = {"image_link", "conac_script", "document_write_script"};
  static const char* kJiucuoForms[] = {"image_link", "jiucuo_script", "jiucuo_script_with_fallback", "load_scripts_call"};
  json columns = json::array();
  for (size_t ci = 0; ci < s.columns.size(); ++ci) {
    const Column& c = s.columns[ci];
    if (c.merged) continue;
    columns.push_back(json{{"name", c.name},
                           {"category", CategoryId(c.category)},
                           {"url", origin + ListPath(s, static_cast<int>(ci), 0)},
                           {"list_dates", DateFormatId(c.date_format)},
                           {"date_place", DatePlaceId(c.date_place)},
                           {"blank", BlankKindId(c.blank)},
                           {"items", ListEntryCount(s, static_cast<int>(ci))},
                           {"pages", ListPageCount(s, static_cast<int>(ci))},
                           {"script_pager_only", c.script_pager_only}});
  }
  t["facts"] = json{{"home_url", home},
                    {"cms_family", CmsFamilyId(s.style)},
                    {"cms_style", CmsStyleId(s.style)},
                    {"home_kind", HomeKindId(s.home_kind)},
                    {"real_home_url", s.home_kind == HomeKind::kDirect ? home : origin + s.real_home_path},
                    {"link_style", LinkStyleId(s.link_style)},
                    {"article_date", ArticleDateId(s.article_date)},
                    {"nav_sections", s.nav_sections},
                    {"catalogue_tree", s.catalogue_tree},
                    {"footer_badge", kBadgeForms[s.badge_form % 3]},
                    {"footer_error_report", kJiucuoForms[s.jiucuo_form % 4]},
                    {"sitemap_name", s.sitemap_zhandian ? "站点地图" : "网站地图"},
                    {"consultation", cc >= 0 ? "own_board" : s.consult_via_portal ? "city_portal_board" : s.consult_via_12345 ? "city_12345"
                                     : s.complaint_mailbox_only ? "complaint_mailbox_only" : "none"},
                    {"service", svc >= 0 ? "own_column" : s.service_via_province ? "province_service_portal" : "none"},
                    {"survey_feedback_in_survey_column", s.feedback_in_survey_column},
                    {"columns", std::move(columns)},
                    {"charset", CharsetId(s.charset)},
                    {"nav_only_home", s.nav_only_home},
                    {"home_failure_ratio", s.fail_ppm / 1e6},
                    {"fail_mode", s.fail_ppm ? FailModeId(s.fail_mode) : ""},
                    {"newest_item_date", D(newest_site)},
                    {"columns_a", a_count},
                    {"columns_b", b_count},
                    {"columns_c", c_count}};
  json v = json::array();
  for (const auto& x : vetoes) v.push_back(x);
  t["expected"] = json{{"veto_indicators", v},
                       {"pass_veto", vetoes.empty()},
                       {"result", !vetoes.empty() ? "fail" : s.portal ? "score_required" : "pass"}};
  t["findings"] = std::move(findings);
  t["must_not_report"] = std::move(traps);
  return t;
}

json AccountTruth(const Province& p, const Account& a) {
  const Day as_of = p.options.as_of;
  const Unit& u = p.units[a.unit];
  const std::string T = "account";
  json findings = json::array(), traps = json::array();
  std::set<std::string> vetoes;
  const bool active = a.status == AccountStatus::kActive;
  const Day newest = a.posts.front().date;
  if (active) {
    if (newest < as_of - 14) {
      findings.push_back(Finding("account_not_updated", T, "", "", "", "", D(newest), ""));
      vetoes.insert("account_not_updated");
    }
    if (newest < AddMonths(as_of, -3)) {
      findings.push_back(Finding("account_dormant", T, "", "", "", "", D(newest), absl::StrCat("days_since_post=", as_of - newest)));
    }
    if (!a.comments && !a.messages && !a.private_messages) {
      findings.push_back(Finding("account_no_interaction", T));
      vetoes.insert("account_no_interaction");
    }
    const Dictionaries& dict = Dictionaries::BuiltIn();
    for (const Injection& in : a.injections) {
      const std::string url = PostUrl(a, in.item);
      const std::string date = D(a.posts[in.item].date);
      switch (in.kind) {
        case InjectKind::kExpressionError:
          findings.push_back(Finding("expression_error", T, "", url, in.text, PlantedSentence(in), date, ""));
          for (const auto& e : dict.expression_errors) {
            if (e.wrong == in.text) findings.back()["detail"] = absl::StrCat("correct: ", e.right);
          }
          vetoes.insert("account_security");
          break;
        case InjectKind::kSensitiveWord:
          findings.push_back(Finding("sensitive_word", T, "", url, in.text, PlantedSentence(in), date, ""));
          vetoes.insert("account_security");
          break;
        case InjectKind::kAbolishedName:
          findings.push_back(Finding("abolished_name", T, "", url, in.text, PlantedSentence(in), date, ""));
          vetoes.insert("account_security");
          break;
        case InjectKind::kIdNumber: findings.push_back(Finding("privacy_id_number", T, "", url, in.text, "", date, "")); break;
        case InjectKind::kMobile: findings.push_back(Finding("privacy_mobile", T, "", url, in.text, "", date, "")); break;
        case InjectKind::kIdNumberMasked: traps.push_back(Finding("privacy_id_number", T, "", url, in.text, "", date, "masked")); break;
        case InjectKind::kMobileMasked: traps.push_back(Finding("privacy_mobile", T, "", url, in.text, "", date, "masked")); break;
        default: break;
      }
    }
  } else {
    traps.push_back(Finding("account_not_updated", T, "", "", "", "", D(newest),
                            absl::StrCat("account is ", AccountStatusId(a.status), " on the platform")));
  }
  if (a.in_registry) {
    if (!active) {
      if (a.registry_closed == kNoDay) {
        findings.push_back(Finding("account_closed_not_deregistered", T, "", "", "", "", D(a.platform_closed),
                                   absl::StrCat("platform_status=", AccountStatusId(a.status))));
      } else {
        traps.push_back(Finding("account_closed_not_deregistered", T, "", "", "", "", D(a.registry_closed), "deregistered"));
      }
    }
    if (a.filed - a.opened > 3) {
      findings.push_back(Finding("account_filed_late", T, "", "", "", "", D(a.filed),
                                 absl::StrCat("opened=", D(a.opened), " filed=", D(a.filed), " days=", a.filed - a.opened)));
    }
  }
  json t;
  t["target"] = absl::StrCat("accounts/", a.registry_id);
  t["unit"] = absl::StrCat("units/", u.id);
  t["type"] = "account";
  t["in_registry"] = a.in_registry;
  t["healthy"] = a.healthy && findings.empty();
  t["facts"] = json{{"platform", PlatformId(a.platform)},
                    {"platform_account_id", a.platform_id},
                    {"url", AccountUrl(a)},
                    {"name", a.name},
                    {"status", AccountStatusId(a.status)},
                    {"newest_post_date", D(newest)},
                    {"interaction", json{{"comments", a.comments}, {"messages", a.messages},
                                         {"private_messages", a.private_messages}}}};
  json v = json::array();
  for (const auto& x : vetoes) v.push_back(x);
  t["expected"] = json{{"veto_indicators", v},
                       {"pass_veto", vetoes.empty()},
                       {"result", !active ? "not_applicable" : vetoes.empty() ? "pass" : "fail"}};
  t["findings"] = std::move(findings);
  t["must_not_report"] = std::move(traps);
  return t;
}

}  // namespace

json BuildTruth(const Province& p) {
  json targets = json::array();
  for (const Site& s : p.sites) targets.push_back(SiteTruth(p, s));
  for (const Account& a : p.accounts) targets.push_back(AccountTruth(p, a));
  // Units: open data, unfiled accounts, duplicate accounts.
  std::vector<json> unit_findings(p.units.size(), json::array());
  std::vector<int> datasets(p.units.size(), 0);
  std::vector<bool> connected(p.units.size(), false);
  for (int ui : p.portal.organizations) connected[ui] = true;
  const Day as_of = p.options.as_of;
  for (const Dataset& d : p.portal.datasets) {
    ++datasets[d.unit];
    if (as_of - d.modified > 2 * d.frequency_days) {
      unit_findings[d.unit].push_back(Finding("opendata_stale_dataset", "unit", "", "", d.name, "", D(d.modified),
                                              absl::StrCat("frequency=", d.frequency_name)));
    }
    if (d.records == 0) unit_findings[d.unit].push_back(Finding("opendata_zero_records", "unit", "", "", d.name));
    for (const Resource& r : d.resources) {
      if (r.broken) {
        unit_findings[d.unit].push_back(Finding("opendata_resource_broken", "unit",
                                                absl::StrCat("http://", p.portal.host, "/dataset/", d.name, "/resource/",
                                                             r.id, "/download/", d.name, ".csv"),
                                                "", d.name, "", "", "http_404"));
      }
    }
  }
  for (size_t ui = 0; ui < p.units.size(); ++ui) {
    const Unit& u = p.units[ui];
    if (u.open_data_org.empty()) continue;
    if (!connected[ui]) {
      unit_findings[ui].push_back(Finding("opendata_not_connected", "unit", "", "", "", "", "", u.open_data_org));
    } else if (datasets[ui] < u.open_data_quota) {
      unit_findings[ui].push_back(Finding("opendata_below_quota", "unit", "", "", "", "", "",
                                          absl::StrCat("datasets=", datasets[ui], " quota=", u.open_data_quota)));
    }
  }
  std::map<std::pair<int, int>, int> active_per_platform;
  for (const Account& a : p.accounts) {
    if (!a.in_registry) {
      unit_findings[a.unit].push_back(Finding("account_unfiled", "unit", AccountUrl(a), "", a.name, "", D(a.opened),
                                              PlatformId(a.platform)));
    }
    if (a.status == AccountStatus::kActive) ++active_per_platform[{a.unit, static_cast<int>(a.platform)}];
  }
  for (const auto& [key, n] : active_per_platform) {
    if (n > 1) {
      unit_findings[key.first].push_back(Finding("account_duplicate_platform", "unit", "", "", "", "", "",
                                                 PlatformId(static_cast<Platform>(key.second))));
    }
  }
  for (size_t ui = 0; ui < p.units.size(); ++ui) {
    json t;
    t["target"] = absl::StrCat("units/", p.units[ui].id);
    t["unit"] = t["target"];
    t["type"] = "unit";
    t["healthy"] = unit_findings[ui].empty();
    t["findings"] = std::move(unit_findings[ui]);
    t["must_not_report"] = json::array();
    targets.push_back(std::move(t));
  }
  json rates = json::object();
  for (const auto& [k, v] : p.options.rates) rates[k] = v;
  json out;
  out["schema"] = "govinspect.simprovince.truth/v1";
  out["as_of"] = FormatIso(p.options.as_of);
  out["generator"] = json{{"seed", p.options.seed}, {"profile", ProfileName(p.options.profile)}, {"rate_overrides", rates}};
  out["rules"] = json{{"ruleset", "gov-2019"},
                      {"unreachable_failure_ratio", kUnreachablePpm / 1e6},
                      {"surveys_per_year", kSurveysPerYear},
                      {"reply_working_days", 5},
                      {"message_unanswered_months", 3},
                      {"survey_feedback_months", 1},
                      {"profile_stale_years", 2},
                      {"account_filing_days", 3},
                      {"dataset_stale_periods", 2}};
  out["portal"] = json{{"portal_id", p.portal.id}, {"api_url", absl::StrCat("http://", p.portal.host, "/")}};
  out["targets"] = std::move(targets);
  return out;
}

}  // namespace govinspect::simprovince
