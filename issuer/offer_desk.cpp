#include "issuer/offer_desk.h"

#include "veil/secret_bytes.h"

namespace veil::issuer {
namespace {

using platform::http_fail;

// random_digits draws a numeric tx_code uniformly: bytes of 250 or more are dropped so that every digit is
// equally likely (250 is the largest multiple of 10 below 256).
std::string random_digits(std::size_t length) {
  std::string digits;
  while (digits.size() < length) {
    const SecretBytes draw = SecretBytes::random(length);
    for (std::uint8_t byte : draw.reveal()) {
      if (byte < 250 && digits.size() < length) digits.push_back(static_cast<char>('0' + byte % 10));
    }
  }
  return digits;
}

TxCode tx_code_for(const IssuerConfig& config) {
  return TxCode{"numeric", config.tx_code_length, "Enter the code the issuer gave you separately."};
}

platform::HttpError claims_error(const Error& error) {
  // The message names the offending claim by JSON pointer and never carries its value.
  return {400, std::string(error_code_name(error.code)), error.message};
}

}  // namespace

platform::HttpResult<Json> create_offer(const IssuerContext& context, const Json& request) {
  const auto configuration_id = request.find("credential_configuration_id");
  if (configuration_id == request.end() || !configuration_id->is_string()) {
    return http_fail(400, "invalid_request", "credential_configuration_id must be a string");
  }
  const auto claims = request.find("claims");
  if (claims == request.end() || !claims->is_object()) {
    return http_fail(400, "invalid_request", "claims must be a JSON object");
  }
  const auto wants_tx_code = request.find("tx_code");
  if (wants_tx_code != request.end() && !wants_tx_code->is_boolean()) {
    return http_fail(400, "invalid_request", "tx_code must be true or false");
  }
  for (const auto& [name, value] : request.items()) {
    if (name != "credential_configuration_id" && name != "claims" && name != "tx_code") {
      return http_fail(400, "invalid_request", "unknown member " + name);
    }
  }
  const CredentialType* type = context.catalog.find(configuration_id->get_ref<const std::string&>());
  if (type == nullptr) {
    return http_fail(400, "unknown_credential_configuration", "no credential configuration has that id");
  }
  if (auto checked = type->check_claims(*claims); !checked) return tl::unexpected(claims_error(checked.error()));
  // The frame is built now as well, so that a claim set the Type Metadata cannot frame fails at the admin, not
  // at the Wallet's credential request.
  if (auto frame = type->disclosure_frame(*claims); !frame) return tl::unexpected(claims_error(frame.error()));

  const bool with_tx_code = wants_tx_code != request.end() && wants_tx_code->get<bool>();
  const OfferSecrets secrets = OfferSecrets::generate();
  std::optional<std::string> tx_code;
  std::optional<TxCode> tx_code_description;
  if (with_tx_code) {
    tx_code = random_digits(context.config.tx_code_length);
    tx_code_description = tx_code_for(context.config);
  }
  auto offer = credential_offer(context.metadata,
                                {{type->configuration_id()}, secrets.pre_authorized_code, tx_code_description});
  if (!offer) return http_fail(500, "server_error", offer.error().message);

  const std::int64_t now = context.clock.now();
  NewOffer record{SecretHash::of(secrets.offer_id), SecretHash::of(secrets.pre_authorized_code), std::nullopt,
                  nullptr, type->configuration_id(), *claims, now, now + context.config.offer_lifetime_seconds};
  if (tx_code) {
    record.tx_code_hash = SecretHash::of(*tx_code);
    record.tx_code_object = (*offer)["grants"][kPreAuthorizedCodeGrant]["tx_code"];
  }
  if (!context.store.create_offer(record)) return tl::unexpected(storage_failure());

  const std::string offer_uri = credential_offer_uri(context.metadata, secrets.offer_id);
  Json answer = {{"offer_uri", credential_offer_link_by_reference(offer_uri)},
                 {"offer_uri_by_value", credential_offer_link_by_value(*offer)},
                 {"credential_offer_uri", offer_uri},
                 {"credential_offer", *offer},
                 {"expires_at", record.expires_at}};
  if (tx_code) answer["tx_code"] = *tx_code;
  return answer;
}

platform::HttpResult<Json> offer_by_reference(const IssuerContext& context, std::string_view offer_id) {
  auto found = context.store.find_offer(SecretHash::of(offer_id), context.clock.now());
  if (!found) return tl::unexpected(storage_failure());
  if (!*found) return http_fail(404, "not_found", "no live credential offer at this uri");
  const OfferView& view = **found;
  const OfferSecrets secrets = OfferSecrets::from_offer_id(offer_id);
  auto offer = credential_offer(context.metadata, {{view.credential_configuration_id}, secrets.pre_authorized_code,
                                                   std::nullopt});
  if (!offer) return http_fail(500, "server_error", offer.error().message);
  if (view.requires_tx_code) (*offer)["grants"][kPreAuthorizedCodeGrant]["tx_code"] = view.tx_code_object;
  return std::move(*offer);
}

}  // namespace veil::issuer
