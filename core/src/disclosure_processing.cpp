#include "disclosure_processing.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace veil {

namespace {

constexpr std::string_view kSdKey = "_sd";
constexpr std::string_view kArrayDigestKey = "...";
constexpr std::string_view kSdAlgKey = "_sd_alg";

// DisclosureIndex maps each presented Disclosure's digest to its position; each digest is computed once.
class DisclosureIndex {
 public:
  static Result<DisclosureIndex> build(std::span<const Disclosure> disclosures, HashAlg sd_alg) {
    DisclosureIndex index;
    index.by_digest_.reserve(disclosures.size());
    for (std::size_t i = 0; i < disclosures.size(); ++i) {
      // Equal digests mean equal encoded strings (§7.1 step 4: the same Disclosure twice).
      if (!index.by_digest_.emplace(disclosures[i].digest(sd_alg), i).second) {
        return fail(ErrorCode::duplicate_disclosure, "a disclosure is presented more than once");
      }
    }
    return index;
  }

  std::optional<std::size_t> find(const std::string& digest) const {
    const auto it = by_digest_.find(digest);
    if (it == by_digest_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::size_t> by_digest_;
};

// Processor rewrites the payload in place: plain claims stay where they are (no copy of cnf, status or any
// other signed claim), "_sd" members and digest elements are taken out and replaced by what their Disclosures
// carry. Digests seen are kept as views into the removed "_sd" arrays and digest elements, which the Processor
// keeps alive in retired_ until the walk is over.
class Processor {
 public:
  Processor(std::span<const Disclosure> disclosures, const DisclosureIndex& index, int max_depth)
      : disclosures_(disclosures), index_(index), max_depth_(max_depth), used_(disclosures.size(), false) {
    revealed_at_.resize(disclosures.size());
  }

  Status process_top_level(Json& payload) { return process_object(payload, 1, /*top_level=*/true); }

  Status check_all_referenced() const {
    for (bool used : used_) {
      if (!used) return fail(ErrorCode::unreferenced_disclosure, "a disclosure is not referenced by the payload");
    }
    return {};
  }

  std::vector<ClaimPath> take_disclosed_paths() {
    std::vector<ClaimPath> paths;
    paths.reserve(revealed_at_.size());
    for (auto& path : revealed_at_) paths.push_back(std::move(*path));
    return paths;
  }

 private:
  Status process_value(Json& value, int depth) {
    if (value.is_object()) return process_object(value, depth, /*top_level=*/false);
    if (value.is_array()) return process_array(value, depth);
    return {};
  }

  Status check_depth(int depth) const {
    if (depth > max_depth_) return fail(ErrorCode::nesting_too_deep, "disclosed claims nest too deeply");
    return {};
  }

  // §7.1 step 4: every digest, matched or decoy, may occur only once across payload and Disclosures.
  Status note_digest(std::string_view digest) {
    if (!seen_digests_.insert(digest).second) {
      return fail(ErrorCode::duplicate_digest, "a digest occurs more than once");
    }
    return {};
  }

  // retire keeps |value| alive (and where it is in memory) until the walk ends: seen_digests_ points into it.
  Json& retire(Json&& value) { return retired_.emplace_back(std::move(value)); }

  Status process_object(Json& object, int depth, bool top_level) {
    VEIL_CHECK(check_depth(depth));
    auto& members = object.get_ref<Json::object_t&>();
    const Json* digests = nullptr;
    if (auto sd = members.find(std::string(kSdKey)); sd != members.end()) {
      digests = &retire(std::move(sd->second));
      members.erase(sd);
    }
    // §7.1 step 3.6: _sd_alg is removed; it is defined only at the top level, so elsewhere it is a claim.
    if (top_level) members.erase(std::string(kSdAlgKey));
    for (auto& [name, value] : members) {
      path_.emplace_back(name);
      VEIL_CHECK(process_value(value, depth + 1));
      path_.pop_back();
    }
    if (digests == nullptr) return {};

    // §7.1 step 3.2.1 only recognises "_sd" holding an array of strings. The issuer signed anything else, so it
    // is a malformed credential, not a claim to pass on.
    if (!digests->is_array()) return fail(ErrorCode::invalid_sd_digests, "_sd is not an array");
    for (const Json& digest : *digests) {
      if (!digest.is_string()) return fail(ErrorCode::invalid_sd_digests, "_sd holds a non-string digest");
      const auto& digest_text = digest.get_ref<const std::string&>();
      VEIL_CHECK(note_digest(digest_text));
      const auto found = index_.find(digest_text);
      if (!found) continue;  // a decoy (§4.2.5) or a claim the holder did not disclose
      const Disclosure& disclosure = disclosures_[*found];
      // §7.1 step 3.3.2.1: a digest in _sd must name an object-property Disclosure.
      if (disclosure.is_array_element()) {
        return fail(ErrorCode::disclosure_kind_mismatch, "an array-element disclosure is referenced from _sd");
      }
      const std::string& name = *disclosure.claim_name();
      // Disclosure::parse already refuses these names; the check stays so this file alone upholds §7.1.
      if (name == kSdKey || name == kArrayDigestKey) {
        return fail(ErrorCode::forbidden_claim_name, "a disclosure uses a reserved claim name");
      }
      // §7.1 step 3.3.2.3, covering both plain claims and a second disclosure of the same name.
      if (members.contains(name)) return fail(ErrorCode::claim_name_conflict, "a disclosed claim name already exists");
      used_[*found] = true;
      path_.emplace_back(name);
      revealed_at_[*found] = ClaimPath(path_);
      Json value = disclosure.value();
      VEIL_CHECK(process_value(value, depth + 1));
      path_.pop_back();
      members.emplace(name, std::move(value));
    }
    return {};
  }

  Status process_array(Json& array, int depth) {
    VEIL_CHECK(check_depth(depth));
    // The elements move into a fresh array; the old one, with its digest elements, is retired.
    Json& original = retire(std::move(array));
    array = Json::array();
    auto& out = array.get_ref<Json::array_t&>();
    for (Json& element : original) {
      const std::size_t position = out.size();
      const auto digest_member = element.is_object() ? element.find(kArrayDigestKey) : element.end();
      if (!element.is_object() || digest_member == element.end()) {
        path_.emplace_back(position);
        // Plain elements leave the retired array; its digest elements, which the views point into, stay.
        out.push_back(std::move(element));
        VEIL_CHECK(process_value(out.back(), depth + 1));
        path_.pop_back();
        continue;
      }
      // S10 decision: §7.1 step 3.2.2 recognises only {"...": "<digest>"}. An object that has "..." plus other
      // members, or a non-string "...", is rejected rather than passed on as a plain value: no issuer produces
      // it, and passing it on would hand the application an object that looks like an undisclosed element.
      if (element.size() != 1 || !digest_member->is_string()) {
        return fail(ErrorCode::invalid_sd_digests, "an array element digest object is malformed");
      }
      const auto& digest_text = digest_member->get_ref<const std::string&>();
      VEIL_CHECK(note_digest(digest_text));
      const auto found = index_.find(digest_text);
      if (!found) continue;  // §7.1 step 3.4: undisclosed elements and decoys are removed
      const Disclosure& disclosure = disclosures_[*found];
      // §7.1 step 3.3.3.1: a digest in an array must name an array-element Disclosure.
      if (!disclosure.is_array_element()) {
        return fail(ErrorCode::disclosure_kind_mismatch, "a property disclosure is referenced from an array");
      }
      used_[*found] = true;
      path_.emplace_back(position);
      revealed_at_[*found] = ClaimPath(path_);
      out.push_back(disclosure.value());
      VEIL_CHECK(process_value(out.back(), depth + 1));
      path_.pop_back();
    }
    return {};
  }

  std::span<const Disclosure> disclosures_;
  const DisclosureIndex& index_;
  int max_depth_;
  std::vector<bool> used_;
  std::vector<std::optional<ClaimPath>> revealed_at_;
  std::unordered_set<std::string_view> seen_digests_;
  std::vector<ClaimPathElement> path_;
  std::deque<Json> retired_;  // a deque never moves what it holds, so views into it stay valid
};

}  // namespace

Result<HashAlg> read_sd_alg(const Json& issuer_signed_payload) {
  const auto it = issuer_signed_payload.find(kSdAlgKey);
  if (it == issuer_signed_payload.end()) return HashAlg::sha_256;
  if (!it->is_string()) return fail(ErrorCode::unsupported_sd_alg, "_sd_alg is not a string");
  return parse_hash_alg(it->get_ref<const std::string&>());
}

Result<ProcessedPayload> apply_disclosures(Json issuer_signed_payload, std::span<const Disclosure> disclosures,
                                           HashAlg sd_alg, int max_depth) {
  if (!issuer_signed_payload.is_object()) {
    return fail(ErrorCode::invalid_jwt_payload, "the issuer-signed payload is not an object");
  }
  VEIL_TRY(const DisclosureIndex index, DisclosureIndex::build(disclosures, sd_alg));
  Processor processor(disclosures, index, max_depth);
  VEIL_CHECK(processor.process_top_level(issuer_signed_payload));
  // §7.1 step 5: every Disclosure must be reachable from the signed payload.
  VEIL_CHECK(processor.check_all_referenced());
  return ProcessedPayload{std::move(issuer_signed_payload), processor.take_disclosed_paths()};
}

}  // namespace veil
