// A private temporary directory for the harnesses that need a store: on /dev/shm when there is one (SQLite
// commits there cost no disk sync), removed when the fuzzer exits normally.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace veil_fuzz {

inline const std::string& temp_dir() {
  static const std::string dir = [] {
    const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string pattern = std::string(base) + "/veil-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    static std::string to_remove;
    to_remove = pattern;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(to_remove, ignored);
    });
    return pattern;
  }();
  return dir;
}

}  // namespace veil_fuzz
