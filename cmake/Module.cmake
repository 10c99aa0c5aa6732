# add_module(NAME SOURCES ... DEPENDS ...) declares library alphintra_<NAME> for src/<NAME>,
# with include root src/ (so code includes "core/price.hpp") and the project's warnings.
# add_module_test(NAME SOURCES ... DEPENDS ... [LABELS ...]) declares a GoogleTest program
# registered with ctest; every test carries the label `unit` unless LABELS says otherwise.
function(add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(alphintra_${name} ${M_SOURCES})
  target_include_directories(alphintra_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(alphintra_${name} PUBLIC ${M_DEPENDS})
  alphintra_warnings(alphintra_${name})
endfunction()

function(add_module_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPENDS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPENDS} GTest::gtest GTest::gtest_main)
  alphintra_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}"
                       ENVIRONMENT "ALPHINTRA_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
