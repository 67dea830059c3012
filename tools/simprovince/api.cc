#include "tools/simprovince/api.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tools/simprovince/rng.h"
#include "tools/simprovince/text_gen.h"

namespace govinspect::simprovince {

using nlohmann::json;

std::string PercentDecode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && absl::ascii_isxdigit(s[i + 1]) && absl::ascii_isxdigit(s[i + 2])) {
      auto hex = [](char h) { return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(absl::string_view query) {
  std::map<std::string, std::string> out;
  for (absl::string_view kv : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    size_t eq = kv.find('=');
    if (eq == absl::string_view::npos) {
      out[PercentDecode(kv)] = "";
    } else {
      out[PercentDecode(kv.substr(0, eq))] = PercentDecode(kv.substr(eq + 1));
    }
  }
  return out;
}

namespace {

HttpResponse Json(int status, const json& j) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = j.dump();
  return r;
}

HttpResponse PlatformError(int status, const char* code, const std::string& message) {
  return Json(status, json{{"error", {{"code", status}, {"status", code}, {"message", message}}}});
}

std::string Time(const Post& p) {
  return absl::StrFormat("%sT%02d:%02d:00+08:00", FormatIso(p.date), p.minute_of_day / 60, p.minute_of_day % 60);
}

json AccountJson(const Province& p, const Account& a) {
  const Unit& u = p.units[a.unit];
  return json{{"id", a.platform_id},
              {"name", a.name},
              {"platform", PlatformId(a.platform)},
              {"url", AccountUrl(a)},
              {"status", AccountStatusId(a.status)},
              {"verified_entity", u.name},
              {"entity_short_name", u.short_name},
              {"opened_date", FormatIso(a.opened)},
              {"closed_date", a.platform_closed == kNoDay ? "" : FormatIso(a.platform_closed)},
              {"interaction", {{"comments", a.comments}, {"messages", a.messages}, {"private_messages", a.private_messages}}},
              {"post_count", a.posts.size()},
              {"last_post_time", a.posts.empty() ? "" : Time(a.posts.front())}};
}

// page_size (default 20, 1..100) and page_token ("" or a decimal offset).
bool Paging(const std::map<std::string, std::string>& q, size_t* offset, size_t* size, std::string* error) {
  *offset = 0;
  *size = 20;
  auto it = q.find("page_size");
  if (it != q.end() && !it->second.empty()) {
    int n;
    if (!absl::SimpleAtoi(it->second, &n) || n < 1 || n > 100) {
      *error = "page_size must be 1..100";
      return false;
    }
    *size = static_cast<size_t>(n);
  }
  it = q.find("page_token");
  if (it != q.end() && !it->second.empty()) {
    int n;
    if (!absl::SimpleAtoi(it->second, &n) || n < 0) {
      *error = "invalid page_token";
      return false;
    }
    *offset = static_cast<size_t>(n);
  }
  return true;
}

std::optional<HttpResponse> Platform_(const Province& p, Platform platform, absl::string_view path,
                                      const std::map<std::string, std::string>& q) {
  const auto& by_id = p.account_by_platform_id[static_cast<int>(platform)];
  size_t offset, size;
  std::string err;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/', absl::SkipEmpty());
  if (parts.size() < 2 || parts[0] != "v1" || parts[1] != "accounts") {
    return PlatformError(404, "NOT_FOUND", absl::StrCat("no such resource: ", path));
  }
  if (!Paging(q, &offset, &size, &err)) return PlatformError(400, "INVALID_ARGUMENT", err);
  if (parts.size() == 2) {
    std::string needle;
    auto it = q.find("q");
    if (it != q.end()) needle = it->second;
    json list = json::array();
    size_t matched = 0;
    bool more = false;
    for (const Account& a : p.accounts) {
      if (a.platform != platform || a.status == AccountStatus::kDeleted) continue;
      const Unit& u = p.units[a.unit];
      if (!needle.empty() && !absl::StrContains(a.name, needle) && !absl::StrContains(u.name, needle) &&
          !absl::StrContains(u.short_name, needle)) {
        continue;
      }
      if (matched++ < offset) continue;
      if (list.size() == size) {
        more = true;
        break;
      }
      list.push_back(AccountJson(p, a));
    }
    return Json(200, json{{"accounts", list}, {"next_page_token", more ? absl::StrCat(offset + size) : ""}});
  }
  auto it = by_id.find(std::string(parts[2]));
  if (it == by_id.end() || p.accounts[it->second].status == AccountStatus::kDeleted) {
    return PlatformError(404, "NOT_FOUND", absl::StrCat("account ", parts[2], " not found"));
  }
  const Account& a = p.accounts[it->second];
  if (parts.size() == 3) return Json(200, AccountJson(p, a));
  if (parts[3] != "posts") return PlatformError(404, "NOT_FOUND", absl::StrCat("no such resource: ", path));
  auto post_json = [&](int i, bool full) {
    const Post& po = a.posts[i];
    std::string title = PostTitle(Mix(a.seed, po.id), p.units[a.unit].short_name);
    json j{{"id", absl::StrCat(po.id)}, {"account_id", a.platform_id}, {"time", Time(po)}, {"url", PostUrl(a, i)}, {"title", title}};
    std::string text = PostText(p, a, i);
    if (!full && text.size() > 600) {
      // Keep whole UTF-8 characters (3 bytes each for CJK; ASCII is 1).
      size_t cut = 600;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut);
    }
    j["text"] = text;
    return j;
  };
  if (parts.size() == 4) {
    json list = json::array();
    for (size_t i = offset; i < a.posts.size() && list.size() < size; ++i) list.push_back(post_json(static_cast<int>(i), true));
    bool more = offset + size < a.posts.size();
    return Json(200, json{{"posts", list}, {"next_page_token", more ? absl::StrCat(offset + size) : ""}});
  }
  for (size_t i = 0; i < a.posts.size(); ++i) {
    if (absl::StrCat(a.posts[i].id) == parts[4]) return Json(200, post_json(static_cast<int>(i), true));
  }
  return PlatformError(404, "NOT_FOUND", absl::StrCat("post ", parts[4], " not found"));
}

// ---------------------------------------------------------------------------- CKAN

HttpResponse CkanOk(const std::string& host, const std::string& action, json result) {
  return Json(200, json{{"help", absl::StrCat("http://", host, "/api/3/action/help_show?name=", action)},
                        {"success", true},
                        {"result", std::move(result)}});
}

HttpResponse CkanError(const std::string& host, const std::string& action, int status, const char* type,
                       const std::string& message) {
  return Json(status, json{{"help", absl::StrCat("http://", host, "/api/3/action/help_show?name=", action)},
                           {"success", false},
                           {"error", {{"__type", type}, {"message", message}}}});
}

std::string ResourceUrl(const Portal& portal, const Dataset& d, const Resource& r) {
  return absl::StrCat("http://", portal.host, "/dataset/", d.name, "/resource/", r.id, "/download/", d.name,
                      r.format == "CSV" ? ".csv" : r.format == "XLSX" ? ".xlsx" : ".json");
}

json OrgJson(const Province& p, int ui, int count) {
  const Unit& u = p.units[ui];
  return json{{"id", absl::StrCat("org-", u.open_data_org)},
              {"name", u.open_data_org},
              {"title", u.name},
              {"display_name", u.name},
              {"type", "organization"},
              {"state", "active"},
              {"is_organization", true},
              {"package_count", count}};
}

json PackageJson(const Province& p, const Dataset& d) {
  const Unit& u = p.units[d.unit];
  json res = json::array();
  for (const Resource& r : d.resources) {
    res.push_back(json{{"id", r.id},
                       {"name", r.name},
                       {"format", r.format},
                       {"url", ResourceUrl(p.portal, d, r)},
                       {"package_id", d.id},
                       {"datastore_active", true},
                       {"last_modified", FormatIso(d.modified) + "T09:00:00"}});
  }
  return json{{"id", d.id},
              {"name", d.name},
              {"title", d.title},
              {"type", "dataset"},
              {"state", "active"},
              {"private", false},
              {"notes", absl::StrCat(d.title, "，由", u.name, "提供，", d.frequency_name, "更新。")},
              {"owner_org", absl::StrCat("org-", u.open_data_org)},
              {"organization", OrgJson(p, d.unit, 0)},
              {"metadata_created", FormatIso(d.created) + "T09:00:00"},
              {"metadata_modified", FormatIso(d.modified) + "T09:00:00"},
              {"update_frequency", d.frequency_name},
              {"extras", json::array({json{{"key", "update_frequency"}, {"value", d.frequency_name}},
                                      json{{"key", "update_frequency_days"}, {"value", absl::StrCat(d.frequency_days)}}})},
              {"num_resources", d.resources.size()},
              {"resources", res}};
}

HttpResponse Ckan(const Province& p, absl::string_view path, const std::map<std::string, std::string>& q) {
  const Portal& portal = p.portal;
  const std::string& host = portal.host;
  auto get = [&](const char* k) -> std::string {
    auto it = q.find(k);
    return it == q.end() ? "" : it->second;
  };
  auto org_unit = [&](const std::string& name) -> int {
    for (int ui : portal.organizations) {
      if (p.units[ui].open_data_org == name || absl::StrCat("org-", p.units[ui].open_data_org) == name) return ui;
    }
    return -1;
  };
  auto count_of = [&](int ui) {
    int n = 0;
    for (const Dataset& d : portal.datasets) n += d.unit == ui ? 1 : 0;
    return n;
  };
  const std::string action(path.substr(std::string("/api/3/action/").size()));
  if (action == "organization_list") {
    json names = json::array();
    const bool all = get("all_fields") == "true";
    for (int ui : portal.organizations) {
      if (all) names.push_back(OrgJson(p, ui, count_of(ui)));
      else names.push_back(p.units[ui].open_data_org);
    }
    return CkanOk(host, action, names);
  }
  if (action == "organization_show") {
    std::string id = get("id");
    if (id.empty()) return CkanError(host, action, 409, "Validation Error", "id: Missing value");
    int ui = org_unit(id);
    if (ui < 0) return CkanError(host, action, 404, "Not Found Error", "Not found");
    return CkanOk(host, action, OrgJson(p, ui, count_of(ui)));
  }
  if (action == "package_search") {
    int rows = 10, start = 0;
    if (!get("rows").empty() && (!absl::SimpleAtoi(get("rows"), &rows) || rows < 0)) {
      return CkanError(host, action, 409, "Validation Error", "rows: Invalid integer");
    }
    if (!get("start").empty() && (!absl::SimpleAtoi(get("start"), &start) || start < 0)) {
      return CkanError(host, action, 409, "Validation Error", "start: Invalid integer");
    }
    rows = std::min(rows, 1000);
    std::string fq = get("fq");
    int only = -2;
    if (!fq.empty()) {
      if (!absl::StartsWith(fq, "organization:")) {
        return CkanError(host, action, 409, "Search Query Error", absl::StrCat("unsupported fq: ", fq));
      }
      std::string name = fq.substr(13);
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      only = org_unit(name);
    }
    std::string text = get("q");
    if (text == "*:*") text.clear();
    json results = json::array();
    int count = 0;
    for (const Dataset& d : portal.datasets) {
      if (only != -2 && d.unit != only) continue;
      if (!text.empty() && !absl::StrContains(d.title, text) && !absl::StrContains(d.name, text)) continue;
      if (count >= start && static_cast<int>(results.size()) < rows) results.push_back(PackageJson(p, d));
      ++count;
    }
    return CkanOk(host, action, json{{"count", count}, {"sort", "score desc, metadata_modified desc"}, {"facets", json::object()},
                                     {"search_facets", json::object()}, {"results", results}});
  }
  if (action == "package_show") {
    std::string id = get("id");
    if (id.empty()) return CkanError(host, action, 409, "Validation Error", "id: Missing value");
    for (const Dataset& d : portal.datasets) {
      if (d.name == id || d.id == id) return CkanOk(host, action, PackageJson(p, d));
    }
    return CkanError(host, action, 404, "Not Found Error", "Not found");
  }
  if (action == "datastore_search") {
    std::string rid = get("resource_id");
    if (rid.empty()) return CkanError(host, action, 409, "Validation Error", "resource_id: Missing value");
    int limit = 100;
    if (!get("limit").empty() && (!absl::SimpleAtoi(get("limit"), &limit) || limit < 0)) {
      return CkanError(host, action, 409, "Validation Error", "limit: Invalid integer");
    }
    for (const Dataset& d : portal.datasets) {
      for (const Resource& r : d.resources) {
        if (r.id != rid) continue;
        json records = json::array();
        for (int64_t i = 0; i < std::min<int64_t>(std::min(limit, 100), d.records); ++i) {
          records.push_back(json{{"_id", i + 1}, {"名称", absl::StrCat(d.title, "记录", i + 1)}, {"更新日期", FormatIso(d.modified)}});
        }
        return CkanOk(host, action,
                      json{{"resource_id", rid},
                           {"fields", json::array({json{{"id", "_id"}, {"type", "int"}}, json{{"id", "名称"}, {"type", "text"}},
                                                   json{{"id", "更新日期"}, {"type", "date"}}})},
                           {"records", records},
                           {"limit", limit},
                           {"total", d.records},
                           {"_links", {{"start", absl::StrCat("/api/3/action/datastore_search?resource_id=", rid)}}}});
      }
    }
    return CkanError(host, action, 404, "Not Found Error", absl::StrCat("Resource \"", rid, "\" was not found."));
  }
  return CkanError(host, action, 400, "Bad Request", absl::StrCat("Action name not known: ", action));
}

HttpResponse PortalPage(const Province& p, absl::string_view path) {
  const Portal& portal = p.portal;
  if (absl::StartsWith(path, "/dataset/")) {
    for (const Dataset& d : portal.datasets) {
      for (const Resource& r : d.resources) {
        if (ResourceUrl(portal, d, r) == absl::StrCat("http://", portal.host, path)) {
          if (r.broken) break;
          HttpResponse resp;
          resp.content_type = r.format == "CSV" ? "text/csv; charset=utf-8" : r.format == "XLSX"
              ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "application/json";
          resp.body = absl::StrCat("名称,更新日期\n", d.title, ",", FormatIso(d.modified), "\n");
          return resp;
        }
      }
    }
    HttpResponse nf;
    nf.status = 404;
    nf.content_type = "text/html; charset=utf-8";
    nf.body = "<html><body><h1>404 Not Found</h1></body></html>";
    return nf;
  }
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = absl::StrCat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>", portal.name, "</title></head><body><h1>",
                        portal.name, "</h1><p>数据集", portal.datasets.size(), "个，开放单位", portal.organizations.size(),
                        "个。</p><p>API：<a href=\"/api/3/action/package_search\">/api/3/action/</a></p></body></html>");
  return r;
}

}  // namespace

std::string PostText(const Province& p, const Account& a, int post) {
  const Post& po = a.posts[post];
  const uint64_t h = Mix(a.seed, po.id);
  std::string text = Paragraph(h, 2);
  for (const Injection& in : a.injections) {
    if (in.item != post) continue;
    switch (in.kind) {
      case InjectKind::kIdNumber:
      case InjectKind::kIdNumberMasked:
        absl::StrAppend(&text, "获奖人员：", PersonName(HashString(in.text)), "，身份证号", in.text, "。");
        break;
      case InjectKind::kMobile:
      case InjectKind::kMobileMasked: absl::StrAppend(&text, "联系电话：", in.text, "。"); break;
      default: text += PlantedSentence(in); break;
    }
  }
  text += Paragraph(Mix(h, 9), 1);
  (void)p;
  return text;
}

std::optional<HttpResponse> HandleApi(const Province& p, absl::string_view host, absl::string_view pq) {
  absl::string_view path = pq, query;
  size_t qm = pq.find('?');
  if (qm != absl::string_view::npos) {
    path = pq.substr(0, qm);
    query = pq.substr(qm + 1);
  }
  for (int i = 0; i < kPlatforms; ++i) {
    if (host == PlatformHost(static_cast<Platform>(i))) {
      return Platform_(p, static_cast<Platform>(i), path, ParseQuery(query));
    }
  }
  if (host == p.portal.host) {
    if (absl::StartsWith(path, "/api/3/action/")) return Ckan(p, path, ParseQuery(query));
    return PortalPage(p, path);
  }
  return std::nullopt;
}

}  // namespace govinspect::simprovince
