#include "wallet/authorization_request.h"

#include <algorithm>
#include <cctype>

#include "veil/jws.h"
#include "veil/signature_verifier.h"
#include "veil/x509_certificate.h"

namespace veil::wallet {

namespace {

constexpr std::string_view kRequestObjectTyp = "oauth-authz-req+jwt";
constexpr std::string_view kRequestObjectMediaType = "application/oauth-authz-req+jwt";
constexpr std::size_t kMaxLinkBytes = 256 * 1024;
constexpr std::size_t kMaxNonceOrStateBytes = 4096;
constexpr std::size_t kMaxX5cEntries = 10;

tl::unexpected<Error> invalid_request(std::string message) {
  return fail(ErrorCode::invalid_authorization_request, std::move(message));
}

tl::unexpected<Error> invalid_object(std::string message) {
  return fail(ErrorCode::invalid_request_object, "request object: " + std::move(message));
}

tl::unexpected<Error> invalid_object(const Error& cause) {
  return invalid_object(std::string(error_code_name(cause.code)) + ": " + cause.message);
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// application/x-www-form-urlencoded decoding (URL Standard §5.1): '+' is a space, %XX a byte. A malformed escape
// is refused instead of passed through, so one link has one meaning.
Result<std::string> percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return invalid_request("link has a truncated percent-escape");
      int high = hex(text[i + 1]);
      int low = hex(text[i + 2]);
      if (high < 0 || low < 0) return invalid_request("link has an invalid percent-escape");
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct SplitClientId {
  std::string prefix;  // without ':'; empty when there is no ':'
  std::string value;
};

SplitClientId split_client_id(std::string_view client_id) {
  // §5.9.1: the prefix is the text before the first ':'.
  auto colon = client_id.find(':');
  if (colon == std::string_view::npos) return {"", std::string(client_id)};
  return {std::string(client_id.substr(0, colon)), std::string(client_id.substr(colon + 1))};
}

Result<ClientIdPrefix> supported_prefix(const SplitClientId& split) {
  if (split.prefix.empty())
    return fail(ErrorCode::unsupported_client_id_prefix,
                "client_id has no Client Identifier Prefix; Veil knows no pre-registered verifiers");
  if (split.prefix == "x509_hash") return ClientIdPrefix::x509_hash;
  if (split.prefix == "x509_san_dns") return ClientIdPrefix::x509_san_dns;
  if (split.prefix == "redirect_uri") return ClientIdPrefix::redirect_uri;
  return fail(ErrorCode::unsupported_client_id_prefix,
              "client_id prefix " + split.prefix + ": is not supported (x509_hash, x509_san_dns, redirect_uri)");
}

// A member that, when present, must be a string.
Result<std::optional<std::string>> optional_string(const Json& parameters, const char* name) {
  auto it = parameters.find(name);
  if (it == parameters.end()) return std::optional<std::string>();
  if (!it->is_string()) return invalid_request(std::string(name) + " is not a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> required_string(const Json& parameters, const char* name) {
  VEIL_TRY(auto value, optional_string(parameters, name));
  if (!value || value->empty()) return invalid_request(std::string(name) + " is missing");
  return std::move(*value);
}

Status check_time_claims(const Json& payload, std::int64_t now, std::int64_t skew) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    auto it = payload.find(name);
    if (it == payload.end()) continue;
    if (!it->is_number()) return invalid_object(std::string(name) + " is not a number");
    double value = it->get<double>();
    if (std::string_view(name) == "exp" && value <= static_cast<double>(now - skew))
      return invalid_object("it has expired (exp)");
    if (std::string_view(name) == "nbf" && value > static_cast<double>(now + skew))
      return invalid_object("it is not yet valid (nbf)");
    if (std::string_view(name) == "iat" && value > static_cast<double>(now + skew))
      return invalid_object("it was issued in the future (iat)");
  }
  return {};
}

}  // namespace

std::string_view client_id_prefix_name(ClientIdPrefix prefix) {
  switch (prefix) {
    case ClientIdPrefix::x509_hash: return "x509_hash";
    case ClientIdPrefix::x509_san_dns: return "x509_san_dns";
    case ClientIdPrefix::redirect_uri: return "redirect_uri";
  }
  return "unknown";
}

Json AuthorizationRequest::to_json() const {
  Json out{{"client_id", client_id},
           {"client_id_prefix", client_id_prefix_name(client_id_prefix)},
           {"verifier_name", verifier_name},
           {"response_uri", response_uri},
           {"signed", signed_request},
           {"dcql_query", dcql_query.to_json()}};
  if (request_uri) out["request_uri"] = *request_uri;
  return out;
}

const std::string* AuthorizationRequestLink::find(std::string_view name) const {
  for (const auto& [key, value] : parameters)
    if (key == name) return &value;
  return nullptr;
}

Result<AuthorizationRequestLink> parse_authorization_request_link(std::string_view link) {
  if (link.size() > kMaxLinkBytes) return invalid_request("link is too long");
  std::string_view query;
  if (!link.empty() && link.front() == '?') {
    query = link.substr(1);
  } else {
    constexpr std::string_view kScheme = "openid4vp:";
    if (link.size() < kScheme.size() || lowercase(link.substr(0, kScheme.size())) != kScheme)
      return invalid_request("link is not an openid4vp: link");
    auto mark = link.find('?');
    if (mark == std::string_view::npos) return invalid_request("link has no query parameters");
    query = link.substr(mark + 1);
  }
  if (query.find('#') != std::string_view::npos) return invalid_request("link has a fragment");
  if (query.empty()) return invalid_request("link has no query parameters");

  AuthorizationRequestLink out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    auto equals = pair.find('=');
    if (pair.empty() || equals == std::string_view::npos || equals == 0)
      return invalid_request("link has a query parameter without a name or '='");
    VEIL_TRY(std::string name, percent_decode(pair.substr(0, equals)));
    VEIL_TRY(std::string value, percent_decode(pair.substr(equals + 1)));
    // A parameter given twice has no one meaning; guessing which one counts is how mix-ups start.
    if (out.find(name) != nullptr) return invalid_request("link repeats the parameter " + name);
    out.parameters.emplace_back(std::move(name), std::move(value));
    start = end + 1;
  }
  return out;
}

Result<AuthorizationRequest> check_request_parameters(const Json& parameters, std::string client_id,
                                                      ClientIdPrefix prefix, std::string client_id_value,
                                                      const AuthorizationRequestPolicy& policy) {
  if (!parameters.is_object()) return invalid_request("request parameters are not a JSON object");

  VEIL_TRY(auto response_type, optional_string(parameters, "response_type"));
  if (!response_type) return invalid_request("response_type is missing");
  if (*response_type != "vp_token")
    return invalid_request("response_type " + *response_type + " is not supported (only vp_token)");

  VEIL_TRY(auto response_mode, optional_string(parameters, "response_mode"));
  if (!response_mode) return invalid_request("response_mode is missing (Veil answers only with direct_post)");
  if (*response_mode == "direct_post.jwt")
    return invalid_request("response_mode direct_post.jwt (encrypted response) is not supported; use direct_post");
  if (*response_mode != "direct_post")
    return invalid_request("response_mode " + *response_mode + " is not supported (only direct_post)");

  // §8.2: with direct_post the response goes to response_uri and redirect_uri must not be present (P7).
  if (parameters.contains("redirect_uri"))
    return invalid_request("redirect_uri must not be present with response_mode direct_post (OpenID4VP 1.0 §8.2)");
  // §5.1 / §8.4: transaction_data must be refused when the wallet does not support it (P9).
  if (parameters.contains("transaction_data"))
    return invalid_request("transaction_data is not supported by this wallet");
  if (parameters.contains("presentation_definition"))
    return invalid_request("presentation_definition is not supported (only dcql_query)");
  if (parameters.contains("scope")) return invalid_request("scope is not supported (only dcql_query)");

  VEIL_TRY(std::string response_uri, required_string(parameters, "response_uri"));
  platform::FetchPolicy fetch;
  fetch.allow_loopback_http = policy.allow_loopback_http;
  VEIL_TRY(platform::FetchUrl response_url, platform::parse_fetch_url(response_uri, fetch));

  VEIL_TRY(std::string nonce, required_string(parameters, "nonce"));
  VEIL_TRY(std::string state, required_string(parameters, "state"));
  if (nonce.size() > kMaxNonceOrStateBytes || state.size() > kMaxNonceOrStateBytes)
    return invalid_request("nonce or state is too long");

  auto dcql = parameters.find("dcql_query");
  if (dcql == parameters.end()) return invalid_request("dcql_query is missing");
  VEIL_TRY(DcqlQuery query, DcqlQuery::from_json(*dcql));

  std::optional<Json> client_metadata;
  if (auto metadata = parameters.find("client_metadata"); metadata != parameters.end()) {
    if (!metadata->is_object()) return invalid_request("client_metadata is not a JSON object");
    client_metadata = *metadata;
  }

  return AuthorizationRequest{std::move(client_id),
                              prefix,
                              std::move(client_id_value),
                              std::move(response_uri),
                              std::move(nonce),
                              std::move(state),
                              std::move(query),
                              false,
                              lowercase(response_url.host),
                              std::move(client_metadata),
                              std::nullopt};
}

Result<AuthorizationRequest> authorization_request_from_parameters(const AuthorizationRequestLink& link,
                                                                   const AuthorizationRequestPolicy& policy) {
  const std::string* client_id = link.find("client_id");
  if (client_id == nullptr || client_id->empty()) return invalid_request("client_id is missing");
  SplitClientId split = split_client_id(*client_id);
  VEIL_TRY(ClientIdPrefix prefix, supported_prefix(split));
  if (prefix != ClientIdPrefix::redirect_uri)
    return fail(ErrorCode::unsupported_client_id_prefix,
                "a request under client_id prefix " + split.prefix +
                    ": must come as a signed Request Object (request_uri or request), not by value");
  if (link.find("request") != nullptr || link.find("request_uri") != nullptr)
    return invalid_request("request and request_uri are not parameters of an unsigned request");

  // By value, every parameter is text; dcql_query and client_metadata carry JSON (§5.1).
  Json parameters = Json::object();
  for (const auto& [name, value] : link.parameters) {
    if (name == "dcql_query" || name == "client_metadata") {
      auto parsed = parse_json(value);
      if (!parsed) {
        if (name == "dcql_query") return fail(ErrorCode::invalid_dcql_query, "dcql_query is not JSON");
        return invalid_request(name + " is not JSON");
      }
      parameters[name] = std::move(*parsed);
    } else {
      parameters[name] = value;
    }
  }
  // §5.9.3: under redirect_uri: the verifier may omit response_uri; its value is then the client_id value.
  if (!parameters.contains("response_uri")) parameters["response_uri"] = split.value;

  VEIL_TRY(AuthorizationRequest request,
           check_request_parameters(parameters, *client_id, prefix, split.value, policy));
  // P5: the only thing binding an unsigned request to its verifier is that the response goes to the client_id.
  if (request.response_uri != request.client_id_value)
    return fail(ErrorCode::client_id_mismatch,
                "response_uri is not the redirect_uri: client_id value (OpenID4VP 1.0 §5.9.3)");
  return request;
}

Result<AuthorizationRequest> authorization_request_from_request_object(std::string_view compact_jws,
                                                                       std::string_view outer_client_id,
                                                                       const AuthorizationRequestPolicy& policy,
                                                                       const Clock& clock) {
  auto jws = UnverifiedJws::parse_compact(compact_jws);
  if (!jws) return invalid_object(jws.error());
  // RFC 9101 §10.8 / OpenID4VP 1.0 §5: the typ keeps a Request Object from being replayed as another JWT.
  if (jws->typ() != std::optional<std::string>(std::string(kRequestObjectTyp)))
    return invalid_object("typ is not oauth-authz-req+jwt");

  const Json& header = jws->unverified_header();
  auto x5c = header.find("x5c");
  if (x5c == header.end() || !x5c->is_array() || x5c->empty() || x5c->size() > kMaxX5cEntries)
    return invalid_object("x5c header is missing or not an array of certificates");
  for (const Json& entry : *x5c)
    if (!entry.is_string()) return invalid_object("x5c header has a member that is not a string");
  auto leaf = X509Certificate::parse_x5c_entry((*x5c)[0].get<std::string>());
  if (!leaf) return invalid_object("x5c leaf certificate: " + leaf.error().message);
  std::int64_t now = clock.now();
  if (!leaf->is_valid_at(now, policy.max_clock_skew_seconds))
    return invalid_object("x5c leaf certificate is outside its validity period");

  auto verifier = make_verifier(leaf->public_key());
  if (!verifier) return invalid_object(verifier.error());
  auto verified = jws->verify(**verifier);
  if (!verified) return invalid_object(verified.error());
  const Json& payload = verified->payload();
  VEIL_CHECK(check_time_claims(payload, now, policy.max_clock_skew_seconds));
  if (payload.contains("request") || payload.contains("request_uri"))
    return invalid_object("it contains request or request_uri (RFC 9101 §4)");

  // §5.10.1: the client_id of the link and of the Request Object must be identical, prefix included.
  auto inner = payload.find("client_id");
  if (inner == payload.end() || !inner->is_string())
    return invalid_object("client_id is missing or not a string");
  const std::string inner_client_id = inner->get<std::string>();
  if (inner_client_id != outer_client_id)
    return fail(ErrorCode::client_id_mismatch, "the Request Object's client_id differs from the link's client_id");

  SplitClientId split = split_client_id(inner_client_id);
  VEIL_TRY(ClientIdPrefix prefix, supported_prefix(split));
  // §5.9.3: redirect_uri: requests cannot be signed: no key is trusted for them (P5).
  if (prefix == ClientIdPrefix::redirect_uri)
    return invalid_object("a request under the redirect_uri: prefix must not be signed (OpenID4VP 1.0 §5.9.3)");
  if (prefix == ClientIdPrefix::x509_hash && split.value != leaf->sha256_base64url())
    return fail(ErrorCode::client_id_mismatch, "x509_hash client_id is not the SHA-256 of the x5c leaf certificate");
  if (prefix == ClientIdPrefix::x509_san_dns) {
    const auto& names = leaf->dns_names();
    bool named = std::any_of(names.begin(), names.end(),
                             [&](const std::string& name) { return lowercase(name) == lowercase(split.value); });
    if (!named)
      return fail(ErrorCode::client_id_mismatch,
                  "x509_san_dns client_id is not a dNSName of the x5c leaf certificate");
  }

  VEIL_TRY(AuthorizationRequest request,
           check_request_parameters(payload, inner_client_id, prefix, split.value, policy));
  request.signed_request = true;
  // The verifier's own deadline: the wallet must not present after it (the answer would be refused, and the
  // holder's claims would have left the wallet for nothing).
  if (auto exp = payload.find("exp"); exp != payload.end()) request.expires_at = static_cast<std::int64_t>(exp->get<double>());
  if (prefix == ClientIdPrefix::x509_san_dns) {
    // §5.9.3: without a list of trusted client identifiers, the response must go to the certified name (P6).
    if (request.verifier_name != lowercase(split.value))
      return fail(ErrorCode::client_id_mismatch, "response_uri host is not the x509_san_dns client_id");
    request.verifier_name = lowercase(split.value);
  } else if (!leaf->dns_names().empty()) {
    request.verifier_name = leaf->dns_names().front();
  } else if (leaf->subject_common_name()) {
    request.verifier_name = *leaf->subject_common_name();
  }
  return request;
}

Result<AuthorizationRequest> resolve_authorization_request(const AuthorizationRequestLink& link,
                                                           const platform::HttpClient& client,
                                                           const AuthorizationRequestPolicy& policy,
                                                           const Clock& clock) {
  const std::string* client_id = link.find("client_id");
  if (client_id == nullptr || client_id->empty()) return invalid_request("client_id is missing");
  const std::string* request_uri = link.find("request_uri");
  const std::string* request = link.find("request");
  if (request_uri != nullptr && request != nullptr) return invalid_request("request and request_uri are both present");

  if (request != nullptr) return authorization_request_from_request_object(*request, *client_id, policy, clock);
  if (request_uri == nullptr) return authorization_request_from_parameters(link, policy);

  if (const std::string* method = link.find("request_uri_method")) {
    if (*method == "post")
      return invalid_request("request_uri_method post is not supported by this wallet; the verifier must allow get");
    if (*method != "get") return invalid_request("request_uri_method " + *method + " is not get or post");
  }
  platform::FetchPolicy fetch = client.policy();
  fetch.allow_loopback_http = fetch.allow_loopback_http && policy.allow_loopback_http;
  VEIL_TRY(platform::FetchUrl url, platform::parse_fetch_url(*request_uri, fetch));
  VEIL_TRY(platform::FetchResponse response, client.get(url.str(), kRequestObjectMediaType));
  // §5.10.2: any error answer ends the process; a 3xx is an answer, never followed (P8).
  VEIL_CHECK(platform::expect_status(response, 200, "request object"));
  std::string media_type = platform::media_type_of(response.content_type);
  if (media_type != kRequestObjectMediaType && media_type != "application/jwt")
    return invalid_object("served as " + (media_type.empty() ? std::string("no content type") : media_type) +
                          ", not application/oauth-authz-req+jwt");
  std::string_view body = response.body;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) body.remove_suffix(1);
  VEIL_TRY(AuthorizationRequest resolved, authorization_request_from_request_object(body, *client_id, policy, clock));
  resolved.request_uri = *request_uri;
  return resolved;
}

}  // namespace veil::wallet
