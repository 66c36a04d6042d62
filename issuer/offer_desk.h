// OfferDesk: Credential Offers (OpenID4VCI 1.0 §4.1) created through the admin API and served by reference.
#pragma once

#include <string_view>

#include "issuer/issuer_context.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

/// create_offer handles POST /admin/offers {"credential_configuration_id": "...", "claims": {...}, "tx_code": bool}.
/// The claims are checked against the type's JSON Schema and mandatory claims now, so a bad claim set is refused
/// before any Wallet sees the offer. Answers {"offer_uri": by reference, "offer_uri_by_value", "credential_offer",
/// "credential_offer_uri", "tx_code" (only when asked for), "expires_at"}. Errors: 400 invalid_request (shape),
/// unknown_credential_configuration, invalid_claims / missing_mandatory_claim (naming the claim, never its value).
platform::HttpResult<Json> create_offer(const IssuerContext& context, const Json& request);

/// offer_by_reference handles GET /offers/<offer_id> (the credential_offer_uri, §4.1.3): the Credential Offer
/// while it is unexpired and unredeemed, else 404 not_found (unknown, expired and used look the same).
platform::HttpResult<Json> offer_by_reference(const IssuerContext& context, std::string_view offer_id);

}  // namespace veil::issuer
