#include "veil/presentation.h"

#include <map>
#include <set>

#include "veil/jws.h"
#include "veil/key_binding_jwt.h"

namespace veil {

namespace {

constexpr int kMaxDepth = 64;

// The holder trusts its own credential (§7.2) and only reads the payload; the verifier checks the signature.
Result<Json> issuer_payload(const SdJwt& sd_jwt) {
  VEIL_TRY(UnverifiedJws jws, UnverifiedJws::parse_compact(sd_jwt.issuer_jwt()));
  return jws.unverified_payload();
}

Result<HashAlg> sd_alg_of(const Json& payload) {
  auto alg = payload.find("_sd_alg");
  if (alg == payload.end()) return HashAlg::sha_256;  // §4.1.1 default
  if (!alg->is_string()) return fail(ErrorCode::unsupported_sd_alg, "_sd_alg is not a string");
  return parse_hash_alg(alg->get<std::string>());
}

// One child of an object or array as the holder sees it: its value and, when disclosable, its disclosure.
struct Child {
  const Json* value;
  std::optional<std::size_t> disclosure;
};

using Members = std::vector<std::pair<std::string, Child>>;

class Selector {
 public:
  Selector(const SdJwt& issued, HashAlg alg) : issued_(issued) {
    const auto& disclosures = issued.disclosures();
    for (std::size_t i = 0; i < disclosures.size(); ++i) by_digest_.emplace(disclosures[i].digest(alg), i);
  }

  // select walks |path| from |position| down |node|, taking each Disclosure on the way, and at the end takes
  // everything beneath the claim when |with_descendants|.
  Status select(const Json& node, const ClaimPath& path, bool with_descendants, std::size_t position, int depth) {
    if (depth > kMaxDepth) return fail(ErrorCode::nesting_too_deep, "credential nested too deeply");
    const auto& elements = path.elements();
    if (position == elements.size()) return with_descendants ? select_all(node, depth) : Status{};
    const ClaimPathElement& element = elements[position];
    const auto* index = std::get_if<std::size_t>(&element);
    if (const auto* name = std::get_if<std::string>(&element); name || (index && node.is_object())) {
      // A numeric segment on an object names the member spelled that way ("age_equal_or_over.18").
      const std::string wanted = name ? *name : std::to_string(*index);
      if (!node.is_object()) return unknown(path);
      VEIL_TRY(Members members, object_members(node));
      for (auto& [member_name, child] : members)
        if (member_name == wanted) return enter(child, path, with_descendants, position, depth);
      return unknown(path);
    }
    if (!node.is_array()) return unknown(path);
    VEIL_TRY(std::vector<Child> children, array_elements(node));
    if (index) {
      if (*index >= children.size()) return unknown(path);
      return enter(children[*index], path, with_descendants, position, depth);
    }
    for (Child& child : children) VEIL_CHECK(enter(child, path, with_descendants, position, depth));
    return {};
  }

  SdJwt result() const {
    std::vector<Disclosure> chosen;
    for (std::size_t i : selected_) chosen.push_back(issued_.disclosures()[i]);
    return issued_.with_disclosures(std::move(chosen));
  }

 private:
  Status enter(const Child& child, const ClaimPath& path, bool with_descendants, std::size_t position, int depth) {
    if (child.disclosure) selected_.insert(*child.disclosure);
    return select(*child.value, path, with_descendants, position + 1, depth + 1);
  }

  // Everything beneath |node|: each nested disclosure and what it contains in turn.
  Status select_all(const Json& node, int depth) {
    if (depth > kMaxDepth) return fail(ErrorCode::nesting_too_deep, "credential nested too deeply");
    std::vector<Child> children;
    if (node.is_object()) {
      VEIL_TRY(auto members, object_members(node));
      for (auto& member : members) children.push_back(member.second);
    } else if (node.is_array()) {
      VEIL_TRY(children, array_elements(node));
    }
    for (const Child& child : children) {
      if (child.disclosure) selected_.insert(*child.disclosure);
      VEIL_CHECK(select_all(*child.value, depth + 1));
    }
    return {};
  }

  // §7.1 step 3.2 as the holder reads it: plain members plus the members behind known _sd digests. Digests
  // without a disclosure are decoys.
  Result<Members> object_members(const Json& object) const {
    Members members;
    for (const auto& [key, value] : object.items()) {
      if (key == "_sd" || key == "_sd_alg") continue;
      members.push_back({key, Child{&value, std::nullopt}});
    }
    if (auto sd = object.find("_sd"); sd != object.end()) {
      if (!sd->is_array()) return fail(ErrorCode::invalid_sd_digests, "_sd is not an array");
      for (const Json& digest : *sd) {
        if (!digest.is_string()) return fail(ErrorCode::invalid_sd_digests, "_sd holds a non-string");
        auto found = by_digest_.find(digest.get<std::string>());
        if (found == by_digest_.end()) continue;
        const Disclosure& disclosure = issued_.disclosures()[found->second];
        if (disclosure.is_array_element()) continue;
        members.push_back({*disclosure.claim_name(), Child{&disclosure.value(), found->second}});
      }
    }
    return members;
  }

  // §4.2.4.2: {"...": digest} stands for a disclosable element; decoy elements are left out of the indexing.
  Result<std::vector<Child>> array_elements(const Json& array) const {
    std::vector<Child> children;
    for (const Json& element : array) {
      bool is_digest = element.is_object() && element.size() == 1 && element.contains("...");
      if (!is_digest) {
        children.push_back(Child{&element, std::nullopt});
        continue;
      }
      const Json& digest = element["..."];
      if (!digest.is_string()) return fail(ErrorCode::invalid_sd_digests, "array digest is not a string");
      auto found = by_digest_.find(digest.get<std::string>());
      if (found == by_digest_.end()) continue;
      const Disclosure& disclosure = issued_.disclosures()[found->second];
      if (!disclosure.is_array_element()) continue;
      children.push_back(Child{&disclosure.value(), found->second});
    }
    return children;
  }

  static Status unknown(const ClaimPath& path) {
    return fail(ErrorCode::unknown_claim_path, "the credential has no claim at " + path.to_dotted());
  }

  const SdJwt& issued_;
  std::map<std::string, std::size_t> by_digest_;
  std::set<std::size_t> selected_;
};

// select_with is the body of both overloads; |select_all_of(selector, payload)| feeds every selection of the call
// to |selector|. The ClaimPath overload thus needs no copy of its paths into ClaimSelections (present hot path).
template <class SelectAll>
Result<SdJwt> select_with(const SdJwt& issued, SelectAll&& select_all_of) {
  // §7.2: what the holder receives from the issuer never carries a KB-JWT (ATTACKS.md S14).
  if (issued.kb_jwt()) return fail(ErrorCode::unexpected_key_binding, "the issued sd-jwt already has a kb-jwt");
  VEIL_TRY(Json payload, issuer_payload(issued));
  VEIL_TRY(HashAlg alg, sd_alg_of(payload));
  Selector selector(issued, alg);
  VEIL_CHECK(select_all_of(selector, payload));
  return selector.result();
}

}  // namespace

Result<SdJwt> select_disclosures(const SdJwt& issued, std::span<const ClaimPath> paths) {
  return select_with(issued, [paths](Selector& selector, const Json& payload) -> Status {
    for (const ClaimPath& path : paths) VEIL_CHECK(selector.select(payload, path, true, 0, 0));
    return {};
  });
}

Result<SdJwt> select_disclosures(const SdJwt& issued, std::span<const ClaimSelection> selections) {
  return select_with(issued, [selections](Selector& selector, const Json& payload) -> Status {
    for (const ClaimSelection& selection : selections)
      VEIL_CHECK(selector.select(payload, selection.path, selection.with_descendants, 0, 0));
    return {};
  });
}

Result<SdJwt> add_key_binding(const SdJwt& presentation, const KeyBindingRequest& request, const Signer& holder) {
  if (presentation.kb_jwt()) return fail(ErrorCode::unexpected_key_binding, "the presentation already has a kb-jwt");
  VEIL_TRY(Json payload, issuer_payload(presentation));
  VEIL_TRY(HashAlg alg, sd_alg_of(payload));
  KeyBindingClaims claims;
  claims.aud = request.aud;
  claims.nonce = request.nonce;
  claims.iat = request.iat;
  // §4.3.1: sd_hash uses the credential's _sd_alg over "<JWT>~<D1>~...~<Dn>~".
  claims.sd_hash = hash_base64url(alg, presentation.sd_hash_input());
  VEIL_TRY(std::string kb_jwt, sign_key_binding_jwt(claims, holder));
  return presentation.with_key_binding(std::move(kb_jwt));
}

}  // namespace veil
