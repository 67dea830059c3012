#include "services/crawler/site_analyzer.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <functional>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/text/date_parser.h"
#include "common/url/url.h"
#include "services/crawler/page_overrides.h"
#include "services/crawler/script_lists.h"

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

// A survey column's item that reports on a survey rather than being one: 结果反馈, 采纳情况 ….
bool IsFeedbackTitle(const std::string& title) {
  for (const char* w : {"反馈", "征集结果", "调查结果", "采纳情况", "采纳意见", "意见采纳", "结果公布", "结果公示",
                        "情况说明", "答复情况"}) {
    if (absl::StrContains(title, w)) return true;
  }
  return false;
}

// What a survey and its feedback share in their titles: the title without the words around
// the subject (关于, 公开征求意见, 的反馈 …), spaces and punctuation.
std::string SurveyKey(const std::string& title) {
  std::string t = title;
  if (size_t open = t.find("《"); open != std::string::npos) {
    size_t close = t.find("》", open);
    if (close != std::string::npos && close > open + 3) return t.substr(open + 3, close - open - 3);
  }
  // The survey's own words first: 公开征求意见采纳情况的反馈 loses 公开征求意见, then 采纳情况的反馈.
  for (const char* w : {"公开征求意见", "征求意见", "意见采纳情况的反馈", "采纳情况的反馈", "意见采纳情况", "采纳情况",
                        "结果反馈", "的反馈", "反馈", "征集结果", "调查结果", "意见征集", "网上调查", "问卷调查",
                        "调查", "征集", "的公告", "公告", "的通知", "关于", "的", " ", "　", "“", "”", "\"", "（",
                        "）", "(", ")"}) {
    t = absl::StrReplaceAll(t, {{w, ""}});
  }
  return t;
}

// Pairs n left items with m right items in order (no crossing): as many pairs as can be, then the
// highest total score. score(i, j) is a pair's score, nullopt when i and j cannot pair. Returns
// the pairs (i, j) — an alignment by dynamic programming, O(n·m).
std::vector<std::pair<size_t, size_t>> PairInOrder(
    size_t n, size_t m, const std::function<std::optional<int64_t>(size_t, size_t)>& score) {
  constexpr int64_t kPair = int64_t{1} << 40;  // any extra pair outweighs every score
  std::vector<std::vector<int64_t>> best(n + 1, std::vector<int64_t>(m + 1, 0));
  auto value = [&](size_t i, size_t j) -> std::optional<int64_t> {
    auto v = score(i, j);
    if (!v) return std::nullopt;
    return kPair + *v;
  };
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      best[i][j] = std::max(best[i - 1][j], best[i][j - 1]);
      if (auto v = value(i - 1, j - 1)) best[i][j] = std::max(best[i][j], best[i - 1][j - 1] + *v);
    }
  }
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t i = n, j = m; i > 0 && j > 0;) {
    if (auto v = value(i - 1, j - 1); v && best[i][j] == best[i - 1][j - 1] + *v) {
      pairs.emplace_back(--i, --j);
    } else if (best[i][j] == best[i - 1][j]) {
      --i;
    } else {
      --j;
    }
  }
  return pairs;
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

std::optional<absl::CivilDay> SiteAnalyzer::ItemDate(const ListItem& it, std::string* source) const {
  std::string ignored;
  if (source == nullptr) source = &ignored;
  if (it.date && it.year_implied) {
    const PageFacts* p = Page(it.url);
    if (p != nullptr && p->publish_date) {
      *source = "article";
      return p->publish_date;
    }
  }
  if (it.date) {
    *source = it.date_source.empty() ? "list" : it.date_source;
    return it.date;
  }
  // The list shows no date: the item's own page says when it was published.
  if (const PageFacts* p = Page(it.url); p != nullptr && p->publish_date) {
    *source = p->publish_date_source == "url" ? "url" : "article";
    return p->publish_date;
  }
  if (auto d = UrlDate(it.url)) {
    *source = "url";
    return d;
  }
  source->clear();
  return std::nullopt;
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
  absl::flat_hash_set<std::string> names;
  auto category_of = [&](const std::string& name, const std::string& url, const PageFacts& p,
                         std::string* source) {
    std::optional<std::string> ov;
    if (ctx_.overrides != nullptr) ov = OverrideCategory(*ctx_.overrides, name, url);
    if (ov) {
      *source = "override";
      return *ov;
    }
    // What the page calls itself (its breadcrumb) before the link's words: a navigation
    // entry names a section (互动交流) and opens its first column (调查征集).
    std::string c = "other";
    if (!p.crumb_name.empty()) c = ctx_.categories->Classify(p.crumb_name);
    if (c == "other") c = ctx_.categories->Classify(name);
    if (c == "other" && !p.meta_column_name.empty()) c = ctx_.categories->Classify(p.meta_column_name);
    *source = c == "other" ? "default" : "keyword";
    return c;
  };
  auto is_column_page = [&](const PageFacts& p, const std::string& category, bool top) {
    if (p.publish_date) return false;  // an article
    if (p.dated_items > 0 || p.items.size() >= 2 || !p.blank.empty() || !p.pagination.empty()) return true;
    // A page named like a column that must be updated, with no list on it: a column whose list
    // is empty (or a parent of sub-columns, judged by its children).
    if (ColumnCategories::IsUpdating(category)) return true;
    if (category == "profile" || category == "stats") return true;
    // A service, consultation or survey entry without a list is a column when the home page
    // links it; below that it is one guide, message or survey.
    return top && (category == "service" || category == "consult" || category == "survey");
  };
  auto consider = [&](const ShortLink& l, bool first_level, const std::string& found_by, int parent) {
    if (taken.contains(l.url) || StopText(l.text) || !ctx_.in_scope(l.url)) return;
    if (found_by == "more" && names.contains(l.text)) return;  // the block of a known column
    const PageFacts* p = Page(l.url);
    if (p == nullptr) return;
    Column c;
    c.name = l.text;
    c.url = l.url;
    c.category = category_of(c.name, c.url, *p, &c.category_source);
    if (!is_column_page(*p, c.category, first_level)) return;
    c.first_level = first_level;
    c.found_by = found_by;
    c.parent = parent;
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
        if (np == nullptr || (np->publish_date && np->items.empty())) continue;
        taken.insert(next);
        queue.push_back(next);
      }
    }
    names.insert(c.name);
    if (parent >= 0) columns_[static_cast<size_t>(parent)].has_children = true;
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
  // The home page's links, then its blocks' 更多>> links (named by the block's heading).
  for (const ShortLink& l : home->short_links) {
    if (l.via.empty()) consider(l, true, "nav", -1);
  }
  for (const ShortLink& l : home->short_links) {
    if (l.via == "more") consider(l, true, "more", -1);
  }
  // Catalogue pages linked from the home page (信息公开目录, 政府信息公开 …) that are no column
  // themselves: their links are columns too.
  std::vector<std::string> trees;
  for (const ShortLink& l : home->short_links) {
    if (taken.contains(l.url) || !ctx_.in_scope(l.url) || StopText(l.text)) continue;
    const PageFacts* p = Page(l.url);
    if (p == nullptr || p->publish_date) continue;
    int links_to_lists = 0;
    for (const ShortLink& s : p->short_links) {
      const PageFacts* sp = Page(s.url);
      if (sp != nullptr && !sp->publish_date && (sp->dated_items > 0 || sp->items.size() >= 2 || !sp->blank.empty())) {
        ++links_to_lists;
      }
    }
    if (links_to_lists >= 3) trees.push_back(l.url);
  }
  // Second-level menus: the links of the columns' own pages, two levels down. A column's list
  // items (messages, guides, surveys, articles) are its content, not sub-columns.
  for (int level = 0; level < 2; ++level) {
    const size_t known = columns_.size();
    absl::flat_hash_set<std::string> item_urls;
    for (const Column& c : columns_) {
      for (const ListItem& it : c.items) item_urls.insert(it.url);
    }
    for (size_t i = 0; i < known; ++i) {
      const std::vector<std::string> pages = columns_[i].pages;
      for (const std::string& u : pages) {
        const PageFacts* p = Page(u);
        if (p == nullptr) continue;
        for (const ShortLink& l : p->short_links) {
          if (!item_urls.contains(l.url)) consider(l, false, "submenu", static_cast<int>(i));
        }
      }
    }
    if (level == 0) {
      for (const std::string& t : trees) {
        const PageFacts* p = Page(t);
        if (p == nullptr) continue;
        for (const ShortLink& l : p->short_links) consider(l, false, "tree", -1);
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
    e->set_found_by(c.found_by);
    e->set_list_pages(static_cast<int32_t>(c.pages.size()));
    e->set_items(static_cast<int32_t>(c.items.size()));
    if (const PageFacts* first = Page(c.url)) {
      e->set_list_structure(first->list_structure);
      e->set_pagination(first->pagination_form);
    }
    std::optional<absl::CivilDay> newest;
    int undated = 0;
    for (const ListItem& it : c.items) {
      std::string source;
      std::optional<absl::CivilDay> d = ItemDate(it, &source);
      if (source == "list") e->set_dates_from_list(e->dates_from_list() + 1);
      else if (source == "title") e->set_dates_from_title(e->dates_from_title() + 1);
      else if (source == "article") e->set_dates_from_article(e->dates_from_article() + 1);
      else if (source == "url") e->set_dates_from_url(e->dates_from_url() + 1);
      if (!d) ++undated;
      else if (*d <= ctx_.as_of && (!newest || *d > *newest)) newest = d;
    }
    e->set_undated_items(undated);
    e->set_newest_date(Iso(newest));
    // A column of no known category that lists dated items still has to be updated: judged by
    // the long-stale period (1 year), never blank (its name says nothing of what it must hold).
    const bool other_list = c.category == "other" && newest.has_value();
    if (!ColumnCategories::IsUpdating(c.category) && !other_list) continue;
    if (c.items.empty()) {
      if (c.has_children) continue;  // a parent: its sub-columns are judged
      const PageFacts* p = Page(c.url);
      std::string blank = p != nullptr && !p->blank.empty() ? p->blank : "no_items";
      e->set_blank(blank);
      Add(obs, "blank_column", c.url, ctx_.home_url, c.name, "", blank);
      continue;
    }
    if (!newest) {
      // No date anywhere (list, article pages, URLs): freshness not assessed, never stale.
      e->set_dates_not_found(true);
      continue;
    }
    if (!newest_updating || *newest > *newest_updating) newest_updating = newest;
    if (*newest < ColumnCategories::StaleBefore(c.category, ctx_.as_of)) {
      Add(obs, "column_not_updated", c.url, ctx_.home_url, c.name, Iso(newest), c.category);
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
  if (home != nullptr) {
    // Blocks that show no dates: their items' own pages, when they were read, date them.
    for (const ListItem& it : home->undated_items) {
      const PageFacts* ip = Page(it.url);
      if (ip == nullptr || !ip->publish_date) continue;
      std::optional<absl::CivilDay> d = ItemDate(it);
      if (d && *d <= ctx_.as_of && (!newest || *d > *newest)) newest = d;
    }
    if (newest) source = "home";
  }
  if (!newest && home != nullptr) {
    // An undated home list: its items' own pages.
    for (const ListItem& it : home->items) {
      std::optional<absl::CivilDay> d = ItemDate(it);
      if (d && *d <= ctx_.as_of && (!newest || *d > *newest)) newest = d;
    }
    if (newest) source = "home";
  }
  if (!newest) {
    newest = newest_updating;
    source = "second_level";
  }
  if (!newest) {
    // No date on the home page nor in any column that must be updated: not assessed.
    u->set_home_newest_source("not_assessed");
    return;
  }
  u->set_home_newest_date(Iso(newest));
  u->set_home_newest_source(source);
  if (*newest < ctx_.as_of - 14) {
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
    // A working link to a consultation channel counts: the city's unified platform (市长信箱,
    // 12345) on another host, or a mailbox form of the site's own (县长信箱, 局长信箱).
    const PageFacts* home = Page(ctx_.home_url);
    if (home != nullptr) {
      for (const ShortLink& l : home->short_links) {
        if (ctx_.categories->Classify(l.text) != "consult") continue;
        if (ctx_.in_scope(l.url) ? Page(l.url) == nullptr : ctx_.link_broken(l.url).value_or(false)) continue;
        // A page of the site's own that its breadcrumb calls something else (互动交流 opening
        // 调查征集) is no channel.
        if (const PageFacts* lp = Page(l.url); lp != nullptr && !lp->crumb_name.empty()) {
          const std::string c = ctx_.categories->Classify(lp->crumb_name);
          if (c != "other" && c != "consult") continue;
        }
        ev->set_external_channel_url(l.url);
        break;
      }
    }
    if (ev->external_channel_url().empty()) Add(obs, "no_consultation_channel");
    StatisticsPage(ev);
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
  StatisticsPage(ev);
  if (ev->statistics_url().empty()) Add(obs, "no_message_statistics");
}

void SiteAnalyzer::StatisticsPage(common::v1::InteractionEvidence* ev) const {
  for (const auto& [url, p] : pages_) {
    if (p.message_statistics && (ev->statistics_url().empty() || url < ev->statistics_url())) {
      ev->set_statistics_url(url);
    }
  }
  // A statistics column (留言办理情况统计) whose page or items were read.
  if (ev->statistics_url().empty()) {
    for (const Column& c : columns_) {
      if (c.category != "stats") continue;
      if (!c.items.empty() || (Page(c.url) != nullptr && Page(c.url)->blank.empty())) {
        ev->set_statistics_url(c.url);
        break;
      }
    }
  }
}

void SiteAnalyzer::Surveys(common::v1::Observation* obs, common::v1::PageUnderstanding* u) {
  std::vector<const Column*> cols;
  std::vector<const Column*> feedback_cols;
  for (const Column& c : columns_) {
    if (c.category == "survey") cols.push_back(&c);
    if (c.category == "feedback") feedback_cols.push_back(&c);
  }
  if (cols.empty()) {
    // No survey column at all: no survey in the year.
    Add(obs, "survey_too_few", "", "", "", "", "surveys_in_year=0; no survey column");
    return;
  }
  common::v1::SurveyEvidence* ev = u->mutable_surveys();
  ev->set_column_url(cols[0]->url);
  // Feedback on surveys, wherever it is listed (in the survey column itself, or a 结果反馈
  // column): matched to its survey by title.
  struct Feedback {
    std::string url;
    std::string key;
    const PageFacts* page;
  };
  std::vector<Feedback> feedback;
  std::vector<std::pair<const ListItem*, const Column*>> surveys;
  absl::flat_hash_set<std::string> seen;
  for (const Column* col : cols) {
    for (const ListItem& it : col->items) {
      if (!seen.insert(it.url).second) continue;
      if (IsFeedbackTitle(it.title)) {
        const PageFacts* p = Page(it.url);
        if (p != nullptr) feedback.push_back({it.url, SurveyKey(it.title), p});
        continue;
      }
      surveys.emplace_back(&it, col);
    }
  }
  for (const Column* col : feedback_cols) {
    for (const ListItem& it : col->items) {
      const PageFacts* p = Page(it.url);
      if (p != nullptr && seen.insert(it.url).second) feedback.push_back({it.url, SurveyKey(it.title), p});
    }
  }
  ev->set_feedback_items(static_cast<int32_t>(feedback.size()));
  int in_year = 0, feedback_pages = 0, matched = 0;
  // The ended surveys of the year whose feedback is judged.
  struct Judged {
    const ListItem* item;
    const Column* col;
    const PageFacts* page;
    absl::CivilDay start, end;
  };
  std::vector<Judged> judged;
  // Every survey with a start, judged or not (older, still running), as a feedback's owner.
  struct Started {
    std::string key;
    absl::CivilDay start;
    std::optional<absl::CivilDay> end;
    int judged = -1;  // index into judged
  };
  std::vector<Started> started;
  for (const auto& [itp, col] : surveys) {
    const ListItem& it = *itp;
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
    auto in_year_day = [&](absl::CivilDay d) { return d > ctx_.as_of - 365 && d <= ctx_.as_of; };
    if (!dated) {
      Add(obs, "survey_no_dates", it.url, col->url);
      start = p->publish_date ? p->publish_date : ItemDate(it);
      // Nothing dates it: its place in the list does when the dated items either side of it
      // both fall in the year (or it heads the list above one that does).
      if (!start) {
        const size_t i = static_cast<size_t>(itp - col->items.data());
        std::optional<absl::CivilDay> above, below;
        for (size_t j = i; j-- > 0 && !above;) above = ItemDate(col->items[j]);
        for (size_t j = i + 1; j < col->items.size() && !below; ++j) below = ItemDate(col->items[j]);
        if (below && in_year_day(*below) && (i == 0 || (above && in_year_day(*above)))) {
          ev->set_surveys_dated_by_position(ev->surveys_dated_by_position() + 1);
          ++in_year;
        }
      }
    }
    if (start && in_year_day(*start)) ++in_year;
    if (start) started.push_back({SurveyKey(it.title), *start, end, -1});
    if (!end) continue;
    const std::string* status = p->Field("征集状态");
    const bool shown_open = (status != nullptr && absl::StrContains(*status, "进行中")) || p->input_form;
    if (*end < ctx_.as_of && shown_open) {
      Add(obs, "survey_open_after_end", it.url, col->url, "", Iso(end), absl::StrCat("end=", Iso(end)));
      continue;
    }
    if (*end >= ctx_.as_of) continue;  // still running
    // Only the surveys of the year before the 监测时间点 are judged (the seed notice: 1年内开展的
    // 调查征集活动), as they are counted.
    if (!start || !in_year_day(*start)) continue;
    started.back().judged = static_cast<int>(judged.size());
    judged.push_back({itp, col, p, *start, *end});
  }
  // Each survey's feedback: the page it links as its result, else a listed feedback with its
  // subject (below).
  std::vector<const PageFacts*> fb_of(judged.size(), nullptr);
  std::vector<std::string> fb_url_of(judged.size());
  absl::flat_hash_set<std::string> taken_fb;
  for (size_t i = 0; i < judged.size(); ++i) {
    for (const std::string& l : judged[i].page->feedback_links) {
      const PageFacts* f = Page(l);
      if (f != nullptr && f->publish_date) {
        fb_of[i] = f;
        fb_url_of[i] = l;
        taken_fb.insert(l);
        break;
      }
    }
  }
  std::vector<const Feedback*> by_date;
  for (const Feedback& f : feedback) {
    if (f.page->publish_date && !taken_fb.contains(f.url)) by_date.push_back(&f);
  }
  std::stable_sort(by_date.begin(), by_date.end(), [](const Feedback* a, const Feedback* b) {
    return *a->page->publish_date < *b->page->publish_date;
  });
  std::vector<bool> owns(started.size(), false);
  for (size_t i = 0; i < started.size(); ++i) {
    if (started[i].judged >= 0 && fb_of[static_cast<size_t>(started[i].judged)] != nullptr) owns[i] = true;
  }
  // The surveys of one subject, in the order they began, against the results of that subject in
  // the order they were published: results follow their surveys in order (no crossing), as many
  // as can be paired are, and among those pairings the one whose results come nearest the ends
  // of their surveys — so a subject consulted on twice with one result gives it to the survey
  // it follows closely, not to an older one it would make months late.
  std::vector<size_t> order(started.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return started[a].start < started[b].start; });
  // Subjects in the order their first survey began, each with its surveys in order.
  std::vector<std::vector<size_t>> subjects;
  absl::flat_hash_map<std::string, size_t> subject_of;
  for (size_t i : order) {
    if (owns[i] || started[i].key.size() < 6) continue;
    auto [it, fresh] = subject_of.try_emplace(started[i].key, subjects.size());
    if (fresh) subjects.emplace_back();
    subjects[it->second].push_back(i);
  }
  for (const std::vector<size_t>& sv : subjects) {
    const std::string& key = started[sv.front()].key;
    std::vector<const Feedback*> fv;  // its results not yet taken, oldest first
    for (const Feedback* f : by_date) {
      if (taken_fb.contains(f->url)) continue;
      if (absl::StrContains(f->key, key) || absl::StrContains(key, f->key)) fv.push_back(f);
    }
    // A result pairs with a survey begun before it; nearer the survey's end is better.
    auto score = [&](size_t i, size_t j) -> std::optional<int64_t> {
      const Started& sur = started[sv[i]];
      const absl::CivilDay fd = *fv[j]->page->publish_date;
      if (fd < sur.start) return std::nullopt;
      return -std::abs(static_cast<int64_t>(fd - (sur.end ? *sur.end : sur.start)));
    };
    for (const auto& [i, j] : PairInOrder(sv.size(), fv.size(), score)) {
      const Feedback* f = fv[j];
      owns[sv[i]] = true;
      taken_fb.insert(f->url);
      ++matched;
      if (const int k = started[sv[i]].judged; k >= 0) {
        fb_of[static_cast<size_t>(k)] = f->page;
        fb_url_of[static_cast<size_t>(k)] = f->url;
      }
    }
  }
  for (size_t i = 0; i < judged.size(); ++i) {
    const ListItem& it = *judged[i].item;
    const Column* col = judged[i].col;
    const absl::CivilDay end = judged[i].end;
    const absl::CivilDay due = AddMonths(end, 1);
    const PageFacts* fb = fb_of[i];
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
      Add(obs, "survey_feedback_before_document", fb_url_of[i], it.url, "", Iso(fb->publish_date),
          absl::StrCat("document_date=", Iso(fb->document_date), " publish_date=", Iso(fb->publish_date)));
    }
  }
  ev->set_surveys_in_year(in_year);
  ev->set_feedback_pages(feedback_pages);
  ev->set_feedback_matched(matched);
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
  common::v1::ServiceEvidence* ev = u->mutable_service();
  if (col == nullptr) {
    // 办事服务 on another host (the province's 政务服务网) is the site's service entry when the
    // link works.
    if (const PageFacts* home = Page(ctx_.home_url)) {
      for (const ShortLink& l : home->short_links) {
        if (ctx_.in_scope(l.url) || ctx_.categories->Classify(l.text) != "service") continue;
        if (ctx_.link_broken(l.url).value_or(false)) continue;
        ev->set_external_service_url(l.url);
        break;
      }
    }
    if (ev->external_service_url().empty() && ctx_.public_service) Add(obs, "no_service");
    return;
  }
  ev->set_column_url(col->url);
  // The guides: the column's list items, and pages linked from its pages that read as a guide
  // (at least two of the elements) — a column of one or two guides shows no list.
  std::vector<std::string> guides;
  for (const ListItem& it : col->items) guides.push_back(it.url);
  for (const std::string& u : col->pages) {
    const PageFacts* lp = Page(u);
    if (lp == nullptr) continue;
    for (const ShortLink& l : lp->short_links) {
      const PageFacts* p = Page(l.url);
      if (p == nullptr || !ctx_.in_scope(l.url)) continue;
      int elements = 0;
      for (const char* e : kGuideElements) elements += p->Field(e) != nullptr ? 1 : 0;
      if (elements >= 2) guides.push_back(l.url);
    }
  }
  absl::flat_hash_set<std::string> seen;
  for (const std::string& url : guides) {
    if (!seen.insert(url).second) continue;
    const PageFacts* p = Page(url);
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
    Add(obs, "service_guide_incomplete", url, col->url, "", "", absl::StrJoin(missing, ","));
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
