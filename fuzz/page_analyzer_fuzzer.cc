// Fuzz target: the crawler's page understanding (services/crawler/page_analyzer.h AnalyzePage):
// lists of dated items, labelled fields, footer identity, short links and the visible text of
// one page, optionally with the registry's per-site XPath overrides.
//
// Input: an as_of byte, an overrides byte (odd: apply a fixed set of selectors), then the page
// (UTF-8 as the crawler passes it, or not). What goes into evidence and findings is well-formed
// UTF-8, links are resolved http(s) URLs, and the documented bounds hold (short link text ≤ 16
// characters, ≤ 500 dated items, the newest year not after as_of's, known blank markers).

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "fuzz/fuzz_support.h"
#include "services/crawler/page_analyzer.h"

namespace {

using govinspect::crawler::PageFacts;

const govinspect::common::v1::SiteOverrides& Overrides() {
  static const auto* o = [] {
    auto* s = new govinspect::common::v1::SiteOverrides;
    auto* list = s->add_pages();
    list->set_path_prefix("/zwgk/");
    list->set_list_items_xpath("//div[@class='xxgk_list']/dl/dt | //ul[@class='list']/li");
    list->set_date_xpath("following-sibling::dd[1] | span");
    list->set_field_label_xpath("//th | //span[@class='lab']");
    auto* all = s->add_pages();
    all->set_path_prefix("/");
    all->set_date_xpath("//div[@class='info']/span[1]");
    auto* cat = s->add_column_categories();
    cat->set_column("工作总结");
    cat->set_category("planning");
    return s;
  }();
  return *o;
}

size_t Utf8Chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void CheckUrl(const std::string& url) {
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(url));
  FUZZ_CHECK(absl::StartsWith(url, "http://") || absl::StartsWith(url, "https://"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  govinspect::fuzz::FuzzInput in(data, size);
  govinspect::crawler::PageContext context;
  context.as_of = absl::CivilDay(2020, 6, 30) + in.Byte() * 3;
  context.url = "http://www.zs.gov.cn/zwgk/tzgg/index.html";
  if (in.Byte() & 1) context.overrides = &Overrides();
  const PageFacts f = govinspect::crawler::AnalyzePage(in.Rest(), context);

  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(f.text));
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(f.meta_site_code));
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(f.meta_column_name));
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(f.footer_site_code));
  for (const std::string& m : f.meta_names) FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(m));
  for (const auto& item : f.items) {
    CheckUrl(item.url);
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(item.status));
  }
  FUZZ_CHECK(f.all_dated_items.size() <= 500);
  for (const auto& item : f.all_dated_items) CheckUrl(item.url);
  for (const auto& l : f.short_links) {
    CheckUrl(l.url);
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(l.text));
    FUZZ_CHECK(Utf8Chars(l.text) <= 16);
  }
  for (const std::string& p : f.pagination) CheckUrl(p);
  for (const std::string& p : f.feedback_links) CheckUrl(p);
  for (const auto& [label, value] : f.fields) {
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(label));
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(value));
  }
  FUZZ_CHECK(f.blank.empty() || f.blank == "no_info_text" || f.blank == "zero_items" ||
             f.blank == "empty_container");
  FUZZ_CHECK(f.newest_year <= context.as_of.year());
  FUZZ_CHECK(f.footer_items < (1u << govinspect::crawler::kFooterItems));
  return 0;
}
