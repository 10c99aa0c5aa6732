# Golden scenarios: tests/golden/book/*.scn (orders in, expected events out), one test case
# each, run by a parameterized GoogleTest. Format: docs/golden-scenarios.md.
# ctest sets ALPHINTRA_SOURCE_DIR; the compiled-in path lets the binary run on its own too.
# Regenerate expected lines (then review them against docs/matching.md):
#   ALPHINTRA_GOLDEN_UPDATE=1 ctest -R book_golden_tests
add_module_test(book_golden_tests
  SOURCES tests/scenario.cpp tests/golden_runner.cpp
  DEPENDS alphintra_book)
target_compile_definitions(book_golden_tests PRIVATE
  ALPHINTRA_GOLDEN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
