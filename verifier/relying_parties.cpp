#include "verifier/relying_parties.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "veil/base64url.h"
#include "veil/platform/files.h"
#include "veil/platform/http_request.h"
#include "veil/secret_bytes.h"

namespace veil::verifier {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 256 * 1024;
constexpr std::size_t kMaxSecretLength = 512;

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// RFC 6750 §2.1 b64token characters, so every key can travel in "Authorization: Bearer".
bool valid_secret(std::string_view secret) {
  return secret.size() >= kMinApiKeyLength && secret.size() <= kMaxSecretLength &&
         std::all_of(secret.begin(), secret.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                  c == '_' || c == '~' || c == '+' || c == '/';
         });
}

tl::unexpected<Error> invalid(const std::string& message) { return fail(ErrorCode::invalid_config, message); }

}  // namespace

Result<RelyingParties> RelyingParties::parse(const Json& document) {
  if (!document.is_object() || !document.contains("relying_parties") || !document["relying_parties"].is_array()) {
    return invalid("the API key file must be {\"relying_parties\": [{\"name\", \"api_key\"}]}");
  }
  for (const auto& [member, value] : document.items()) {
    if (member != "relying_parties") return invalid("API key file member \"" + member + "\" is not known");
  }
  std::vector<RelyingParty> parties;
  for (const Json& entry : document["relying_parties"]) {
    if (!entry.is_object()) return invalid("a relying party entry is not an object");
    for (const auto& [member, value] : entry.items()) {
      if (member != "name" && member != "api_key" && member != "webhook_secret") {
        return invalid("relying party member \"" + member + "\" is not known");
      }
    }
    if (!entry.contains("name") || !entry["name"].is_string() || !valid_name(entry["name"].get_ref<const std::string&>())) {
      return invalid("a relying party name must be 1 to 64 characters of [A-Za-z0-9_.-]");
    }
    RelyingParty party{entry["name"].get<std::string>(), {}, std::nullopt};
    if (!entry.contains("api_key") || !entry["api_key"].is_string() ||
        !valid_secret(entry["api_key"].get_ref<const std::string&>())) {
      return invalid("relying party " + party.name + ": api_key must be at least " + std::to_string(kMinApiKeyLength) +
                     " token characters");
    }
    party.api_key = entry["api_key"].get<std::string>();
    if (entry.contains("webhook_secret")) {
      if (!entry["webhook_secret"].is_string() || !valid_secret(entry["webhook_secret"].get_ref<const std::string&>())) {
        return invalid("relying party " + party.name + ": webhook_secret must be at least " +
                       std::to_string(kMinApiKeyLength) + " token characters");
      }
      party.webhook_secret = entry["webhook_secret"].get<std::string>();
    }
    for (const RelyingParty& other : parties) {
      if (other.name == party.name) return invalid("relying party " + party.name + " is listed twice");
      if (other.api_key == party.api_key) return invalid("two relying parties share one api_key");
    }
    parties.push_back(std::move(party));
  }
  if (parties.empty()) return invalid("the API key file lists no relying party");
  return RelyingParties(std::move(parties));
}

Result<RelyingParties> RelyingParties::load_or_create(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return fail(ErrorCode::io_error, path + ": cannot be inspected");
    const Json document = {
        {"relying_parties", Json::array({{{"name", "default"}, {"api_key", base64url_encode(SecretBytes::random(32).reveal())}}})}};
    VEIL_CHECK(platform::write_new_secret_file(path, document.dump(2) + "\n"));
    return parse(document);
  }
  if (!S_ISREG(info.st_mode)) return fail(ErrorCode::io_error, path + " is not a regular file (a symlink?); refusing it");
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::io_error, path + " is accessible by group or others; refusing API keys (chmod 600 it)");
  }
  VEIL_TRY(const Json document, platform::read_json_input(path, kMaxKeyFileBytes));
  auto parties = parse(document);
  if (!parties) return fail(parties.error().code, path + ": " + parties.error().message);
  return parties;
}

const RelyingParty* RelyingParties::authenticate(std::string_view api_key) const {
  const RelyingParty* match = nullptr;
  for (const RelyingParty& party : parties_) {
    // No early exit: every key is compared, whichever matches.
    if (platform::constant_time_equals(api_key, party.api_key)) match = &party;
  }
  return match;
}

const RelyingParty* RelyingParties::find(std::string_view name) const {
  for (const RelyingParty& party : parties_) {
    if (party.name == name) return &party;
  }
  return nullptr;
}

}  // namespace veil::verifier
