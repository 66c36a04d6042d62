// TransactionStore: where the verifier keeps its OpenID4VP presentation transactions (one per request it
// created) behind a small interface, so a networked database can replace SQLite (DESIGN.md "Storage").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "veil/error.h"
#include "veil/json.h"

namespace veil::verifier {

/// TransactionStatus is where a transaction stands: waiting for the wallet, or completed one way or the other.
enum class TransactionStatus { pending, verified, failed };

/// transaction_status_name returns "pending", "verified" or "failed".
std::string_view transaction_status_name(TransactionStatus status);

/// RequestMode is how the wallet gets the request: a signed Request Object behind request_uri (by reference) or
/// every parameter in the link, unsigned, under redirect_uri: (by value).
enum class RequestMode { by_reference, by_value };

/// ResponseMode is how the wallet posts its answer (OpenID4VP 1.0 §8.2, §8.3): plain form fields, or one JWE in
/// "response" encrypted to the transaction's own key.
enum class ResponseMode { direct_post, direct_post_jwt };

/// NewTransaction is a transaction as created. id, state and nonce are fresh random values (>= 128 bits each);
/// the nonce binds the KB-JWT to this transaction (VP §14.2), the state the wallet's response to it (§14.4).
struct NewTransaction {
  std::string id;
  std::string state;
  std::string nonce;
  std::string client_id;       // full, with prefix: the KB-JWT aud
  RequestMode mode = RequestMode::by_reference;
  Json policy;                 // presentation_policy_to_json: the DCQL query plus trusted issuers and max age
  std::string relying_party;   // name of the API key that created it; only it may read the result
  std::optional<std::string> webhook_url;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  ResponseMode response_mode = ResponseMode::direct_post;
  /// response_key is the private JWK (JSON text) of a direct_post.jwt transaction; the store forgets it when the
  /// transaction completes (it decrypts exactly one response).
  std::optional<std::string> response_key;
  /// redirect_uri is the relying party's front-end URL: the wallet is sent there with a response_code (§8.2).
  std::optional<std::string> redirect_uri;
};

/// TransactionRecord is a stored transaction.
struct TransactionRecord {
  NewTransaction transaction;
  TransactionStatus status = TransactionStatus::pending;
  /// result is set once completed: for verified the released claims (personal data), for failed {code, message}.
  std::optional<Json> result;
  std::optional<std::int64_t> completed_at;
  /// response_code_hash is base64url(SHA-256) of the response_code handed out at completion (redirect_uri only);
  /// response_code_redeemed_at is set once the front-end fetched the result with it.
  std::optional<std::string> response_code_hash;
  std::optional<std::int64_t> response_code_redeemed_at;
};

/// CompletionOutcome says what complete() did.
enum class CompletionOutcome { completed, unknown, already_completed, expired };

/// PurgeCounts says how many transactions a purge deleted.
struct PurgeCounts {
  std::size_t completed = 0;  // results past their retention period
  std::size_t expired = 0;    // pending transactions past expiry plus the retention period
};

class TransactionStore {
 public:
  virtual ~TransactionStore() = default;

  /// create stores a new pending transaction. Fails with invalid_argument for an empty id, state, nonce or
  /// client_id or an expiry not after creation, storage_error otherwise (a duplicate id included).
  virtual Status create(const NewTransaction& transaction) = 0;

  /// find returns the transaction with |id|, or nullopt. Fails with storage_error.
  virtual Result<std::optional<TransactionRecord>> find(std::string_view id) = 0;

  /// complete moves the transaction |id| from pending to |status| with |result|, atomically and only once: a
  /// second call (replay, a concurrent response) gets already_completed and changes nothing; a transaction whose
  /// expires_at <= |now| gets expired; an unknown id gets unknown. The completion stores |response_code_hash|
  /// (when set) and forgets the response_key. Fails with invalid_argument when |status| is pending, storage_error
  /// otherwise.
  virtual Result<CompletionOutcome> complete(std::string_view id, TransactionStatus status, const Json& result,
                                             std::int64_t now,
                                             const std::optional<std::string>& response_code_hash) = 0;

  /// complete without a response code.
  Result<CompletionOutcome> complete(std::string_view id, TransactionStatus status, const Json& result,
                                     std::int64_t now) {
    return complete(id, status, result, now, std::nullopt);
  }

  /// redeem_response_code marks the response code of the completed transaction |id| as used at |now|, atomically
  /// and only once: true the first time, false when it was already used or there is no code. Fails with
  /// storage_error.
  virtual Result<bool> redeem_response_code(std::string_view id, std::int64_t now) = 0;

  /// purge deletes completed transactions with completed_at + |retention_seconds| <= |now| (their results are
  /// personal data) and pending ones with expires_at + |retention_seconds| <= |now|. Fails with storage_error.
  virtual Result<PurgeCounts> purge(std::int64_t now, std::int64_t retention_seconds) = 0;
};

}  // namespace veil::verifier
