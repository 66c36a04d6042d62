// WalletService: the one facade of the holder's wallet that the HTTP API (routes) and the CLI commands call —
// unlock and lock, credential offers, stored credentials, pending presentation requests with their consent plan,
// approval and decline, and the disclosure history. Everything it answers is JSON in the shapes of the wallet API
// (README "Wallet API"), so the web UI, the CLI and scripts read one contract.
//
// Offers and pending requests live in memory only, with an expiry; lock() forgets them. Claim values appear only
// in credential(id) (the holder's own view); requests, approvals and the history carry claim paths and labels,
// never values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/platform/http_client.h"
#include "veil/secret_bytes.h"
#include "wallet/authorization_request.h"
#include "wallet/consent_plan.h"
#include "wallet/issuance_client.h"
#include "wallet/standing_consent.h"
#include "wallet/vault.h"
#include "wallet/wallet_store.h"

namespace veil::wallet {

/// WalletServiceOptions are the wallet's fixed settings (WalletConfig fills them).
struct WalletServiceOptions {
  platform::FetchPolicy fetch;                   // offers, issuer metadata, request objects, response_uri
  AuthorizationRequestPolicy request_policy;     // its allow_loopback_http should match fetch's
  IssuanceOptions issuance;
  KdfParams kdf = KdfParams::defaults();         // for a new wallet
  std::int64_t offer_ttl_seconds = 10 * 60;      // an inspected offer waits this long for the holder
  std::int64_t request_ttl_seconds = 10 * 60;    // a pending request waits this long for the holder
  std::size_t max_pending = 32;                  // offers and requests each; the oldest goes beyond this
  std::size_t min_passphrase_length = 8;         // for initialize
};

/// WalletService is safe to call from several threads: the store serializes itself, the pending offers and
/// requests sit behind a mutex that is never held across a network call.
class WalletService {
 public:
  WalletService(WalletStore& store, const Clock& clock, WalletServiceOptions options);

  // --- Keys -------------------------------------------------------------------------------------------------

  /// status returns {"initialized", "locked", "credentials" (count, when unlocked), "pending_requests"}.
  /// Fails with storage_error.
  Result<Json> status();
  /// initialize creates a new wallet protected by |passphrase| and leaves it unlocked. Fails with
  /// invalid_argument when the wallet already exists or the passphrase is shorter than min_passphrase_length,
  /// and with the store's errors.
  Status initialize(const SecretBytes& passphrase);
  /// unlock opens the wallet with |passphrase|. Fails with wrong_passphrase, invalid_argument (no wallet yet),
  /// storage_error.
  Status unlock(const SecretBytes& passphrase);
  /// lock wipes the data key and forgets every pending offer and request. It never fails.
  void lock();

  // --- Offers (OpenID4VCI) ------------------------------------------------------------------------------------

  /// inspect_offer reads an openid-credential-offer:// link, checks the issuer's metadata and keeps the offer
  /// pending (nothing is requested from the token endpoint yet: the holder decides, ATTACKS P12). Returns
  /// {"id", "credential_issuer", "issuer_name", "credentials": [{"configuration_id", "vct", "name",
  /// "description"}], "tx_code": {"input_mode", "length"?, "description"?} | null, "copies", "expires_at"}.
  /// Fails with wallet_locked and the errors of IssuanceClient::read_offer and inspect.
  Result<Json> inspect_offer(std::string_view link);
  /// accept_offer runs the issuance of pending offer |offer_id| with the holder's |tx_code| and stores every
  /// received credential (verified, one holder key per copy). Returns {"credentials": [credential summary]}.
  /// Fails with not_found (unknown or expired offer), wallet_locked, and IssuanceClient::accept's errors; the
  /// offer stays pending after a failure (a mistyped tx_code can be retried while the issuer allows it).
  Result<Json> accept_offer(std::string_view offer_id, const std::optional<std::string>& tx_code);
  /// discard_offer forgets a pending offer. Fails with not_found.
  Status discard_offer(std::string_view offer_id);

  // --- Credentials ------------------------------------------------------------------------------------------

  /// list_credentials returns {"credentials": [summary]} newest first; a summary is {"id", "vct", "name",
  /// "description", "issuer", "issuer_name", "received_at", "issued_at", "expires_at", "copies_total",
  /// "copies_left"} (copies_left 0: every copy was shown to some verifier already). Fails with wallet_locked.
  Result<Json> list_credentials();
  /// credential returns the summary plus "claims" (the holder's claim values, without the technical members
  /// iss, vct, cnf, iat, nbf, exp, status, _sd_alg) and "claim_labels" ([{"path", "label"}]). Fails with
  /// wallet_locked, not_found, sealed_data_corrupt.
  Result<Json> credential(std::string_view credential_id);
  /// delete_credential removes a credential and its copies. Fails with wallet_locked, not_found.
  Status delete_credential(std::string_view credential_id);

  // --- Presentation requests (OpenID4VP) ----------------------------------------------------------------------

  /// receive_request resolves an openid4vp:// link (Request Object checks per client_id prefix) and evaluates
  /// its DCQL query over the stored credentials. When the holder's standing rules cover the whole request
  /// (StandingConsent) it is answered at once and the answer is {"id", "status": "shared_by_rule", "rule_ids",
  /// "result": approve()'s answer}; otherwise it stays pending and the answer is the pending request (see
  /// request()) with "status": "pending". Fails with wallet_locked, the errors of
  /// resolve_authorization_request, no_matching_credential, and — for an automatic answer — approve()'s errors.
  Result<Json> receive_request(std::string_view link);
  /// list_requests returns {"requests": [pending request]} oldest first (expired ones are dropped).
  Result<Json> list_requests();
  /// request returns one pending request: {"id", "created_at", "expires_at", "verifier": {"client_id",
  /// "prefix", "prefix_explained", "host", "response_uri", "signed"}, "satisfiable", "queries": [{"id",
  /// "required", "multiple", "options": [{"credential_id", "name", "issuer", "issuer_name", "copies_left",
  /// "copies_total", "claims": [{"path", "label", "required"}]}]}], "plan": ConsentPlan::to_json()}.
  /// Fails with not_found, request_already_answered (approved, declined or expired), wallet_locked.
  Result<Json> request(std::string_view request_id);
  /// approve discloses what the holder approved: |approval| is {"selections": {query_id: credential_id or
  /// [credential_id, ...]}, "optional_claims": {query_id: [path, ...]}} (optional claims left ticked; a query
  /// not in selections is not answered). For each answered query a copy not yet shown to another verifier is
  /// taken (WalletStore::take_copy_for_verifier), the SD-JWT+KB built and the vp_token posted to the
  /// response_uri; every disclosure is recorded in the history (claim paths only). With "remember":
  /// {"expires_at", "max_per_day"} the holder also makes a standing rule per shared credential from exactly the
  /// claims just shared (after they were accepted). Returns {"status": "shared",
  /// "disclosed": [{"query_id", "credential_id", "credential_name", "vct", "claims": [label], "paths": [path]}],
  /// "warnings": [text], "copies": [{"credential_id", "copies_left"}], "redirect_uri"?}. Fails with not_found,
  /// request_already_answered, invalid_argument (a malformed approval), claim_not_requested,
  /// dcql_query_not_satisfied (the request stays pending after these three), and — after the request is
  /// spent — the errors of building and posting the presentation (recorded as failed or rejected).
  Result<Json> approve(std::string_view request_id, const Json& approval);
  /// decline answers the request with access_denied (OpenID4VP §8.5, best effort) and records it. Returns
  /// {"status": "declined", "verifier_notified": bool}. Fails with not_found, request_already_answered.
  Result<Json> decline(std::string_view request_id);

  // --- History ----------------------------------------------------------------------------------------------

  /// history returns {"entries": [{"id", "time", "verifier", "credential_id", "credential_name", "vct",
  /// "claims": [path], "outcome"}]} newest first. Fails with wallet_locked.
  Result<Json> history();
  /// export_history is history() plus {"format": "veil-wallet-history", "version": 1, "exported_at"}.
  Result<Json> export_history();

  // --- Standing consent ---------------------------------------------------------------------------------------

  /// standing_consent manages the holder's rules and "always ask" marks (each call fails with wallet_locked
  /// while the wallet is locked).
  StandingConsent& standing_consent() { return standing_; }

 private:
  struct PendingOffer {
    InspectedOffer offer;  // holds the pre-authorized code: memory only
    std::int64_t expires_at = 0;
    bool busy = false;     // an accept is running (the issuer is being called)
  };
  struct PendingRequest {
    std::string id;
    AuthorizationRequest request;
    ConsentPlan plan;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
  };

  Status require_unlocked();
  void purge_expired_locked(std::int64_t now);
  Result<Json> request_json(const PendingRequest& pending);
  Result<Json> credential_summary(const StoredCredential& credential, const Json* claims);
  // approve_pending answers pending request |request_id| with |approval|; |rule_by_credential| names, for an
  // automatic answer, the rule that released each credential (recorded in the history).
  Result<Json> approve_pending(std::string_view request_id, const Approval& approval,
                               const std::map<std::string, std::string, std::less<>>& rule_by_credential);
  Status remember_as_rules(const AuthorizationRequest& request, const Json& shared, const Json& remember);

  WalletStore& store_;
  const Clock& clock_;
  WalletServiceOptions options_;
  platform::HttpClient http_;
  IssuanceClient issuance_;
  StandingConsent standing_;
  std::mutex mutex_;
  std::map<std::string, PendingOffer, std::less<>> offers_;
  std::map<std::string, PendingRequest, std::less<>> requests_;
  std::map<std::string, std::int64_t, std::less<>> answered_;  // request id -> when it may be forgotten
};

}  // namespace veil::wallet
