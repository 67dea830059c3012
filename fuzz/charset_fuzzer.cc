// Fuzz target: charset detection and decoding of fetched pages (common/charset/charset.h).
// The first input byte chooses the Content-Type header (one of the shapes servers send, or the
// input's first line); the rest is the body. DecodeToUtf8 never fails and always gives
// well-formed UTF-8 (ill-formed input becomes U+FFFD) under a canonical charset name.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/charset/charset.h"
#include "fuzz/fuzz_support.h"

namespace {

const char* const kContentTypes[] = {
    "",
    "text/html",
    "text/html; charset=utf-8",
    "text/html;charset=UTF-8",
    "text/html; charset=gbk",
    "text/html; charset=GB2312",
    "text/html; charset=\"gb18030\"",
    "text/html; charset=big5",
    "text/html; charset=iso-8859-1",
    "text/html; charset=utf-16",
    "application/octet-stream",
    "text/html; charset=x-unknown-charset",
};
constexpr size_t kFromInput = sizeof(kContentTypes) / sizeof(kContentTypes[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  govinspect::fuzz::FuzzInput in(data, size);
  const size_t pick = in.Pick(kFromInput + 1);
  const std::string content_type =
      pick == kFromInput ? std::string(in.Until('\n')) : kContentTypes[pick];
  const absl::string_view body = in.Rest();

  const govinspect::common::DecodedText d = govinspect::common::DecodeToUtf8(body, content_type);
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(d.utf8));
  FUZZ_CHECK(!d.charset.empty());
  FUZZ_CHECK(!d.source.empty());

  (void)govinspect::common::CharsetFromMeta(body);
  (void)govinspect::common::CharsetFromContentType(content_type);
  const auto gb = govinspect::common::ConvertToUtf8(body, "GBK");
  FUZZ_CHECK(gb.ok());
  FUZZ_CHECK(govinspect::fuzz::IsStrictUtf8(*gb));
  return 0;
}
