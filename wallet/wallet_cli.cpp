#include "wallet/wallet_cli.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "veil/platform/cli_output.h"
#include "veil/platform/files.h"
#include "veil/platform/process_hardening.h"

namespace veil::wallet {
namespace {

// read_answer_line reads one line from the controlling terminal, else from stdin; nullopt at end of input.
std::optional<std::string> read_answer_line() {
  std::string line;
  if (::isatty(STDIN_FILENO) == 0) {
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  const int fd = ::open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char c = 0;
  bool any = false;
  while (line.size() < 4096 && ::read(fd, &c, 1) == 1) {
    any = true;
    if (c == '\n') break;
    line.push_back(c);
  }
  ::close(fd);
  if (!any) return std::nullopt;
  return line;
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

}  // namespace

std::vector<platform::FlagSpec> wallet_flags() {
  return {{"data-dir", true, false, "DIR", "the wallet's data directory (default ./var/wallet)"},
          {"config", true, false, "FILE", "JSON settings (see README)"},
          {"passphrase-file", true, false, "FILE",
           "read the passphrase from FILE (mode 0600; - is stdin); else VEIL_WALLET_PASSPHRASE, else the terminal"}};
}

platform::UsageResult<PositionalSplit> split_positional(std::span<const std::string> args,
                                                        std::span<const platform::FlagSpec> specs) {
  PositionalSplit split;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.starts_with("--") && arg.size() > 2) {
      split.flags.push_back(arg);
      const std::string name = arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
      const bool takes_value =
          arg.find('=') == std::string::npos &&
          std::any_of(specs.begin(), specs.end(), [&](const auto& spec) { return spec.name == name && spec.takes_value; });
      if (takes_value && i + 1 < args.size()) split.flags.push_back(args[++i]);
      continue;
    }
    if (arg == "-h") {
      split.flags.push_back(arg);
      continue;
    }
    if (split.positional) return platform::usage_error("unexpected argument \"" + arg + "\": give one link");
    split.positional = arg;
  }
  return split;
}

Result<WalletConfig> wallet_config_from(const platform::ParsedFlags& flags) {
  WalletConfig config;
  if (auto path = flags.value("config")) {
    VEIL_TRY(auto document, platform::read_json_input(*path));
    VEIL_CHECK(apply_wallet_config_file(config, document));
  }
  if (auto dir = flags.value("data-dir")) config.data_dir = *dir;
  VEIL_CHECK(check_wallet_config(config));
  return config;
}

Result<std::unique_ptr<WalletApp>> open_unlocked_wallet(const platform::ParsedFlags& flags, const Clock& clock,
                                                        bool may_create) {
  VEIL_CHECK(platform::disable_core_dumps());
  VEIL_TRY(const WalletConfig config, wallet_config_from(flags));
  VEIL_TRY(auto app, WalletApp::open(config, clock));
  VEIL_TRY(bool initialized, app->store().is_initialized());
  if (!initialized && !may_create) {
    return fail(ErrorCode::invalid_argument,
                "no wallet in " + config.data_dir + " yet (veil-wallet serve or veil-wallet accept creates one)");
  }
  PassphraseSource source;
  source.file = flags.value("passphrase-file");
  source.prompt = initialized ? "wallet passphrase: " : "choose a passphrase for the new wallet: ";
  VEIL_TRY(auto passphrase, read_passphrase(source));
  if (!passphrase) {
    return fail(ErrorCode::wallet_locked,
                "no passphrase: use --passphrase-file, VEIL_WALLET_PASSPHRASE or run on a terminal");
  }
  VEIL_CHECK(app->open_with_passphrase(*passphrase));
  return app;
}

Result<std::string> read_link(const std::string& positional) {
  std::string link = positional;
  if (positional == "-") {
    VEIL_TRY(auto text, platform::read_input("-", 1 << 20));
    link = std::move(text);
  }
  link = trimmed(std::move(link));
  if (link.empty()) return fail(ErrorCode::invalid_argument, "the link is empty");
  return link;
}

bool ask_yes_no(const std::string& question) {
  std::cerr << question << " [y/N] " << std::flush;
  auto line = read_answer_line();
  if (!line) {
    std::cerr << "\n";
    return false;
  }
  std::string answer = trimmed(*line);
  for (auto& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return answer == "y" || answer == "yes";
}

std::optional<std::string> ask_line(const std::string& question) {
  std::cerr << question << std::flush;
  auto line = read_answer_line();
  if (!line) return std::nullopt;
  return trimmed(*line);
}

void print_json(const Json& value) { platform::print_line(platform::to_display_json(value)); }

std::string path_text(const Json& path) {
  if (!path.is_array()) return path.dump();
  std::string text;
  for (const auto& element : path) {
    if (!text.empty()) text += ".";
    if (element.is_string()) text += element.get<std::string>();
    else if (element.is_null()) text += "*";
    else text += element.dump();
  }
  return text;
}

std::string format_time(std::int64_t seconds) {
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  ::gmtime_r(&time, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &utc);
  return buffer;
}

}  // namespace veil::wallet
