#include "wallet/wallet_app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "veil/platform/files.h"
#include "veil/platform/secret_token_file.h"

namespace veil::wallet {
namespace {

constexpr std::size_t kMaxPassphraseBytes = 1024;

template <class T>
Result<T> named(Result<T> result, const std::string& what) {
  if (!result) return fail(result.error().code, what + ": " + result.error().message);
  return result;
}

Status bad_member(const std::string& name, const std::string& expected) {
  return fail(ErrorCode::invalid_config, "config member " + name + " must be " + expected);
}


void strip_newline(std::string& text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
}

SecretBytes wiped_passphrase(std::string& text) {
  SecretBytes secret = passphrase_from(text);
  std::fill(text.begin(), text.end(), '\0');
  return secret;
}

// read_terminal_line reads one line from the controlling terminal with echo off; nullopt without a terminal.
std::optional<std::string> read_terminal_line(const std::string& prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  termios saved{};
  const bool is_tty = ::tcgetattr(fd, &saved) == 0;
  if (is_tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  while (line.size() <= kMaxPassphraseBytes && ::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &saved);
  ::close(fd);
  return line;
}

}  // namespace

KdfParams WalletConfig::kdf_params() const {
  if (kdf == "interactive") return KdfParams::interactive();
  if (kdf == "minimum") return KdfParams::minimum();
  return KdfParams::defaults();
}

WalletServiceOptions WalletConfig::service_options() const {
  WalletServiceOptions options;
  options.fetch.allow_loopback_http = allow_loopback_http;
  options.request_policy.allow_loopback_http = allow_loopback_http;
  options.issuance.max_batch_size = max_batch_size;
  options.kdf = kdf_params();
  options.offer_ttl_seconds = offer_ttl_seconds;
  options.request_ttl_seconds = request_ttl_seconds;
  return options;
}

UiSessionOptions WalletConfig::session_options() const {
  UiSessionOptions options;
  options.login_code_ttl_seconds = login_code_ttl_seconds;
  options.session_ttl_seconds = session_ttl_seconds;
  return options;
}

bool is_loopback_bind_host(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

Status apply_wallet_config_file(WalletConfig& config, const Json& file) {
  if (!file.is_object()) return fail(ErrorCode::invalid_config, "the config file must hold a JSON object");
  // Named references, not a structured binding: clang 14 refuses lambdas that capture a structured binding.
  for (const auto& item : file.items()) {
    const std::string& name = item.key();
    const Json& value = item.value();
    auto integer = [&](std::int64_t& target) -> Status {
      if (!value.is_number_integer()) return bad_member(name, "an integer");
      target = value.get<std::int64_t>();
      return {};
    };
    auto text = [&](std::string& target) -> Status {
      if (!value.is_string()) return bad_member(name, "a string");
      target = value.get<std::string>();
      return {};
    };
    if (name == "host") {
      VEIL_CHECK(text(config.host));
    } else if (name == "data_dir") {
      VEIL_CHECK(text(config.data_dir));
    } else if (name == "kdf") {
      VEIL_CHECK(text(config.kdf));
    } else if (name == "port") {
      std::int64_t port = 0;
      VEIL_CHECK(integer(port));
      if (port < 0 || port > 65535) return bad_member(name, "a port number (0..65535)");
      config.port = static_cast<int>(port);
    } else if (name == "allow_loopback_http") {
      if (!value.is_boolean()) return bad_member(name, "true or false");
      config.allow_loopback_http = value.get<bool>();
    } else if (name == "offer_ttl_seconds") {
      VEIL_CHECK(integer(config.offer_ttl_seconds));
    } else if (name == "request_ttl_seconds") {
      VEIL_CHECK(integer(config.request_ttl_seconds));
    } else if (name == "login_code_ttl_seconds") {
      VEIL_CHECK(integer(config.login_code_ttl_seconds));
    } else if (name == "session_ttl_seconds") {
      VEIL_CHECK(integer(config.session_ttl_seconds));
    } else if (name == "max_batch_size" || name == "max_body_bytes") {
      std::int64_t size = 0;
      VEIL_CHECK(integer(size));
      if (size < 1) return bad_member(name, "a positive integer");
      if (name == "max_batch_size") config.max_batch_size = static_cast<std::size_t>(size);
      else config.http.max_body_bytes = static_cast<std::size_t>(size);
    } else {
      return fail(ErrorCode::invalid_config, "unknown config member " + name);
    }
  }
  return {};
}

Status check_wallet_config(const WalletConfig& config) {
  if (!is_loopback_bind_host(config.host)) {
    return fail(ErrorCode::invalid_config, "host " + config.host +
                                               " is not loopback: the wallet listens only on 127.0.0.1, ::1 or localhost");
  }
  if (config.port < 0 || config.port > 65535) return fail(ErrorCode::invalid_config, "port must be 0..65535");
  if (config.kdf != "moderate" && config.kdf != "interactive" && config.kdf != "minimum") {
    return fail(ErrorCode::invalid_config, "kdf must be moderate, interactive or minimum");
  }
  if (config.offer_ttl_seconds <= 0 || config.request_ttl_seconds <= 0 || config.login_code_ttl_seconds <= 0 ||
      config.session_ttl_seconds <= 0) {
    return fail(ErrorCode::invalid_config, "lifetimes must be positive");
  }
  if (config.max_batch_size < 1 || config.max_batch_size > 100) {
    return fail(ErrorCode::invalid_config, "max_batch_size must be 1..100");
  }
  if (config.data_dir.empty()) return fail(ErrorCode::invalid_config, "data_dir is empty");
  return {};
}

Result<std::optional<SecretBytes>> read_passphrase(const PassphraseSource& source) {
  if (source.file) {
    if (*source.file != "-") {
      struct stat info {};
      if (::stat(source.file->c_str(), &info) != 0) return fail(ErrorCode::io_error, *source.file + ": cannot be read");
      if (!S_ISREG(info.st_mode)) return fail(ErrorCode::io_error, *source.file + " is not a regular file");
      if ((info.st_mode & 077) != 0) {
        return fail(ErrorCode::io_error, *source.file + " is readable by group or others; chmod 600 it");
      }
    }
    VEIL_TRY(std::string text, platform::read_input(*source.file, kMaxPassphraseBytes + 2));
    strip_newline(text);
    if (text.size() > kMaxPassphraseBytes) return fail(ErrorCode::invalid_argument, "the passphrase is too long");
    if (text.empty()) return fail(ErrorCode::invalid_argument, *source.file + " holds an empty passphrase");
    return std::optional<SecretBytes>(wiped_passphrase(text));
  }
  if (const char* env = std::getenv(kPassphraseEnvironmentVariable); env != nullptr && *env != '\0') {
    std::string text = env;
    if (text.size() > kMaxPassphraseBytes) return fail(ErrorCode::invalid_argument, "the passphrase is too long");
    return std::optional<SecretBytes>(wiped_passphrase(text));
  }
  if (!source.ask_terminal) return std::optional<SecretBytes>();
  auto line = read_terminal_line(source.prompt);
  if (!line || line->empty()) return std::optional<SecretBytes>();
  strip_newline(*line);
  if (line->size() > kMaxPassphraseBytes) return fail(ErrorCode::invalid_argument, "the passphrase is too long");
  return std::optional<SecretBytes>(wiped_passphrase(*line));
}

WalletApp::WalletApp(WalletConfig config, std::unique_ptr<SqliteWalletStore> store, std::string api_token,
                     std::string agent_token, const Clock& clock)
    : config_(std::move(config)),
      store_(std::move(store)),
      api_token_(std::move(api_token)),
      agent_token_(std::move(agent_token)),
      clock_(clock),
      sessions_(clock, config_.session_options()),
      service_(std::make_unique<WalletService>(*store_, clock, config_.service_options())) {}

Result<std::unique_ptr<WalletApp>> WalletApp::open(WalletConfig config, const Clock& clock) {
  VEIL_CHECK(check_wallet_config(config));
  VEIL_CHECK(platform::make_private_data_dir(config.data_dir));
  SqliteWalletStoreOptions store_options;
  store_options.kdf_target = config.kdf_params();
  VEIL_TRY(auto store, named(SqliteWalletStore::open(config.data_dir + "/" + kWalletDatabaseFile, store_options),
                             kWalletDatabaseFile));
  VEIL_TRY(auto token, platform::load_or_create_secret_token(config.data_dir + "/" + kApiTokenFile));
  VEIL_TRY(auto agent_token, platform::load_or_create_secret_token(config.data_dir + "/" + kAgentTokenFile));
  return std::unique_ptr<WalletApp>(
      new WalletApp(std::move(config), std::move(store), std::move(token), std::move(agent_token), clock));
}

Status WalletApp::open_with_passphrase(const SecretBytes& passphrase) {
  VEIL_TRY(bool initialized, store_->is_initialized());
  if (!initialized) return service_->initialize(passphrase);
  return service_->unlock(passphrase);
}

}  // namespace veil::wallet
