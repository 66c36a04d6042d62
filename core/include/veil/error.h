// Result<T> and the closed set of error codes every Veil component reports.
//
// One ErrorCode per rejection reason. The snake_case name of each code (error_code_name) is a stable, public
// identifier: it appears unchanged in CLI output, HTTP API bodies and logs, and tools outside the project match
// on it. Add codes; never rename or reuse one.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace veil {

enum class ErrorCode {
  // Encoding and JSON (untrusted bytes before any semantics).
  invalid_base64url,       // padding, '+' '/', whitespace, non-canonical trailing bits
  invalid_json,            // not JSON, invalid UTF-8, a byte-order mark, a non-finite number
  duplicate_json_member,   // the same member name twice in one object (RFC 8725 §3.7 / RFC 7515 §5.2)
  nesting_too_deep,        // JSON or disclosure nesting beyond the configured depth
  input_too_large,         // byte size beyond the configured bound
  too_many_disclosures,    // more disclosures than the configured bound

  // Keys.
  invalid_jwk,             // malformed JWK: missing or wrong-length members, point not on the curve
  unsupported_key,         // a key type or curve Veil does not use (RSA, oct, P-384, ...)
  unknown_key,             // no trusted key matches the JWS (kid or issuer)

  // JWS (RFC 7515, RFC 8725).
  malformed_jws,           // not three non-empty base64url parts / not a JWS JSON serialization
  invalid_jws_header,      // protected header not a JSON object, or a header member of the wrong type
  alg_not_allowed,         // alg outside the allow-list (none, HS*, RS*, ...) or not the key's algorithm
  unsupported_crit,        // crit names an extension Veil does not understand, or crit is malformed
  invalid_signature,       // the signature does not verify (including wrong length and out-of-range r, s)
  invalid_jwt_payload,     // JWT payload is not a JSON object

  // JWT time claims (RFC 7519 §4.1).
  invalid_time_claim,      // exp, nbf or iat present but not a number
  token_expired,           // exp <= now - skew
  token_not_yet_valid,     // nbf > now + skew
  issued_in_future,        // iat > now + skew

  // SD-JWT (RFC 9901 §4, §7.1).
  malformed_sd_jwt,        // the ~-separated structure is wrong (e.g. no trailing ~ without a KB-JWT)
  invalid_disclosure,      // a disclosure is not base64url of a 2- or 3-element JSON array of the right types
  duplicate_disclosure,    // the same disclosure appears twice (§7.1 step 4)
  duplicate_digest,        // a digest appears more than once in the payload and disclosures (§7.1 step 4)
  unreferenced_disclosure, // a disclosure whose digest is nowhere in the payload (§7.1 step 5)
  forbidden_claim_name,    // a disclosure names its claim "_sd" or "..." (§7.1 step 3.3.2.2)
  claim_name_conflict,     // a disclosed claim name already exists at that level (§7.1 step 3.3.2.3)
  disclosure_kind_mismatch,// an array-element disclosure referenced from _sd, or a property one from "..."
  unsupported_sd_alg,      // _sd_alg unknown, truncated or not a string (§7.1 step 2.4)
  invalid_sd_digests,      // _sd not an array of strings, or an array-element digest object with extra members
  forbidden_selective_disclosure, // a claim that must never be selectively disclosable arrived as a disclosure
  unexpected_key_binding,  // an SD-JWT+KB where a plain SD-JWT was expected (§7.2, holder receiving)

  // Key binding (RFC 9901 §4.3, §7.3).
  missing_key_binding,     // policy requires a KB-JWT and there is none (§7.3 step 2)
  missing_cnf,             // KB-JWT present or required but the SD-JWT has no usable cnf.jwk (§7.3 step 5.1)
  invalid_kb_jwt,          // KB-JWT malformed: missing iat, aud, nonce or sd_hash, or wrong member types
  invalid_kb_typ,          // KB-JWT typ is not kb+jwt (§7.3 step 5.4)
  invalid_kb_signature,    // KB-JWT not signed by the cnf key (§7.3 step 5.3)
  sd_hash_mismatch,        // KB-JWT sd_hash is not the hash of the presented SD-JWT (§4.3.1)
  nonce_mismatch,          // KB-JWT nonce differs from the expected one
  aud_mismatch,            // KB-JWT aud differs from the expected audience
  kb_iat_too_old,          // KB-JWT iat older than the allowed age
  kb_iat_in_future,        // KB-JWT iat later than now + skew

  // SD-JWT VC (draft-ietf-oauth-sd-jwt-vc).
  invalid_typ,             // issuer JWT typ is not dc+sd-jwt (or vc+sd-jwt when legacy is accepted)
  invalid_vct,             // vct missing or not a string
  invalid_iss,             // iss missing or not a string
  untrusted_issuer,        // iss is not a trusted issuer

  // Token Status List (draft-ietf-oauth-status-list).
  invalid_status_list,     // bits not 1, 2, 4 or 8, lst not base64url or not zlib, or a malformed status_list object
  status_list_too_large,   // the inflated lst (or a requested list size) exceeds the configured bound
  invalid_status_list_token, // a Status List Token payload misses sub, iat or status_list, or has wrong member types
  invalid_status_list_token_typ, // Status List Token typ is not statuslist+jwt (TSL §5.1)
  status_list_subject_mismatch,  // Status List Token sub differs from the referenced status_list.uri (TSL §8.3)
  status_list_expired,     // Status List Token exp is in the past (TSL §8.3)
  status_index_out_of_range, // idx is negative, not an integer, or not below the number of statuses in the list
  invalid_status_claim,    // the status claim is not {"status_list": {"idx": non-negative integer, "uri": string}}

  // Credential types (Type Metadata, JSON Schema).
  invalid_type_metadata,   // an SD-JWT VC Type Metadata document is malformed (claims, paths, sd, display)
  invalid_json_schema,     // a JSON Schema is malformed or uses a keyword Veil does not implement ($dynamicRef, remote $ref)
  missing_mandatory_claim, // a claim the Type Metadata marks mandatory is absent

  // DCQL (OpenID4VP 1.0 §6)
  invalid_dcql_query,      // a DCQL query is malformed: wrong member types, unknown or duplicate ids, bad paths or values
  dcql_query_not_satisfied,// a presentation response lacks a required credential or claim, or has the wrong vct or value

  // OpenID4VCI key proofs (OpenID4VCI 1.0 Appendix F.1, §8.2, §13.8). All map to the VCI error invalid_proof,
  // except missing_proof_nonce, which maps to invalid_nonce.
  invalid_proof_typ,       // key proof typ is not openid4vci-proof+jwt
  invalid_proof_key,       // key proof header names no usable public jwk: kid, x5c or trust_chain, both, or a private jwk
  invalid_proof_claims,    // key proof payload lacks aud or iat, or aud, iat, iss or nonce has the wrong type
  proof_aud_mismatch,      // key proof aud is not the Credential Issuer Identifier
  proof_iat_too_old,       // key proof iat older than the allowed age
  proof_iat_in_future,     // key proof iat later than now + the allowed skew
  missing_proof_nonce,     // key proof has no nonce although the issuer requires a c_nonce

  // Presentation building (holder side).
  unknown_claim_path,      // a requested claim path does not exist in the credential
  invalid_claim_path,      // a claim path that cannot be parsed

  // Issuance (issuer side).
  invalid_claims,          // claims are not a JSON object, or a frame names something that is not there
  invalid_disclosure_frame,// the disclosure frame is malformed
  invalid_argument,        // a caller passed a value outside the documented range (e.g. a salt under 16 bytes)

  // Environment.
  io_error,                // a file could not be read or written
  invalid_config,          // a service setting (flag or --config member) is unknown, mistyped or out of range
  internal_error,          // a broken internal invariant or a library failure that is not the input's fault

  // Storage (SQLite stores of the issuer, verifier and wallet).
  storage_error,           // the database could not be opened, read or written (busy, corrupt, full, constraint)
  unsupported_storage_version, // the database schema is newer than this program knows; it is left untouched
  not_found,               // a looked-up record (issued credential, status list) does not exist
  status_transition_not_allowed, // a credential status change the rules forbid (a revoked credential stays revoked)
  invalid_access_token,    // an access token that is unknown, expired or has already been used for its batch

  // Fetching from other parties (platform HTTP client: wallet and verifier).
  url_not_allowed,         // a URL the fetch policy refuses: not https (plain http only to loopback when allowed), userinfo, fragment, bad host
  fetch_failed,            // the remote party could not be reached in time (connect, TLS, timeout, connection closed)
  unexpected_http_status,  // the remote party answered with a status the protocol step does not accept (or a redirect)
  response_too_large,      // the remote party's answer exceeds the size cap of that fetch

  // Wallet (holder side: vault, OpenID4VCI client, OpenID4VP responder).
  wallet_locked,           // the wallet is locked: unlock it with the passphrase first
  wrong_passphrase,        // the passphrase does not unwrap the data key
  sealed_data_corrupt,     // a sealed value fails to open: ciphertext, nonce, AAD (row, column) or key parameters were altered
  invalid_credential_offer,// a credential offer link or object is malformed or names nothing the issuer offers
  invalid_issuer_metadata, // issuer metadata is malformed or does not name the issuer it was fetched from
  issuance_failed,         // the issuer refused a token, nonce or credential request (its OAuth error is in the message)
  holder_key_mismatch,     // a received credential's cnf key is not the holder key the wallet proved possession of
  invalid_authorization_request,// an OpenID4VP authorization request misses or mistypes a parameter Veil requires
  invalid_request_object,  // a Request Object is not a valid signed oauth-authz-req+jwt, or its x5c does not verify
  client_id_mismatch,      // the client_id prefix check failed: x509_hash, x509_san_dns or redirect_uri value does not match
  unsupported_client_id_prefix,// a client_id prefix Veil does not support (or an unsigned request under one that needs a signature)
  no_matching_credential,  // no stored credential satisfies the request's DCQL query
  claim_not_requested,     // an approval names a claim the request did not ask for
  request_already_answered,// a pending request was already approved, declined or has expired

  // Verifier (OpenID4VP transactions, trust, status).
  unknown_transaction,     // no presentation transaction has this id or state
  transaction_expired,     // the presentation transaction expired before the response arrived
  transaction_completed,   // the presentation transaction already received its response (replay)
  invalid_presentation_response,// a direct_post body is malformed: vp_token missing, not a JSON object keyed by query ids, wrong state
  invalid_policy,          // a presentation policy (vct, claims, trusted issuers, maximum age) is malformed
  credential_revoked,      // the credential's status list entry says invalid (revoked)
  credential_suspended,    // the credential's status list entry says suspended
  credential_too_old,      // the credential was issued longer ago than the policy allows
  unauthorized,            // a missing, unknown or wrong API key or token
};

/// error_code_name returns the stable snake_case identifier of |code| ("sd_hash_mismatch").
std::string_view error_code_name(ErrorCode code);

/// Error is a code plus a short lowercase message for people. The message never contains secrets or claim values.
struct Error {
  ErrorCode code;
  std::string message;
};

/// Result<T> is either a T or an Error. No exception crosses a module boundary; Result does.
template <class T>
using Result = tl::expected<T, Error>;

/// Status is the Result of an operation that yields nothing but success or an Error.
using Status = Result<void>;

/// fail builds the error side of any Result: `return fail(ErrorCode::invalid_json, "payload is not json");`.
inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace veil

// VEIL_TRY(var, expr) evaluates a Result-returning expression, returns its Error from the enclosing function on
// failure, and otherwise moves the value into a new variable |var|.
#define VEIL_TRY_CONCAT_INNER(a, b) a##b
#define VEIL_TRY_CONCAT(a, b) VEIL_TRY_CONCAT_INNER(a, b)
#define VEIL_TRY(var, expr)                                         \
  auto VEIL_TRY_CONCAT(veil_try_, __LINE__) = (expr);               \
  if (!VEIL_TRY_CONCAT(veil_try_, __LINE__))                        \
    return tl::unexpected(std::move(VEIL_TRY_CONCAT(veil_try_, __LINE__).error())); \
  var = std::move(*VEIL_TRY_CONCAT(veil_try_, __LINE__))

// VEIL_CHECK(expr) returns the Error of a Status-returning expression from the enclosing function.
#define VEIL_CHECK(expr)                                                                   \
  do {                                                                                     \
    auto veil_check_result = (expr);                                                       \
    if (!veil_check_result) return tl::unexpected(std::move(veil_check_result.error()));   \
  } while (0)
