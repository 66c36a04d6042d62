#include "wallet/credential_offer.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace veil::wallet {

namespace {

constexpr std::size_t kMaxTxCodeDescriptionChars = 300;  // §4.1.1 tx_code.description

tl::unexpected<Error> bad_offer(std::string message) {
  return fail(ErrorCode::invalid_credential_offer, std::move(message));
}

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Result<TxCodeRequirement> parse_tx_code(const Json& tx_code) {
  if (!tx_code.is_object()) return bad_offer("tx_code is not a JSON object");
  TxCodeRequirement requirement;
  if (tx_code.contains("input_mode")) {
    const auto& mode = tx_code.at("input_mode");
    if (!mode.is_string() || (mode != "numeric" && mode != "text")) {
      return bad_offer("tx_code input_mode must be \"numeric\" or \"text\"");
    }
    requirement.input_mode = mode.get<std::string>();
  }
  if (tx_code.contains("length")) {
    const auto& length = tx_code.at("length");
    if (!length.is_number_unsigned() || length.get<std::uint64_t>() == 0) {
      return bad_offer("tx_code length must be a positive integer");
    }
    requirement.length = length.get<std::size_t>();
  }
  if (tx_code.contains("description")) {
    const auto& description = tx_code.at("description");
    if (!description.is_string()) return bad_offer("tx_code description must be a string");
    if (utf8_length(description.get_ref<const std::string&>()) > kMaxTxCodeDescriptionChars) {
      return bad_offer("tx_code description is longer than 300 characters");
    }
    requirement.description = description.get<std::string>();
  }
  return requirement;
}

Result<std::optional<std::string>> optional_string(const Json& object, const char* name, std::string_view where) {
  if (!object.contains(name)) return std::optional<std::string>();
  const auto& value = object.at(name);
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return bad_offer(std::string(where) + " " + name + " must be a non-empty string");
  }
  return std::optional<std::string>(value.get<std::string>());
}

Result<PreAuthorizedCodeGrant> parse_pre_authorized_grant(const Json& grant) {
  if (!grant.is_object()) return bad_offer("the pre-authorized_code grant is not a JSON object");
  PreAuthorizedCodeGrant parsed;
  const auto code = grant.find("pre-authorized_code");
  if (code == grant.end() || !code->is_string() || code->get_ref<const std::string&>().empty()) {
    return bad_offer("the pre-authorized_code grant has no pre-authorized_code string");
  }
  parsed.pre_authorized_code = code->get<std::string>();
  if (grant.contains("tx_code")) {
    VEIL_TRY(parsed.tx_code, parse_tx_code(grant.at("tx_code")));
  }
  VEIL_TRY(parsed.authorization_server, optional_string(grant, "authorization_server", "the pre-authorized_code grant"));
  return parsed;
}

Status check_authorization_code_grant(const Json& grant) {
  if (!grant.is_object()) return bad_offer("the authorization_code grant is not a JSON object");
  VEIL_TRY(const auto issuer_state, optional_string(grant, "issuer_state", "the authorization_code grant"));
  VEIL_TRY(const auto server, optional_string(grant, "authorization_server", "the authorization_code grant"));
  return {};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one query component: %XX and '+' for space (WHATWG URL).
Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      const bool complete = i + 2 < text.size();
      const int high = complete ? hex_value(text[i + 1]) : -1;
      const int low = complete ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return bad_offer("the link has a malformed percent escape");
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

Json TxCodeRequirement::to_json() const {
  Json json = {{"input_mode", input_mode}};
  if (length) json["length"] = *length;
  if (description) json["description"] = *description;
  return json;
}

Result<CredentialOffer> CredentialOffer::parse(const Json& offer, const platform::FetchPolicy& policy) {
  if (!offer.is_object()) return bad_offer("the credential offer is not a JSON object");
  CredentialOffer parsed;

  const auto issuer = offer.find("credential_issuer");
  if (issuer == offer.end() || !issuer->is_string()) return bad_offer("credential_issuer must be a string");
  const auto& issuer_text = issuer->get_ref<const std::string&>();
  auto issuer_url = platform::parse_fetch_url(issuer_text, policy);
  if (!issuer_url) return bad_offer("credential_issuer is not an allowed https URL: " + issuer_url.error().message);
  // §12.2.1: the Credential Issuer Identifier has no query and no fragment (parse_fetch_url refuses fragments).
  if (issuer_url->target.find('?') != std::string::npos) return bad_offer("credential_issuer has a query component");
  parsed.credential_issuer_ = issuer_text;

  const auto ids = offer.find("credential_configuration_ids");
  if (ids == offer.end() || !ids->is_array() || ids->empty()) {
    return bad_offer("credential_configuration_ids must be a non-empty array");
  }
  std::set<std::string> seen;
  for (const auto& id : *ids) {
    if (!id.is_string() || id.get_ref<const std::string&>().empty()) {
      return bad_offer("credential_configuration_ids must hold non-empty strings");
    }
    if (!seen.insert(id.get<std::string>()).second) {
      return bad_offer("credential_configuration_ids names a configuration twice");
    }
    parsed.credential_configuration_ids_.push_back(id.get<std::string>());
  }

  if (offer.contains("grants")) {
    const auto& grants = offer.at("grants");
    if (!grants.is_object()) return bad_offer("grants is not a JSON object");
    if (grants.contains(kPreAuthorizedCodeGrantType)) {
      VEIL_TRY(parsed.pre_authorized_, parse_pre_authorized_grant(grants.at(kPreAuthorizedCodeGrantType)));
    }
    if (grants.contains(kAuthorizationCodeGrantType)) {
      VEIL_CHECK(check_authorization_code_grant(grants.at(kAuthorizationCodeGrantType)));
      parsed.has_authorization_code_ = true;
    }
  }
  parsed.json_ = offer;
  return parsed;
}

Result<CredentialOfferLink> parse_credential_offer_link(std::string_view link, const platform::FetchPolicy& policy) {
  if (link.size() > kMaxCredentialOfferLinkBytes) return bad_offer("the credential offer link is too long");
  if (!starts_with_ignoring_case(link, kCredentialOfferLinkScheme)) {
    return bad_offer("the link is not an openid-credential-offer:// link");
  }
  const auto query_start = link.find('?');
  if (query_start == std::string_view::npos) return bad_offer("the credential offer link has no query");
  std::string_view query = link.substr(query_start + 1);
  if (const auto fragment = query.find('#'); fragment != std::string_view::npos) query = query.substr(0, fragment);

  std::optional<std::string> offer_text;
  std::optional<std::string> offer_uri;
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    VEIL_TRY(const auto name, percent_decode(pair.substr(0, equals)));
    std::optional<std::string>* target = name == "credential_offer"       ? &offer_text
                                         : name == "credential_offer_uri" ? &offer_uri
                                                                          : nullptr;
    if (target == nullptr) continue;  // other parameters are not ours to judge
    if (target->has_value()) return bad_offer("the link gives " + name + " twice");
    VEIL_TRY(auto value, percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1)));
    *target = std::move(value);
  }
  // §4.1: the link carries exactly one of the two parameters.
  if (offer_text.has_value() == offer_uri.has_value()) {
    return bad_offer("the link must carry exactly one of credential_offer and credential_offer_uri");
  }
  CredentialOfferLink parsed;
  if (offer_text) {
    auto json = parse_json_object(*offer_text, ErrorCode::invalid_credential_offer);
    if (!json) return bad_offer("credential_offer is not a JSON object: " + json.error().message);
    parsed.credential_offer = std::move(*json);
  } else {
    auto url = platform::parse_fetch_url(*offer_uri, policy);
    if (!url) return bad_offer("credential_offer_uri is not an allowed https URL: " + url.error().message);
    parsed.credential_offer_uri = std::move(*offer_uri);
  }
  return parsed;
}

Result<CredentialOffer> read_credential_offer(std::string_view link, const platform::HttpClient& client) {
  VEIL_TRY(auto parsed, parse_credential_offer_link(link, client.policy()));
  if (parsed.credential_offer) return CredentialOffer::parse(*parsed.credential_offer, client.policy());
  // §4.1.3: the offer by reference is fetched with GET and answered as application/json.
  VEIL_TRY(const auto response, client.get(*parsed.credential_offer_uri, "application/json"));
  VEIL_CHECK(platform::expect_status(response, 200, "credential offer"));
  if (platform::media_type_of(response.content_type) != "application/json") {
    return bad_offer("the credential offer at credential_offer_uri is not application/json");
  }
  auto offer = platform::json_object_body(response);
  if (!offer) return bad_offer("the credential offer at credential_offer_uri is not a JSON object: " + offer.error().message);
  return CredentialOffer::parse(*offer, client.policy());
}

}  // namespace veil::wallet
