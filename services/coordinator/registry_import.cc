#include "services/coordinator/registry_import.h"

#include <curl/curl.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/csv/csv_reader.h"
#include "common/html/xpath.h"
#include "common/url/url_input.h"

namespace govinspect::coordinator {
namespace {

constexpr int kMaxErrors = 100;

constexpr const char* kColumnCategories[] = {
    "news",     "notice",  "policy",  "interpretation", "personnel", "planning", "finance",
    "profile",  "service", "consult", "stats",          "survey",    "feedback", "other"};

struct Column {
  const char* name;
  bool required;
};

class Errors {
 public:
  void Add(const std::string& file, int line, const std::string& field, const std::string& why) {
    ++count_;
    if (static_cast<int>(lines_.size()) < kMaxErrors) {
      std::string where = line > 0 ? absl::StrCat(file, ":", line) : file;
      lines_.push_back(field.empty() ? absl::StrCat(where, ": ", why)
                                     : absl::StrCat(where, ": field ", field, ": ", why));
    }
  }
  void AddStatus(const absl::Status& s) {
    ++count_;
    if (static_cast<int>(lines_.size()) < kMaxErrors) lines_.push_back(std::string(s.message()));
  }
  bool empty() const { return count_ == 0; }
  absl::Status ToStatus() const {
    std::string msg = absl::StrCat("registry not imported: ", count_, " error",
                                   count_ == 1 ? "" : "s", "\n", absl::StrJoin(lines_, "\n"));
    if (count_ > kMaxErrors) absl::StrAppend(&msg, "\n… and ", count_ - kMaxErrors, " more");
    return absl::InvalidArgumentError(msg);
  }

 private:
  int count_ = 0;
  std::vector<std::string> lines_;
};

// A parsed table: header → index, rows.
struct Table {
  std::string file;
  std::map<std::string, int> index;
  std::vector<common::CsvRow> rows;  // data rows only

  std::string Get(const common::CsvRow& row, const std::string& col) const {
    auto it = index.find(col);
    if (it == index.end() || it->second >= static_cast<int>(row.fields.size())) return "";
    return std::string(absl::StripAsciiWhitespace(row.fields[it->second]));
  }
};

bool ParseTable(const RegistryFile& f, const std::vector<Column>& columns, Errors* errors,
                Table* out) {
  out->file = f.name;
  auto rows = common::ParseCsv(f.content, f.name);
  if (!rows.ok()) {
    errors->AddStatus(rows.status());
    return false;
  }
  if (rows->empty()) {
    errors->Add(f.name, 1, "", "empty file: the first line must be the header");
    return false;
  }
  const common::CsvRow& header = (*rows)[0];
  bool ok = true;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string h(absl::StripAsciiWhitespace(header.fields[i]));
    bool known = false;
    for (const auto& c : columns) known |= h == c.name;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& c : columns) names.push_back(c.name);
      errors->Add(f.name, header.line, h, absl::StrCat("unknown column (expected some of: ",
                                                       absl::StrJoin(names, ", "), ")"));
      ok = false;
    } else if (out->index.count(h)) {
      errors->Add(f.name, header.line, h, "column appears twice");
      ok = false;
    } else {
      out->index[h] = static_cast<int>(i);
    }
  }
  for (const auto& c : columns) {
    if (c.required && !out->index.count(c.name)) {
      errors->Add(f.name, header.line, c.name, "required column is missing");
      ok = false;
    }
  }
  if (!ok) return false;
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    if (row.fields.size() != header.fields.size()) {
      errors->Add(f.name, row.line, "",
                  absl::StrCat("has ", row.fields.size(), " fields, the header has ",
                               header.fields.size()));
      continue;
    }
    out->rows.push_back(row);
  }
  return true;
}

// A URL of the registry in its normal form (common/url/url_input.h), or why it is refused; the
// message quotes the URL as given, except its credentials.
absl::StatusOr<std::string> UsableUrl(const std::string& raw) {
  absl::StatusOr<std::string> url = common::NormalizeUrlInput(raw);
  if (url.ok()) return url;
  std::string shown = raw;
  if (size_t at = shown.find('@'); at != std::string::npos) {
    size_t start = shown.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    if (start < at) shown.replace(start, at - start, "…");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", absl::Utf8SafeCHexEscape(shown), "\" ", url.status().message()));
}

bool IsHttpUrl(const std::string& url) {
  CURLU* h = curl_url();
  bool ok = curl_url_set(h, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
  if (ok) {
    char* scheme = nullptr;
    char* host = nullptr;
    ok = curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
         curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK;
    if (ok) {
      std::string s = scheme;
      ok = (s == "http" || s == "https") && host != nullptr && host[0] != '\0';
    }
    curl_free(scheme);
    curl_free(host);
  }
  curl_url_cleanup(h);
  return ok;
}

bool IsHostName(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty() || label.size() > 63) return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
  }
  return true;
}

bool ParseBool(const std::string& v, bool* out) {
  std::string l = absl::AsciiStrToLower(v);
  if (l == "true" || l == "1" || v == "是") { *out = true; return true; }
  if (l == "false" || l == "0" || v == "否") { *out = false; return true; }
  return false;
}

// site_overrides.csv: one override per row (site_id, kind, match, value). Selector rows with the
// same (site_id, match) merge into one PageOverride; the overrides go into the sites of `reg`.
void ParseSiteOverrides(const RegistryFile& file, const std::set<std::string>& site_ids,
                        Errors* errors, common::v1::Registry* reg) {
  Table t;
  if (!ParseTable(file, {{"site_id", true}, {"kind", true}, {"match", true}, {"value", true}},
                  errors, &t)) {
    return;
  }
  enum class Kind { kListItems, kDate, kFieldLabel, kColumnCategory };
  static const std::map<std::string, Kind> kKinds = {
      {"list_items_xpath", Kind::kListItems},
      {"date_xpath", Kind::kDate},
      {"field_label_xpath", Kind::kFieldLabel},
      {"column_category", Kind::kColumnCategory}};
  std::map<std::string, common::v1::SiteOverrides> by_site;
  // (site, match) → index of its PageOverride in by_site[site].pages().
  std::map<std::pair<std::string, std::string>, int> page_index;
  // (site, kind, match) → the line that set it.
  std::map<std::tuple<std::string, std::string, std::string>, int> first_line;
  for (const auto& row : t.rows) {
    bool ok = true;
    const std::string site = t.Get(row, "site_id");
    const std::string kind_name = t.Get(row, "kind");
    const std::string match = t.Get(row, "match");
    const std::string value = t.Get(row, "value");
    if (site.empty()) {
      errors->Add(t.file, row.line, "site_id", "required");
      ok = false;
    } else if (!site_ids.count(site)) {
      errors->Add(t.file, row.line, "site_id",
                  absl::StrCat("unknown site \"", site, "\" (not in sites.csv)"));
      ok = false;
    }
    auto kind = kKinds.find(kind_name);
    if (kind == kKinds.end()) {
      errors->Add(t.file, row.line, "kind",
                  absl::StrCat("\"", kind_name, "\" is not one of list_items_xpath, date_xpath, "
                               "field_label_xpath, column_category"));
      ok = false;
    }
    if (match.empty()) {
      errors->Add(t.file, row.line, "match", "required");
      ok = false;
    }
    if (value.empty()) {
      errors->Add(t.file, row.line, "value", "required");
      ok = false;
    }
    if (kind == kKinds.end()) continue;
    if (kind->second == Kind::kColumnCategory) {
      if (!value.empty() && !IsColumnCategory(value)) {
        errors->Add(t.file, row.line, "value",
                    absl::StrCat("\"", value, "\" is not a category (one of ",
                                 absl::StrJoin(kColumnCategories, ", "), ")"));
        ok = false;
      }
      if (match.find("://") != std::string::npos && !IsHttpUrl(match)) {
        errors->Add(t.file, row.line, "match",
                    absl::StrCat("\"", match, "\" is not an http(s) URL"));
        ok = false;
      }
    } else {
      if (!match.empty() && match[0] != '/') {
        errors->Add(t.file, row.line, "match",
                    absl::StrCat("\"", match, "\" is not a path prefix (it must start with '/')"));
        ok = false;
      }
      if (!value.empty()) {
        if (auto compiled = common::CompileXPath(value); !compiled.ok()) {
          errors->Add(t.file, row.line, "value",
                      absl::StrCat("\"", value, "\" is not an XPath 1.0 expression: ",
                                   compiled.status().message()));
          ok = false;
        }
      }
    }
    if (!ok) continue;
    auto [seen, inserted] = first_line.emplace(std::make_tuple(site, kind_name, match), row.line);
    if (!inserted) {
      errors->Add(t.file, row.line, "match",
                  absl::StrCat(kind_name, " for \"", match, "\" of site \"", site,
                               "\" is already set on line ", seen->second));
      continue;
    }
    common::v1::SiteOverrides& overrides = by_site[site];
    if (kind->second == Kind::kColumnCategory) {
      common::v1::ColumnCategoryOverride* c = overrides.add_column_categories();
      c->set_column(match);
      c->set_category(value);
      continue;
    }
    auto [index, added] = page_index.emplace(std::make_pair(site, match), overrides.pages_size());
    if (added) overrides.add_pages()->set_path_prefix(match);
    common::v1::PageOverride* page = overrides.mutable_pages(index->second);
    switch (kind->second) {
      case Kind::kListItems: page->set_list_items_xpath(value); break;
      case Kind::kDate: page->set_date_xpath(value); break;
      case Kind::kFieldLabel: page->set_field_label_xpath(value); break;
      case Kind::kColumnCategory: break;
    }
  }
  for (auto& s : *reg->mutable_sites()) {
    auto it = by_site.find(std::string(absl::StripPrefix(s.name(), "sites/")));
    if (it != by_site.end()) *s.mutable_overrides() = std::move(it->second);
  }
}

}  // namespace

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(c == '-' && i > 0 && i + 1 < id.size())) return false;
  }
  return true;
}

bool IsValidDate(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return false;
  return absl::FormatCivilTime(day) == date;  // rejects 2020-02-30 (normalised)
}

absl::StatusOr<common::v1::Registry> ParseRegistryBundle(const std::vector<RegistryFile>& files) {
  Errors errors;
  std::map<std::string, const RegistryFile*> by_name;
  for (const auto& f : files) {
    static const std::set<std::string> kKnown = {"units.csv", "sites.csv", "accounts.csv",
                                                 "portals.csv", "site_overrides.csv"};
    if (!kKnown.count(f.name)) {
      errors.Add(f.name, 0, "", "unknown file (a bundle holds units.csv, sites.csv, "
                                "accounts.csv, portals.csv, site_overrides.csv)");
      continue;
    }
    if (by_name.count(f.name)) {
      errors.Add(f.name, 0, "", "given twice");
      continue;
    }
    by_name[f.name] = &f;
  }
  if (!by_name.count("units.csv")) errors.Add("units.csv", 0, "", "missing: the bundle needs it");
  if (!errors.empty()) return errors.ToStatus();

  common::v1::Registry reg;
  std::set<std::string> unit_ids;
  std::set<std::string> site_ids;  // every well-formed site_id of sites.csv
  std::map<std::string, std::pair<int, std::string>> home_urls;  // normal form → (line, site_id)

  // units.csv
  Table units;
  if (ParseTable(*by_name["units.csv"],
                 {{"unit_id", true}, {"name", true}, {"short_name", false}, {"kind", true},
                  {"parent_unit_id", false}, {"public_service", false},
                  {"open_data_org", false}, {"open_data_quota", false}},
                 &errors, &units)) {
    std::vector<std::pair<int, std::string>> parents;
    for (const auto& row : units.rows) {
      const std::string f = units.file;
      std::string id = units.Get(row, "unit_id");
      bool ok = true;
      if (!IsValidId(id)) {
        errors.Add(f, row.line, "unit_id", absl::StrCat("\"", id, "\" is not a valid id (lowercase letters, digits, '-')"));
        ok = false;
      } else if (!unit_ids.insert(id).second) {
        errors.Add(f, row.line, "unit_id", absl::StrCat("duplicate id \"", id, "\""));
        ok = false;
      }
      common::v1::Unit u;
      u.set_name("units/" + id);
      u.set_display_name(units.Get(row, "name"));
      if (u.display_name().empty()) { errors.Add(f, row.line, "name", "required"); ok = false; }
      u.set_short_name(units.Get(row, "short_name"));
      if (u.short_name().empty()) u.set_short_name(u.display_name());
      std::string kind = units.Get(row, "kind");
      if (kind == "government") u.set_kind(common::v1::UNIT_KIND_GOVERNMENT);
      else if (kind == "department") u.set_kind(common::v1::UNIT_KIND_DEPARTMENT);
      else if (kind == "town") u.set_kind(common::v1::UNIT_KIND_TOWN);
      else {
        errors.Add(f, row.line, "kind", absl::StrCat("\"", kind, "\" is not one of government, department, town"));
        ok = false;
      }
      std::string parent = units.Get(row, "parent_unit_id");
      if (!parent.empty()) {
        parents.emplace_back(row.line, parent);
        u.set_parent("units/" + parent);
      }
      bool ps = true;
      if (std::string v = units.Get(row, "public_service"); !v.empty() && !ParseBool(v, &ps)) {
        errors.Add(f, row.line, "public_service", absl::StrCat("\"", v, "\" is not true/false"));
        ok = false;
      }
      u.set_public_service(ps);
      u.set_open_data_org(units.Get(row, "open_data_org"));
      if (std::string v = units.Get(row, "open_data_quota"); !v.empty()) {
        int q = 0;
        if (!absl::SimpleAtoi(v, &q) || q < 0) {
          errors.Add(f, row.line, "open_data_quota", absl::StrCat("\"", v, "\" is not a whole number ≥ 0"));
          ok = false;
        }
        u.set_open_data_quota(q);
      }
      if (ok) *reg.add_units() = std::move(u);
    }
    for (const auto& [line, parent] : parents) {
      if (!unit_ids.count(parent)) {
        errors.Add(units.file, line, "parent_unit_id", absl::StrCat("unknown unit \"", parent, "\""));
      }
    }
  }

  auto check_unit = [&](const Table& t, const common::CsvRow& row) {
    std::string unit = t.Get(row, "unit_id");
    if (unit.empty()) {
      errors.Add(t.file, row.line, "unit_id", "required");
      return false;
    }
    if (!unit_ids.count(unit)) {
      errors.Add(t.file, row.line, "unit_id", absl::StrCat("unknown unit \"", unit, "\" (not in units.csv)"));
      return false;
    }
    return true;
  };

  if (auto it = by_name.find("sites.csv"); it != by_name.end()) {
    Table t;
    if (ParseTable(*it->second,
                   {{"site_id", true}, {"unit_id", true}, {"name", true}, {"home_url", true},
                    {"site_kind", true}, {"site_code", false}, {"extra_hosts", false}},
                   &errors, &t)) {
      std::set<std::string> ids;
      for (const auto& row : t.rows) {
        bool ok = check_unit(t, row);
        std::string id = t.Get(row, "site_id");
        if (!IsValidId(id)) {
          errors.Add(t.file, row.line, "site_id", absl::StrCat("\"", id, "\" is not a valid id"));
          ok = false;
        } else if (!ids.insert(id).second) {
          errors.Add(t.file, row.line, "site_id", absl::StrCat("duplicate id \"", id, "\""));
          ok = false;
        }
        if (IsValidId(id)) site_ids.insert(id);
        common::v1::Site s;
        s.set_name("sites/" + id);
        s.set_unit("units/" + t.Get(row, "unit_id"));
        s.set_display_name(t.Get(row, "name"));
        if (s.display_name().empty()) { errors.Add(t.file, row.line, "name", "required"); ok = false; }
        // Repaired where safe (spaces, zero-width, full-width, IDNA), refused otherwise, and
        // one site per home page: the same URL twice would be crawled and counted twice.
        if (absl::StatusOr<std::string> home = UsableUrl(t.Get(row, "home_url")); !home.ok()) {
          errors.Add(t.file, row.line, "home_url", std::string(home.status().message()));
          ok = false;
        } else {
          s.set_home_url(*home);
          auto [first, inserted] = home_urls.try_emplace(*home, row.line, id);
          if (!inserted) {
            errors.Add(t.file, row.line, "home_url",
                       absl::StrCat("\"", *home, "\" is already the home page of site \"",
                                    first->second.second, "\" (line ", first->second.first, ")"));
            ok = false;
          }
        }
        std::string kind = t.Get(row, "site_kind");
        if (kind == "portal") s.set_kind(common::v1::SITE_KIND_PORTAL);
        else if (kind == "department") s.set_kind(common::v1::SITE_KIND_DEPARTMENT);
        else {
          errors.Add(t.file, row.line, "site_kind", absl::StrCat("\"", kind, "\" is not portal or department"));
          ok = false;
        }
        s.set_site_code(t.Get(row, "site_code"));
        for (absl::string_view h : absl::StrSplit(t.Get(row, "extra_hosts"), ';', absl::SkipWhitespace())) {
          std::string host(absl::StripAsciiWhitespace(h));
          if (!IsHostName(host)) {
            errors.Add(t.file, row.line, "extra_hosts", absl::StrCat("\"", host, "\" is not a host name"));
            ok = false;
          }
          s.add_extra_hosts(host);
        }
        if (ok) *reg.add_sites() = std::move(s);
      }
    }
  }

  if (auto it = by_name.find("accounts.csv"); it != by_name.end()) {
    Table t;
    if (ParseTable(*it->second,
                   {{"account_id", true}, {"unit_id", true}, {"platform", true},
                    {"platform_account_id", true}, {"name", true}, {"opened_date", false},
                    {"filed_date", false}, {"closed_date", false}},
                   &errors, &t)) {
      std::set<std::string> ids;
      std::set<std::pair<int, std::string>> platform_ids;
      static const std::map<std::string, common::v1::Platform> kPlatforms = {
          {"wechat", common::v1::PLATFORM_WECHAT}, {"weibo", common::v1::PLATFORM_WEIBO},
          {"douyin", common::v1::PLATFORM_DOUYIN}, {"toutiao", common::v1::PLATFORM_TOUTIAO},
          {"app", common::v1::PLATFORM_APP},       {"other", common::v1::PLATFORM_OTHER}};
      for (const auto& row : t.rows) {
        bool ok = check_unit(t, row);
        std::string id = t.Get(row, "account_id");
        if (!IsValidId(id)) {
          errors.Add(t.file, row.line, "account_id", absl::StrCat("\"", id, "\" is not a valid id"));
          ok = false;
        } else if (!ids.insert(id).second) {
          errors.Add(t.file, row.line, "account_id", absl::StrCat("duplicate id \"", id, "\""));
          ok = false;
        }
        common::v1::Account a;
        a.set_name("accounts/" + id);
        a.set_unit("units/" + t.Get(row, "unit_id"));
        std::string platform = t.Get(row, "platform");
        if (auto p = kPlatforms.find(platform); p != kPlatforms.end()) {
          a.set_platform(p->second);
        } else {
          errors.Add(t.file, row.line, "platform", absl::StrCat("\"", platform, "\" is not one of wechat, weibo, douyin, toutiao, app, other"));
          ok = false;
        }
        a.set_platform_account_id(t.Get(row, "platform_account_id"));
        if (a.platform_account_id().empty()) {
          errors.Add(t.file, row.line, "platform_account_id", "required");
          ok = false;
        } else if (!platform_ids.insert({a.platform(), a.platform_account_id()}).second) {
          errors.Add(t.file, row.line, "platform_account_id", absl::StrCat("\"", a.platform_account_id(), "\" is filed twice on ", platform));
          ok = false;
        }
        a.set_display_name(t.Get(row, "name"));
        if (a.display_name().empty()) { errors.Add(t.file, row.line, "name", "required"); ok = false; }
        for (const char* col : {"opened_date", "filed_date", "closed_date"}) {
          std::string v = t.Get(row, col);
          if (!v.empty() && !IsValidDate(v)) {
            errors.Add(t.file, row.line, col, absl::StrCat("\"", v, "\" is not a date YYYY-MM-DD"));
            ok = false;
          }
        }
        a.set_opened_date(t.Get(row, "opened_date"));
        a.set_filed_date(t.Get(row, "filed_date"));
        a.set_closed_date(t.Get(row, "closed_date"));
        if (ok) *reg.add_accounts() = std::move(a);
      }
    }
  }

  if (auto it = by_name.find("portals.csv"); it != by_name.end()) {
    Table t;
    if (ParseTable(*it->second,
                   {{"portal_id", true}, {"name", true}, {"api_url", true}, {"kind", false}},
                   &errors, &t)) {
      std::set<std::string> ids;
      for (const auto& row : t.rows) {
        bool ok = true;
        std::string id = t.Get(row, "portal_id");
        if (!IsValidId(id)) {
          errors.Add(t.file, row.line, "portal_id", absl::StrCat("\"", id, "\" is not a valid id"));
          ok = false;
        } else if (!ids.insert(id).second) {
          errors.Add(t.file, row.line, "portal_id", absl::StrCat("duplicate id \"", id, "\""));
          ok = false;
        }
        common::v1::Portal p;
        p.set_name("portals/" + id);
        p.set_display_name(t.Get(row, "name"));
        if (p.display_name().empty()) { errors.Add(t.file, row.line, "name", "required"); ok = false; }
        if (absl::StatusOr<std::string> api = UsableUrl(t.Get(row, "api_url")); !api.ok()) {
          errors.Add(t.file, row.line, "api_url", std::string(api.status().message()));
          ok = false;
        } else {
          p.set_api_url(*api);
        }
        if (std::string kind = t.Get(row, "kind"); !kind.empty() && kind != "ckan") {
          errors.Add(t.file, row.line, "kind", absl::StrCat("\"", kind, "\" is not supported (only ckan)"));
          ok = false;
        }
        if (ok) *reg.add_portals() = std::move(p);
      }
    }
  }

  if (auto it = by_name.find("site_overrides.csv"); it != by_name.end()) {
    ParseSiteOverrides(*it->second, site_ids, &errors, &reg);
  }

  if (!errors.empty()) return errors.ToStatus();
  return reg;
}

int CountSiteOverrides(const common::v1::Registry& registry) {
  int n = 0;
  for (const auto& site : registry.sites()) {
    for (const auto& page : site.overrides().pages()) {
      n += !page.list_items_xpath().empty() + !page.date_xpath().empty() +
           !page.field_label_xpath().empty();
    }
    n += site.overrides().column_categories_size();
  }
  return n;
}

bool IsColumnCategory(const std::string& category) {
  for (const char* c : kColumnCategories) {
    if (category == c) return true;
  }
  return false;
}

}  // namespace govinspect::coordinator
