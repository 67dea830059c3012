# govinspect_cc_library(NAME area_name SRCS ... [HDRS ...] DEPS ...)
#   Defines target govinspect_<NAME> with alias govinspect::<NAME>.
# govinspect_cc_binary(NAME name SRCS ... DEPS ...)
# govinspect_cc_test(NAME name SRCS ... DEPS ... LABELS unit|integration|e2e [tsan])
#   The first label is the test's kind; `tsan` also runs it in the ThreadSanitizer build
#   (preset tsan: built by the target govinspect_tsan_tests, selected with ctest -L tsan).

set(GOVINSPECT_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)

function(govinspect_cc_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  set(t govinspect_${A_NAME})
  if(A_SRCS)
    add_library(${t} STATIC ${A_SRCS} ${A_HDRS})
    target_link_libraries(${t} PUBLIC ${A_DEPS})
    target_include_directories(${t} PUBLIC ${PROJECT_SOURCE_DIR})
    target_compile_options(${t} PRIVATE ${GOVINSPECT_WARNINGS})
  else()
    add_library(${t} INTERFACE ${A_HDRS})
    target_link_libraries(${t} INTERFACE ${A_DEPS})
    target_include_directories(${t} INTERFACE ${PROJECT_SOURCE_DIR})
  endif()
  add_library(govinspect::${A_NAME} ALIAS ${t})
endfunction()

function(govinspect_cc_binary)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
  target_include_directories(${A_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${A_NAME} PRIVATE ${GOVINSPECT_WARNINGS})
  if(GOVINSPECT_TSAN)
    target_link_libraries(${A_NAME} PRIVATE govinspect_tsan_absl_annotations)
  endif()
endfunction()

# Links an executable with jemalloc when GOVINSPECT_JEMALLOC is on (see the top CMakeLists.txt).
function(govinspect_use_jemalloc target)
  if(GOVINSPECT_JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()

function(govinspect_cc_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gmock GTest::gtest_main)
  target_include_directories(${A_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${A_NAME} PRIVATE ${GOVINSPECT_WARNINGS})
  if(GOVINSPECT_TSAN)
    target_link_libraries(${A_NAME} PRIVATE govinspect_tsan_absl_annotations)
  endif()
  if("tsan" IN_LIST A_LABELS)
    add_dependencies(govinspect_tsan_tests ${A_NAME})
  endif()
  # gtest_discover_tests flattens a list-valued LABELS into the property list, so the first label
  # goes through it and the whole list is set by a CTest include file read after the discovered
  # tests (which define ${A_NAME}_TESTS).
  list(GET A_LABELS 0 first_label)
  gtest_discover_tests(${A_NAME}
    PROPERTIES LABELS ${first_label} TIMEOUT ${A_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
  list(LENGTH A_LABELS n_labels)
  if(n_labels GREATER 1)
    set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}_labels.cmake")
    file(WRITE "${labels_file}"
      "if(${A_NAME}_TESTS)\n  set_tests_properties(\${${A_NAME}_TESTS} PROPERTIES LABELS \"${A_LABELS}\")\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
  endif()
endfunction()
