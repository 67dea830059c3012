#include "tools/govinspect/registry_bundle.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace govinspect::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileBytes = 64u << 20;

bool IsBundleFile(const std::string& name) {
  return std::any_of(std::begin(kBundleFiles), std::end(kBundleFiles),
                     [&name](const char* f) { return name == f; });
}

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec)
    return absl::UnknownError(absl::StrCat("cannot read ", path.string(), ": ", ec.message()));
  if (size > kMaxFileBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path.string(), " is ", size, " bytes; the limit is ", kMaxFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnknownError(absl::StrCat("cannot open ", path.string()));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::UnknownError(absl::StrCat("error reading ", path.string()));
  return content;
}

}  // namespace

absl::StatusOr<coordinator::v1::ImportRegistryRequest> ReadRegistryBundle(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::is_directory(root, ec)) {
    return absl::NotFoundError(absl::StrCat("注册表目录 ", dir, " 不存在或不是目录"));
  }
  std::vector<std::string> unknown;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!absl::EndsWith(absl::AsciiStrToLower(name), ".csv")) continue;
    if (!IsBundleFile(name)) unknown.push_back(name);
  }
  if (ec) return absl::UnknownError(absl::StrCat("cannot list ", dir, ": ", ec.message()));
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    return absl::InvalidArgumentError(absl::StrCat("注册表目录 ", dir, " 中有无法识别的 CSV 文件：",
                                                   absl::StrJoin(unknown, ", "), "（只能包含 ",
                                                   absl::StrJoin(kBundleFiles, ", "), "）"));
  }
  coordinator::v1::ImportRegistryRequest request;
  for (const char* name : kBundleFiles) {
    const fs::path path = root / name;
    if (!fs::exists(path, ec)) {
      if (std::string(name) == "units.csv") {
        return absl::InvalidArgumentError(
            absl::StrCat("注册表目录 ", dir, " 中缺少必需的 units.csv"));
      }
      continue;
    }
    absl::StatusOr<std::string> content = ReadFile(path);
    if (!content.ok()) return content.status();
    coordinator::v1::CsvFile* file = request.add_files();
    file->set_file_name(name);
    file->set_content(*std::move(content));
  }
  return request;
}

}  // namespace govinspect::cli
