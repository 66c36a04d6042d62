// fuzz_credential_offer: the wallet's openid-credential-offer:// link parser and the Credential Offer checks
// (OpenID4VCI 1.0 §4.1). read_credential_offer is never called: an offer by reference would be fetched.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "wallet/credential_offer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const bool loopback : {false, true}) {
    veil::platform::FetchPolicy policy;
    policy.allow_loopback_http = loopback;
    auto link = veil::wallet::parse_credential_offer_link(veil_fuzz::text(data, size), policy);
    if (!link) continue;
    veil_fuzz::invariant(link->credential_offer.has_value() != link->credential_offer_uri.has_value());
    if (link->credential_offer) {
      auto offer = veil::wallet::CredentialOffer::parse(*link->credential_offer, policy);
      if (offer && offer->pre_authorized_code_grant() && offer->pre_authorized_code_grant()->tx_code) {
        (void)offer->pre_authorized_code_grant()->tx_code->to_json();
      }
    }
  }
  // The offer object on its own, as a credential_offer_uri answer carries it.
  auto json = veil::parse_json(veil_fuzz::text(data, size));
  if (json) (void)veil::wallet::CredentialOffer::parse(*json, veil::platform::FetchPolicy{});
  return 0;
}
