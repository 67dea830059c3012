#include "services/crawler/script_lists.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace govinspect::crawler {
namespace {

constexpr size_t kMaxRecords = 2000;

// Case-insensitive find from `from`.
size_t IFind(absl::string_view s, absl::string_view what, size_t from = 0) {
  if (what.empty() || s.size() < what.size()) return absl::string_view::npos;
  for (size_t i = from; i + what.size() <= s.size(); ++i) {
    if (absl::EqualsIgnoreCase(s.substr(i, what.size()), what)) return i;
  }
  return absl::string_view::npos;
}

bool IsIdentChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// The value after `name` followed by ':' or '=' (quoted or bare) in script text, where `name`
// stands as a whole identifier (optionally quoted: "name": / 'name':).
std::optional<std::string> ScriptValue(absl::string_view s, absl::string_view name) {
  for (size_t p = IFind(s, name); p != absl::string_view::npos; p = IFind(s, name, p + 1)) {
    if (p > 0 && IsIdentChar(s[p - 1])) continue;
    size_t q = p + name.size();
    if (q < s.size() && IsIdentChar(s[q])) continue;
    if (q < s.size() && (s[q] == '"' || s[q] == '\'')) ++q;
    while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
    if (q >= s.size() || (s[q] != ':' && s[q] != '=')) continue;
    if (s[q] == '=' && q + 1 < s.size() && s[q + 1] == '=') continue;  // a comparison
    ++q;
    while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
    if (q >= s.size()) return std::nullopt;
    if (s[q] == '"' || s[q] == '\'') {
      const char quote = s[q];
      size_t end = s.find(quote, q + 1);
      if (end == absl::string_view::npos || end - q > 512) continue;
      return std::string(s.substr(q + 1, end - q - 1));
    }
    size_t end = q;
    while (end < s.size() && end - q < 256 && s[end] != ',' && s[end] != '}' && s[end] != ';' &&
           s[end] != '&' && s[end] != '\n' && s[end] != ')' && s[end] != ' ') {
      ++end;
    }
    if (end == q) continue;
    return std::string(s.substr(q, end - q));
  }
  return std::nullopt;
}

std::string FormEncode(absl::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static const char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// "%E4%B8%AD" → the bytes (a value copied from a query string); '+' stays.
std::string PercentDecode(absl::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && absl::ascii_isxdigit(static_cast<unsigned char>(v[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(v[i + 2]))) {
      auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
      out.push_back(static_cast<char>(hex(v[i + 1]) * 16 + hex(v[i + 2])));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

// The first integer argument list of `fn(` in `s`: "createPageHTML(10, 0, "index", "html")".
std::vector<std::string> CallArgs(absl::string_view s, absl::string_view fn) {
  size_t p = s.find(fn);
  while (p != absl::string_view::npos) {
    size_t q = p + fn.size();
    while (q < s.size() && s[q] == ' ') ++q;
    if (q < s.size() && s[q] == '(' && (p == 0 || !IsIdentChar(s[p - 1]))) {
      // A function definition ("function createPageHTML(_nPageCount, …)") is not a call.
      absl::string_view before = s.substr(0, p);
      before = absl::StripTrailingAsciiWhitespace(before);
      if (!absl::EndsWith(before, "function")) {
        size_t end = s.find(')', q);
        if (end == absl::string_view::npos || end - q > 300) return {};
        std::vector<std::string> args;
        for (absl::string_view a : absl::StrSplit(s.substr(q + 1, end - q - 1), ',')) {
          a = absl::StripAsciiWhitespace(a);
          if (!a.empty() && (a.front() == '"' || a.front() == '\'')) a.remove_prefix(1);
          if (!a.empty() && (a.back() == '"' || a.back() == '\'')) a.remove_suffix(1);
          args.emplace_back(a);
        }
        return args;
      }
    }
    p = s.find(fn, p + 1);
  }
  return {};
}

bool Digits(absl::string_view s, size_t n) {
  return s.size() >= n && std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n),
                                      [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<absl::CivilDay> Day(int y, int m, int d) {
  if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;  // 2020-02-30
  return day;
}

int Num(absl::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<std::string> DatastoreToHtml(absl::string_view text, int* records) {
  if (records != nullptr) *records = 0;
  size_t rs = IFind(text, "<recordset");
  if (rs == absl::string_view::npos) return std::nullopt;
  std::string html = "<ul class=\"datastore\">";
  int n = 0;
  size_t p = rs;
  for (;;) {
    size_t r = IFind(text, "<record", p + 1);
    if (r == absl::string_view::npos || n >= static_cast<int>(kMaxRecords)) break;
    if (r + 7 < text.size() && IsIdentChar(text[r + 7])) {  // <recordset …
      p = r;
      continue;
    }
    size_t open_end = text.find('>', r);
    if (open_end == absl::string_view::npos) break;
    size_t close = IFind(text, "</record>", open_end);
    if (close == absl::string_view::npos) break;
    absl::string_view body = text.substr(open_end + 1, close - open_end - 1);
    body = absl::StripAsciiWhitespace(body);
    if (absl::StartsWith(body, "<![CDATA[")) {
      body.remove_prefix(9);
      if (size_t e = body.rfind("]]>"); e != absl::string_view::npos) body = body.substr(0, e);
    }
    absl::StrAppend(&html, body);
    ++n;
    p = close;
  }
  absl::StrAppend(&html, "</ul>");
  if (records != nullptr) *records = n;
  return html;
}

std::optional<JpageProxy> ParseJpageProxy(absl::string_view s) {
  if (IFind(s, "dataproxy") == absl::string_view::npos) return std::nullopt;
  JpageProxy out;
  if (auto u = ScriptValue(s, "proxyUrl")) out.proxy_url = *u;
  if (out.proxy_url.empty()) {
    // The next-group link: <a href="/module/web/jpage/dataproxy.jsp?page=1&…">.
    size_t p = IFind(s, "dataproxy");
    size_t start = s.rfind('"', p);
    size_t start2 = s.rfind('\'', p);
    if (start == absl::string_view::npos || (start2 != absl::string_view::npos && start2 > start)) start = start2;
    if (start == absl::string_view::npos) return std::nullopt;
    size_t end = s.find_first_of("?\"'", p);
    if (end == absl::string_view::npos) return std::nullopt;
    out.proxy_url = std::string(s.substr(start + 1, end - start - 1));
  }
  if (size_t q = out.proxy_url.find('?'); q != std::string::npos) out.proxy_url.resize(q);
  if (out.proxy_url.empty() || out.proxy_url.size() > 300) return std::nullopt;
  static const char* const kFields[] = {"col",    "appid",  "webid",   "path",          "columnid",
                                        "sourceContentType", "unitid", "webname", "permissiontype"};
  bool column = false;
  for (const char* f : kFields) {
    std::optional<std::string> v = ScriptValue(s, f);
    if (!v) continue;
    if (absl::string_view(f) == "columnid") column = !v->empty();
    if (!out.form.empty()) out.form.push_back('&');
    absl::StrAppend(&out.form, f, "=", FormEncode(PercentDecode(*v)));
  }
  if (!column) return std::nullopt;
  for (const char* name : {"totalRecord", "totalrecord"}) {
    if (auto v = ScriptValue(s, name); v && absl::SimpleAtoi(*v, &out.total_records)) break;
  }
  for (const char* name : {"perPage", "perpage"}) {
    if (auto v = ScriptValue(s, name); v && absl::SimpleAtoi(*v, &out.per_page)) break;
  }
  // <totalrecord>132</totalrecord> in the data island itself.
  if (out.total_records <= 0) {
    if (size_t p = IFind(s, "<totalrecord>"); p != absl::string_view::npos) {
      absl::string_view v = s.substr(p + 13);
      v = v.substr(0, v.find('<'));
      if (!absl::SimpleAtoi(v, &out.total_records)) out.total_records = 0;
    }
  }
  out.total_records = std::clamp(out.total_records, 0, 1000000);
  out.per_page = std::clamp(out.per_page, 0, 1000);
  return out;
}

std::vector<std::string> JpagePageQueries(const JpageProxy& proxy, int records_on_page, int max_pages) {
  std::vector<std::string> out;
  const int per = proxy.per_page > 0 ? proxy.per_page : (records_on_page > 0 ? records_on_page : 15);
  // The first page's records are on the column page; the rest are asked for a page at a time.
  int start = std::max(records_on_page, 0) + 1;
  if (records_on_page <= 0) start = 1;
  const int total = proxy.total_records;
  while (static_cast<int>(out.size()) < max_pages && (total <= 0 ? out.empty() : start <= total)) {
    const int end = total > 0 ? std::min(start + per - 1, total) : start + per - 1;
    out.push_back(absl::StrCat("startrecord=", start, "&endrecord=", end, "&perpage=", per));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> CreatePageHtmlUrls(absl::string_view script, int max_pages) {
  std::vector<std::string> args = CallArgs(script, "createPageHTML");
  if (args.empty()) args = CallArgs(script, "createPageHtml");
  std::vector<std::string> out;
  int pages = 0;
  if (args.empty()) return out;
  // TRS writes the count as a literal or through a variable (var countPage = 6//共多少页).
  if (!absl::SimpleAtoi(args[0], &pages) && !args[0].empty() &&
      std::all_of(args[0].begin(), args[0].end(), IsIdentChar)) {
    const std::string var = args[0];
    for (size_t p = script.find(var); p != absl::string_view::npos; p = script.find(var, p + 1)) {
      if ((p > 0 && IsIdentChar(script[p - 1])) ||
          (p + var.size() < script.size() && IsIdentChar(script[p + var.size()]))) {
        continue;
      }
      size_t q = p + var.size();
      while (q < script.size() && (script[q] == ' ' || script[q] == '\t')) ++q;
      if (q >= script.size() || script[q] != '=' || (q + 1 < script.size() && script[q + 1] == '=')) continue;
      ++q;
      while (q < script.size() && (script[q] == ' ' || script[q] == '\t' || script[q] == '"' || script[q] == '\'')) ++q;
      size_t e = q;
      while (e < script.size() && e - q < 6 && absl::ascii_isdigit(static_cast<unsigned char>(script[e]))) ++e;
      if (e > q && absl::SimpleAtoi(script.substr(q, e - q), &pages)) break;
    }
  }
  if (pages <= 1) return out;
  std::string name = args.size() > 2 && !args[2].empty() ? args[2] : "index";
  std::string ext = args.size() > 3 && !args[3].empty() ? args[3] : "html";
  for (char c : name + ext) {
    if (!(IsIdentChar(c) || c == '-' || c == '.')) return out;
  }
  pages = std::min(pages, max_pages + 1);
  out.push_back(absl::StrCat(name, ".", ext));
  for (int i = 1; i < pages; ++i) out.push_back(absl::StrCat(name, "_", i, ".", ext));
  return out;
}

std::string ScriptRedirect(absl::string_view s) {
  for (absl::string_view key : {"location.href", "location.replace", "location.assign", "location"}) {
    for (size_t p = s.find(key); p != absl::string_view::npos; p = s.find(key, p + 1)) {
      if (key == "location" && p + 8 < s.size() && (s[p + 8] == '.' || IsIdentChar(s[p + 8]))) continue;
      if (p > 0 && IsIdentChar(s[p - 1])) continue;
      size_t q = p + key.size();
      while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
      if (q >= s.size()) break;
      if (s[q] == '=') {
        if (q + 1 < s.size() && s[q + 1] == '=') continue;
        ++q;
      } else if (s[q] == '(') {
        ++q;
      } else {
        continue;
      }
      while (q < s.size() && (s[q] == ' ' || s[q] == '\t')) ++q;
      if (q >= s.size() || (s[q] != '"' && s[q] != '\'')) continue;
      const char quote = s[q];
      size_t end = s.find(quote, q + 1);
      if (end == absl::string_view::npos || end - q > 512) continue;
      std::string target(absl::StripAsciiWhitespace(s.substr(q + 1, end - q - 1)));
      if (target.empty() || target == "#" || absl::StartsWithIgnoreCase(target, "javascript:")) continue;
      return target;
    }
  }
  return "";
}

std::optional<absl::CivilDay> UrlDate(absl::string_view url) {
  // Path only.
  size_t scheme = url.find("://");
  if (scheme != absl::string_view::npos) {
    size_t slash = url.find('/', scheme + 3);
    url = slash == absl::string_view::npos ? absl::string_view() : url.substr(slash);
  }
  url = url.substr(0, url.find_first_of("?#"));
  // TRS: /t20200601_123.html
  for (size_t p = url.find("/t"); p != absl::string_view::npos; p = url.find("/t", p + 1)) {
    absl::string_view rest = url.substr(p + 2);
    if (Digits(rest, 8) && rest.size() > 8 && rest[8] == '_') {
      return Day(Num(rest.substr(0, 4)), Num(rest.substr(4, 2)), Num(rest.substr(6, 2)));
    }
  }
  std::vector<absl::string_view> segs = absl::StrSplit(url, '/', absl::SkipEmpty());
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    // Hanweb: /art/2020/6/1/art_…
    if (i + 3 < segs.size() && segs[i].size() == 4 && Digits(segs[i], 4) && !segs[i + 1].empty() &&
        segs[i + 1].size() <= 2 && Digits(segs[i + 1], segs[i + 1].size()) && !segs[i + 2].empty() &&
        segs[i + 2].size() <= 2 && Digits(segs[i + 2], segs[i + 2].size())) {
      if (auto d = Day(Num(segs[i]), Num(segs[i + 1]), Num(segs[i + 2]))) return d;
    }
    // A folder named by the day: /20200601/ or /2020-06-01/.
    absl::string_view s = segs[i];
    if (s.size() == 8 && Digits(s, 8)) {
      if (auto d = Day(Num(s.substr(0, 4)), Num(s.substr(4, 2)), Num(s.substr(6, 2)))) return d;
    }
    if (s.size() == 10 && (s[4] == '-' || s[4] == '_') && s[7] == s[4] && Digits(s, 4) &&
        Digits(s.substr(5), 2) && Digits(s.substr(8), 2)) {
      if (auto d = Day(Num(s.substr(0, 4)), Num(s.substr(5, 2)), Num(s.substr(8, 2)))) return d;
    }
  }
  return std::nullopt;
}

}  // namespace govinspect::crawler
