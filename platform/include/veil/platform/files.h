// Files: reading untrusted input files (or stdin) with a size cap, and writing secret files that nobody else
// can read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "veil/error.h"
#include "veil/json.h"

namespace veil::platform {

inline constexpr std::size_t kDefaultMaxInputBytes = 4 << 20;  // 4 MiB

/// read_input reads the file at |path|, or stdin when |path| is "-". Fails with io_error when it cannot be
/// read and input_too_large beyond |max_bytes|.
Result<std::string> read_input(const std::string& path, std::size_t max_bytes = kDefaultMaxInputBytes);

/// read_json_input is read_input followed by parse_json (its errors: invalid_json, nesting_too_deep, ...).
Result<Json> read_json_input(const std::string& path, std::size_t max_bytes = kDefaultMaxInputBytes);

/// write_new_secret_file creates |path| with mode 0600 (O_CREAT|O_EXCL|O_NOFOLLOW) and writes |content|. It
/// never overwrites: an existing file or symlink fails with io_error, and so does any write error (the partial
/// file is removed).
Status write_new_secret_file(const std::string& path, std::string_view content);

/// replace_secret_file writes |content| to a fresh 0600 temporary file beside |path|, fsyncs it and renames it
/// over |path|, so readers see the old or the new content and never a world-readable moment. Fails with io_error.
Status replace_secret_file(const std::string& path, std::string_view content);

/// make_private_data_dir creates |dir| (and missing parents) and restricts it to mode 0700: a service's data
/// directory holds keys, tokens and databases, so it is the owner's alone. Fails with io_error naming |dir|.
Status make_private_data_dir(const std::string& dir);

}  // namespace veil::platform
