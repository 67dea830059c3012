# Included from common/CMakeLists.txt: the working-day calendar with its data compiled in.
set(_gi_cal_data ${CMAKE_CURRENT_SOURCE_DIR}/calendar/data/cn-workdays.txt)
file(READ ${_gi_cal_data} _gi_cal_content)
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/calendar/cn_workdays_data.cc
  CONTENT "// Generated from common/calendar/data/cn-workdays.txt. Do not edit.\nnamespace govinspect::common {\nextern const char kCnWorkdaysData[];\nconst char kCnWorkdaysData[] = R\"GIDATA(${_gi_cal_content})GIDATA\";\n}  // namespace govinspect::common\n"
  @ONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_gi_cal_data})

govinspect_cc_library(NAME common_calendar
  SRCS calendar/workday_calendar.cc ${CMAKE_CURRENT_BINARY_DIR}/calendar/cn_workdays_data.cc
  HDRS calendar/workday_calendar.h
  DEPS absl::status absl::statusor absl::strings absl::time absl::flat_hash_map)
govinspect_cc_test(NAME common_calendar_test SRCS calendar/workday_calendar_test.cc
  DEPS govinspect::common_calendar govinspect::common_testing LABELS unit)
