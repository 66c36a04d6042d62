// fuzz_authorization_request: the wallet's openid4vp:// link parser and the checks of a request passed by value
// (OpenID4VP 1.0 §5), including a Request Object given by value in "request" (its x5c chain and signature).
// resolve_authorization_request is never called: a request_uri would be fetched, and the harness stays offline.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "wallet/authorization_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto link = veil::wallet::parse_authorization_request_link(veil_fuzz::text(data, size));
  if (!link) return 0;
  for (const bool loopback : {false, true}) {
    veil::wallet::AuthorizationRequestPolicy policy;
    policy.allow_loopback_http = loopback;
    if (const std::string* request_object = link->find("request")) {
      const std::string* client_id = link->find("client_id");
      auto request = veil::wallet::authorization_request_from_request_object(
          *request_object, client_id != nullptr ? *client_id : std::string(), policy, veil_fuzz::clock());
      if (request) (void)request->to_json();
    } else {
      auto request = veil::wallet::authorization_request_from_parameters(*link, policy);
      if (request) (void)request->to_json();
    }
  }
  return 0;
}
