#include "tools/simprovince/registry_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace govinspect::simprovince {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {
std::string Row(std::initializer_list<std::string> fields) {
  std::string out;
  bool first = true;
  for (const std::string& f : fields) {
    if (!first) out += ',';
    first = false;
    out += CsvField(f);
  }
  out += '\n';
  return out;
}
std::string D(Day d) { return d == kNoDay ? "" : FormatIso(d); }
const char* Kind(UnitKind k) {
  switch (k) {
    case UnitKind::kGovernment: return "government";
    case UnitKind::kDepartment: return "department";
    case UnitKind::kTown: return "town";
  }
  return "";
}
}  // namespace

std::string UnitsCsv(const Province& p) {
  std::string out = "unit_id,name,short_name,kind,parent_unit_id,public_service,open_data_org,open_data_quota\n";
  for (const Unit& u : p.units) {
    out += Row({u.id, u.name, u.short_name, Kind(u.kind), u.parent >= 0 ? p.units[u.parent].id : "",
                u.public_service ? "true" : "false", u.open_data_org, absl::StrCat(u.open_data_quota)});
  }
  return out;
}

std::string SitesCsv(const Province& p) {
  std::string out = "site_id,unit_id,name,home_url,site_kind,site_code,extra_hosts\n";
  for (const Site& s : p.sites) {
    out += Row({s.id, p.units[s.unit].id, s.name, SiteOrigin(s) + "/", s.portal ? "portal" : "department", s.site_code,
                absl::StrJoin(s.extra_hosts, ";")});
  }
  return out;
}

std::string AccountsCsv(const Province& p) {
  std::string out = "account_id,unit_id,platform,platform_account_id,name,opened_date,filed_date,closed_date\n";
  for (const Account& a : p.accounts) {
    if (!a.in_registry) continue;
    out += Row({a.registry_id, p.units[a.unit].id, PlatformId(a.platform), a.platform_id, a.name, D(a.opened),
                D(a.filed), D(a.registry_closed)});
  }
  return out;
}

std::string PortalsCsv(const Province& p) {
  std::string out = "portal_id,name,api_url,kind\n";
  out += Row({p.portal.id, p.portal.name, absl::StrCat("http://", p.portal.host, "/"), "ckan"});
  return out;
}

absl::Status WriteFile(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return absl::UnavailableError(absl::StrCat("cannot write ", tmp, ": ", std::strerror(errno)));
  size_t n = std::fwrite(content.data(), 1, content.size(), f);
  bool ok = n == content.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace govinspect::simprovince
