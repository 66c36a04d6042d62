#include "issuer/credential_endpoint.h"

#include <set>
#include <vector>

#include "veil/credential_status.h"
#include "veil/openid4vci_proof.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt_vc.h"

namespace veil::issuer {
namespace {

using platform::http_fail;

platform::HttpError invalid_token(std::string description) {
  return {401, "invalid_token", std::move(description)};
}

// read_jwt_proofs returns the proofs.jwt array (VCI §8.2): a non-empty array of strings, at most batch_size.
platform::HttpResult<std::vector<std::string>> read_jwt_proofs(const Json& request, std::size_t batch_size) {
  // §8.2: unrecognised parameters are ignored, so a pre-1.0 "proof" next to "proofs" does no harm; alone it
  // gets a hint.
  const auto proofs = request.find("proofs");
  if ((proofs == request.end() || !proofs->is_object()) && request.contains("proof")) {
    return http_fail(400, "invalid_proof", "send proofs (OpenID4VCI 1.0), not the pre-1.0 proof parameter");
  }
  if (proofs == request.end() || !proofs->is_object()) {
    return http_fail(400, "invalid_proof", "proofs is missing: this issuer binds every credential to a key");
  }
  if (proofs->size() != 1 || !proofs->contains("jwt")) {
    return http_fail(400, "invalid_proof", "proofs must hold exactly one proof type, jwt");
  }
  const Json& jwts = proofs->at("jwt");
  if (!jwts.is_array() || jwts.empty()) return http_fail(400, "invalid_proof", "proofs.jwt must be a non-empty array");
  if (jwts.size() > batch_size) {
    return http_fail(400, "invalid_credential_request",
                     "more proofs than batch_credential_issuance.batch_size (" + std::to_string(batch_size) + ")");
  }
  std::vector<std::string> out;
  for (const Json& jwt : jwts) {
    if (!jwt.is_string()) return http_fail(400, "invalid_proof", "every proofs.jwt entry must be a string");
    out.push_back(jwt.get<std::string>());
  }
  return out;
}

platform::HttpResult<std::vector<VerifiedOpenId4VciProof>> verify_proofs(const IssuerContext& context,
                                                                         const std::vector<std::string>& jwts) {
  OpenId4VciProofPolicy policy;
  policy.credential_issuer = context.issuer_id();
  std::vector<VerifiedOpenId4VciProof> proofs;
  std::set<std::string> thumbprints;
  for (std::size_t i = 0; i < jwts.size(); ++i) {
    auto proof = verify_openid4vci_proof(jwts[i], policy, context.clock);
    if (!proof) {
      return http_fail(400, std::string(openid4vci_proof_error_name(proof.error().code)),
                       "proof " + std::to_string(i) + ": " + std::string(error_code_name(proof.error().code)) + ": " +
                           proof.error().message);
    }
    // One credential per key: the same key twice would bind two credentials a verifier could link.
    if (!thumbprints.insert(proof->thumbprint).second) {
      return http_fail(400, "invalid_proof", "proof " + std::to_string(i) + " proves a key another proof already did");
    }
    proofs.push_back(std::move(*proof));
  }
  return proofs;
}

// consume_nonces spends every distinct c_nonce the proofs sign; any unknown, used or expired one fails the
// request (VCI §7, ATTACKS P15). All proofs were verified first, so a bad proof spends no nonce.
platform::HttpResult<void> consume_nonces(const IssuerContext& context,
                                          const std::vector<VerifiedOpenId4VciProof>& proofs) {
  std::set<std::string> nonces;
  for (const auto& proof : proofs) {
    if (!proof.nonce) return http_fail(400, "invalid_proof", "a proof has no c_nonce");
    nonces.insert(*proof.nonce);
  }
  const std::int64_t now = context.clock.now();
  for (const std::string& nonce : nonces) {
    auto consumed = context.store.consume_c_nonce(SecretHash::of(nonce), now);
    if (!consumed) return tl::unexpected(storage_failure());
    if (!*consumed) return http_fail(400, "invalid_nonce", "the c_nonce is unknown, used or expired: get a new one");
  }
  return {};
}

std::string status_list_uri(const IssuerContext& context, std::int64_t list_id) {
  return context.issuer_id() + "/status/" + std::to_string(list_id);
}

}  // namespace

platform::HttpResult<Json> credential_response(const IssuerContext& context,
                                               std::optional<std::string_view> access_token, const Json& request) {
  if (!access_token) return tl::unexpected(invalid_token("a bearer access token is required"));
  const SecretHash token_hash = SecretHash::of(*access_token);
  const std::int64_t now = context.clock.now();
  auto grant = context.store.find_access_token(token_hash, now);
  if (!grant) return tl::unexpected(storage_failure());
  if (!*grant) return tl::unexpected(invalid_token("the access token is unknown, expired or used"));

  if (request.contains("credential_response_encryption")) {
    return http_fail(400, "invalid_encryption_parameters", "this issuer does not encrypt credential responses");
  }
  if (request.contains("credential_identifier")) {
    return http_fail(400, "unknown_credential_identifier", "this issuer issues by credential_configuration_id");
  }
  const auto configuration_id = request.find("credential_configuration_id");
  if (configuration_id == request.end() || !configuration_id->is_string()) {
    return http_fail(400, "invalid_credential_request", "credential_configuration_id must be a string");
  }
  const CredentialType* type = context.catalog.find(configuration_id->get_ref<const std::string&>());
  if (type == nullptr) {
    return http_fail(400, "unknown_credential_configuration", "no credential configuration has that id");
  }
  // ATTACKS P17: the token was granted for one offer's configuration and no other.
  if (type->configuration_id() != (*grant)->credential_configuration_id) {
    return http_fail(400, "invalid_credential_request", "the access token does not grant this credential configuration");
  }

  auto jwts = read_jwt_proofs(request, context.config.batch_size);
  if (!jwts) return tl::unexpected(jwts.error());
  auto proofs = verify_proofs(context, *jwts);
  if (!proofs) return tl::unexpected(proofs.error());
  if (auto spent = consume_nonces(context, *proofs); !spent) return tl::unexpected(spent.error());

  const Json& claims = (*grant)->claims;
  auto frame = type->disclosure_frame(claims);
  if (!frame) return http_fail(500, "server_error", "the offer's claims no longer fit the credential type");
  auto salts = RandomSaltSource::create();
  if (!salts) return http_fail(500, "server_error", "no salt source");

  IssuanceRequest issuance{token_hash, {}, now, now + context.config.credential_lifetime_seconds};
  for (const auto& proof : *proofs) issuance.holder_key_thumbprints.push_back(proof.thumbprint);

  const CurrentSigningKey key = context.keys.current();
  std::vector<std::string> credentials;
  std::optional<Error> signing_error;
  auto issued = context.store.issue_credentials(issuance, [&](std::span<const CredentialAllocation> allocations) -> Status {
    for (std::size_t i = 0; i < allocations.size(); ++i) {
      SdJwtVcIssueRequest credential;
      credential.iss = context.issuer_id();
      credential.vct = type->vct();
      credential.claims = claims;
      credential.frame = *frame;
      credential.holder_key = (*proofs)[i].holder_key;
      credential.iat = now;
      credential.exp = issuance.expires_at;
      credential.status_uri = status_list_uri(context, allocations[i].status.list_id);
      credential.status_index = static_cast<std::int64_t>(allocations[i].status.index);
      credential.decoys_per_level = context.config.decoys_per_level;
      auto signed_credential = issue_sd_jwt_vc(credential, **salts, *key.signer);
      if (!signed_credential) {
        signing_error = signed_credential.error();
        return tl::unexpected(signed_credential.error());
      }
      credentials.push_back(signed_credential->serialize_compact());
    }
    return {};
  });
  if (!issued) {
    if (issued.error().code == ErrorCode::invalid_access_token) {
      return tl::unexpected(invalid_token("the access token is unknown, expired or used"));
    }
    if (signing_error) return http_fail(500, "server_error", "signing the credential failed");
    return tl::unexpected(storage_failure());
  }
  Json answer = {{"credentials", Json::array()}};
  for (const std::string& credential : credentials) answer["credentials"].push_back({{"credential", credential}});
  return answer;
}

}  // namespace veil::issuer
