#include "verifier/presentation_transactions.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <vector>

#include "veil/base64url.h"
#include "veil/dcql.h"
#include "veil/hash.h"
#include "veil/platform/http_client.h"
#include "veil/platform/http_request.h"
#include "veil/platform/json_log.h"
#include "veil/platform/metrics.h"
#include "veil/secret_bytes.h"
#include "verifier/presentation_policy.h"
#include "verifier/response_encryption.h"
#include "verifier/trusted_issuers.h"
#include "verifier/webhook.h"

namespace veil::verifier {
namespace {

using platform::HttpError;
using platform::HttpResult;
using platform::http_fail;

// VP §14.2 asks for fresh, unpredictable nonces; 256 bits for nonce and state, 128 for the id (a path segment).
std::string random_token(std::size_t bytes) { return base64url_encode(SecretBytes::random(bytes).reveal()); }

HttpError storage_failure() { return {500, "server_error", "the verifier's storage failed"}; }

HttpError client_error(const Error& error) {
  if (error.code == ErrorCode::storage_error || error.code == ErrorCode::internal_error) return storage_failure();
  return {400, std::string(error_code_name(error.code)), error.message};
}

// RFC 3986 §2.3: everything but the unreserved characters is percent-encoded (spaces as %20, never '+').
std::string percent_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0x0f]);
    }
  }
  return out;
}

std::string openid4vp_link(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string link = "openid4vp://?";
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (i > 0) link.push_back('&');
    link += percent_encode(parameters[i].first) + "=" + percent_encode(parameters[i].second);
  }
  return link;
}

std::string response_uri(const TransactionsContext& context, std::string_view id) {
  return std::string(context.public_url) + kResponsePath + std::string(id);
}

Result<Json> load_private_key_json(const std::string& text) {
  Json value = Json::parse(text, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return fail(ErrorCode::storage_error, "the stored response key is corrupt");
  return value;
}

// The authorization request parameters (OpenID4VP 1.0 §5.1, §8.2), shared by the by-value link and the Request
// Object.
Result<Json> request_parameters(const TransactionsContext& context, const NewTransaction& transaction) {
  const bool encrypted = transaction.response_mode == ResponseMode::direct_post_jwt;
  Json client_metadata = {{"vp_formats_supported", vp_formats_supported()}};
  if (encrypted) {
    // §8.3: the wallet encrypts to a key of client_metadata.jwks with an enc the verifier lists.
    if (!transaction.response_key) return fail(ErrorCode::internal_error, "the transaction lost its response key");
    VEIL_TRY(const Json key_json, load_private_key_json(*transaction.response_key));
    VEIL_TRY(const PrivateJwk key, PrivateJwk::parse(key_json));
    client_metadata["jwks"] = {{"keys", Json::array({response_encryption_jwk(key)})}};
    client_metadata["encrypted_response_enc_values_supported"] = response_encryption_enc_values();
  }
  return Json{{"client_id", transaction.client_id},
              {"response_type", "vp_token"},
              {"response_mode", encrypted ? kResponseModeDirectPostJwt : kResponseModeDirectPost},
              {"response_uri", response_uri(context, transaction.id)},
              {"nonce", transaction.nonce},
              {"state", transaction.state},
              {"dcql_query", transaction.policy.at("dcql_query")},
              {"client_metadata", std::move(client_metadata)}};
}

void count(const TransactionsContext& context, std::string_view name, const platform::Labels& labels) {
  if (context.metrics != nullptr) context.metrics->counter(name, labels).increment();
}

// The wallet's OAuth error (§8.5, e.g. access_denied when the holder declined) as a bounded code.
std::string wallet_error_code(const std::string& error) {
  const bool plain = !error.empty() && error.size() <= 64 && std::all_of(error.begin(), error.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
  });
  return plain ? error : "invalid_request";
}

Result<Json> parse_vp_token(const std::string& text) {
  auto token = parse_json_object(text, ErrorCode::invalid_presentation_response);
  if (!token) return fail(ErrorCode::invalid_presentation_response, "vp_token is not a JSON object: " + token.error().message);
  if (token->empty()) return fail(ErrorCode::invalid_presentation_response, "vp_token holds no presentation");
  return token;
}

Json credential_entry(const VerifiedCredential& credential, const DcqlCredentialQuery& query) {
  // ATTACKS P10: the verifier releases what the query asked for, whatever the wallet disclosed.
  return {{"iss", credential.iss},
          {"vct", credential.vct},
          {"status", credential.status},
          {"claims", dcql_filter_to_query(query, credential.claims)}};
}

// Verifies every presentation of |vp_token| for |transaction| and returns the released claims per credential
// query (OpenID4VP 1.0 §8.1 vp_token, §14.2 nonce and aud binding, §6.4 DCQL).
Result<Json> verify_vp_token(const TransactionsContext& context, const NewTransaction& transaction,
                             const std::string& vp_token_text) {
  VEIL_TRY(const Json vp_token, parse_vp_token(vp_token_text));
  VEIL_TRY(const PresentationPolicy policy, parse_presentation_policy(transaction.policy));
  PresentationExpectations expectations;
  expectations.aud = transaction.client_id;
  expectations.nonce = transaction.nonce;
  expectations.trusted_issuers = policy.trusted_issuers;
  expectations.max_credential_age_seconds = policy.max_credential_age_seconds;

  std::size_t presentations = 0;
  for (const auto& [query_id, list] : vp_token.items()) {
    if (!list.is_array() || list.empty()) {
      return fail(ErrorCode::invalid_presentation_response, "vp_token member " + query_id + " is not a non-empty array");
    }
    for (const Json& presentation : list) {
      if (!presentation.is_string()) {
        return fail(ErrorCode::invalid_presentation_response, "vp_token member " + query_id + " holds a non-string");
      }
      if (++presentations > kMaxPresentationsPerResponse) {
        return fail(ErrorCode::invalid_presentation_response, "vp_token holds too many presentations");
      }
    }
    if (policy.query.find_credential(query_id) == nullptr) {
      return fail(ErrorCode::dcql_query_not_satisfied, "vp_token answers a credential query that was not asked");
    }
  }

  std::map<std::string, std::vector<DcqlPresentedCredential>> presented;
  std::map<std::string, std::vector<VerifiedCredential>> verified;
  for (const auto& [query_id, list] : vp_token.items()) {
    const DcqlCredentialQuery& query = *policy.query.find_credential(query_id);
    PresentationExpectations expected = expectations;
    expected.require_key_binding = query.require_cryptographic_holder_binding;
    for (const Json& presentation : list) {
      VEIL_TRY(VerifiedCredential credential,
               context.verifier.verify(presentation.get_ref<const std::string&>(), expected));
      presented[query_id].push_back({credential.vct, credential.claims, credential.key_binding.has_value()});
      verified[query_id].push_back(std::move(credential));
    }
  }
  VEIL_CHECK(check_presentation_satisfies(policy.query, presented));

  Json credentials = Json::object();
  for (const auto& [query_id, list] : verified) {
    const DcqlCredentialQuery& query = *policy.query.find_credential(query_id);
    if (!query.multiple) {
      credentials[query_id] = credential_entry(list.front(), query);
      continue;
    }
    Json entries = Json::array();
    for (const VerifiedCredential& credential : list) entries.push_back(credential_entry(credential, query));
    credentials[query_id] = std::move(entries);
  }
  return credentials;
}

// §8.3: the JWE payload holds the response parameters as top-level members; vp_token is a JSON object there and
// a JSON-encoded string in a plain form post, so non-strings are carried as their JSON text.
Result<std::map<std::string, std::string>> decrypt_form(const NewTransaction& transaction, const std::string& jwe) {
  if (!transaction.response_key) return fail(ErrorCode::internal_error, "the transaction lost its response key");
  VEIL_TRY(const Json key_json, load_private_key_json(*transaction.response_key));
  VEIL_TRY(const PrivateJwk key, PrivateJwk::parse(key_json));
  VEIL_TRY(const Json payload, decrypt_response(jwe, key));
  std::map<std::string, std::string> form;
  for (const auto& [name, value] : payload.items()) {
    form[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return form;
}

Json error_json(std::string_view code, std::string_view message) {
  return {{"code", std::string(code)}, {"message", std::string(message)}};
}

void notify(const TransactionsContext& context, const NewTransaction& transaction, TransactionStatus status,
            std::int64_t completed_at) {
  if (context.webhooks == nullptr || !transaction.webhook_url) return;
  const RelyingParty* party = context.relying_parties.find(transaction.relying_party);
  if (party == nullptr) return;  // the relying party was removed from the key file since
  const Json body = {{"event", "presentation_request.completed"},
                     {"id", transaction.id},
                     {"status", transaction_status_name(status)},
                     {"completed_at", completed_at}};
  if (!context.webhooks->enqueue(*transaction.webhook_url, party->webhook_key(), body)) {
    count(context, "veil_webhooks_total", {{"outcome", "dropped"}});
  }
}

// completed_result is the answer for a completed transaction whose result is still held.
Json completed_result(const TransactionRecord& record) {
  Json answer = {{"id", record.transaction.id},
                 {"status", transaction_status_name(record.status)},
                 {"completed_at", record.completed_at.value_or(0)}};
  if (record.status == TransactionStatus::verified) {
    answer["credentials"] = record.result->value("credentials", Json::object());
  } else {
    answer["error"] = record.result->value("error", error_json("internal_error", "the stored result is incomplete"));
  }
  return answer;
}

}  // namespace

Json vp_formats_supported() {
  const Json algs = Json::array({"ES256", "EdDSA"});
  return {{std::string(kDcqlFormatSdJwtVc), {{"sd-jwt_alg_values", algs}, {"kb-jwt_alg_values", algs}}}};
}

HttpResult<Json> create_presentation_request(const TransactionsContext& context, const RelyingParty& relying_party,
                                             const Json& body) {
  if (!body.is_object()) return http_fail(400, "invalid_policy", "the body must be a JSON object");
  Json policy_json = body;
  RequestMode mode = RequestMode::by_reference;
  if (policy_json.contains("mode")) {
    if (policy_json["mode"] == "value") {
      mode = RequestMode::by_value;
    } else if (policy_json["mode"] != "reference") {
      return http_fail(400, "invalid_policy", "mode must be \"reference\" or \"value\"");
    }
    policy_json.erase("mode");
  }
  std::optional<std::string> webhook_url;
  if (policy_json.contains("webhook_url")) {
    if (!policy_json["webhook_url"].is_string()) return http_fail(400, "invalid_policy", "webhook_url must be a URL");
    platform::FetchPolicy fetch;
    fetch.allow_loopback_http = context.config.allow_loopback_http;
    auto url = platform::parse_fetch_url(policy_json["webhook_url"].get_ref<const std::string&>(), fetch);
    if (!url) return tl::unexpected(client_error(url.error()));
    webhook_url = policy_json["webhook_url"].get<std::string>();
    policy_json.erase("webhook_url");
  }
  // §8.2 / §14.3: the relying party's front-end, where the wallet sends the user with a fresh response_code.
  std::optional<std::string> redirect_uri;
  if (policy_json.contains("redirect_uri")) {
    if (!policy_json["redirect_uri"].is_string()) return http_fail(400, "invalid_policy", "redirect_uri must be a URL");
    platform::FetchPolicy fetch;
    fetch.allow_loopback_http = context.config.allow_loopback_http;
    auto url = platform::parse_fetch_url(policy_json["redirect_uri"].get_ref<const std::string&>(), fetch);
    if (!url) return tl::unexpected(client_error(url.error()));
    redirect_uri = policy_json["redirect_uri"].get<std::string>();
    policy_json.erase("redirect_uri");
  }
  ResponseMode response_mode = ResponseMode::direct_post;
  if (policy_json.contains("response_mode")) {
    if (policy_json["response_mode"] == kResponseModeDirectPostJwt) {
      response_mode = ResponseMode::direct_post_jwt;
    } else if (policy_json["response_mode"] != kResponseModeDirectPost) {
      return http_fail(400, "invalid_policy", "response_mode must be \"direct_post\" or \"direct_post.jwt\"");
    }
    policy_json.erase("response_mode");
  }
  auto policy = parse_presentation_policy(policy_json);
  if (!policy) return tl::unexpected(client_error(policy.error()));
  if (context.trusted_issuers != nullptr) {
    for (const std::string& iss : policy->trusted_issuers) {
      if (!context.trusted_issuers->is_listed(iss)) {
        return http_fail(400, "invalid_policy", "trusted_issuers names an issuer that is not in the trust file");
      }
    }
  }

  NewTransaction transaction;
  transaction.id = random_token(16);
  transaction.state = random_token(32);
  transaction.nonce = random_token(32);
  transaction.mode = mode;
  // §5.9.3: by value the request is unsigned, so only redirect_uri: fits, and its value is the response_uri.
  transaction.client_id = mode == RequestMode::by_value
                              ? std::string(kRedirectUriPrefix) + response_uri(context, transaction.id)
                              : context.signing.client_id();
  transaction.policy = presentation_policy_to_json(*policy);
  transaction.relying_party = relying_party.name;
  transaction.webhook_url = std::move(webhook_url);
  transaction.redirect_uri = std::move(redirect_uri);
  transaction.response_mode = response_mode;
  if (response_mode == ResponseMode::direct_post_jwt) {
    // One key per transaction (§8.3): a response encrypted for another transaction never opens here.
    auto key = generate_response_encryption_key();
    if (!key) return http_fail(500, "server_error", "the response encryption key could not be made");
    Json private_key = key->to_json();
    transaction.response_key = private_key.dump();
    auto& d = private_key["d"].get_ref<std::string&>();
    OPENSSL_cleanse(d.data(), d.size());
  }
  transaction.created_at = context.clock.now();
  transaction.expires_at = transaction.created_at + context.config.transaction_lifetime_seconds;
  if (!context.store.create(transaction)) return tl::unexpected(storage_failure());

  Json answer = {{"id", transaction.id},
                 {"status", "pending"},
                 {"mode", mode == RequestMode::by_value ? "value" : "reference"},
                 {"client_id", transaction.client_id},
                 {"expires_at", transaction.expires_at}};
  // Only the non-default members: the answer of a plain request stays as it was (MCP's output schema is closed).
  if (response_mode == ResponseMode::direct_post_jwt) answer["response_mode"] = kResponseModeDirectPostJwt;
  if (transaction.redirect_uri) answer["redirect_uri"] = *transaction.redirect_uri;
  if (mode == RequestMode::by_reference) {
    const std::string request_uri = std::string(context.public_url) + kRequestPath + transaction.id;
    answer["request_uri"] = request_uri;
    answer["link"] = openid4vp_link({{"client_id", transaction.client_id}, {"request_uri", request_uri}});
  } else {
    std::vector<std::pair<std::string, std::string>> parameters;
    auto request = request_parameters(context, transaction);
    if (!request) return tl::unexpected(storage_failure());
    for (const auto& [name, value] : request->items()) {
      parameters.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    answer["link"] = openid4vp_link(parameters);
  }
  count(context, "veil_presentation_requests_total", {{"mode", answer["mode"].get<std::string>()}});
  if (context.log != nullptr) {
    context.log->info("presentation_request_created", {{"id", platform::LogId(transaction.id)},
                                                       {"relying_party", platform::LogId(relying_party.name)},
                                                       {"by_value", mode == RequestMode::by_value}});
  }
  return answer;
}

HttpResult<std::string> request_object(const TransactionsContext& context, std::string_view id) {
  const HttpError not_found{404, "not_found", "no pending presentation request has this id"};
  if (!platform::is_safe_id(id)) return tl::unexpected(not_found);
  auto record = context.store.find(id);
  if (!record) return tl::unexpected(storage_failure());
  const std::int64_t now = context.clock.now();
  if (!*record || (*record)->status != TransactionStatus::pending || (*record)->transaction.expires_at <= now ||
      (*record)->transaction.mode != RequestMode::by_reference) {
    return tl::unexpected(not_found);
  }
  const NewTransaction& transaction = (*record)->transaction;
  auto parameters = request_parameters(context, transaction);
  if (!parameters) return tl::unexpected(storage_failure());
  Json claims = std::move(*parameters);
  claims["aud"] = kSelfIssuedAudience;
  claims["iat"] = now;
  claims["exp"] = transaction.expires_at;
  auto signed_object = context.signing.sign_request_object(claims);
  if (!signed_object) return http_fail(500, "server_error", "the request object could not be signed");
  return *signed_object;
}

Result<Json> receive_response(const TransactionsContext& context, std::string_view id,
                              const std::map<std::string, std::string>& posted) {
  if (!platform::is_safe_id(id)) return fail(ErrorCode::unknown_transaction, "no presentation request has this id");
  VEIL_TRY(auto found, context.store.find(id));
  if (!found) return fail(ErrorCode::unknown_transaction, "no presentation request has this id");
  const NewTransaction& transaction = found->transaction;
  const std::int64_t now = context.clock.now();
  // ATTACKS P1, P2: a used or expired transaction takes no response; nothing is stored for it.
  if (found->status != TransactionStatus::pending) {
    return fail(ErrorCode::transaction_completed, "this presentation request was already answered");
  }
  if (transaction.expires_at <= now) return fail(ErrorCode::transaction_expired, "this presentation request expired");
  // §8.3: a direct_post.jwt answer is one JWE in "response"; its payload holds state and the rest. A JWE that does
  // not open with this transaction's key says nothing about the transaction, so like a wrong state it stores
  // nothing.
  const bool encryption_required = transaction.response_mode == ResponseMode::direct_post_jwt;
  std::map<std::string, std::string> form;
  const auto encrypted = posted.find("response");
  if (encrypted != posted.end()) {
    if (!encryption_required) {
      return fail(ErrorCode::invalid_presentation_response, "this presentation request takes a plain direct_post");
    }
    VEIL_TRY(form, decrypt_form(transaction, encrypted->second));
  } else {
    form = posted;
  }
  // ATTACKS P11: the state binds the response to the transaction whose response_uri received it.
  const auto state = form.find("state");
  if (state == form.end() || !platform::constant_time_equals(state->second, transaction.state)) {
    return fail(ErrorCode::invalid_presentation_response, "state does not belong to this presentation request");
  }

  // From here the response is this transaction's answer: whatever it holds, the transaction completes with it.
  const auto wallet_error = form.find("error");
  const auto vp_token = form.find("vp_token");
  Result<Json> outcome = Json::object();
  bool declined = false;
  if (wallet_error != form.end() && vp_token == form.end()) {
    declined = true;
  } else if (wallet_error != form.end() || vp_token == form.end()) {
    outcome = fail(ErrorCode::invalid_presentation_response, "the response needs exactly one of vp_token and error");
  } else if (encryption_required && encrypted == posted.end()) {
    // ATTACKS P4: presentations in the clear where the relying party asked for encryption are refused, and the
    // transaction fails (a wallet that cannot encrypt may still send an error in the clear, §8.3).
    outcome = fail(ErrorCode::invalid_presentation_response,
                   "this presentation request needs an encrypted response (response_mode direct_post.jwt)");
  } else {
    outcome = verify_vp_token(context, transaction, vp_token->second);
  }

  TransactionStatus status = TransactionStatus::verified;
  Json stored;
  std::string code;
  if (declined) {
    status = TransactionStatus::failed;
    code = wallet_error_code(wallet_error->second);
    stored = {{"error", error_json(code, "the wallet answered with an error instead of a presentation")}};
  } else if (!outcome) {
    status = TransactionStatus::failed;
    code = std::string(error_code_name(outcome.error().code));
    stored = {{"error", error_json(code, outcome.error().message)}};
  } else {
    stored = {{"credentials", *outcome}};
  }
  // §8.2, §14.3: with a redirect_uri the wallet sends the user to the front-end with a fresh response_code, the
  // only key to the result besides the API key; the store keeps its hash.
  std::optional<std::string> response_code;
  std::optional<std::string> response_code_hash;
  const bool answered = declined || outcome.has_value();
  if (transaction.redirect_uri && answered) {
    response_code = random_token(16);
    response_code_hash = hash_base64url(HashAlg::sha_256, *response_code);
  }
  VEIL_TRY(const CompletionOutcome completion, context.store.complete(id, status, stored, now, response_code_hash));
  switch (completion) {
    case CompletionOutcome::completed:
      break;
    case CompletionOutcome::already_completed:
      return fail(ErrorCode::transaction_completed, "this presentation request was already answered");
    case CompletionOutcome::expired:
      return fail(ErrorCode::transaction_expired, "this presentation request expired");
    case CompletionOutcome::unknown:
      return fail(ErrorCode::unknown_transaction, "no presentation request has this id");
  }

  const std::string outcome_label(transaction_status_name(status));
  count(context, "veil_presentation_responses_total",
        {{"outcome", outcome_label}, {"code", declined ? "wallet_error" : (code.empty() ? "none" : code)}});
  if (context.log != nullptr) {
    if (status == TransactionStatus::verified || declined) {
      context.log->info("presentation_response", {{"id", platform::LogId(transaction.id)},
                                                  {"outcome", platform::LogId(outcome_label)},
                                                  {"declined", declined}});
    } else {
      context.log->info("presentation_response", {{"id", platform::LogId(transaction.id)},
                                                  {"outcome", platform::LogId(outcome_label)},
                                                  {"code", outcome.error().code}});
    }
  }
  notify(context, transaction, status, now);
  if (!answered) return tl::unexpected(outcome.error());
  if (response_code) return Json{{"redirect_uri", *transaction.redirect_uri + "#response_code=" + *response_code}};
  return Json::object();
}

HttpResult<Json> presentation_result(const TransactionsContext& context, const RelyingParty& relying_party,
                                     std::string_view id) {
  const HttpError not_found{404, "not_found", "no presentation request of yours has this id"};
  if (!platform::is_safe_id(id)) return tl::unexpected(not_found);
  auto found = context.store.find(id);
  if (!found) return tl::unexpected(storage_failure());
  // Another relying party's transaction reads as absent: ids are not secrets, results are.
  if (!*found || (*found)->transaction.relying_party != relying_party.name) return tl::unexpected(not_found);
  const TransactionRecord& record = **found;
  const std::int64_t now = context.clock.now();
  const std::int64_t retention = context.config.result_retention_seconds;
  Json answer = {{"id", record.transaction.id}, {"status", transaction_status_name(record.status)}};
  if (record.status == TransactionStatus::pending) {
    if (record.transaction.expires_at > now) {
      answer["expires_at"] = record.transaction.expires_at;
      return answer;
    }
    if (record.transaction.expires_at + retention <= now) return tl::unexpected(not_found);
    answer["status"] = "failed";
    answer["error"] = error_json("transaction_expired", "the wallet did not answer before the request expired");
    return answer;
  }
  // Results are personal data: past the retention period they are gone, purged or not yet.
  if (!record.completed_at || *record.completed_at + retention <= now || !record.result) return tl::unexpected(not_found);
  return completed_result(record);
}

HttpResult<Json> redeem_presentation_result(const TransactionsContext& context, std::string_view id,
                                            const Json& body) {
  // Every refusal of a code looks the same, whatever the id: no oracle for which transactions exist or completed.
  const HttpError wrong_code{403, "invalid_response_code",
                             "this response_code does not belong to this presentation request"};
  if (!body.is_object() || !body.contains("response_code") || !body["response_code"].is_string() ||
      body["response_code"].get_ref<const std::string&>().empty()) {
    return http_fail(400, "response_code_required", "the body must carry the response_code of the redirect");
  }
  const std::string& code = body["response_code"].get_ref<const std::string&>();
  if (!platform::is_safe_id(id) || code.size() > platform::kMaxIdLength) return tl::unexpected(wrong_code);
  auto found = context.store.find(id);
  if (!found) return tl::unexpected(storage_failure());
  // ATTACKS P3 (VP §14.3): only the holder of the code the wallet was redirected with reads the result; the
  // stored hash is compared in constant time.
  if (!*found || !(*found)->response_code_hash ||
      !platform::constant_time_equals(hash_base64url(HashAlg::sha_256, code), *(*found)->response_code_hash)) {
    return tl::unexpected(wrong_code);
  }
  const TransactionRecord& record = **found;
  const std::int64_t now = context.clock.now();
  if (!record.completed_at || *record.completed_at + context.config.result_retention_seconds <= now ||
      !record.result) {
    return http_fail(404, "not_found", "the result is past its retention period");
  }
  auto redeemed = context.store.redeem_response_code(id, now);
  if (!redeemed) return tl::unexpected(storage_failure());
  if (!*redeemed) return http_fail(409, "response_code_used", "this response_code was already used");
  count(context, "veil_response_codes_redeemed_total", {});
  return completed_result(record);
}

Result<PurgeCounts> purge_transactions(const TransactionsContext& context) {
  return context.store.purge(context.clock.now(), context.config.result_retention_seconds);
}

}  // namespace veil::verifier
