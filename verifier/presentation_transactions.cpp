#include "verifier/presentation_transactions.h"

#include <algorithm>
#include <vector>

#include "veil/base64url.h"
#include "veil/dcql.h"
#include "veil/platform/http_client.h"
#include "veil/platform/http_request.h"
#include "veil/platform/json_log.h"
#include "veil/platform/metrics.h"
#include "veil/secret_bytes.h"
#include "verifier/presentation_policy.h"
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

// The authorization request parameters (OpenID4VP 1.0 §5.1, §8.2), shared by the by-value link and the Request
// Object.
Json request_parameters(const TransactionsContext& context, const NewTransaction& transaction) {
  return {{"client_id", transaction.client_id},
          {"response_type", "vp_token"},
          {"response_mode", "direct_post"},
          {"response_uri", response_uri(context, transaction.id)},
          {"nonce", transaction.nonce},
          {"state", transaction.state},
          {"dcql_query", transaction.policy.at("dcql_query")},
          {"client_metadata", {{"vp_formats_supported", vp_formats_supported()}}}};
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
  transaction.created_at = context.clock.now();
  transaction.expires_at = transaction.created_at + context.config.transaction_lifetime_seconds;
  if (!context.store.create(transaction)) return tl::unexpected(storage_failure());

  Json answer = {{"id", transaction.id},
                 {"status", "pending"},
                 {"mode", mode == RequestMode::by_value ? "value" : "reference"},
                 {"client_id", transaction.client_id},
                 {"expires_at", transaction.expires_at}};
  if (mode == RequestMode::by_reference) {
    const std::string request_uri = std::string(context.public_url) + kRequestPath + transaction.id;
    answer["request_uri"] = request_uri;
    answer["link"] = openid4vp_link({{"client_id", transaction.client_id}, {"request_uri", request_uri}});
  } else {
    std::vector<std::pair<std::string, std::string>> parameters;
    const Json request = request_parameters(context, transaction);
    for (const auto& [name, value] : request.items()) {
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
  Json claims = request_parameters(context, transaction);
  claims["aud"] = kSelfIssuedAudience;
  claims["iat"] = now;
  claims["exp"] = transaction.expires_at;
  auto signed_object = context.signing.sign_request_object(claims);
  if (!signed_object) return http_fail(500, "server_error", "the request object could not be signed");
  return *signed_object;
}

Result<Json> receive_response(const TransactionsContext& context, std::string_view id,
                              const std::map<std::string, std::string>& form) {
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
  VEIL_TRY(const CompletionOutcome completion, context.store.complete(id, status, stored, now));
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
  if (!declined && !outcome) return tl::unexpected(outcome.error());
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
  answer["completed_at"] = *record.completed_at;
  if (record.status == TransactionStatus::verified) {
    answer["credentials"] = record.result->value("credentials", Json::object());
  } else {
    answer["error"] = record.result->value("error", error_json("internal_error", "the stored result is incomplete"));
  }
  return answer;
}

Result<PurgeCounts> purge_transactions(const TransactionsContext& context) {
  return context.store.purge(context.clock.now(), context.config.result_retention_seconds);
}

}  // namespace veil::verifier
