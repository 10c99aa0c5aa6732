# The randomized differential test (fast book vs the naive reference book of
# tests/reference_book.cpp, plus the oracle replayed on the golden scenarios) and the
# market-data property test (L2/L3 deltas applied to a snapshot reproduce the book).
# Included from src/book/CMakeLists.txt; paths are relative to src/book.
# ALPHINTRA_DIFF_OPS sets the number of random commands (default 1,000,000).
add_module_test(book_differential_tests
  SOURCES tests/reference_book.cpp tests/differential_test.cpp tests/reference_golden_test.cpp tests/scenario.cpp
  DEPENDS alphintra_book)
target_compile_definitions(book_differential_tests PRIVATE
  ALPHINTRA_REFERENCE_GOLDEN_DIR="${PROJECT_SOURCE_DIR}")

add_module_test(book_market_data_tests
  SOURCES tests/market_data_test.cpp
  DEPENDS alphintra_book)
