#include "veil/error.h"

namespace veil {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_base64url: return "invalid_base64url";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::duplicate_json_member: return "duplicate_json_member";
    case ErrorCode::nesting_too_deep: return "nesting_too_deep";
    case ErrorCode::input_too_large: return "input_too_large";
    case ErrorCode::too_many_disclosures: return "too_many_disclosures";
    case ErrorCode::invalid_jwk: return "invalid_jwk";
    case ErrorCode::unsupported_key: return "unsupported_key";
    case ErrorCode::unknown_key: return "unknown_key";
    case ErrorCode::malformed_jws: return "malformed_jws";
    case ErrorCode::invalid_jws_header: return "invalid_jws_header";
    case ErrorCode::alg_not_allowed: return "alg_not_allowed";
    case ErrorCode::unsupported_crit: return "unsupported_crit";
    case ErrorCode::invalid_signature: return "invalid_signature";
    case ErrorCode::invalid_jwt_payload: return "invalid_jwt_payload";
    case ErrorCode::invalid_time_claim: return "invalid_time_claim";
    case ErrorCode::token_expired: return "token_expired";
    case ErrorCode::token_not_yet_valid: return "token_not_yet_valid";
    case ErrorCode::issued_in_future: return "issued_in_future";
    case ErrorCode::malformed_sd_jwt: return "malformed_sd_jwt";
    case ErrorCode::invalid_disclosure: return "invalid_disclosure";
    case ErrorCode::duplicate_disclosure: return "duplicate_disclosure";
    case ErrorCode::duplicate_digest: return "duplicate_digest";
    case ErrorCode::unreferenced_disclosure: return "unreferenced_disclosure";
    case ErrorCode::forbidden_claim_name: return "forbidden_claim_name";
    case ErrorCode::claim_name_conflict: return "claim_name_conflict";
    case ErrorCode::disclosure_kind_mismatch: return "disclosure_kind_mismatch";
    case ErrorCode::unsupported_sd_alg: return "unsupported_sd_alg";
    case ErrorCode::invalid_sd_digests: return "invalid_sd_digests";
    case ErrorCode::forbidden_selective_disclosure: return "forbidden_selective_disclosure";
    case ErrorCode::unexpected_key_binding: return "unexpected_key_binding";
    case ErrorCode::missing_key_binding: return "missing_key_binding";
    case ErrorCode::missing_cnf: return "missing_cnf";
    case ErrorCode::invalid_kb_jwt: return "invalid_kb_jwt";
    case ErrorCode::invalid_kb_typ: return "invalid_kb_typ";
    case ErrorCode::invalid_kb_signature: return "invalid_kb_signature";
    case ErrorCode::sd_hash_mismatch: return "sd_hash_mismatch";
    case ErrorCode::nonce_mismatch: return "nonce_mismatch";
    case ErrorCode::aud_mismatch: return "aud_mismatch";
    case ErrorCode::kb_iat_too_old: return "kb_iat_too_old";
    case ErrorCode::kb_iat_in_future: return "kb_iat_in_future";
    case ErrorCode::invalid_typ: return "invalid_typ";
    case ErrorCode::invalid_vct: return "invalid_vct";
    case ErrorCode::invalid_iss: return "invalid_iss";
    case ErrorCode::untrusted_issuer: return "untrusted_issuer";
    case ErrorCode::invalid_status_list: return "invalid_status_list";
    case ErrorCode::status_list_too_large: return "status_list_too_large";
    case ErrorCode::invalid_status_list_token: return "invalid_status_list_token";
    case ErrorCode::invalid_status_list_token_typ: return "invalid_status_list_token_typ";
    case ErrorCode::status_list_subject_mismatch: return "status_list_subject_mismatch";
    case ErrorCode::status_list_expired: return "status_list_expired";
    case ErrorCode::status_index_out_of_range: return "status_index_out_of_range";
    case ErrorCode::invalid_status_claim: return "invalid_status_claim";
    case ErrorCode::invalid_type_metadata: return "invalid_type_metadata";
    case ErrorCode::invalid_json_schema: return "invalid_json_schema";
    case ErrorCode::missing_mandatory_claim: return "missing_mandatory_claim";
    case ErrorCode::invalid_dcql_query: return "invalid_dcql_query";
    case ErrorCode::dcql_query_not_satisfied: return "dcql_query_not_satisfied";
    case ErrorCode::invalid_proof_typ: return "invalid_proof_typ";
    case ErrorCode::invalid_proof_key: return "invalid_proof_key";
    case ErrorCode::invalid_proof_claims: return "invalid_proof_claims";
    case ErrorCode::proof_aud_mismatch: return "proof_aud_mismatch";
    case ErrorCode::proof_iat_too_old: return "proof_iat_too_old";
    case ErrorCode::proof_iat_in_future: return "proof_iat_in_future";
    case ErrorCode::missing_proof_nonce: return "missing_proof_nonce";
    case ErrorCode::unknown_claim_path: return "unknown_claim_path";
    case ErrorCode::invalid_claim_path: return "invalid_claim_path";
    case ErrorCode::invalid_claims: return "invalid_claims";
    case ErrorCode::invalid_disclosure_frame: return "invalid_disclosure_frame";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::internal_error: return "internal_error";
    case ErrorCode::invalid_config: return "invalid_config";
    case ErrorCode::storage_error: return "storage_error";
    case ErrorCode::unsupported_storage_version: return "unsupported_storage_version";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::status_transition_not_allowed: return "status_transition_not_allowed";
    case ErrorCode::invalid_access_token: return "invalid_access_token";
  }
  return "internal_error";
}

}  // namespace veil
