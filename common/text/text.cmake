# Included from common/CMakeLists.txt: the content checker with the default dictionaries
# (data/dictionaries/) compiled in.
set(_gi_dict_cc ${CMAKE_CURRENT_BINARY_DIR}/text/dictionaries_data.cc)
set(_gi_dict_body "// Generated from data/dictionaries/*.txt. Do not edit.\nnamespace govinspect::common {\n")
foreach(entry expression-errors.txt:kExpressionErrorsData sensitive-words.txt:kSensitiveWordsData
              abolished-names.txt:kAbolishedNamesData)
  string(REPLACE ":" ";" parts ${entry})
  list(GET parts 0 file)
  list(GET parts 1 sym)
  file(READ ${PROJECT_SOURCE_DIR}/data/dictionaries/${file} content)
  string(APPEND _gi_dict_body "extern const char ${sym}[];\nconst char ${sym}[] = R\"GIDICT(${content})GIDICT\";\n")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/data/dictionaries/${file})
endforeach()
string(APPEND _gi_dict_body "}  // namespace govinspect::common\n")
file(CONFIGURE OUTPUT ${_gi_dict_cc} CONTENT "${_gi_dict_body}" @ONLY)

govinspect_cc_library(NAME common_text
  SRCS text/aho_corasick.cc text/utf8.cc text/dictionary.cc text/content_checker.cc text/date_parser.cc ${_gi_dict_cc}
  HDRS text/aho_corasick.h text/utf8.h text/dictionary.h text/content_checker.h
       text/date_parser.h
  DEPS absl::status absl::statusor absl::strings absl::time)
govinspect_cc_test(NAME common_text_test SRCS text/content_checker_test.cc
  DEPS govinspect::common_text govinspect::common_testing LABELS unit)
govinspect_cc_test(NAME common_date_parser_test SRCS text/date_parser_test.cc
  DEPS govinspect::common_text LABELS unit)
