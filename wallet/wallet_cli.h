// Helpers shared by the wallet's commands (serve, accept, list, respond, history): the common flags, the one
// positional argument (a link), opening the wallet from --data-dir / --config with the passphrase, and asking
// the holder on the terminal.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/platform/command_line.h"
#include "wallet/wallet_app.h"

namespace veil::wallet {

/// wallet_flags returns --data-dir, --config and --passphrase-file (each command adds its own).
std::vector<platform::FlagSpec> wallet_flags();

/// PositionalSplit is a command line with its one positional argument taken out.
struct PositionalSplit {
  std::optional<std::string> positional;
  std::vector<std::string> flags;
};

/// split_positional takes out the one argument that is neither a flag nor the value of a value-taking flag in
/// |specs| ("-" counts as positional: read the link from stdin). Fails with a UsageError for a second one.
platform::UsageResult<PositionalSplit> split_positional(std::span<const std::string> args,
                                                        std::span<const platform::FlagSpec> specs);

/// wallet_config_from reads --config FILE and --data-dir into a WalletConfig and checks it. Fails with
/// invalid_config and the file's read errors.
Result<WalletConfig> wallet_config_from(const platform::ParsedFlags& flags);

/// open_unlocked_wallet is the start of every wallet command that touches the store: it disables core dumps
/// (refusing to go on when that fails), reads the config from |flags| (wallet_config_from), opens the wallet and
/// unlocks it with the passphrase from --passphrase-file, VEIL_WALLET_PASSPHRASE or the terminal. When
/// |may_create| and the data dir holds no wallet yet, it is created with that passphrase; otherwise a missing
/// wallet fails with invalid_argument. Fails with wallet_locked when no passphrase is available,
/// wrong_passphrase, invalid_config and WalletApp::open's errors.
Result<std::unique_ptr<WalletApp>> open_unlocked_wallet(const platform::ParsedFlags& flags, const Clock& clock,
                                                        bool may_create);

/// read_link returns |positional|, or one line from stdin when it is "-". Fails with invalid_argument when empty.
Result<std::string> read_link(const std::string& positional);

/// ask_yes_no prints |question| and " [y/N] " on stderr and reads one answer line from the terminal (or stdin when
/// there is no terminal). Only "y" or "yes" (any case) is yes; end of input is no.
bool ask_yes_no(const std::string& question);

/// ask_line prints |question| on stderr and reads one line (terminal, else stdin); nullopt at end of input.
std::optional<std::string> ask_line(const std::string& question);

/// print_json writes |value| as one JSON line on stdout.
void print_json(const Json& value);

/// path_text renders a claim path array for people: ["address", "country"] -> "address.country", null -> "*".
std::string path_text(const Json& path);

/// format_time renders seconds since the epoch as "YYYY-MM-DD HH:MM UTC".
std::string format_time(std::int64_t seconds);

}  // namespace veil::wallet
