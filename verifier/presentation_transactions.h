// PresentationTransactions: the OpenID4VP 1.0 verifier side of veil-verifier serve as plain functions over a
// context — a relying party creates a presentation request, the wallet fetches it and posts its vp_token with
// direct_post, the relying party reads the outcome (DESIGN.md "Verifier"; ATTACKS.md P1, P2, P10, P11, K4, K10).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"
#include "verifier/presentation_verifier.h"
#include "verifier/relying_parties.h"
#include "verifier/request_signing.h"
#include "verifier/transaction_store.h"
#include "verifier/verifier_config.h"

namespace veil::platform {
class JsonLogger;
class Metrics;
}  // namespace veil::platform

namespace veil::verifier {

class TrustedIssuers;
class WebhookSender;

/// kPresentationRequestsPath is the relying parties' endpoint; kRequestPath and kResponsePath prefix the wallet's
/// endpoints (request_uri = <public_url>/request/<id>, response_uri = <public_url>/response/<id>).
inline constexpr char kPresentationRequestsPath[] = "/v1/presentation-requests";
inline constexpr char kRequestPath[] = "/request/";
inline constexpr char kResponsePath[] = "/response/";

/// kSelfIssuedAudience is the aud of a Request Object for wallets with static metadata (OpenID4VP 1.0 §5.8).
inline constexpr char kSelfIssuedAudience[] = "https://self-issued.me/v2";

/// kMaxPresentationsPerResponse bounds the presentations one vp_token may carry.
inline constexpr std::size_t kMaxPresentationsPerResponse = 16;

/// TransactionsContext is what every transaction function works with; IssuerApp-style, gathered once by
/// VerifierApp. |webhooks|, |log| and |metrics| may be null.
struct TransactionsContext {
  const VerifierConfig& config;
  std::string_view public_url;  // without a trailing slash
  const RequestSigning& signing;
  TransactionStore& store;
  const PresentationVerifier& verifier;
  const Clock& clock;
  const RelyingParties& relying_parties;
  /// trusted_issuers, when set, lets creation refuse a policy naming an issuer outside the trust file.
  const TrustedIssuers* trusted_issuers = nullptr;
  WebhookSender* webhooks = nullptr;
  const platform::JsonLogger* log = nullptr;
  platform::Metrics* metrics = nullptr;
};

/// vp_formats_supported is the client_metadata member the verifier sends (OpenID4VP 1.0 §11.1, B.3.7):
/// dc+sd-jwt with ES256 and EdDSA for the issuer JWT and the KB-JWT.
Json vp_formats_supported();

/// create_presentation_request creates a transaction for |relying_party| from |body|: the policy members of
/// parse_presentation_policy plus "mode" ("reference", the default, or "value"), "webhook_url" and
/// "redirect_uri" (https, or loopback http with allow_loopback_http; no fragment) and "response_mode"
/// ("direct_post", the default, or "direct_post.jwt": a fresh P-256 ECDH-ES key for this transaction only).
/// Answers {"id", "status": "pending", "mode", "client_id", "response_mode" (direct_post.jwt only),
/// "redirect_uri" (when given), "request_uri" (by reference), "link" (the openid4vp:// link for the wallet),
/// "expires_at"}. Fails with 400 and {"error": "invalid_policy" | "invalid_dcql_query" | "url_not_allowed"}, 500
/// server_error when the store fails or no response key could be made.
platform::HttpResult<Json> create_presentation_request(const TransactionsContext& context,
                                                       const RelyingParty& relying_party, const Json& body);

/// request_object serves GET /request/<id>: the signed Request Object of a pending, unexpired transaction by
/// reference (client_id, response_type=vp_token, response_mode=direct_post, response_uri, nonce, state,
/// dcql_query, client_metadata, aud, iat, exp). Fails with 404 not_found for an unknown id, a by-value
/// transaction (never served behind request_uri), a completed or an expired one.
platform::HttpResult<std::string> request_object(const TransactionsContext& context, std::string_view id);

/// receive_response handles the direct_post to /response/<id> (OpenID4VP 1.0 §8.2) with the form fields
/// |form|. The transaction must exist (unknown_transaction), be pending (transaction_completed: replay, P2) and
/// unexpired (transaction_expired), and |form| state must equal its state (invalid_presentation_response: a
/// mix-up, P11); these rejections store nothing. Then a wallet error ("error" field) or the vp_token decides the
/// outcome, and the transaction completes exactly once: every presentation is verified with aud = the
/// transaction's client_id and its nonce, the credentials must satisfy the DCQL query, and only the claims the
/// query asked for are kept (P10). Success answers {} (HTTP 200), or {"redirect_uri": "<redirect_uri>#response_code=
/// <128 random bits>"} when the transaction has a redirect_uri (its SHA-256 is stored; also for a wallet error); a
/// failed verification marks the transaction failed with its error and fails with that error (the route answers
/// 400 invalid_request with it).
/// direct_post.jwt (§8.3, ATTACKS P4): the form's "response" is a JWE decrypted with the transaction's key
/// (decrypt_response; its failures store nothing) whose payload then stands for the form; a vp_token in the clear
/// fails the transaction with invalid_presentation_response; a "response" to a plain transaction is refused with
/// invalid_presentation_response and stores nothing.
Result<Json> receive_response(const TransactionsContext& context, std::string_view id,
                              const std::map<std::string, std::string>& posted);

/// presentation_result serves GET /v1/presentation-requests/<id> for |relying_party|: {"id", "status":
/// "pending", "expires_at"}, {"id", "status": "verified", "completed_at", "credentials": {<credential query id>:
/// {"iss", "vct", "status", "claims"} (an array of them for a "multiple" query)}} or {"id", "status": "failed",
/// "completed_at", "error": {"code", "message"}}; an expired pending transaction reads as failed with
/// transaction_expired. Fails with 404 not_found for an unknown id, another relying party's transaction or a
/// result past its retention period.
platform::HttpResult<Json> presentation_result(const TransactionsContext& context, const RelyingParty& relying_party,
                                               std::string_view id);

/// redeem_presentation_result serves POST /v1/presentation-requests/<id>/result for the relying party's
/// front-end, which holds no API key but the response_code of the redirect (OpenID4VP 1.0 §14.3, §14.4.3;
/// ATTACKS P3): |body| is {"response_code"}. The SHA-256 of the code is compared in constant time with the one
/// stored at completion, and the code works once. Answers like presentation_result for a completed transaction.
/// Fails with 400 response_code_required (no code in the body), 403 invalid_response_code (unknown id, pending or
/// code-less transaction, another transaction's code, any wrong code), 409 response_code_used (the right code, a
/// second time), 404 not_found (past the retention period), 500 server_error.
platform::HttpResult<Json> redeem_presentation_result(const TransactionsContext& context, std::string_view id,
                                                      const Json& body);

/// purge_transactions deletes results past the retention period and expired requests (see TransactionStore).
Result<PurgeCounts> purge_transactions(const TransactionsContext& context);

}  // namespace veil::verifier
