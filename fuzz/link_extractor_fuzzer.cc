// Fuzz target: the crawler's HTML link extraction (common/html/link_extractor.h). The input is
// a page as the crawler hands it over (already UTF-8). Beyond not crashing: every text that ends
// up in a protobuf string field (title, anchor text, href) is well-formed UTF-8, and anchor text
// stays short.

#include <cstddef>
#include <cstdint>

#include "common/html/link_extractor.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view html(reinterpret_cast<const char*>(data), size);
  const govinspect::common::PageLinks page = govinspect::common::ExtractLinks(html);
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(page.title));
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(page.base_href));
  for (const govinspect::common::ExtractedLink& l : page.links) {
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(l.href));
    FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(l.text));
    FUZZ_CHECK(l.text.size() <= 204);  // ~200 bytes, never half a character
    FUZZ_CHECK(l.text.empty() || (l.text.front() != ' ' && l.text.back() != ' '));
    FUZZ_CHECK(govinspect::common::LinkTagName(l.tag)[0] != '?');
  }
  return 0;
}
