// RelyingParties: the AI services (and other relying parties) allowed to create presentation requests, each with
// its API key, from <data-dir>/api-keys.json (DESIGN.md "Verifier").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"

namespace veil::verifier {

/// RelyingParty is one entry of the API key file. |webhook_secret| keys the HMAC of its webhooks; without one
/// the API key does.
struct RelyingParty {
  std::string name;
  std::string api_key;
  std::optional<std::string> webhook_secret;

  /// webhook_key is the secret the webhooks to this relying party are signed with.
  const std::string& webhook_key() const { return webhook_secret ? *webhook_secret : api_key; }
};

/// kMinApiKeyLength bounds how short an API key (or webhook secret) may be: 128 bits of base64url.
inline constexpr std::size_t kMinApiKeyLength = 22;

/// RelyingParties is the parsed key file. Immutable; safe to share between threads.
class RelyingParties {
 public:
  /// parse reads {"relying_parties": [{"name": "default", "api_key": "...", "webhook_secret": "..."}]}. Fails
  /// with invalid_config for unknown members, a name outside [A-Za-z0-9_.-]{1,64}, a key or secret shorter than
  /// kMinApiKeyLength or with characters outside printable ASCII, a name or key used twice, or no entry at all.
  static Result<RelyingParties> parse(const Json& document);

  /// load_or_create reads the key file at |path|, creating it (mode 0600, never through a symlink) with one
  /// relying party "default" and a fresh 256-bit key when it does not exist. An existing file must be a regular
  /// file that group and others cannot read or write (io_error otherwise), then parse applies.
  static Result<RelyingParties> load_or_create(const std::string& path);

  /// authenticate returns the relying party whose API key equals |api_key|, comparing against every key in
  /// constant time (the time taken does not tell which key, or how much of one, matched); nullptr when none does.
  const RelyingParty* authenticate(std::string_view api_key) const;

  /// find returns the relying party named |name|, or nullptr.
  const RelyingParty* find(std::string_view name) const;

  const std::vector<RelyingParty>& all() const { return parties_; }

 private:
  explicit RelyingParties(std::vector<RelyingParty> parties) : parties_(std::move(parties)) {}
  std::vector<RelyingParty> parties_;
};

}  // namespace veil::verifier
