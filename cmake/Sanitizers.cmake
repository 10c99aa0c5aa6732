# ALPHINTRA_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer
# (the `asan` preset). UBSan findings abort so that ctest sees them as failures. The preset
# compiles at -O1 -g1 (what the sanitizer documentation recommends, with line tables for the
# reports): half the compile time of -O2 -g, which dominates the CI run.
option(ALPHINTRA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(ALPHINTRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
