#include "services/crawler/site_analyzer.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/text/date_parser.h"
#include "common/url/url.h"
#include "services/crawler/page_overrides.h"

namespace govinspect::crawler {
namespace {

std::string Iso(absl::CivilDay d) { return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()); }
std::string Iso(const std::optional<absl::CivilDay>& d) { return d ? Iso(*d) : ""; }

// Link texts that are not column names.
bool StopText(const std::string& t) {
  static const char* const kStop[] = {"首页", "网站首页", "返回首页", "更多", "更多>>", "更多>", "more", "MORE", "More",
                                      ">>", "网站地图", "站点地图", "联系我们", "返回顶部", "打印本页", "关闭窗口",
                                      "【打印本页】", "【关闭窗口】", "正文", "上一篇", "下一篇", "无障碍", "English",
                                      "繁体", "简体", "登录", "注册", "搜索"};
  for (const char* s : kStop) {
    if (t == s) return true;
  }
  if (absl::StartsWith(t, "更多")) return true;
  return false;
}

const char* const kGuideElements[] = {"事项名称", "设定依据", "申请条件", "办理材料",
                                      "办理地点", "办理时间", "联系电话", "办理流程"};

bool Answered(const PageFacts& p, const std::string& list_status) {
  const std::string* status = p.Field("办理状态");
  const std::string s = status != nullptr ? *status : list_status;
  for (const char* w : {"办理中", "未答复", "未回复", "待答复", "处理中", "未办结"}) {
    if (absl::StrContains(s, w)) return false;
  }
  if (p.Field("答复内容") != nullptr || p.Field("答复时间") != nullptr || p.Field("答复单位") != nullptr) return true;
  for (const char* w : {"已答复", "已回复", "已办结"}) {
    if (absl::StrContains(s, w)) return true;
  }
  return false;
}

}  // namespace

const char* SiteIndicator(const std::string& kind) {
  static const std::map<std::string, const char*>* m = new std::map<std::string, const char*>{
      {"home_not_updated", "home_not_updated"},
      {"column_not_updated", "columns_not_updated"},
      {"blank_column", "columns_not_updated"},
      {"expression_error", "serious_error"},
      {"sensitive_word", "serious_error"},
      {"abolished_name", "serious_error"},
      {"privacy_id_number", "site_deduct_privacy"},
      {"privacy_mobile", "site_deduct_privacy"},
      {"message_unanswered", "poor_interaction"},
      {"no_consultation_channel", "poor_interaction"},
      {"reply_late", "site_deduct_reply_late"},
      {"message_missing_elements", "site_deduct_message_elements"},
      {"no_message_statistics", "site_deduct_message_statistics"},
      {"survey_too_few", "site_deduct_survey"},
      {"survey_no_dates", "site_deduct_survey"},
      {"survey_feedback_late", "site_deduct_survey"},
      {"survey_feedback_missing", "site_deduct_survey"},
      {"survey_feedback_before_document", "site_deduct_survey"},
      {"survey_open_after_end", "site_deduct_survey"},
      {"profile_stale", "site_deduct_profile"},
      {"domain_irregular", "site_deduct_domain"},
      {"footer_missing_site_code", "site_deduct_identity"},
      {"footer_missing_icp", "site_deduct_identity"},
      {"footer_missing_police", "site_deduct_identity"},
      {"footer_missing_badge", "site_deduct_identity"},
      {"footer_missing_sponsor", "site_deduct_identity"},
      {"footer_missing_sitemap", "site_deduct_identity"},
      {"footer_missing_error_report", "site_deduct_identity"},
      {"no_search", "site_deduct_search"},
      {"no_viewport", "site_deduct_mobile"},
      {"service_guide_incomplete", "service_not_practical"},
      {"no_service", "service_not_practical"},
  };
  auto it = m->find(kind);
  return it == m->end() ? "" : it->second;
}

SiteAnalyzer::SiteAnalyzer(SiteAnalysisContext context) : ctx_(std::move(context)) {
  if (ctx_.categories == nullptr) ctx_.categories = &ColumnCategories::Default();
  if (ctx_.calendar == nullptr) ctx_.calendar = &common::WorkdayCalendar::Default();
  if (ctx_.checker == nullptr) {
    static const common::ContentChecker* checker = [] {
      auto c = common::ContentChecker::Create(common::Dictionary::Default());
      return c.ok() ? c->release() : nullptr;
    }();
    ctx_.checker = checker;
  }
  if (!ctx_.in_scope) ctx_.in_scope = [](const std::string&) { return true; };
  if (!ctx_.link_broken) ctx_.link_broken = [](const std::string&) { return std::optional<bool>(); };
}

std::optional<absl::CivilDay> SiteAnalyzer::ItemDate(const ListItem& it) const {
  if (it.date && it.year_implied) {
    const PageFacts* p = Page(it.url);
    if (p != nullptr && p->publish_date) return p->publish_date;
  }
  return it.date;
}

const PageFacts* SiteAnalyzer::Page(const std::string& url) const {
  auto it = pages_.find(url);
  return it == pages_.end() ? nullptr : &it->second;
}

void SiteAnalyzer::AddPage(const std::string& url, PageFacts facts) {
  std::vector<common::ContentMatch> matches = CheckContent(facts);
  AddPage(url, std::move(facts), std::move(matches));
}

std::vector<common::ContentMatch> SiteAnalyzer::CheckContent(const PageFacts& facts) const {
  if (ctx_.checker == nullptr || facts.text.empty()) return {};
  return ctx_.checker->Check(facts.text, facts.publish_date);
}

void SiteAnalyzer::AddPage(const std::string& url, PageFacts facts,
                           std::vector<common::ContentMatch> matches) {
  if (ctx_.checker != nullptr && !facts.text.empty()) {
    ++content_pages_;
    content_bytes_ += static_cast<int64_t>(facts.text.size());
  }
  for (const common::ContentMatch& m : matches) {
    const std::string kind = common::ContentKindName(m.kind);
    std::vector<common::v1::Finding>& kept = content_findings_[{kind, m.text}];
    // After this page's earlier matches of the same text (they come in offset order).
    auto by_url = [](const std::string& u, const common::v1::Finding& a) { return u < a.source_url(); };
    const size_t at = static_cast<size_t>(
        std::upper_bound(kept.begin(), kept.end(), url, by_url) - kept.begin());
    if (kept.size() >= kContentEvidencePages) {
      if (at == kept.size()) continue;
      kept.pop_back();
    }
    common::v1::Finding f;
    f.set_kind(kind);
    f.set_indicator(SiteIndicator(kind));
    f.set_source_url(url);
    f.set_text(m.text);
    f.set_excerpt(m.excerpt);
    f.set_date(Iso(facts.publish_date));
    f.set_detail(m.detail);
    kept.insert(kept.begin() + static_cast<std::ptrdiff_t>(at), std::move(f));
  }
  facts.text.clear();
  facts.text.shrink_to_fit();
  pages_.emplace(url, std::move(facts));
}

void SiteAnalyzer::Add(common::v1::Observation* obs, const std::string& kind, const std::string& url,
                       const std::string& source_url, const std::string& text, const std::string& date,
                       const std::string& detail, const std::string& excerpt) {
  common::v1::Finding* f = obs->add_findings();
  f->set_kind(kind);
  f->set_indicator(SiteIndicator(kind));
  f->set_url(url);
  f->set_source_url(source_url);
  f->set_text(text);
  f->set_excerpt(excerpt);
  f->set_date(date);
  f->set_detail(detail);
}

void SiteAnalyzer::DiscoverColumns() {
  const PageFacts* home = Page(ctx_.home_url);
  if (home == nullptr) return;
  absl::flat_hash_set<std::string> taken{ctx_.home_url};
  auto is_column_page = [&](const PageFacts& p, const std::string& category) {
    if (p.publish_date) return false;  // an article
    if (p.dated_items > 0 || p.items.size() >= 2 || !p.blank.empty()) return true;
    return category == "profile" || category == "stats" || category == "service";
  };
  auto consider = [&](const ShortLink& l, bool first_level) {
    if (taken.contains(l.url) || StopText(l.text) || !ctx_.in_scope(l.url)) return;
    const PageFacts* p = Page(l.url);
    if (p == nullptr) return;
    Column c;
    c.name = l.text;
    c.url = l.url;
    std::optional<std::string> ov;
    if (ctx_.overrides != nullptr) ov = OverrideCategory(*ctx_.overrides, c.name, c.url);
    if (ov) {
      c.category = *ov;
      c.category_source = "override";
    } else {
      c.category = ctx_.categories->Classify(c.name);
      if (c.category == "other" && !p->meta_column_name.empty()) {
        c.category = ctx_.categories->Classify(p->meta_column_name);
      }
      c.category_source = c.category == "other" ? "default" : "keyword";
    }
    if (!is_column_page(*p, c.category)) return;
    c.first_level = first_level;
    // The column's list pages: pagination followed from the first page.
    std::deque<std::string> queue{c.url};
    taken.insert(c.url);
    while (!queue.empty() && c.pages.size() < 500) {
      std::string u = queue.front();
      queue.pop_front();
      const PageFacts* lp = Page(u);
      if (lp == nullptr) continue;
      c.pages.push_back(u);
      for (const ListItem& it : lp->items) c.items.push_back(it);
      for (const std::string& next : lp->pagination) {
        if (taken.contains(next)) continue;
        const PageFacts* np = Page(next);
        if (np == nullptr || np->publish_date) continue;
        taken.insert(next);
        queue.push_back(next);
      }
    }
    columns_.push_back(std::move(c));
  };
  // Items are pages under a column: links back to the home page or to list pages are not.
  auto drop_list_links = [&]() {
    for (Column& c : columns_) {
      c.items.erase(std::remove_if(c.items.begin(), c.items.end(),
                                   [&](const ListItem& it) { return taken.contains(it.url); }),
                    c.items.end());
    }
  };
  for (const ShortLink& l : home->short_links) consider(l, true);
  // Second-level menus: the links of the columns' own pages, two levels down.
  for (int level = 0; level < 2; ++level) {
    const size_t known = columns_.size();
    for (size_t i = 0; i < known; ++i) {
      const std::vector<std::string> pages = columns_[i].pages;
      for (const std::string& u : pages) {
        const PageFacts* p = Page(u);
        if (p == nullptr) continue;
        for (const ShortLink& l : p->short_links) consider(l, false);
      }
    }
  }
  drop_list_links();
}

void SiteAnalyzer::Columns(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  std::optional<absl::CivilDay> newest_updating;
  for (const Column& c : columns_) {
    common::v1::ColumnEvidence* e = u->add_columns();
    e->set_name(c.name);
    e->set_url(c.url);
    e->set_category(c.category);
    e->set_category_source(c.category_source);
    e->set_first_level(c.first_level);
    e->set_list_pages(static_cast<int32_t>(c.pages.size()));
    e->set_items(static_cast<int32_t>(c.items.size()));
    std::optional<absl::CivilDay> newest;
    int undated = 0;
    for (const ListItem& it : c.items) {
      std::optional<absl::CivilDay> d = ItemDate(it);
      if (!d) ++undated;
      else if (*d <= ctx_.as_of && (!newest || *d > *newest)) newest = d;
    }
    e->set_undated_items(undated);
    e->set_newest_date(Iso(newest));
    if (!ColumnCategories::IsUpdating(c.category)) continue;
    if (c.items.empty()) {
      const PageFacts* p = Page(c.url);
      std::string blank = p != nullptr && !p->blank.empty() ? p->blank : "empty_container";
      e->set_blank(blank);
      Add(obs, "blank_column", c.url, ctx_.home_url, c.name, "", blank);
      continue;
    }
    if (newest && (!newest_updating || *newest > *newest_updating)) newest_updating = newest;
    if (!newest || *newest < ColumnCategories::StaleBefore(c.category, ctx_.as_of)) {
      Add(obs, "column_not_updated", c.url, ctx_.home_url, c.name, Iso(newest),
          newest ? c.category : absl::StrCat(c.category, "; no item shows a date"));
    }
  }
  // Home-page freshness: the newest dated item on the home page; a home page that only
  // navigates falls back to the second-level pages (the columns that must be updated).
  const PageFacts* home = Page(ctx_.home_url);
  std::optional<absl::CivilDay> newest;
  std::string source;
  if (home != nullptr && !home->all_dated_items.empty()) {
    for (const ListItem& it : home->all_dated_items) {
      std::optional<absl::CivilDay> d = ItemDate(it);
      if (d && *d <= ctx_.as_of && (!newest || *d > *newest)) newest = d;
    }
    source = "home";
  }
  if (!newest) {
    newest = newest_updating;
    source = "second_level";
  }
  u->set_home_newest_date(Iso(newest));
  u->set_home_newest_source(source);
  if (!newest || *newest < ctx_.as_of - 14) {
    Add(obs, "home_not_updated", "", "", "", Iso(newest),
        source == "home" ? "newest item on the home page" : "newest item on the second-level pages");
  }
}

void SiteAnalyzer::Interaction(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  common::v1::InteractionEvidence* ev = u->mutable_interaction();
  std::vector<const Column*> boards;
  for (const Column& c : columns_) {
    if (c.category == "consult") boards.push_back(&c);
  }
  if (boards.empty()) {
    // A working link to an outside channel (the city's unified platform) counts.
    const PageFacts* home = Page(ctx_.home_url);
    if (home != nullptr) {
      for (const ShortLink& l : home->short_links) {
        if (ctx_.in_scope(l.url) || ctx_.categories->Classify(l.text) != "consult") continue;
        if (ctx_.link_broken(l.url).value_or(false)) continue;
        ev->set_external_channel_url(l.url);
        break;
      }
    }
    if (ev->external_channel_url().empty()) Add(obs, "no_consultation_channel");
    return;
  }
  ev->set_board_url(boards[0]->url);
  const absl::CivilDay three_months = AddMonths(ctx_.as_of, -3);
  const absl::CivilDay year_ago = AddMonths(ctx_.as_of, -12);
  absl::flat_hash_set<std::string> seen;
  for (const Column* b : boards) {
    for (const ListItem& it : b->items) {
      if (!seen.insert(it.url).second) continue;
      const PageFacts* p = Page(it.url);
      if (p == nullptr) continue;
      ev->set_messages(ev->messages() + 1);
      std::optional<absl::CivilDay> asked;
      const std::string* asked_text = p->Field("留言时间");
      if (asked_text != nullptr) asked = common::ParseFirstDate(*asked_text, ctx_.as_of);
      if (!asked) asked = it.date;
      if (!Answered(*p, it.status)) {
        if (asked && *asked < three_months && *asked >= year_ago) {
          ev->set_unanswered_overdue(ev->unanswered_overdue() + 1);
          Add(obs, "message_unanswered", it.url, b->url, "", Iso(asked),
              absl::StrCat("days_open=", ctx_.as_of - *asked));
        }
        continue;
      }
      ev->set_answered(ev->answered() + 1);
      std::vector<std::string> missing;
      if (asked_text == nullptr) missing.push_back("留言时间");
      const std::string* unit = p->Field("答复单位");
      const std::string* replied_text = p->Field("答复时间");
      const std::string* content = p->Field("答复内容");
      if (unit == nullptr || unit->empty()) missing.push_back("答复单位");
      if (replied_text == nullptr || replied_text->empty()) missing.push_back("答复时间");
      if (content == nullptr || content->empty()) missing.push_back("答复内容");
      if (!missing.empty()) {
        Add(obs, "message_missing_elements", it.url, b->url, "", Iso(asked), absl::StrJoin(missing, ","));
      }
      std::optional<absl::CivilDay> replied;
      if (replied_text != nullptr) replied = common::ParseFirstDate(*replied_text, ctx_.as_of);
      if (asked_text != nullptr && asked && replied) {
        const int wd = ctx_.calendar->WorkdaysBetween(*asked, *replied);
        if (wd > 5) {
          ev->set_replied_late(ev->replied_late() + 1);
          Add(obs, "reply_late", it.url, b->url, "", Iso(asked),
              absl::StrCat("working_days=", wd, " replied=", Iso(*replied)));
        }
      }
    }
  }
  for (const auto& [url, p] : pages_) {
    if (p.message_statistics && (ev->statistics_url().empty() || url < ev->statistics_url())) {
      ev->set_statistics_url(url);
    }
  }
  if (ev->statistics_url().empty()) Add(obs, "no_message_statistics");
}

void SiteAnalyzer::Surveys(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  const Column* col = nullptr;
  for (const Column& c : columns_) {
    if (c.category == "survey") {
      col = &c;
      break;
    }
  }
  if (col == nullptr) return;
  common::v1::SurveyEvidence* ev = u->mutable_surveys();
  ev->set_column_url(col->url);
  int in_year = 0, feedback_pages = 0;
  absl::flat_hash_set<std::string> seen;
  for (const ListItem& it : col->items) {
    if (!seen.insert(it.url).second) continue;
    const PageFacts* p = Page(it.url);
    if (p == nullptr) continue;
    ev->set_surveys(ev->surveys() + 1);
    std::optional<absl::CivilDay> start, end;
    if (const std::string* period = p->Field("起止时间")) {
      auto d = common::FindDates(*period, ctx_.as_of);
      if (d.size() >= 2) {
        start = d[0].day;
        end = d[1].day;
      }
    }
    const bool dated = start.has_value();
    if (!dated) {
      Add(obs, "survey_no_dates", it.url, col->url);
      start = p->publish_date ? p->publish_date : it.date;
    }
    if (start && *start > ctx_.as_of - 365 && *start <= ctx_.as_of) ++in_year;
    if (!end) continue;
    const std::string* status = p->Field("征集状态");
    const bool shown_open = (status != nullptr && absl::StrContains(*status, "进行中")) || p->input_form;
    if (*end < ctx_.as_of && shown_open) {
      Add(obs, "survey_open_after_end", it.url, col->url, "", Iso(end), absl::StrCat("end=", Iso(end)));
      continue;
    }
    if (*end >= ctx_.as_of) continue;  // still running
    const absl::CivilDay due = AddMonths(*end, 1);
    const PageFacts* fb = nullptr;
    std::string fb_url;
    for (const std::string& l : p->feedback_links) {
      const PageFacts* f = Page(l);
      if (f != nullptr && f->publish_date) {
        fb = f;
        fb_url = l;
        break;
      }
    }
    if (fb == nullptr) {
      if (due < ctx_.as_of) {
        Add(obs, "survey_feedback_missing", it.url, col->url, "", Iso(end), absl::StrCat("end=", Iso(end)));
      }
      continue;
    }
    ++feedback_pages;
    if (*fb->publish_date > due) {
      Add(obs, "survey_feedback_late", it.url, col->url, "", Iso(fb->publish_date),
          absl::StrCat("end=", Iso(end), " feedback=", Iso(fb->publish_date)));
    }
    if (fb->document_date && *fb->publish_date < *fb->document_date) {
      Add(obs, "survey_feedback_before_document", fb_url, it.url, "", Iso(fb->publish_date),
          absl::StrCat("document_date=", Iso(fb->document_date), " publish_date=", Iso(fb->publish_date)));
    }
  }
  ev->set_surveys_in_year(in_year);
  ev->set_feedback_pages(feedback_pages);
  if (in_year < 4) Add(obs, "survey_too_few", "", "", "", "", absl::StrCat("surveys_in_year=", in_year));
}

void SiteAnalyzer::Identity(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  const PageFacts* home = Page(ctx_.home_url);
  if (home == nullptr) return;
  common::v1::IdentityEvidence* ev = u->mutable_identity();
  std::string host = common::UrlHost(ctx_.home_url);
  if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
    host.resize(colon);
  }
  ev->set_host(host);
  // 发展指引: www.<name>.gov.cn or <dept>.<name>.gov.cn (or the Chinese .政务).
  std::vector<std::string> labels = absl::StrSplit(host, '.');
  const bool gov = absl::EndsWith(host, ".gov.cn") || absl::EndsWith(host, ".xn--zfr164b") ||
                   absl::EndsWith(host, ".政务");
  const bool regular = gov && labels.size() >= (absl::EndsWith(host, ".gov.cn") ? 4u : 3u);
  ev->set_domain_regular(regular);
  if (!regular) Add(obs, "domain_irregular", "", "", "", "", host);
  for (int i = 0; i < kFooterItems; ++i) {
    if (home->footer_items & (1u << i)) {
      ev->add_footer_items(FooterItemId(i));
    } else {
      Add(obs, absl::StrCat("footer_missing_", FooterItemId(i)));
    }
  }
  ev->set_footer_site_code(home->footer_site_code);
  ev->set_meta_site_code(home->meta_site_code);
  for (const std::string& m : home->meta_names) ev->add_meta_tags(m);
  ev->set_search(home->search);
  ev->set_viewport(home->viewport);
  if (!home->search) Add(obs, "no_search");
  if (!home->viewport) Add(obs, "no_viewport");
  // 概况信息: the newest year it speaks of.
  for (const Column& c : columns_) {
    if (c.category != "profile") continue;
    const PageFacts* p = Page(c.url);
    if (p == nullptr || p->newest_year == 0) continue;
    ev->set_profile_year(p->newest_year);
    ev->set_profile_url(c.url);
    if (p->newest_year <= static_cast<int>(ctx_.as_of.year()) - 2) {
      Add(obs, "profile_stale", c.url, "", c.name, "", absl::StrCat("year=", p->newest_year));
    }
    break;
  }
}

void SiteAnalyzer::Service(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  const Column* col = nullptr;
  for (const Column& c : columns_) {
    if (c.category == "service") {
      col = &c;
      break;
    }
  }
  if (col == nullptr) {
    if (ctx_.public_service) Add(obs, "no_service");
    return;
  }
  common::v1::ServiceEvidence* ev = u->mutable_service();
  ev->set_column_url(col->url);
  absl::flat_hash_set<std::string> seen;
  for (const ListItem& it : col->items) {
    if (!seen.insert(it.url).second) continue;
    const PageFacts* p = Page(it.url);
    if (p == nullptr) continue;
    ev->set_guides(ev->guides() + 1);
    std::vector<std::string> missing;
    for (const char* e : kGuideElements) {
      const std::string* v = p->Field(e);
      if (v == nullptr || v->empty()) missing.push_back(e);
    }
    if (missing.empty()) continue;
    ev->set_guides_incomplete(ev->guides_incomplete() + 1);
    if (missing.size() >= 4) ev->set_guides_severe(ev->guides_severe() + 1);
    Add(obs, "service_guide_incomplete", it.url, col->url, "", "", absl::StrJoin(missing, ","));
  }
}

void SiteAnalyzer::Finish(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  u->set_content_pages(content_pages_);
  u->set_content_bytes(content_bytes_);
  for (auto& [key, kept] : content_findings_) {
    for (common::v1::Finding& f : kept) *obs->add_findings() = std::move(f);
  }
  content_findings_.clear();
  if (Page(ctx_.home_url) == nullptr) return;  // the home page did not open: nothing to read
  DiscoverColumns();
  Columns(obs, u);
  Interaction(obs, u);
  Surveys(obs, u);
  Identity(obs, u);
  Service(obs, u);
}

}  // namespace govinspect::crawler
