// Where a page's CPU goes: reads HTML files (an export of `simprovince export-site`) and runs on
// each the steps a crawl's page thread runs (site_crawler.cc, ReadOne), timing each step over
// all pages: charset decoding, the libxml2 parse, link extraction from the DOM, page
// understanding (the DOM walk of AnalyzeDocument), the content checks, freeing the DOM; and the
// links-only path (one SAX pass) beside them.
//
//   page_bench WWWDIR [--host HOST] [--charset GBK] [--as_of YYYY-MM-DD] [--repeat N]
//
// Prints one JSON line: pages, average page bytes, and per step the microseconds per page and
// its share of the understanding path's total.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/charset/charset.h"
#include "common/html/link_extractor.h"
#include "services/crawler/page_analyzer.h"
#include "services/crawler/site_analyzer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Page {
  std::string url;
  std::string body;
};

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: page_bench WWWDIR [--host HOST] [--charset GBK] [--as_of YYYY-MM-DD] [--repeat N]\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::string host = "www.example.gov.cn", charset, as_of = "2020-06-30";
  int repeat = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string f = argv[i];
    if (f == "--host") host = argv[i + 1];
    else if (f == "--charset") charset = argv[i + 1];
    else if (f == "--as_of") as_of = argv[i + 1];
    else if (f == "--repeat") absl::SimpleAtoi(argv[i + 1], &repeat);
  }
  absl::CivilDay day;
  if (!absl::ParseCivilTime(as_of, &day)) {
    std::cerr << "--as_of: not a date: " << as_of << "\n";
    return 2;
  }
  std::vector<Page> pages;
  size_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string rel = e.path().string().substr(dir.size());
    if (rel.empty() || rel[0] != '/') rel = "/" + rel;
    pages.push_back({absl::StrCat("http://", host, rel), ss.str()});
    bytes += pages.back().body.size();
  }
  std::sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.url < b.url; });
  if (pages.empty()) {
    std::cerr << "no files under " << dir << "\n";
    return 1;
  }
  const std::string content_type = charset.empty() ? "text/html" : absl::StrCat("text/html; charset=", charset);
  govinspect::crawler::SiteAnalysisContext sc;
  sc.home_url = absl::StrCat("http://", host, "/");
  sc.as_of = day;
  const govinspect::crawler::SiteAnalyzer analyzer(sc);

  enum Step { kDecode, kParse, kLinks, kAnalyze, kContent, kFree, kSteps };
  const char* const kNames[] = {"decode", "parse", "links_from_dom", "analyze_dom", "content_checks", "free_dom"};
  double us[kSteps] = {};
  double sax_us = 0;
  size_t links = 0, text_bytes = 0;
  for (int r = 0; r < repeat; ++r) {
    for (const Page& p : pages) {
      auto t0 = Clock::now();
      govinspect::common::DecodedText text = govinspect::common::DecodeToUtf8(p.body, content_type);
      auto t1 = Clock::now();
      govinspect::common::HtmlDoc doc = govinspect::common::ParseHtmlDocument(text.utf8);
      auto t2 = Clock::now();
      govinspect::common::PageLinks l = govinspect::common::ExtractLinksFromDocument(doc.get());
      auto t3 = Clock::now();
      govinspect::crawler::PageContext pc;
      pc.url = p.url;
      pc.as_of = day;
      govinspect::crawler::PageFacts facts = govinspect::crawler::AnalyzeDocument(doc.get(), pc);
      auto t4 = Clock::now();
      std::vector<govinspect::common::ContentMatch> matches = analyzer.CheckContent(facts);
      auto t5 = Clock::now();
      doc.reset();
      auto t6 = Clock::now();
      govinspect::common::PageLinks sax = govinspect::common::ExtractLinks(text.utf8);
      auto t7 = Clock::now();
      us[kDecode] += Micros(t1 - t0);
      us[kParse] += Micros(t2 - t1);
      us[kLinks] += Micros(t3 - t2);
      us[kAnalyze] += Micros(t4 - t3);
      us[kContent] += Micros(t5 - t4);
      us[kFree] += Micros(t6 - t5);
      sax_us += Micros(t7 - t6);
      links += l.links.size() + sax.links.size() + matches.size();
      text_bytes += facts.text.size();
    }
  }
  const double n = static_cast<double>(pages.size()) * repeat;
  double total = 0;
  for (double x : us) total += x;
  std::cout << "{\"pages\":" << pages.size() << ",\"repeat\":" << repeat << ",\"avg_page_bytes\":" << bytes / pages.size()
            << ",\"avg_text_bytes\":" << static_cast<size_t>(text_bytes / n) << ",\"us_per_page\":" << total / n;
  for (int s = 0; s < kSteps; ++s) {
    std::cout << ",\"" << kNames[s] << "\":{\"us\":" << us[s] / n << ",\"share\":" << us[s] / total << "}";
  }
  std::cout << ",\"links_only_sax_us\":" << sax_us / n << ",\"checksum\":" << links << "}" << std::endl;
  return 0;
}
