#include "veil/platform/secret_token_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "veil/base64url.h"
#include "veil/platform/files.h"
#include "veil/secret_bytes.h"

namespace veil::platform {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMinTokenLength = 32;
constexpr std::size_t kMaxTokenLength = 512;

bool is_url_safe(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

Result<std::string> load_or_create_secret_token(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return fail(ErrorCode::io_error, path + ": cannot be inspected");
    std::string token = base64url_encode(SecretBytes::random(kTokenBytes).reveal());
    VEIL_CHECK(write_new_secret_file(path, token + "\n"));
    return token;
  }
  if (!S_ISREG(info.st_mode)) return fail(ErrorCode::io_error, path + " is not a regular file (a symlink?); refusing it");
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::io_error, path + " is accessible by group or others; refusing a secret (chmod 600 it)");
  }
  VEIL_TRY(std::string token, read_input(path, kMaxTokenLength + 2));
  if (!token.empty() && token.back() == '\n') token.pop_back();
  if (token.size() < kMinTokenLength || token.size() > kMaxTokenLength ||
      !std::all_of(token.begin(), token.end(), is_url_safe)) {
    return fail(ErrorCode::io_error, path + " does not hold one token of 32 to 512 url-safe characters");
  }
  return token;
}

}  // namespace veil::platform
