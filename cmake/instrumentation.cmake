# Instrumented builds, included by the root CMakeLists.txt before any target so the flags reach every library,
# program, test and harness. Both are off by default; each wants its own build directory.
#
#   VEIL_SANITIZE  AddressSanitizer + UndefinedBehaviorSanitizer (gcc or clang). UB aborts instead of printing
#                  and carrying on, so a test that trips it fails.
#   VEIL_FUZZ      libFuzzer harnesses in fuzz/ (clang only). Implies VEIL_SANITIZE; all code gets the fuzzer's
#                  coverage instrumentation (-fsanitize=fuzzer-no-link), the harness executables link the fuzzer
#                  runtime themselves (fuzz/CMakeLists.txt).

option(VEIL_SANITIZE "AddressSanitizer + UndefinedBehaviorSanitizer on everything" OFF)
option(VEIL_FUZZ "libFuzzer harnesses (clang only)" OFF)

if(VEIL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "VEIL_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++ in a fresh build directory")
  endif()
  set(VEIL_SANITIZE ON CACHE BOOL "AddressSanitizer + UndefinedBehaviorSanitizer on everything" FORCE)
  # Line tables are all a crash report needs; full debug info of the JSON templates doubles the build time.
  add_compile_options(-fsanitize=fuzzer-no-link -gline-tables-only)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()

if(VEIL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
endif()
