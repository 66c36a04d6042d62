#include "core/verifier_fixtures.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include <catch2/catch.hpp>

#include "core/test_keys.h"
#include "veil/disclosure_frame.h"
#include "veil/hash.h"
#include "veil/jws.h"
#include "veil/presentation.h"
#include "veil/sd_jwt_factory.h"
#include "veil/sd_jwt_issuer.h"

namespace veil_test {

namespace {

std::unique_ptr<veil::Signer> must_signer(const veil::PrivateJwk& key) {
  auto signer = veil::make_signer(key);
  REQUIRE(signer);
  return std::move(*signer);
}

}  // namespace

const veil::Signer& issuer_signer() {
  static const auto signer = must_signer(issuer_key());
  return *signer;
}

const veil::Signer& holder_signer() {
  static const auto signer = must_signer(holder_key());
  return *signer;
}

const veil::Signer& other_signer() {
  static const auto signer = [] {
    auto key = veil::PrivateJwk::generate(veil::JwsAlg::ES256);
    REQUIRE(key);
    return must_signer(*key);
  }();
  return *signer;
}

const veil::TrustList& test_trust_list() {
  static const veil::TrustList list = [] {
    auto parsed = veil::TrustList::parse(
        {{"issuers", {{{"iss", kTestIss}, {"jwks", {{"keys", {issuer_public_jwk_json()}}}}}}}});
    REQUIRE(parsed);
    return std::move(*parsed);
  }();
  return list;
}

const veil::Clock& fixed_clock() {
  static const veil::FixedClock clock(kNow);
  return clock;
}

veil::VerificationPolicy vc_policy() {
  veil::VerificationPolicy policy;
  policy.expected_aud = kTestAud;
  policy.expected_nonce = kTestNonce;
  return policy;
}

veil::VerificationPolicy vc_policy_without_kb() {
  veil::VerificationPolicy policy = vc_policy();
  policy.require_key_binding = false;
  return policy;
}

veil::VerificationPolicy plain_policy() {
  veil::VerificationPolicy policy = vc_policy_without_kb();
  policy.sd_jwt_vc = false;
  return policy;
}

veil::Json base_claims() {
  return {{"iss", kTestIss},
          {"vct", kTestVct},
          {"iat", kNow - 3600},
          {"exp", kNow + 3600},
          {"cnf", {{"jwk", holder_public_jwk_json()}}}};
}

veil::Disclosure property(const std::string& name, veil::Json value, const std::string& salt) {
  auto disclosure = veil::Disclosure::for_property(salt, name, std::move(value));
  REQUIRE(disclosure);
  return std::move(*disclosure);
}

veil::Disclosure element(veil::Json value, const std::string& salt) {
  return veil::Disclosure::for_array_element(salt, std::move(value));
}

std::string digest(const veil::Disclosure& disclosure) { return disclosure.digest(veil::HashAlg::sha_256); }

std::string sign_issuer_jwt(const veil::Json& payload, const veil::Json& header, const veil::Signer& signer) {
  auto jwt = veil::sign_jws_compact(header, payload, signer);
  REQUIRE(jwt);
  return std::move(*jwt);
}

veil::SdJwt make_sd_jwt(const veil::Json& payload, std::vector<veil::Disclosure> disclosures,
                        const veil::Json& header) {
  return veil::SdJwt({sign_issuer_jwt(payload, header)}, std::move(disclosures));
}

veil::Json kb_payload(const veil::SdJwt& presentation) {
  return {{"iat", kNow},
          {"aud", kTestAud},
          {"nonce", kTestNonce},
          {"sd_hash", veil::hash_base64url(veil::HashAlg::sha_256, presentation.sd_hash_input())}};
}

std::string sign_kb(const veil::Json& header, const veil::Json& payload, const veil::Signer& signer) {
  auto jwt = veil::sign_jws_compact(header, payload, signer);
  REQUIRE(jwt);
  return std::move(*jwt);
}

veil::SdJwt with_kb(const veil::SdJwt& presentation) {
  return presentation.with_key_binding(sign_kb({{"typ", "kb+jwt"}}, kb_payload(presentation)));
}

veil::Result<veil::VerifiedPresentation> verify(const veil::SdJwt& presentation, const veil::VerificationPolicy& policy) {
  const veil::SdJwtVerifier verifier(policy, test_trust_list(), fixed_clock());
  return verifier.verify(presentation);
}

veil::Result<veil::VerifiedPresentation> verify_with(const veil::SdJwt& presentation,
                                                     const veil::VerificationPolicy& policy,
                                                     const veil::IssuerKeyResolver& issuer_keys) {
  const veil::SdJwtVerifier verifier(policy, issuer_keys, fixed_clock());
  return verifier.verify(presentation);
}

const veil::TrustList& any_iss_trust() { return rfc_key_trust(); }

veil::Result<veil::VerifiedPresentation> verify_text(const std::string& presentation,
                                                     const veil::VerificationPolicy& policy) {
  const veil::SdJwtVerifier verifier(policy, test_trust_list(), fixed_clock());
  return verifier.verify(presentation);
}

std::string code_name(const std::optional<veil::ErrorCode>& code) {
  return code ? std::string(veil::error_code_name(*code)) : std::string("ok");
}


namespace {

constexpr std::int64_t kVectorIat = 1683000000;
constexpr std::int64_t kVectorExp = 1883000000;

veil::Json second_issuer_private_json() {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"d", "WsGosxrp0XK7VEviPL9xBm3fBb7Xys2vLhPGhESNoXY"},
          {"x", "bN-hp3IN0GZB3OlaQnHDPhY4nZsZbQyo4wY-y1NWCvA"},
          {"y", "vaSsH5jt9zt3aQvTvrSaFYLyjPG9Ug-2vntoNXlCbVU"}};
}

bool file_exists(const std::string& relative_path) {
  return std::filesystem::exists(vectors_dir() + "/" + relative_path);
}

// python_key_string is how YAML keys that are not strings were written into user_claims.
std::string python_key_string(const veil::Json& key) {
  if (key.is_string()) return key.get<std::string>();
  return key.dump();  // 13 → "13", true → "true", null → "null", 3.14 → "3.14"
}

// python_spelled_keys renames holder_disclosed_claims keys that Python wrote for non-string YAML keys ("True",
// "None") to the user_claims spelling ("true", "null") where only the latter exists.
veil::Json python_spelled_keys(const veil::Json& disclosed, const veil::Json& claims) {
  if (disclosed.is_array()) {
    veil::Json out = veil::Json::array();
    for (std::size_t i = 0; i < disclosed.size(); ++i) {
      out.push_back(python_spelled_keys(disclosed[i], claims.is_array() && i < claims.size() ? claims[i] : veil::Json()));
    }
    return out;
  }
  if (!disclosed.is_object()) return disclosed;
  veil::Json out = veil::Json::object();
  for (auto it = disclosed.begin(); it != disclosed.end(); ++it) {
    std::string key = it.key();
    if (claims.is_object() && !claims.contains(key)) {
      if (key == "True") key = "true";
      if (key == "False") key = "false";
      if (key == "None") key = "null";
    }
    const veil::Json child = claims.is_object() && claims.contains(key) ? claims.at(key) : veil::Json();
    out[key] = python_spelled_keys(it.value(), child);
  }
  return out;
}

// The translation below follows SDJWTHolder._select_disclosures and its two helpers in sd-jwt-python's
// src/sd_jwt/holder.py (openwallet-foundation-labs/sd-jwt-python, stored version 4274bc7f, lines 85-211). The
// holder walks the credential and looks each claim up in the tree; it never walks the tree, so a name the
// credential lacks is ignored (w3c-vc_for_slide_deck's credentialSubject). We walk |claims| (the credential
// before selective disclosure) and emit, for every claim the holder would disclose if it were selectively
// disclosable, that claim alone (with_descendants = false): what lies beneath is chosen by the subtree. For a
// claim that is plain the selection adds nothing, because its parents were selected on the way down.
class HolderDisclosedTranslation {
 public:
  explicit HolderDisclosedTranslation(std::vector<veil::ClaimSelection>& out) : out_(out) {}

  // _select_disclosures (holder.py:85-96): arrays and objects are walked, anything else has nothing beneath.
  void walk(const veil::Json& claims, const veil::Json& disclosed) {
    if (claims.is_array()) walk_array(claims, disclosed);
    if (claims.is_object()) walk_object(claims, disclosed);
  }

 private:
  // _select_disclosures_list (holder.py:98-167).
  void walk_array(const veil::Json& claims, const veil::Json& disclosed) {
    if (disclosed.is_null()) return;                                                     // holder.py:99-100
    // `true` on an array stands for [] (holder.py:101-102): the array, none of its elements.
    const veil::Json entries = disclosed == true ? veil::Json::array() : disclosed;
    if (!entries.is_array()) FAIL("holder.py:103-108 raises ValueError: " << entries.dump());
    // zip_longest pairs entries with elements by position (holder.py:110-112); an entry past the end of the
    // array meets None and selects nothing, an element without an entry meets None and is withheld.
    for (std::size_t pos = 0; pos < std::min(entries.size(), claims.size()); ++pos) {
      const veil::Json& entry = entries[pos];
      // holder.py:129-133: an element is withheld when its entry is in (False, None); Python's `in` compares
      // with ==, so 0 withholds too. Any other entry ({} and [] included) discloses the element (l. 135).
      if (entry.is_null() || entry == false || (entry.is_number() && entry == 0)) continue;
      prefix_.emplace_back(pos);
      out_.push_back({veil::ClaimPath(prefix_), false});
      // holder.py:136-165 (disclosable element) and 166-167 (plain element): the entry, `true` read as {} or
      // [], chooses what is disclosed inside the element.
      walk(claims[pos], entry);
      prefix_.pop_back();
    }
  }

  // _select_disclosures_dict (holder.py:169-211).
  void walk_object(const veil::Json& claims, const veil::Json& disclosed) {
    if (disclosed.is_null()) return;                                                     // holder.py:170-171
    // `true` on an object stands for {} (holder.py:172-174): the object, none of its members.
    const veil::Json members = disclosed == true ? veil::Json::object() : disclosed;
    if (!members.is_object()) FAIL("holder.py:175-180 raises ValueError: " << members.dump());
    // The holder iterates the credential's members (holder.py:181), both plain ones and those behind "_sd".
    for (auto it = claims.begin(); it != claims.end(); ++it) {
      const veil::Json entry = members.contains(it.key()) ? members.at(it.key()) : veil::Json();
      prefix_.emplace_back(it.key());
      // holder.py:193: a member is disclosed when the tree names it with a truthy value (Python truthiness:
      // {} and [] withhold here, unlike in an array).
      if (python_truthy(entry)) out_.push_back({veil::ClaimPath(prefix_), false});
      // holder.py:209 and 211: the walk goes on below the member with its entry (None when absent).
      walk(it.value(), entry);
      prefix_.pop_back();
    }
  }

  static bool python_truthy(const veil::Json& value) {
    if (value.is_null()) return false;
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number()) return value != 0;
    if (value.is_string()) return !value.get<std::string>().empty();
    return !value.empty();  // object or array
  }

  std::vector<veil::ClaimSelection>& out_;
  std::vector<veil::ClaimPathElement> prefix_;
};

}  // namespace

std::vector<std::string> vector_case_dirs(const std::string& relative_dir) {
  std::vector<std::string> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(vectors_dir() + "/" + relative_dir)) {
    if (entry.is_directory()) dirs.push_back(relative_dir + "/" + entry.path().filename().string());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

const veil::TrustList& rfc_key_trust() {
  static const veil::TrustList list = [] {
    auto first = veil::Jwk::parse(issuer_public_jwk_json());
    REQUIRE(first);
    auto parsed = veil::TrustList::single_key(*first);
    REQUIRE(parsed);
    return std::move(*parsed);
  }();
  return list;
}

std::string read_generated_presentation(const std::string& case_dir) {
  if (file_exists(case_dir + "/generated/sd_jwt_presentation.txt")) {
    return read_vector_file(case_dir + "/generated/sd_jwt_presentation.txt");
  }
  // The .json files hold the serialization as a JSON string (README caveat 1).
  const veil::Json wrapped = read_vector_json(case_dir + "/generated/sd_jwt_presentation.json");
  REQUIRE(wrapped.is_string());
  return wrapped.get<std::string>();
}

veil::VerificationPolicy generated_policy(const std::string& case_dir, const std::string& aud) {
  veil::VerificationPolicy policy;
  policy.require_key_binding = file_exists(case_dir + "/generated/kb_jwt_serialized.txt");
  policy.expected_aud = aud;
  policy.expected_nonce = kVectorNonce;
  const veil::Json case_json = read_vector_json(case_dir + "/case.json");
  const veil::Json extra = case_json.value("extra_header_parameters", veil::Json::object());
  policy.sd_jwt_vc = extra.value("typ", "") == "dc+sd-jwt";
  return policy;
}

std::vector<veil::ClaimSelection> claim_selections_from_holder_disclosed(const veil::Json& holder_disclosed_claims,
                                                                        const veil::Json& claims) {
  std::vector<veil::ClaimSelection> selections;
  HolderDisclosedTranslation(selections).walk(claims, python_spelled_keys(holder_disclosed_claims, claims));
  return selections;
}

veil::Json normalized_frame(const veil::Json& frame, const veil::Json& claims) {
  if (!frame.is_object()) return frame;
  veil::Json out = veil::Json::object();
  for (auto it = frame.begin(); it != frame.end(); ++it) {
    if (it.key() == "_sd") {
      veil::Json names = veil::Json::array();
      for (const veil::Json& entry : it.value()) {
        names.push_back(claims.is_object() ? veil::Json(python_key_string(entry)) : entry);
      }
      out["_sd"] = std::move(names);
      continue;
    }
    veil::Json child_claims;
    if (claims.is_object() && claims.contains(it.key())) child_claims = claims.at(it.key());
    if (claims.is_array()) {
      const std::size_t index = std::stoul(it.key());
      if (index < claims.size()) child_claims = claims.at(index);
    }
    out[it.key()] = normalized_frame(it.value(), child_claims);
  }
  return out;
}

veil::Result<veil::VerifiedPresentation> round_trip(const RoundTrip& run) {
  const veil::Json case_json = read_vector_json(run.case_dir + "/case.json");
  const bool key_binding = case_json.value("key_binding", false);
  const bool json_serialization = case_json.value("serialization_format", "compact") == "json";

  veil::Json claims = case_json.at("user_claims");
  if (case_json.value("include_default_claims", true)) {
    // As in sd-jwt-python, the case's own claims win over the defaults (w3c-vc sets iss and iat itself).
    if (!claims.contains("iss")) claims["iss"] = run.iss;
    if (!claims.contains("iat")) claims["iat"] = kVectorIat;
    if (!claims.contains("exp")) claims["exp"] = kVectorExp;
  }
  if (key_binding) claims["cnf"] = {{"jwk", holder_public_jwk_json()}};

  auto frame = veil::DisclosureFrame::parse(normalized_frame(case_json.at("disclosure_frame"), claims));
  REQUIRE(frame);
  FixedSaltSource salts;
  veil::SdJwtFactoryOptions options;
  if (case_json.value("add_decoy_claims", false)) options.decoys_per_level = 2;
  auto unsigned_sd_jwt = veil::build_sd_jwt(claims, *frame, salts, options);
  REQUIRE(unsigned_sd_jwt);

  veil::Json header = {{"typ", "example+sd-jwt"}};
  const veil::Json extra_header = case_json.value("extra_header_parameters", veil::Json::object());
  for (auto& [name, value] : extra_header.items()) {
    // header_mod sets kid 42, a number; RFC 7515 §4.1.4 makes kid a string, so we issue "42".
    header[name] = value.is_string() ? value : veil::Json(value.dump());
  }
  std::vector<std::string> issuer_jwts;
  auto first = veil::sign_sd_jwt(*unsigned_sd_jwt, header, issuer_signer());
  REQUIRE(first);
  issuer_jwts.push_back(first->issuer_jwt());
  const bool general = run.case_dir.find("json_serialization_general") != std::string::npos;
  if (general) {
    // The case signs with two issuer keys (settings_override); the second signature goes alongside the first.
    auto second_key = veil::PrivateJwk::parse(second_issuer_private_json());
    REQUIRE(second_key);
    auto second_signer = veil::make_signer(*second_key);
    REQUIRE(second_signer);
    auto second = veil::sign_sd_jwt(*unsigned_sd_jwt, header, **second_signer);
    REQUIRE(second);
    issuer_jwts.push_back(second->issuer_jwt());
  }
  const veil::SdJwt issued(issuer_jwts, first->disclosures());

  const auto selections =
      claim_selections_from_holder_disclosed(case_json.value("holder_disclosed_claims", veil::Json::object()), claims);
  auto presentation = veil::select_disclosures(issued, selections);
  INFO("select_disclosures: " << (presentation ? "ok" : presentation.error().message));
  REQUIRE(presentation);
  if (key_binding) {
    auto bound = veil::add_key_binding(*presentation, {run.aud, kVectorNonce, kNow}, holder_signer());
    REQUIRE(bound);
    presentation = std::move(*bound);
  }
  const std::string text =
      json_serialization ? presentation->serialize_json(general).dump() : presentation->serialize_compact();

  veil::VerificationPolicy policy;
  policy.require_key_binding = key_binding;
  policy.expected_aud = run.aud;
  policy.expected_nonce = kVectorNonce;
  policy.sd_jwt_vc = header.value("typ", "") == "dc+sd-jwt";
  const veil::SdJwtVerifier verifier(policy, rfc_key_trust(), fixed_clock());
  return verifier.verify(text);
}

}  // namespace veil_test
