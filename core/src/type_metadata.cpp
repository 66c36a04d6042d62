#include "veil/type_metadata.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "veil/sd_jwt_vc.h"

namespace veil {

namespace {

using ConcretePath = std::vector<ClaimPathElement>;

tl::unexpected<Error> bad(std::string message) {
  return fail(ErrorCode::invalid_type_metadata, std::move(message));
}

Status optional_string(const Json& document, const char* member, std::optional<std::string>& out) {
  if (!document.contains(member)) return {};
  if (!document[member].is_string()) return bad(std::string("type metadata \"") + member + "\" is not a string");
  out = document[member].get<std::string>();
  return {};
}

// Drafts up to -08 named the language tag "lang"; later ones "locale" (Display Metadata section).
Result<std::string> locale_of(const Json& entry, const std::string& where) {
  for (const char* member : {"locale", "lang"}) {
    if (!entry.contains(member)) continue;
    if (!entry[member].is_string() || entry[member].get<std::string>().empty())
      return bad(where + " \"" + member + "\" is not a non-empty string");
    return entry[member].get<std::string>();
  }
  return bad(where + " has no \"locale\"");
}

Result<std::string> required_string(const Json& entry, const char* member, const std::string& where) {
  if (!entry.contains(member) || !entry[member].is_string())
    return bad(where + " has no string \"" + member + "\"");
  return entry[member].get<std::string>();
}

bool is_svg_id(const std::string& id) {
  if (id.empty() || (id[0] >= '0' && id[0] <= '9')) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<TypeDisplay> parse_type_display(const Json& entry) {
  if (!entry.is_object()) return bad("type metadata display entry is not an object");
  TypeDisplay display;
  VEIL_TRY(display.locale, locale_of(entry, "type metadata display entry"));
  VEIL_TRY(display.name, required_string(entry, "name", "type metadata display entry"));
  VEIL_CHECK(optional_string(entry, "description", display.description));
  if (entry.contains("rendering")) {
    if (!entry["rendering"].is_object()) return bad("type metadata display \"rendering\" is not an object");
    display.rendering = entry["rendering"];
  }
  return display;
}

Result<ClaimMetadata> parse_claim(const Json& entry) {
  if (!entry.is_object()) return bad("type metadata claims entry is not an object");
  if (!entry.contains("path")) return bad("type metadata claims entry has no \"path\"");
  auto path = ClaimPath::from_json(entry["path"]);
  if (!path) return bad("type metadata claim path is not a non-empty array of strings, indices and nulls");
  ClaimMetadata claim{std::move(*path), {}, SdRule::allowed, false, std::nullopt};
  const std::string where = "type metadata claim " + claim.path.to_dotted();
  if (entry.contains("display")) {
    if (!entry["display"].is_array()) return bad(where + " \"display\" is not an array");
    for (const Json& item : entry["display"]) {
      if (!item.is_object()) return bad(where + " display entry is not an object");
      ClaimDisplay display;
      VEIL_TRY(display.locale, locale_of(item, where + " display entry"));
      VEIL_TRY(display.label, required_string(item, "label", where + " display entry"));
      VEIL_CHECK(optional_string(item, "description", display.description));
      claim.display.push_back(std::move(display));
    }
  }
  if (entry.contains("sd")) {
    const Json& sd = entry["sd"];
    if (sd == "always") claim.sd = SdRule::always;
    else if (sd == "allowed") claim.sd = SdRule::allowed;
    else if (sd == "never") claim.sd = SdRule::never;
    else return bad(where + " \"sd\" is not always, allowed or never");
  }
  if (entry.contains("mandatory")) {
    if (!entry["mandatory"].is_boolean()) return bad(where + " \"mandatory\" is not a boolean");
    claim.mandatory = entry["mandatory"].get<bool>();
  }
  if (entry.contains("svg_id")) {
    if (!entry["svg_id"].is_string() || !is_svg_id(entry["svg_id"].get<std::string>()))
      return bad(where + " \"svg_id\" is not letters, digits and underscores starting with no digit");
    claim.svg_id = entry["svg_id"].get<std::string>();
  }
  // SD-JWT VC forbids these as Disclosures; a type that demands it cannot be issued.
  const auto* top = std::get_if<std::string>(&claim.path.elements().front());
  if (claim.path.elements().size() == 1 && top != nullptr && is_never_disclosable(*top) && claim.sd == SdRule::always)
    return bad(where + " can never be selectively disclosable but is marked sd always");
  return claim;
}

// Claim path processing (draft "Claim Path"), leniently: elements of the wrong kind or missing members drop out
// of the selection instead of aborting, since an issuer's claim set may leave optional claims out.
void select(const Json& node, const std::vector<ClaimPathElement>& path, std::size_t index, ConcretePath& prefix,
            std::vector<ConcretePath>& out) {
  if (index == path.size()) {
    out.push_back(prefix);
    return;
  }
  const ClaimPathElement& element = path[index];
  if (const auto* name = std::get_if<std::string>(&element)) {
    if (!node.is_object() || !node.contains(*name)) return;
    prefix.emplace_back(*name);
    select(node[*name], path, index + 1, prefix, out);
    prefix.pop_back();
    return;
  }
  if (!node.is_array()) return;
  auto visit = [&](std::size_t i) {
    prefix.emplace_back(i);
    select(node[i], path, index + 1, prefix, out);
    prefix.pop_back();
  };
  if (const auto* position = std::get_if<std::size_t>(&element)) {
    if (*position < node.size()) visit(*position);
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) visit(i);
}

std::string key_of(const ConcretePath& path) { return ClaimPath(path).to_json().dump(); }

Json frame_for(const Json& value, ConcretePath& prefix, const std::map<std::string, SdRule>& rules) {
  Json frame = Json::object();
  Json sd = Json::array();
  auto member = [&](ClaimPathElement element, const Json& child, const std::string& frame_key, bool top_forbidden) {
    prefix.push_back(std::move(element));
    auto rule = rules.find(key_of(prefix));
    bool disclosable = !top_forbidden && (rule == rules.end() || rule->second != SdRule::never);
    if (disclosable) {
      if (const auto* name = std::get_if<std::string>(&prefix.back())) sd.push_back(*name);
      else sd.push_back(std::get<std::size_t>(prefix.back()));
    }
    // The insides of a claim SD-JWT VC reserves (cnf, status) are not ours to frame.
    if (child.is_structured() && !top_forbidden) frame[frame_key] = frame_for(child, prefix, rules);
    prefix.pop_back();
  };
  if (value.is_object()) {
    for (const auto& [name, child] : value.items())
      member(name, child, name, prefix.empty() && is_never_disclosable(name));
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) member(i, value[i], std::to_string(i), false);
  }
  frame["_sd"] = std::move(sd);
  return frame;
}

}  // namespace

Result<TypeMetadata> TypeMetadata::parse(const Json& document) {
  if (!document.is_object()) return bad("type metadata is not a JSON object");
  TypeMetadata metadata;
  if (!document.contains("vct") || !document["vct"].is_string() || document["vct"].get<std::string>().empty())
    return bad("type metadata has no non-empty string \"vct\"");
  metadata.vct_ = document["vct"].get<std::string>();
  VEIL_CHECK(optional_string(document, "name", metadata.name_));
  VEIL_CHECK(optional_string(document, "description", metadata.description_));
  VEIL_CHECK(optional_string(document, "extends", metadata.extends_));
  VEIL_CHECK(optional_string(document, "extends#integrity", metadata.extends_integrity_));
  VEIL_CHECK(optional_string(document, "schema_uri", metadata.schema_uri_));
  VEIL_CHECK(optional_string(document, "schema_uri#integrity", metadata.schema_uri_integrity_));
  if (document.contains("schema")) {
    // Drafts that carried schemas said schema and schema_uri MUST NOT both be present.
    if (metadata.schema_uri_) return bad("type metadata has both \"schema\" and \"schema_uri\"");
    if (!document["schema"].is_object() && !document["schema"].is_boolean())
      return bad("type metadata \"schema\" is not a JSON Schema");
    metadata.schema_ = document["schema"];
  }
  if (document.contains("display")) {
    if (!document["display"].is_array()) return bad("type metadata \"display\" is not an array");
    for (const Json& entry : document["display"]) {
      VEIL_TRY(TypeDisplay display, parse_type_display(entry));
      metadata.display_.push_back(std::move(display));
    }
  }
  if (document.contains("claims")) {
    if (!document["claims"].is_array()) return bad("type metadata \"claims\" is not an array");
    std::set<std::string> paths, svg_ids;
    for (const Json& entry : document["claims"]) {
      VEIL_TRY(ClaimMetadata claim, parse_claim(entry));
      if (!paths.insert(claim.path.to_json().dump()).second)
        return bad("type metadata claim " + claim.path.to_dotted() + " appears twice");
      if (claim.svg_id && !svg_ids.insert(*claim.svg_id).second)
        return bad("type metadata svg_id " + *claim.svg_id + " appears twice");
      metadata.claims_.push_back(std::move(claim));
    }
  }
  metadata.document_ = document;
  return metadata;
}

const ClaimMetadata* TypeMetadata::find_claim(const ClaimPath& path) const {
  for (const ClaimMetadata& claim : claims_)
    if (claim.path == path) return &claim;
  return nullptr;
}

Result<DisclosureFrame> TypeMetadata::disclosure_frame(const Json& claims) const {
  if (!claims.is_object()) return fail(ErrorCode::invalid_claims, "claims are not a JSON object");
  std::map<std::string, SdRule> rules;
  for (const ClaimMetadata& claim : claims_) {
    if (claim.sd == SdRule::allowed) continue;  // Veil's default already makes it disclosable
    std::vector<ConcretePath> selected;
    ConcretePath prefix;
    select(claims, claim.path.elements(), 0, prefix, selected);
    for (const ConcretePath& path : selected) {
      auto [it, inserted] = rules.emplace(key_of(path), claim.sd);
      if (!inserted && it->second != claim.sd)
        return fail(ErrorCode::invalid_type_metadata,
                    "claim " + ClaimPath(path).to_dotted() + " is selected as both sd always and sd never");
    }
  }
  ConcretePath prefix;
  return DisclosureFrame::parse(frame_for(claims, prefix, rules));
}

Status TypeMetadata::check_mandatory(const Json& claims) const {
  for (const ClaimMetadata& claim : claims_) {
    if (!claim.mandatory) continue;
    std::vector<ConcretePath> selected;
    ConcretePath prefix;
    select(claims, claim.path.elements(), 0, prefix, selected);
    if (selected.empty())
      return fail(ErrorCode::missing_mandatory_claim, "mandatory claim " + claim.path.to_dotted() + " is missing");
  }
  return {};
}

}  // namespace veil
