#include "veil/sd_jwt_factory.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <string>

#include <sodium.h>

namespace veil {

namespace {

constexpr int kMaxDepth = 64;

// Rejects "_sd" and "..." as claim names anywhere, framed or not: in the payload they would be read as digests.
Status check_claim_names(const Json& value, int depth) {
  if (depth > kMaxDepth) return fail(ErrorCode::nesting_too_deep, "claims nested too deeply");
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (key == "_sd" || key == "...") return fail(ErrorCode::forbidden_claim_name, "claim name \"" + key + "\" is reserved");
      VEIL_CHECK(check_claim_names(member, depth + 1));
    }
  } else if (value.is_array()) {
    for (const Json& element : value) VEIL_CHECK(check_claim_names(element, depth + 1));
  }
  return {};
}

Result<std::size_t> parse_index_key(const std::string& key) {
  std::size_t index = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
  if (key.empty() || ec != std::errc() || end != key.data() + key.size())
    return fail(ErrorCode::invalid_disclosure_frame, "array frame key \"" + key + "\" is not an index");
  return index;
}

// At an object level a frame names members by string; a non-negative integer names the member spelled as that
// number (YAML numeric keys such as age_equal_or_over: {18: ...} in the RFC 9901 A.3 example).
Result<std::string> member_name(const Json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  if (entry.is_number_unsigned() || (entry.is_number_integer() && entry.get<std::int64_t>() >= 0))
    return std::to_string(entry.get<std::uint64_t>());
  return fail(ErrorCode::invalid_disclosure_frame, "object frame \"_sd\" lists a non-name");
}

class Builder {
 public:
  Builder(SaltSource& salts, const SdJwtFactoryOptions& options) : salts_(salts), options_(options) {}

  Result<Json> apply(const Json& value, const Json& frame, int depth) {
    if (depth > kMaxDepth) return fail(ErrorCode::nesting_too_deep, "disclosure frame nested too deeply");
    if (!frame.is_object()) return fail(ErrorCode::invalid_disclosure_frame, "nested disclosure frame is not an object");
    if (value.is_object()) return apply_object(value, frame, depth);
    if (value.is_array()) return apply_array(value, frame, depth);
    if (frame.empty()) return value;
    return fail(ErrorCode::invalid_disclosure_frame, "disclosure frame descends into a plain value");
  }

  std::vector<Disclosure> take_disclosures() { return std::move(disclosures_); }

 private:
  Result<Json> apply_object(const Json& object, const Json& frame, int depth) {
    std::set<std::string> disclosable;
    for (const auto& [key, entry] : frame.items()) {
      if (key == "_sd") {
        if (!entry.is_array()) return fail(ErrorCode::invalid_disclosure_frame, "frame \"_sd\" is not an array");
        for (const Json& entry_name : entry) {
          VEIL_TRY(std::string name, member_name(entry_name));
          if (!object.contains(name)) return fail(ErrorCode::invalid_claims, "frame names missing claim \"" + name + "\"");
          disclosable.insert(std::move(name));
        }
      } else if (!object.contains(key)) {
        return fail(ErrorCode::invalid_claims, "frame names missing claim \"" + key + "\"");
      }
    }
    Json out = Json::object();
    Json digests = Json::array();
    // Inner values first (§6.3): a disclosable value carries the digests of its own disclosable parts.
    for (const auto& [key, member] : object.items()) {
      Json processed = member;
      if (auto nested = frame.find(key); nested != frame.end()) {
        VEIL_TRY(processed, apply(member, *nested, depth + 1));
      }
      if (disclosable.count(key) == 0) {
        out[key] = std::move(processed);
        continue;
      }
      VEIL_TRY(Disclosure disclosure, Disclosure::for_property(salts_.next_salt(), key, std::move(processed)));
      digests.push_back(disclosure.digest(options_.hash_alg));
      disclosures_.push_back(std::move(disclosure));
    }
    if (!disclosable.empty()) {
      add_decoys(digests);
      // §4.2.4.1: sorted, so the order of _sd says nothing about the order of the claims.
      std::vector<std::string> sorted = digests.get<std::vector<std::string>>();
      std::sort(sorted.begin(), sorted.end());
      out["_sd"] = sorted;
    }
    return out;
  }

  Result<Json> apply_array(const Json& array, const Json& frame, int depth) {
    std::set<std::size_t> disclosable;
    for (const auto& [key, entry] : frame.items()) {
      if (key == "_sd") {
        if (!entry.is_array()) return fail(ErrorCode::invalid_disclosure_frame, "frame \"_sd\" is not an array");
        for (const Json& index : entry) {
          bool valid = index.is_number_unsigned() || (index.is_number_integer() && index.get<std::int64_t>() >= 0);
          if (!valid) return fail(ErrorCode::invalid_disclosure_frame, "array frame \"_sd\" lists a non-index");
          if (index.get<std::size_t>() >= array.size())
            return fail(ErrorCode::invalid_claims, "frame names missing array element " + index.dump());
          disclosable.insert(index.get<std::size_t>());
        }
      } else {
        VEIL_TRY(std::size_t index, parse_index_key(key));
        if (index >= array.size())
          return fail(ErrorCode::invalid_claims, "frame names missing array element " + key);
      }
    }
    Json out = Json::array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      Json processed = array[i];
      if (auto nested = frame.find(std::to_string(i)); nested != frame.end()) {
        VEIL_TRY(processed, apply(array[i], *nested, depth + 1));
      }
      if (disclosable.count(i) == 0) {
        out.push_back(std::move(processed));
        continue;
      }
      // §4.2.4.2: the element is replaced in place by {"...": digest}.
      VEIL_TRY(Disclosure disclosure, Disclosure::try_for_array_element(salts_.next_salt(), std::move(processed)));
      out.push_back(Json{{"...", disclosure.digest(options_.hash_alg)}});
      disclosures_.push_back(std::move(disclosure));
    }
    return out;
  }

  // §4.2.5: a decoy digest is the hash of a fresh random value; it has no disclosure.
  void add_decoys(Json& digests) {
    std::size_t count = options_.decoys_per_level;
    if (options_.max_random_decoys_per_level > 0) {
      auto bound = static_cast<std::uint32_t>(std::min<std::size_t>(options_.max_random_decoys_per_level, 1000) + 1);
      count += randombytes_uniform(bound);
    }
    for (std::size_t i = 0; i < count; ++i) digests.push_back(hash_base64url(options_.hash_alg, salts_.next_salt()));
  }

  SaltSource& salts_;
  const SdJwtFactoryOptions& options_;
  std::vector<Disclosure> disclosures_;
};

}  // namespace

Result<UnsignedSdJwt> build_sd_jwt(const Json& claims, const DisclosureFrame& frame, SaltSource& salts,
                                   const SdJwtFactoryOptions& options) {
  if (!claims.is_object()) return fail(ErrorCode::invalid_claims, "claims are not a json object");
  if (claims.contains("_sd_alg")) return fail(ErrorCode::invalid_claims, "claims must not set \"_sd_alg\"");
  VEIL_CHECK(check_claim_names(claims, 0));
  // Plain claims end up in the signed payload: refuse invalid UTF-8 here rather than when the signer serializes.
  try {
    (void)claims.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return fail(ErrorCode::invalid_claims, "claims are not valid utf-8");
  }
  Builder builder(salts, options);
  VEIL_TRY(Json payload, builder.apply(claims, frame.to_json(), 0));
  // §4.1.1: the hash algorithm is named even for the default, so a verifier never has to guess.
  payload["_sd_alg"] = std::string(hash_alg_name(options.hash_alg));
  return UnsignedSdJwt{std::move(payload), builder.take_disclosures()};
}

}  // namespace veil
