#include "issuer/issuer_signing_keys.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "veil/platform/files.h"
#include "veil/platform/key_files.h"

namespace veil::issuer {

namespace {

constexpr char kStateFile[] = "state.json";

// A kid becomes a file name: it must be a thumbprint (base64url), never a path.
bool is_thumbprint(const std::string& kid) {
  if (kid.empty() || kid.size() > 64) return false;
  for (char c : kid) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status make_private_dir(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::io_error, "cannot create " + path + ": " + std::strerror(errno));
  }
  return {};
}

std::string key_path(const std::string& keys_dir, const std::string& kid) { return keys_dir + "/" + kid + ".jwk"; }

// Loads keys/<kid>.jwk (read_private_jwk refuses a file group or others can access) and checks that the file
// holds the key its name promises.
Result<PrivateJwk> load_key(const std::string& keys_dir, const std::string& kid) {
  if (!is_thumbprint(kid)) return fail(ErrorCode::invalid_argument, "state.json names a kid that is not a thumbprint");
  const std::string path = key_path(keys_dir, kid);
  VEIL_TRY(auto key, platform::read_private_jwk(path));
  if (key.public_key().thumbprint() != kid) {
    return fail(ErrorCode::invalid_argument, path + " does not hold the key its name (the kid) is the thumbprint of");
  }
  return key;
}

// Generates a key whose kid is its RFC 7638 thumbprint and writes it to keys/<kid>.jwk with mode 0600.
Result<PrivateJwk> generate_key(const std::string& keys_dir, JwsAlg alg) {
  VEIL_TRY(const auto fresh, PrivateJwk::generate(alg));
  Json json = fresh.to_json();
  json["kid"] = fresh.public_key().thumbprint();
  VEIL_TRY(auto key, PrivateJwk::parse(json));
  VEIL_CHECK(platform::write_new_secret_file(key_path(keys_dir, *key.public_key().kid()), json.dump() + "\n"));
  return key;
}

Json public_jwk_json(const Jwk& key) {
  Json json = key.to_json();
  json["alg"] = std::string(jws_alg_name(key.alg()));
  json["use"] = "sig";
  return json;
}

}  // namespace

Result<std::unique_ptr<IssuerSigningKeys>> IssuerSigningKeys::open(const std::string& data_dir,
                                                                   const SigningKeyOptions& options) {
  const std::string keys_dir = data_dir + "/keys";
  VEIL_CHECK(make_private_dir(keys_dir));
  std::unique_ptr<IssuerSigningKeys> keys(new IssuerSigningKeys(keys_dir, options));
  const std::string state_path = keys_dir + "/" + kStateFile;

  std::error_code error;
  if (!std::filesystem::exists(state_path, error)) {
    VEIL_TRY(auto first, generate_key(keys_dir, options.alg));
    keys->current_kid_ = *first.public_key().kid();
    VEIL_TRY(auto signer, make_signer(first));
    keys->current_signer_ = std::move(signer);
    keys->current_public_.push_back(first.public_key());
    const Json state = {{"current", keys->current_kid_}, {"retired", Json::array()}};
    VEIL_CHECK(platform::replace_secret_file(state_path, state.dump(2) + "\n"));
    return keys;
  }

  VEIL_TRY(const auto state, platform::read_json_input(state_path, 1 << 20));
  const auto current = state.find("current");
  const auto retired = state.find("retired");
  if (!state.is_object() || current == state.end() || !current->is_string() || retired == state.end() ||
      !retired->is_array()) {
    return fail(ErrorCode::invalid_argument, state_path + " is not {\"current\": kid, \"retired\": [...]}");
  }
  VEIL_TRY(auto current_key, load_key(keys_dir, current->get<std::string>()));
  keys->current_kid_ = current->get<std::string>();
  VEIL_TRY(auto signer, make_signer(current_key));
  keys->current_signer_ = std::move(signer);
  keys->current_public_.push_back(current_key.public_key());
  for (const Json& entry : *retired) {
    const auto kid = entry.is_object() ? entry.find("kid") : entry.end();
    const auto retired_at = entry.is_object() ? entry.find("retired_at") : entry.end();
    if (!entry.is_object() || kid == entry.end() || !kid->is_string() || retired_at == entry.end() ||
        !retired_at->is_number_integer()) {
      return fail(ErrorCode::invalid_argument, state_path + ": a retired entry is not {\"kid\", \"retired_at\"}");
    }
    VEIL_TRY(auto key, load_key(keys_dir, kid->get<std::string>()));
    keys->retired_.push_back(RetiredKey{key.public_key(), retired_at->get<std::int64_t>()});
  }
  return keys;
}

CurrentSigningKey IssuerSigningKeys::current() const {
  std::lock_guard lock(mutex_);
  return CurrentSigningKey{current_kid_, current_signer_};
}

Status IssuerSigningKeys::rotate(std::int64_t now) {
  std::lock_guard lock(mutex_);
  VEIL_TRY(auto fresh, generate_key(keys_dir_, options_.alg));
  VEIL_TRY(auto signer, make_signer(fresh));
  Json retired = Json::array();
  for (const auto& entry : retired_) retired.push_back({{"kid", *entry.key.kid()}, {"retired_at", entry.retired_at}});
  retired.push_back({{"kid", current_kid_}, {"retired_at", now}});
  const std::string new_kid = *fresh.public_key().kid();
  const Json state = {{"current", new_kid}, {"retired", std::move(retired)}};
  // The new key file exists before state.json names it; a crash in between leaves an unused file, never a
  // state that points at nothing.
  auto written = platform::replace_secret_file(keys_dir_ + "/" + kStateFile, state.dump(2) + "\n");
  if (!written) {
    std::error_code error;
    std::filesystem::remove(key_path(keys_dir_, new_kid), error);
    return written;
  }
  retired_.push_back(RetiredKey{current_public_.front(), now});
  current_public_.front() = fresh.public_key();
  current_kid_ = new_kid;
  current_signer_ = std::move(signer);
  return {};
}

std::vector<Jwk> IssuerSigningKeys::published_keys(std::int64_t now) const {
  std::lock_guard lock(mutex_);
  std::vector<Jwk> keys = current_public_;
  for (auto entry = retired_.rbegin(); entry != retired_.rend(); ++entry) {
    if (now - entry->retired_at < options_.max_credential_lifetime_seconds) keys.push_back(entry->key);
  }
  return keys;
}

Json IssuerSigningKeys::jwks(std::int64_t now) const {
  Json keys = Json::array();
  for (const auto& key : published_keys(now)) keys.push_back(public_jwk_json(key));
  return {{"keys", std::move(keys)}};
}

}  // namespace veil::issuer
