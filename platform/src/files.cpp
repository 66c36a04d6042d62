#include "veil/platform/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace veil::platform {

namespace {

std::string describe_errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Reads fd to the end, stopping with input_too_large one byte past the cap so a huge stdin never fills memory.
Result<std::string> read_all(int fd, const std::string& name, std::size_t max_bytes) {
  std::string data;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorCode::io_error, describe_errno("cannot read", name));
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {
      return fail(ErrorCode::input_too_large, name + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return data;
}

Status write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorCode::io_error, describe_errno("cannot write", path));
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return fail(ErrorCode::io_error, describe_errno("cannot sync", path));
  return {};
}

}  // namespace

Result<std::string> read_input(const std::string& path, std::size_t max_bytes) {
  if (path == "-") return read_all(STDIN_FILENO, "stdin", max_bytes);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io_error, describe_errno("cannot open", path));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::io_error, "cannot read " + path + ": is a directory");
  }
  auto data = read_all(fd, path, max_bytes);
  ::close(fd);
  return data;
}

Result<Json> read_json_input(const std::string& path, std::size_t max_bytes) {
  VEIL_TRY(auto text, read_input(path, max_bytes));
  JsonLimits limits;
  limits.max_bytes = max_bytes;
  auto parsed = parse_json(text, limits);
  if (!parsed) {
    return fail(parsed.error().code, (path == "-" ? std::string("stdin") : path) + ": " + parsed.error().message);
  }
  return parsed;
}

Status write_new_secret_file(const std::string& path, std::string_view content) {
  // O_EXCL refuses an existing file, O_NOFOLLOW a planted symlink; 0600 from the first byte (umask only narrows).
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(ErrorCode::io_error, path + " already exists; refusing to overwrite it");
    return fail(ErrorCode::io_error, describe_errno("cannot create", path));
  }
  auto written = write_all(fd, content, path);
  if (::close(fd) != 0 && written) written = fail(ErrorCode::io_error, describe_errno("cannot close", path));
  if (!written) ::unlink(path.c_str());
  return written;
}

Status replace_secret_file(const std::string& path, std::string_view content) {
  std::filesystem::path target(path);
  std::string pattern = (target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path()) /
                        ("." + target.filename().string() + ".XXXXXX");
  int fd = ::mkstemp(pattern.data());  // mkstemp creates with 0600
  if (fd < 0) return fail(ErrorCode::io_error, describe_errno("cannot create a temporary file for", path));
  auto written = write_all(fd, content, path);
  if (::close(fd) != 0 && written) written = fail(ErrorCode::io_error, describe_errno("cannot close", path));
  if (written && ::rename(pattern.c_str(), path.c_str()) != 0) {
    written = fail(ErrorCode::io_error, describe_errno("cannot replace", path));
  }
  if (!written) ::unlink(pattern.c_str());
  return written;
}

Status make_private_data_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return fail(ErrorCode::io_error, dir + ": cannot create the data directory: " + error.message());
  // Already private: no chmod, so that a read-only data directory gets as far as the database, which says why
  // it cannot be written.
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0 && (info.st_mode & 07777) == 0700) return {};
  if (::chmod(dir.c_str(), 0700) != 0) return fail(ErrorCode::io_error, describe_errno("cannot restrict the data directory", dir));
  return {};
}

}  // namespace veil::platform
