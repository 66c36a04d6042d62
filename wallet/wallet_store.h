// WalletStore: what veil-wallet keeps on the holder's disk — stored credentials (each a batch of copies), their
// processed claims and the disclosure history — behind an interface so that the service does not depend on SQLite
// (SqliteWalletStore).
//
// At rest every secret and every piece of personal data is sealed with XChaCha20-Poly1305 under the wallet's data
// key (wallet/vault.h): the SD-JWT of each copy (compact, with all its disclosures), the holder private key of each
// copy, the processed claims of each credential and the details of each history entry (verifier, credential,
// claim paths). In plaintext stay only what the holder's credential list shows without claims: the credential
// id, vct, iss, the issuer's display metadata, times and copy counters. Which verifier used which copy is kept
// as a keyed hash (an equality tag), never as the client_id itself.
//
// While the store is locked (before unlock, after lock) every operation except is_initialized, is_locked,
// initialize and unlock fails with wallet_locked. Times are seconds since the Unix epoch read by the caller from
// its Clock. Every method is safe to call from several threads (one store serializes its calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/claim_path.h"
#include "veil/secret_bytes.h"
#include "wallet/consent_rule.h"
#include "wallet/vault.h"

namespace veil::wallet {

/// CredentialCopy is one issued copy of a credential batch: the SD-JWT as the issuer sent it (compact
/// serialization with every disclosure, ending in "~", no KB-JWT) and the private key its cnf.jwk names. Both are
/// secrets: sealed at rest, never logged, never sent anywhere but in a presentation.
struct CredentialCopy {
  std::string sd_jwt;
  PrivateJwk holder_key;
};

/// NewCredential is one credential received from an issuer (one credential configuration), as add_credential
/// stores it: metadata in plaintext, the claims and the copies sealed.
struct NewCredential {
  std::string vct;                 // the SD-JWT VC vct of the copies
  std::string issuer;              // the iss of the copies (the Credential Issuer Identifier)
  Json display = Json::object();   // display metadata as the issuer gave it: {"name", "description", "claims":
                                   // [{"path": [...], "display": [{"name", "locale"}]}], ...}; not secret
  Json claims = Json::object();    // the processed claims (all disclosures applied), for DCQL and for the holder;
                                   // personal data: sealed
  std::int64_t received_at = 0;
  std::vector<CredentialCopy> copies;  // at least one; each with its own holder key (unlinkability)
};

/// StoredCredential is a credential as the list shows it: no claims, no secrets.
struct StoredCredential {
  std::string id;                 // random, URL-safe (base64url of 16 random bytes)
  std::string vct;
  std::string issuer;
  Json display = Json::object();
  std::int64_t received_at = 0;
  std::size_t copies = 0;         // copies in the batch
  std::size_t unused_copies = 0;  // copies not yet shown to any verifier
};

/// TakenCopy is the copy take_copy_for_verifier chose, unsealed.
struct TakenCopy {
  std::string credential_id;
  std::size_t copy_index = 0;   // 0-based index in the batch
  CredentialCopy copy;
  bool same_verifier_again = false;  // this copy had already been shown to this verifier (nothing new is linkable)
  bool exhausted = false;       // no unused copy was left: this copy was already shown to another verifier, so the
                                // two verifiers can link the presentations (say so to the holder)
};

/// DisclosureOutcome is how a disclosure attempt ended.
enum class DisclosureOutcome {
  accepted,   // the verifier received the presentation and answered with success
  rejected,   // the verifier received it and refused it
  failed,     // it could not be delivered (network, the verifier's endpoint failed)
  declined,   // the holder declined the request; nothing was sent
  unconfirmed,  // written before the presentation is sent and replaced by the outcome once known: an entry that
                // stays so means the wallet stopped in between (the verifier may have received it)
};

/// disclosure_outcome_name returns "accepted", "rejected", "failed", "declined" or "unconfirmed".
std::string_view disclosure_outcome_name(DisclosureOutcome outcome);
/// parse_disclosure_outcome reads those names. Fails with invalid_argument.
Result<DisclosureOutcome> parse_disclosure_outcome(std::string_view name);

/// DisclosureRecord is one history entry: who asked, when, which credential and which claims (their paths as DCQL
/// claims path arrays, e.g. [["given_name"], ["address", "country"]]) — never a claim value.
struct DisclosureRecord {
  std::int64_t id = 0;                 // assigned by record_disclosure; ignored on input
  std::string verifier_client_id;      // the full client_id with its prefix
  std::int64_t time = 0;
  std::string credential_id;
  std::string vct;
  std::vector<Json> claim_paths;       // each a non-empty array of strings, non-negative integers and nulls
  DisclosureOutcome outcome = DisclosureOutcome::accepted;
  std::string rule_id = {};            // the standing consent rule that answered without asking; empty when the
                                       // holder decided in person
};

/// WalletStore is the holder's encrypted store.
class WalletStore {
 public:
  virtual ~WalletStore() = default;

  /// is_initialized is true once initialize has succeeded for this data (a data key exists). Fails with
  /// storage_error.
  virtual Result<bool> is_initialized() = 0;
  /// is_locked is true while no data key is in memory.
  virtual bool is_locked() = 0;

  /// initialize creates the data key of a new store, wraps it under |passphrase| with Argon2id(|kdf|) and leaves
  /// the store unlocked. Fails with invalid_argument when the store is already initialized, the passphrase is
  /// empty or |kdf| is below the libsodium minimum, and with storage_error.
  virtual Status initialize(const SecretBytes& passphrase, const KdfParams& kdf) = 0;

  /// unlock unwraps the data key with |passphrase|. When the stored KDF parameters are below the store's target
  /// parameters, the data key is re-wrapped under the target (new salt, new nonce) in the same step. Fails with
  /// wrong_passphrase when the passphrase (or any stored KDF byte: parameters, salt, nonce, wrapped key) is wrong,
  /// invalid_argument when the store is not initialized, storage_error. Unlocking an unlocked store checks the
  /// passphrase again.
  virtual Status unlock(const SecretBytes& passphrase) = 0;

  /// change_passphrase re-wraps the data key under |new_passphrase| (fresh salt, the target parameters) after
  /// checking |old_passphrase|. Nothing sealed is re-encrypted. Fails like unlock, and with invalid_argument for an
  /// empty new passphrase.
  virtual Status change_passphrase(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) = 0;

  /// lock wipes the data key from memory. It never fails.
  virtual void lock() = 0;

  /// add_credential stores a credential with all its copies in one transaction and returns its new id. The
  /// credential is durable (synchronous=FULL) when this returns. Fails with wallet_locked, invalid_argument (no
  /// copies, empty vct or issuer, claims not an object), storage_error.
  virtual Result<std::string> add_credential(const NewCredential& credential) = 0;

  /// list_credentials returns every stored credential, newest first. Fails with wallet_locked, storage_error.
  virtual Result<std::vector<StoredCredential>> list_credentials() = 0;

  /// find_credential returns one credential's list entry. Fails with wallet_locked, not_found, storage_error.
  virtual Result<StoredCredential> find_credential(std::string_view credential_id) = 0;

  /// credential_claims returns the unsealed processed claims of a credential. Fails with wallet_locked,
  /// not_found, sealed_data_corrupt (the sealed value was altered or moved), storage_error.
  virtual Result<Json> credential_claims(std::string_view credential_id) = 0;

  /// delete_credential removes a credential and all its copies for good: secure_delete overwrites the pages and
  /// the WAL is checkpointed so no copy of a secret stays in the -wal file. History entries that name it stay.
  /// Fails with wallet_locked, not_found, storage_error.
  virtual Status delete_credential(std::string_view credential_id) = 0;

  /// take_copy_for_verifier chooses the copy to present to |verifier_client_id| and records the choice in the
  /// same transaction: a copy already shown to that verifier if there is one (same_verifier_again), else an
  /// unused copy (now marked used), else the copy shown least often (exhausted = true). Fails with wallet_locked,
  /// not_found, sealed_data_corrupt, storage_error.
  virtual Result<TakenCopy> take_copy_for_verifier(std::string_view credential_id,
                                                   std::string_view verifier_client_id) = 0;

  /// record_disclosure appends |record| to the history (sealed) and returns its id. Fails with wallet_locked,
  /// invalid_argument (empty client_id, a claim path that is not a DCQL path array), storage_error.
  virtual Result<std::int64_t> record_disclosure(const DisclosureRecord& record) = 0;

  /// set_disclosure_outcome replaces the outcome of history entry |id| (an unconfirmed entry once the verifier
  /// answered). Fails with wallet_locked, not_found, sealed_data_corrupt, storage_error.
  virtual Status set_disclosure_outcome(std::int64_t id, DisclosureOutcome outcome) = 0;

  /// list_history returns the history, newest first. Fails with wallet_locked, sealed_data_corrupt, storage_error.
  virtual Result<std::vector<DisclosureRecord>> list_history() = 0;

  // --- Standing consent (sealed like the history: a rule names a verifier and a credential) ------------------

  /// add_consent_rule stores |rule| (its id is ignored) and returns the new rule's id. Fails with wallet_locked,
  /// not_found (no such credential), storage_error.
  virtual Result<std::string> add_consent_rule(const ConsentRule& rule) = 0;
  /// list_consent_rules returns every rule, newest first (expired ones too: the holder sees and removes them).
  /// Fails with wallet_locked, sealed_data_corrupt, storage_error.
  virtual Result<std::vector<ConsentRule>> list_consent_rules() = 0;
  /// delete_consent_rule revokes a rule for good, with its use counter. Fails with wallet_locked, not_found,
  /// storage_error.
  virtual Status delete_consent_rule(std::string_view rule_id) = 0;
  /// consent_rule_uses counts the automatic answers recorded for |rule_id| after |since| (a window (since, now]). Fails with
  /// wallet_locked, storage_error.
  virtual Result<std::int64_t> consent_rule_uses(std::string_view rule_id, std::int64_t since) = 0;
  /// use_consent_rule records one automatic answer under |rule_id| at |now| — only when fewer than |max_uses| were
  /// recorded after |since|, checked and recorded in one transaction so that two requests at once cannot
  /// both take the last use. Returns whether the use was recorded. Fails with wallet_locked, not_found,
  /// storage_error.
  virtual Result<bool> use_consent_rule(std::string_view rule_id, std::int64_t now, std::int64_t since,
                                        std::int64_t max_uses) = 0;
  /// set_always_ask replaces the claims of |credential_id| that no rule may release (empty: none). Fails with
  /// wallet_locked, not_found, storage_error.
  virtual Status set_always_ask(std::string_view credential_id, const std::vector<ClaimPath>& paths) = 0;
  /// always_ask returns those claims (empty when none were marked). Fails with wallet_locked,
  /// sealed_data_corrupt, storage_error.
  virtual Result<std::vector<ClaimPath>> always_ask(std::string_view credential_id) = 0;
};

}  // namespace veil::wallet
