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
  DEPS govinspect::common_text CURL::libcurl absl::strings absl::status absl::statusor)

# URLs typed by people (the registry): NFKC with ICU, IDNA with libidn2.
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(ICU_UC REQUIRED IMPORTED_TARGET icu-uc)
govinspect_cc_library(NAME common_url_input
  SRCS url/url_input.cc HDRS url/url_input.h
  DEPS govinspect::common_url PkgConfig::IDN2 PkgConfig::ICU_UC absl::strings absl::status
       absl::statusor)
govinspect_cc_test(NAME common_url_input_test SRCS url/url_input_test.cc
  DEPS govinspect::common_url_input LABELS unit)

govinspect_cc_library(NAME common_charset
  SRCS charset/charset.cc HDRS charset/charset.h
  DEPS govinspect::common_text PkgConfig::UCHARDET absl::strings absl::status absl::statusor)

govinspect_cc_library(NAME common_html
  SRCS html/link_extractor.cc HDRS html/link_extractor.h
  DEPS govinspect::common_text LibXml2::LibXml2 absl::strings)

# XPath 1.0 (libxml2) for the registry's per-site selectors: compiled by the coordinator's
# import, evaluated by the crawler (services/crawler/page_overrides.h).
govinspect_cc_library(NAME common_xpath
  SRCS html/xpath.cc HDRS html/xpath.h
  DEPS LibXml2::LibXml2 absl::status absl::statusor absl::strings)
govinspect_cc_test(NAME common_xpath_test SRCS html/xpath_test.cc
  DEPS govinspect::common_xpath govinspect::common_testing LABELS unit)

govinspect_cc_test(NAME common_crawl_unit_test
  SRCS http/address_guard_test.cc url/url_test.cc charset/charset_test.cc
       html/link_extractor_test.cc
  DEPS govinspect::common_http govinspect::common_url govinspect::common_charset
       govinspect::common_html LABELS unit tsan)
find_package(ZLIB REQUIRED)  # the test's gzip bomb
govinspect_cc_test(NAME common_fetch_engine_test SRCS http/fetch_engine_test.cc
  DEPS govinspect::common_http govinspect::common_testing ZLIB::ZLIB LABELS integration tsan
  TIMEOUT 120)
# HTTPS against `openssl s_server` with a certificate made by the test (--ca_file, verification).
govinspect_cc_test(NAME common_tls_fetch_test SRCS http/tls_fetch_test.cc
  DEPS govinspect::common_http LABELS integration TIMEOUT 60)
