// IssuerStore: what veil-issuer serve keeps between requests — credential offers with their pre-authorized codes,
// access tokens, c_nonces, the issued-credential log and the Token Status Lists — behind an interface so that a
// networked database can replace SQLite (SqliteIssuerStore) later.
//
// Secrets are never stored: offer ids, pre-authorized codes, tx_codes, access tokens and c_nonces reach the store
// only as a SecretHash (SHA-256 of the secret). Claim values are kept only from offer creation until the batch is
// issued (or the offer is purged), never in the issued-credential log. Times are seconds since the Unix epoch
// that the caller reads from its Clock; the store never asks for the time itself. A code or token "expires at" T
// means it is usable while now < T.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/status_list.h"

namespace veil::issuer {

/// SecretHash is the SHA-256 digest of a bearer secret (offer id, pre-authorized code, tx_code, access token,
/// c_nonce): the only form in which such a secret reaches the store.
class SecretHash {
 public:
  /// of hashes |secret| with SHA-256; it never fails.
  static SecretHash of(std::string_view secret);
  /// from_bytes wraps a stored 32-byte digest (for store implementations). Fails with invalid_argument when
  /// |digest| is not 32 bytes.
  static Result<SecretHash> from_bytes(std::span<const std::uint8_t> digest);

  const std::array<std::uint8_t, 32>& bytes() const { return bytes_; }
  /// equals compares in constant time (tx_codes are compared this way, VCI §13.6.3).
  bool equals(const SecretHash& other) const;

 private:
  explicit SecretHash(const std::array<std::uint8_t, 32>& bytes) : bytes_(bytes) {}
  std::array<std::uint8_t, 32> bytes_;
};

/// random_url_token returns base64url of |bytes| bytes from the system CSPRNG (43 characters for the default 32):
/// offer ids, access tokens, c_nonces and credential ids.
std::string random_url_token(std::size_t bytes = 32);

/// OfferSecrets are the two bearer secrets of one offer. The credential_offer_uri endpoint must hand out the
/// pre-authorized code while the store keeps only hashes, so the code is derived from the offer id:
/// pre_authorized_code = base64url(SHA-256("veil pre-authorized code v1" || offer_id)). Whoever holds the offer
/// URI holds the code (as with the offer by value); a copy of the database holds neither.
struct OfferSecrets {
  std::string offer_id;             // random, URL-safe; the last path segment of the credential_offer_uri
  std::string pre_authorized_code;  // derived from offer_id

  /// generate draws a fresh offer id and derives its code; it never fails.
  static OfferSecrets generate();
  /// from_offer_id derives the code of an existing offer id (for GET credential_offer_uri); it never fails.
  static OfferSecrets from_offer_id(std::string_view offer_id);
};

/// NewOffer is everything create_offer records about a credential offer (OpenID4VCI 1.0 §4.1).
struct NewOffer {
  SecretHash offer_id_hash;                 // SecretHash::of(OfferSecrets::offer_id)
  SecretHash pre_authorized_code_hash;      // SecretHash::of(OfferSecrets::pre_authorized_code)
  std::optional<SecretHash> tx_code_hash;   // SecretHash::of(tx_code) when the offer requires one
  Json tx_code_object = nullptr;            // the offer's "tx_code" object (input_mode, length, description), no value
  std::string credential_configuration_id;  // a key of credential_configurations_supported
  Json claims;                              // the claim set to issue; deleted once the batch is issued
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;              // the pre-authorized code (and the offer URI) work while now < expires_at
};

/// OfferView is what GET credential_offer_uri needs to rebuild the offer (the code comes from OfferSecrets).
struct OfferView {
  std::string credential_configuration_id;
  bool requires_tx_code = false;
  Json tx_code_object = nullptr;
  std::int64_t expires_at = 0;
};

/// RedeemRequest is a Token Request with the pre-authorized_code grant (VCI §6.1), reduced to hashes, plus the
/// access token that redeem_pre_authorized_code records in the same transaction when the code is good.
struct RedeemRequest {
  SecretHash pre_authorized_code_hash;
  std::optional<SecretHash> tx_code_hash;  // absent when the request carries no tx_code
  SecretHash access_token_hash;            // SecretHash::of(new access token), stored only on success
  std::int64_t access_token_expires_at = 0;
  std::int64_t now = 0;
};

/// RedeemOutcome distinguishes every way a redemption ends, for logs. Over HTTP (VCI §6.3): redeemed → 200;
/// tx_code_missing and tx_code_unexpected → invalid_request; every other outcome → invalid_grant, and they must
/// look the same to the client.
enum class RedeemOutcome {
  redeemed,                // code good, marked used, access token stored
  unknown_code,            // no offer has this code (or it was purged)
  expired_code,            // now >= expires_at
  used_code,               // already redeemed (VCI §13.6.1: single use)
  tx_code_missing,         // the offer requires a tx_code and the request has none; no attempt is counted
  tx_code_unexpected,      // the request has a tx_code and the offer requires none; the code stays usable
  wrong_tx_code,           // counted; the code stays usable while attempts remain
  tx_code_attempts_exhausted,  // this or an earlier wrong tx_code reached the limit: the code is dead (VCI §13.6.3)
};

/// redeem_outcome_name returns the snake_case name of |outcome| ("used_code") for logs.
std::string_view redeem_outcome_name(RedeemOutcome outcome);

/// RedeemResult is the outcome plus, when redeemed, the configuration the access token is good for.
struct RedeemResult {
  RedeemOutcome outcome = RedeemOutcome::unknown_code;
  std::string credential_configuration_id;  // set when redeemed
  int tx_code_attempts_left = 0;            // after a wrong_tx_code
};

/// AccessTokenGrant is what an unexpired, unconsumed access token allows: one batch of one configuration with the
/// offer's claims (VCI §8; ATTACKS P17: a token for configuration A cannot obtain configuration B).
struct AccessTokenGrant {
  std::string credential_configuration_id;
  Json claims;
  std::int64_t expires_at = 0;
};

/// CredentialStatus is the status of an issued credential, with the Token Status List values of TSL §7.
enum class CredentialStatus : std::uint8_t {
  valid = kStatusValid,          // 0x00
  invalid = kStatusInvalid,      // 0x01: revoked, final
  suspended = kStatusSuspended,  // 0x02: reversible
};

/// credential_status_name returns "valid", "invalid" or "suspended".
std::string_view credential_status_name(CredentialStatus status);
/// parse_credential_status reads those names ("revoked" is accepted for invalid). Fails with invalid_argument.
Result<CredentialStatus> parse_credential_status(std::string_view name);

/// StatusReference is where one credential's status lives: index |index| of status list |list_id|.
struct StatusReference {
  std::int64_t list_id = 0;
  std::size_t index = 0;
};

/// CredentialAllocation is what a credential of a batch gets before it is signed: its id and status slot.
struct CredentialAllocation {
  std::string credential_id;  // random, URL-safe
  StatusReference status;
};

/// IssuanceRequest describes one batch (VCI §8.2: one credential per proof key).
struct IssuanceRequest {
  SecretHash access_token_hash;
  std::vector<std::string> holder_key_thumbprints;  // RFC 7638 thumbprint of each proof key, one per credential
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> expires_at;            // the credentials' exp, when they have one
};

/// SignBatch signs the batch once the store has allocated it (allocations in the order of the thumbprints). An
/// error rolls the whole batch back and is returned by issue_credentials unchanged.
using SignBatch = std::function<Status(std::span<const CredentialAllocation> allocations)>;

/// IssuedCredentialRecord is one row of the issued-credential log: no claim values, ever.
struct IssuedCredentialRecord {
  std::string credential_id;
  std::string credential_configuration_id;
  std::string holder_key_thumbprint;
  StatusReference status_reference;
  CredentialStatus status = CredentialStatus::valid;
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> expires_at;
  std::int64_t status_changed_at = 0;  // issued_at until the first status change
};

/// IssuedCredentialPage is one page of the log, oldest first; pass next_cursor back to continue.
struct IssuedCredentialPage {
  std::vector<IssuedCredentialRecord> records;
  std::optional<std::int64_t> next_cursor;  // absent on the last page
};

/// StatusListInfo describes one status list without its statuses.
struct StatusListInfo {
  std::int64_t list_id = 0;
  int bits = 0;
  std::size_t size = 0;       // number of indices
  std::size_t allocated = 0;  // indices handed out so far (never given back)
  std::int64_t created_at = 0;
};

/// PurgeCounts says how many rows purge_expired removed.
struct PurgeCounts {
  std::size_t offers = 0;
  std::size_t access_tokens = 0;
  std::size_t c_nonces = 0;
};

/// IssuerStore is the issuer's persistent state. Every method is one atomic transaction and safe to call from
/// several threads. Failures of the storage itself return storage_error.
class IssuerStore {
 public:
  virtual ~IssuerStore() = default;

  /// create_offer records |offer|. Fails with invalid_argument when the configuration id is empty, claims is not
  /// an object or expires_at <= created_at, and with storage_error when the offer id or code hash already exists.
  virtual Status create_offer(const NewOffer& offer) = 0;

  /// find_offer returns the offer whose id hashes to |offer_id_hash| while now < expires_at and its code is
  /// unredeemed and alive; std::nullopt otherwise (unknown, expired, redeemed, tx_code attempts exhausted).
  virtual Result<std::optional<OfferView>> find_offer(const SecretHash& offer_id_hash, std::int64_t now) = 0;

  /// redeem_pre_authorized_code checks the code (known, now < expires_at, unused), then the tx_code (constant-time
  /// hash compare), and on success marks the code used and stores the access token, all in one transaction. A
  /// wrong tx_code increments the offer's attempts; reaching max_tx_code_attempts kills the code. Only storage
  /// failures are errors; every protocol outcome is a RedeemOutcome.
  virtual Result<RedeemResult> redeem_pre_authorized_code(const RedeemRequest& request) = 0;

  /// find_access_token returns the grant of an access token while now < its expires_at and before it has issued
  /// a batch; std::nullopt otherwise (unknown, expired, consumed).
  virtual Result<std::optional<AccessTokenGrant>> find_access_token(const SecretHash& access_token_hash,
                                                                   std::int64_t now) = 0;

  /// store_c_nonce records a fresh c_nonce (VCI §7) usable while now < expires_at. Fails with storage_error when
  /// the hash already exists.
  virtual Status store_c_nonce(const SecretHash& c_nonce_hash, std::int64_t expires_at) = 0;

  /// consume_c_nonce deletes the c_nonce and returns true when it existed and now < its expires_at; false for an
  /// unknown, already consumed or expired one (ATTACKS P15: single use). Atomic: of two concurrent consumes of one
  /// nonce, one wins.
  virtual Result<bool> consume_c_nonce(const SecretHash& c_nonce_hash, std::int64_t now) = 0;

  /// issue_credentials, in one transaction: checks that the access token is unexpired (now = request.issued_at) and
  /// unconsumed, allocates one fresh credential id and one never-used status index per holder key (a random free
  /// index of the current list; a new list when it is full), calls |sign| with the allocations, and only if it
  /// succeeds writes the log rows, marks the token consumed and deletes the offer's claims. A crash or a failed
  /// |sign| before commit leaves nothing allocated; an index, once committed, is never handed out again.
  /// Fails with invalid_access_token (unknown, expired or already consumed token), invalid_argument (no holder
  /// keys, more than max_batch_size or an empty thumbprint), whatever |sign| returns, or storage_error.
  virtual Result<std::vector<CredentialAllocation>> issue_credentials(const IssuanceRequest& request,
                                                                      const SignBatch& sign) = 0;

  /// find_issued_credential returns one log row. Fails with not_found for an unknown id.
  virtual Result<IssuedCredentialRecord> find_issued_credential(std::string_view credential_id) = 0;

  /// list_issued_credentials returns up to |limit| (1..1000) log rows after |cursor| (0 for the first page),
  /// oldest first. Fails with invalid_argument for a limit outside 1..1000.
  virtual Result<IssuedCredentialPage> list_issued_credentials(std::int64_t cursor, std::size_t limit) = 0;

  /// set_credential_status changes a credential's status at |now|: valid → invalid or suspended, suspended →
  /// valid or invalid; setting the current status again succeeds and changes nothing. Revocation is final: from
  /// invalid every other status fails with status_transition_not_allowed. Fails with not_found for an unknown id.
  /// Returns the updated record.
  virtual Result<IssuedCredentialRecord> set_credential_status(std::string_view credential_id,
                                                               CredentialStatus status, std::int64_t now) = 0;

  /// read_status_list returns the current statuses of list |list_id| as a core StatusList (bits, size as created),
  /// ready for StatusList::to_json / a Status List Token. Fails with not_found for an unknown list.
  virtual Result<StatusList> read_status_list(std::int64_t list_id) = 0;

  /// list_status_lists returns every status list, oldest first.
  virtual Result<std::vector<StatusListInfo>> list_status_lists() = 0;

  /// purge_expired deletes offers whose code expired (now >= expires_at) and that no live access token still
  /// needs — with their claims —, expired access tokens, and expired c_nonces. The issued-credential log and the
  /// status lists are never purged (indices must not be reused).
  virtual Result<PurgeCounts> purge_expired(std::int64_t now) = 0;
};

}  // namespace veil::issuer
