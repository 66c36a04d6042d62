# Runtime options of AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer for the instrumented build
# (-DVEIL_SANITIZE=ON or -DVEIL_FUZZ=ON). ./test.sh sources this before running ctest in build-asan; to run the
# instrumented suite or one test by hand:  source tests/sanitizers/options.sh && ctest --test-dir build-asan
# Every finding makes the process exit non-zero, so the test that ran it fails. Suppressions (only for
# third-party code, each commented) live in lsan.supp and ubsan.supp beside this file.
veil_sanitizers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# detect_stack_use_after_return: also catches a reference to a local that outlived its function (clang's
# runtime mode; gcc ignores it). check_initialization_order/strict_init_order: static initialisation order bugs.
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:strict_string_checks=1:detect_invalid_pointer_pairs=0:abort_on_error=0:exitcode=23"
export LSAN_OPTIONS="suppressions=${veil_sanitizers_dir}/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=${veil_sanitizers_dir}/ubsan.supp"
unset veil_sanitizers_dir
