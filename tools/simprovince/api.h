// The new-media platform API (docs/platform-api.md) and the CKAN Action API of the
// open-data portal.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_API_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_API_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "tools/simprovince/model.h"
#include "tools/simprovince/render.h"

namespace govinspect::simprovince {

// Splits and percent-decodes a query string ("a=1&b=%E4%B8%AD").
std::map<std::string, std::string> ParseQuery(absl::string_view query);
std::string PercentDecode(absl::string_view s);

// nullopt if `host` is neither a platform API host nor the portal host.
std::optional<HttpResponse> HandleApi(const Province& p, absl::string_view host, absl::string_view path_and_query);

// Full text of a post (title + body with planted content).
std::string PostText(const Province& p, const Account& a, int post);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_API_H_
