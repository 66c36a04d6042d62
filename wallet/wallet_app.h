// WalletApp: one holder's wallet opened from its data directory — settings, the encrypted store, the per-install
// api-token, the web UI sessions and the WalletService — plus where the passphrase comes from (a file, the
// environment or the terminal).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_server.h"
#include "veil/secret_bytes.h"
#include "wallet/sqlite_wallet_store.h"
#include "wallet/ui_session.h"
#include "wallet/wallet_service.h"

namespace veil::wallet {

/// kPassphraseEnvironmentVariable names the environment variable scripts may pass the passphrase in.
inline constexpr const char* kPassphraseEnvironmentVariable = "VEIL_WALLET_PASSPHRASE";
/// kApiTokenFile is the per-install bearer token's file name inside the data directory.
inline constexpr const char* kApiTokenFile = "api-token";
/// kAgentTokenFile is the bearer token for AI agents on the holder's machine: it may only submit requests.
inline constexpr const char* kAgentTokenFile = "agent-token";

/// WalletConfig is everything `veil-wallet serve` and the CLI commands can set (flags and --config FILE).
struct WalletConfig {
  std::string host = "127.0.0.1";   // loopback only: 127.0.0.1, ::1 or localhost (anything else is refused)
  int port = 8702;
  std::string data_dir = "./var/wallet";
  platform::HttpLimits http;
  /// allow_loopback_http lets the wallet fetch from and post to http://127.0.0.1 / localhost (local demos and
  /// tests: issuer and verifier on this machine). Off by default: only https.
  bool allow_loopback_http = false;
  std::string kdf = "moderate";     // Argon2id cost of a new wallet: "moderate", "interactive" or "minimum" (tests)
  std::int64_t offer_ttl_seconds = 10 * 60;
  std::int64_t request_ttl_seconds = 10 * 60;
  std::int64_t login_code_ttl_seconds = 15 * 60;
  std::int64_t session_ttl_seconds = 12 * 60 * 60;
  std::size_t max_batch_size = 10;  // copies asked per credential

  /// service_options and session_options turn the settings into the parts' options.
  WalletServiceOptions service_options() const;
  UiSessionOptions session_options() const;
  KdfParams kdf_params() const;
};

/// apply_wallet_config_file sets the members of |file| (a JSON object with any of host, port, data_dir,
/// allow_loopback_http, kdf, offer_ttl_seconds, request_ttl_seconds, login_code_ttl_seconds,
/// session_ttl_seconds, max_batch_size, max_body_bytes) on |config|. Fails with invalid_config naming an unknown
/// or mistyped member.
Status apply_wallet_config_file(WalletConfig& config, const Json& file);

/// check_wallet_config fails with invalid_config for a host that is not loopback (the wallet never listens on
/// a network: ATTACKS "The local wallet"), a port outside 0..65535, an unknown kdf name, a non-positive
/// lifetime or a batch size outside 1..100.
Status check_wallet_config(const WalletConfig& config);

/// is_loopback_bind_host tells whether |host| is 127.0.0.1, ::1 or localhost.
[[nodiscard]] bool is_loopback_bind_host(std::string_view host);

/// PassphraseSource says where read_passphrase may look, in this order: |file| (--passphrase-file; "-" is
/// stdin), the environment variable VEIL_WALLET_PASSPHRASE, then — when |ask_terminal| — the controlling terminal
/// with echo off, showing |prompt|.
struct PassphraseSource {
  std::optional<std::string> file;
  bool ask_terminal = true;
  std::string prompt = "wallet passphrase: ";
};

/// read_passphrase returns the passphrase from the first source that has one (a trailing newline removed), or
/// nullopt when there is none (no file, no variable, no terminal, or an empty line typed). Fails with io_error
/// when the file cannot be read, is not a regular file, or group or others may read it (chmod 600), and with
/// invalid_argument when the passphrase is over 1024 bytes.
Result<std::optional<SecretBytes>> read_passphrase(const PassphraseSource& source);

/// WalletApp is one opened wallet.
class WalletApp {
 public:
  /// open creates <data_dir> (0700) when needed, opens <data_dir>/wallet.db (locked) and loads or creates
  /// <data_dir>/api-token and <data_dir>/agent-token (0600; refused when group/world-readable or a symlink). Fails with invalid_config,
  /// io_error, storage_error, unsupported_storage_version, each naming what failed.
  static Result<std::unique_ptr<WalletApp>> open(WalletConfig config, const Clock& clock);

  /// open_with_passphrase opens the store and, with |passphrase|, unlocks it or — for a new data dir —
  /// initializes it. Fails like open, WalletService::unlock and initialize.
  Status open_with_passphrase(const SecretBytes& passphrase);

  const WalletConfig& config() const { return config_; }
  WalletService& service() { return *service_; }
  WalletStore& store() { return *store_; }
  UiSessions& sessions() { return sessions_; }
  const Clock& clock() const { return clock_; }
  /// api_token is the per-install bearer token (<data_dir>/api-token).
  const std::string& api_token() const { return api_token_; }
  /// agent_token is the token scoped to submitting presentation requests (<data_dir>/agent-token).
  const std::string& agent_token() const { return agent_token_; }

 private:
  WalletApp(WalletConfig config, std::unique_ptr<SqliteWalletStore> store, std::string api_token,
            std::string agent_token, const Clock& clock);

  WalletConfig config_;
  std::unique_ptr<SqliteWalletStore> store_;
  std::string api_token_;
  std::string agent_token_;
  const Clock& clock_;
  UiSessions sessions_;
  std::unique_ptr<WalletService> service_;
};

}  // namespace veil::wallet
