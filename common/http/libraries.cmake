# Included from common/CMakeLists.txt (paths relative to common/): the fetch engine, URLs,
# charsets and HTML parsing used by the crawler.

find_package(LibXml2 REQUIRED)
pkg_check_modules(UCHARDET REQUIRED IMPORTED_TARGET uchardet)

govinspect_cc_library(NAME common_http
  SRCS http/fetcher.cc http/fetch_engine.cc http/address_guard.cc http/robots.cc
  HDRS http/fetcher.h http/fetch_engine.h http/address_guard.h http/robots.h
  DEPS govinspect::common_v1_proto govinspect::common_log CURL::libcurl absl::strings absl::time
       absl::flat_hash_map absl::flat_hash_set absl::status absl::statusor)

govinspect_cc_library(NAME common_url
  SRCS url/url.cc HDRS url/url.h
  DEPS CURL::libcurl absl::strings absl::status absl::statusor)

govinspect_cc_library(NAME common_charset
  SRCS charset/charset.cc HDRS charset/charset.h
  DEPS PkgConfig::UCHARDET absl::strings absl::status absl::statusor)

govinspect_cc_library(NAME common_html
  SRCS html/link_extractor.cc HDRS html/link_extractor.h
  DEPS LibXml2::LibXml2 absl::strings)

govinspect_cc_test(NAME common_crawl_unit_test
  SRCS http/address_guard_test.cc url/url_test.cc charset/charset_test.cc
       html/link_extractor_test.cc
  DEPS govinspect::common_http govinspect::common_url govinspect::common_charset
       govinspect::common_html LABELS unit)
govinspect_cc_test(NAME common_fetch_engine_test SRCS http/fetch_engine_test.cc
  DEPS govinspect::common_http LABELS integration TIMEOUT 120)
