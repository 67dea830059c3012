// The weight real government pages carry beyond their content: template style sheets inline,
// jQuery-plugin set-up code, statistics and share-widget snippets. Deterministic text from a
// hash, per CMS family; none of it holds a link, a date or words that page understanding reads
// (docs/simprovince.md, "Page weight").
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_PAGE_WEIGHT_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_PAGE_WEIGHT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/simprovince/model.h"

namespace govinspect::simprovince {

// kLight: the pages as the simulator always wrote them. kHeavy: the same pages with what real
// templates add (30–80 KB of HTML a page): inline CSS, inline scripts, long navigation and
// footers. Page content, links to the site's own pages and the truth are the same.
enum class PageWeight : uint8_t { kLight, kHeavy };
absl::StatusOr<PageWeight> ParsePageWeight(absl::string_view name);  // "light" | "heavy"
const char* PageWeightId(PageWeight w);

// The class-name prefix of the templates of the family of `style` ("xl_", "bt-", "gd-" …).
const char* TemplatePrefix(CmsStyle style);

// A template style sheet of about `rules` rules in the markup of the family of `style`: class
// names, a reset, layout, menus, lists, footer and @media blocks (no url(), no @import).
std::string HeavyStyleSheet(CmsStyle style, uint64_t h, int rules);

// Inline scripts of the head: jQuery-plugin set-up (menus, sliders, tabs), the template's own
// helper functions (about `helper_bytes` of them), an accessibility toolbar's configuration.
std::string HeavyHeadScripts(CmsStyle style, uint64_t h, int helper_bytes);

// Inline scripts of the end of the body: visit statistics and a share widget.
std::string HeavyTailScripts(CmsStyle style, uint64_t h);

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_PAGE_WEIGHT_H_
