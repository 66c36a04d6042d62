#include <set>

#include "veil/dcql.h"

namespace veil {

namespace {

tl::unexpected<Error> invalid(std::string message) { return fail(ErrorCode::invalid_dcql_query, std::move(message)); }

// §6.1 / §6.3: ids are non-empty strings of alphanumerics, '_' and '-'.
bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> read_id(const Json& object, const std::string& where) {
  auto it = object.find("id");
  if (it == object.end()) return invalid(where + ": id is missing");
  if (!it->is_string() || !valid_id(it->get<std::string>()))
    return invalid(where + ": id is not a non-empty string of letters, digits, '_' or '-'");
  return it->get<std::string>();
}

Result<bool> read_bool(const Json& object, const char* name, bool fallback, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end()) return fallback;
  if (!it->is_boolean()) return invalid(where + ": " + name + " is not a boolean");
  return it->get<bool>();
}

// A non-empty array of arrays of ids (claim_sets, credential set options).
Result<std::vector<std::vector<std::string>>> read_id_sets(const Json& sets, const std::string& where) {
  if (!sets.is_array() || sets.empty()) return invalid(where + " is not a non-empty array");
  std::vector<std::vector<std::string>> out;
  for (const Json& set : sets) {
    if (!set.is_array() || set.empty()) return invalid(where + " has an element that is not a non-empty array");
    std::vector<std::string> ids;
    for (const Json& id : set) {
      if (!id.is_string()) return invalid(where + " has an id that is not a string");
      ids.push_back(id.get<std::string>());
    }
    out.push_back(std::move(ids));
  }
  return out;
}

// §6.3: values are strings, integers or booleans; a float is neither.
bool valid_value(const Json& value) { return value.is_string() || value.is_number_integer() || value.is_boolean(); }

Result<DcqlClaimQuery> read_claim(const Json& claim, const std::string& where, bool id_required) {
  if (!claim.is_object()) return invalid(where + " is not an object");
  std::optional<std::string> id;
  if (claim.contains("id")) {
    VEIL_TRY(auto read, read_id(claim, where));
    id = std::move(read);
  } else if (id_required) {
    return invalid(where + ": id is missing, required when claim_sets is present");
  }
  auto path_it = claim.find("path");
  if (path_it == claim.end()) return invalid(where + ": path is missing");
  auto path = ClaimPath::from_json(*path_it);
  if (!path) return invalid(where + ": path is not a non-empty array of strings, non-negative integers and nulls");
  std::vector<Json> values;
  if (auto it = claim.find("values"); it != claim.end()) {
    if (!it->is_array() || it->empty()) return invalid(where + ": values is not a non-empty array");
    for (const Json& value : *it) {
      if (!valid_value(value)) return invalid(where + ": values has an element that is not a string, integer or boolean");
      values.push_back(value);
    }
  }
  return DcqlClaimQuery{std::move(id), std::move(*path), std::move(values)};
}

Result<DcqlCredentialQuery> read_credential(const Json& credential, std::size_t index) {
  std::string where = "credentials[" + std::to_string(index) + "]";
  if (!credential.is_object()) return invalid(where + " is not an object");
  DcqlCredentialQuery out;
  VEIL_TRY(out.id, read_id(credential, where));
  where = "credential query " + out.id;

  auto format = credential.find("format");
  if (format == credential.end() || !format->is_string() || format->get<std::string>().empty())
    return invalid(where + ": format is missing or not a non-empty string");
  out.format = format->get<std::string>();
  VEIL_TRY(out.multiple, read_bool(credential, "multiple", false, where));
  VEIL_TRY(out.require_cryptographic_holder_binding,
           read_bool(credential, "require_cryptographic_holder_binding", true, where));

  // §6.1: meta is REQUIRED; B.3.5: for dc+sd-jwt it carries the REQUIRED vct_values.
  auto meta = credential.find("meta");
  if (meta == credential.end() || !meta->is_object()) return invalid(where + ": meta is missing or not an object");
  out.meta = *meta;
  if (out.format == kDcqlFormatSdJwtVc) {
    auto vct_values = meta->find("vct_values");
    if (vct_values == meta->end() || !vct_values->is_array() || vct_values->empty())
      return invalid(where + ": meta.vct_values is missing or not a non-empty array");
    for (const Json& vct : *vct_values) {
      if (!vct.is_string()) return invalid(where + ": meta.vct_values has an element that is not a string");
      out.vct_values.push_back(vct.get<std::string>());
    }
  }

  if (auto it = credential.find("trusted_authorities"); it != credential.end()) {
    if (!it->is_array() || it->empty()) return invalid(where + ": trusted_authorities is not a non-empty array");
    for (const Json& authority : *it) {
      auto type = authority.is_object() ? authority.find("type") : authority.end();
      auto values = authority.is_object() ? authority.find("values") : authority.end();
      if (!authority.is_object() || type == authority.end() || !type->is_string() || values == authority.end() ||
          !values->is_array() || values->empty())
        return invalid(where + ": trusted_authorities has an element without a string type and non-empty values");
      for (const Json& value : *values)
        if (!value.is_string()) return invalid(where + ": trusted_authorities values are not strings");
    }
    out.trusted_authorities = *it;
  }

  bool has_claim_sets = credential.contains("claim_sets");
  if (auto it = credential.find("claims"); it != credential.end()) {
    if (!it->is_array() || it->empty()) return invalid(where + ": claims is not a non-empty array");
    std::set<std::string> claim_ids;
    for (std::size_t i = 0; i < it->size(); ++i) {
      VEIL_TRY(auto claim, read_claim((*it)[i], where + ": claims[" + std::to_string(i) + "]", has_claim_sets));
      if (claim.id && !claim_ids.insert(*claim.id).second)
        return invalid(where + ": claim id " + *claim.id + " appears more than once");
      out.claims.push_back(std::move(claim));
    }
  }
  if (has_claim_sets) {
    // §6.1: claim_sets MUST NOT be present without claims; each entry names ids of elements in claims.
    if (out.claims.empty()) return invalid(where + ": claim_sets is present without claims");
    VEIL_TRY(out.claim_sets, read_id_sets(credential["claim_sets"], where + ": claim_sets"));
    for (const auto& set : out.claim_sets)
      for (const std::string& claim_id : set)
        if (out.find_claim(claim_id) == nullptr)
          return invalid(where + ": claim_sets names an unknown claim id");
  }
  return out;
}

Json claim_to_json(const DcqlClaimQuery& claim) {
  Json out = Json::object();
  if (claim.id) out["id"] = *claim.id;
  out["path"] = claim.path.to_json();
  if (!claim.values.empty()) out["values"] = claim.values;
  return out;
}

}  // namespace

const DcqlClaimQuery* DcqlCredentialQuery::find_claim(std::string_view claim_id) const {
  for (const DcqlClaimQuery& claim : claims)
    if (claim.id && *claim.id == claim_id) return &claim;
  return nullptr;
}

Result<DcqlQuery> DcqlQuery::from_json(const Json& query) {
  if (!query.is_object()) return invalid("dcql_query is not an object");
  auto credentials = query.find("credentials");
  if (credentials == query.end() || !credentials->is_array() || credentials->empty())
    return invalid("credentials is missing or not a non-empty array");
  DcqlQuery out;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < credentials->size(); ++i) {
    VEIL_TRY(auto credential, read_credential((*credentials)[i], i));
    if (!ids.insert(credential.id).second)
      return invalid("credential query id " + credential.id + " appears more than once");
    out.credentials_.push_back(std::move(credential));
  }
  if (auto sets = query.find("credential_sets"); sets != query.end()) {
    if (!sets->is_array() || sets->empty()) return invalid("credential_sets is not a non-empty array");
    for (std::size_t i = 0; i < sets->size(); ++i) {
      std::string where = "credential_sets[" + std::to_string(i) + "]";
      const Json& set = (*sets)[i];
      if (!set.is_object()) return invalid(where + " is not an object");
      auto options = set.find("options");
      if (options == set.end()) return invalid(where + ": options is missing");
      DcqlCredentialSetQuery parsed;
      VEIL_TRY(parsed.options, read_id_sets(*options, where + ": options"));
      VEIL_TRY(parsed.required, read_bool(set, "required", true, where));
      for (const auto& option : parsed.options)
        for (const std::string& id : option)
          if (ids.count(id) == 0) return invalid(where + ": options names an unknown credential query id");
      out.credential_sets_.push_back(std::move(parsed));
    }
  }
  return out;
}

Result<DcqlQuery> DcqlQuery::parse(std::string_view text) {
  VEIL_TRY(auto json, parse_json(text));
  return from_json(json);
}

const DcqlCredentialQuery* DcqlQuery::find_credential(std::string_view id) const {
  for (const DcqlCredentialQuery& credential : credentials_)
    if (credential.id == id) return &credential;
  return nullptr;
}

Json DcqlQuery::to_json() const {
  Json credentials = Json::array();
  for (const DcqlCredentialQuery& credential : credentials_) {
    Json out = {{"id", credential.id}, {"format", credential.format}, {"meta", credential.meta}};
    if (credential.multiple) out["multiple"] = true;
    if (!credential.require_cryptographic_holder_binding) out["require_cryptographic_holder_binding"] = false;
    if (credential.trusted_authorities) out["trusted_authorities"] = *credential.trusted_authorities;
    if (!credential.claims.empty()) {
      out["claims"] = Json::array();
      for (const DcqlClaimQuery& claim : credential.claims) out["claims"].push_back(claim_to_json(claim));
    }
    if (!credential.claim_sets.empty()) out["claim_sets"] = credential.claim_sets;
    credentials.push_back(std::move(out));
  }
  Json out = {{"credentials", std::move(credentials)}};
  if (!credential_sets_.empty()) {
    out["credential_sets"] = Json::array();
    for (const DcqlCredentialSetQuery& set : credential_sets_) {
      Json entry = {{"options", set.options}};
      if (!set.required) entry["required"] = false;
      out["credential_sets"].push_back(std::move(entry));
    }
  }
  return out;
}

}  // namespace veil
