#include "wallet/presentation_response.h"

#include "veil/presentation.h"
#include "veil/sd_jwt.h"
#include "veil/signer.h"

namespace veil::wallet {

namespace {

Result<VerifierAnswer> read_answer(const platform::FetchResponse& response, const platform::HttpClient& client) {
  // §8.2: the Response Endpoint answers 200 on success; anything else (a redirect included, P8) is a failure.
  VEIL_CHECK(platform::expect_status(response, 200, "verifier response endpoint"));
  VerifierAnswer answer;
  answer.status = response.status;
  if (platform::media_type_of(response.content_type) != "application/json" || response.body.empty()) return answer;
  auto body = platform::json_object_body(response);
  if (!body) return answer;  // the post succeeded; an unreadable body only means no redirect_uri
  auto redirect = body->find("redirect_uri");
  if (redirect != body->end() && redirect->is_string()) {
    // The redirect is for the holder's browser, not fetched here; still, only a URL the wallet would fetch itself
    // is passed on (no javascript:, no plain http to a remote host).
    std::string uri = redirect->get<std::string>();
    if (platform::parse_fetch_url(uri, client.policy())) answer.redirect_uri = std::move(uri);
  }
  return answer;
}

}  // namespace

Result<VpToken> build_vp_token(const AuthorizationRequest& request, const std::vector<PresentationInput>& inputs,
                               const Clock& clock) {
  if (inputs.empty()) return fail(ErrorCode::invalid_argument, "no credential to present");
  VpToken token;
  const std::int64_t now = clock.now();
  for (const PresentationInput& input : inputs) {
    VEIL_TRY(SdJwt issued, SdJwt::parse_compact(input.copy.sd_jwt));
    // Only the approved paths (and the parents needed to reach them) are disclosed (RFC 9901 §7.2).
    VEIL_TRY(SdJwt selected, select_disclosures(issued, std::span<const ClaimPath>(input.disclosure.paths)));
    VEIL_TRY(std::unique_ptr<Signer> holder, make_signer(input.copy.holder_key));
    // OpenID4VP 1.0 B.3.6: aud is the full client_id with its prefix, nonce the request's.
    KeyBindingRequest binding{request.client_id, request.nonce, now};
    VEIL_TRY(SdJwt bound, add_key_binding(selected, binding, *holder));
    std::string presentation = bound.serialize_compact();
    // §8.1: vp_token is a JSON object keyed by credential query id, each value an array of presentations.
    token.value[input.disclosure.credential_query_id].push_back(presentation);
    token.presentations.push_back(BuiltPresentation{input.disclosure.credential_query_id,
                                                    input.disclosure.credential_id, input.disclosure.paths,
                                                    std::move(presentation)});
  }
  return token;
}

Result<VerifierAnswer> post_vp_token(const AuthorizationRequest& request, const VpToken& vp_token,
                                     const platform::HttpClient& client) {
  VEIL_TRY(platform::FetchResponse response,
           client.post_form(request.response_uri, {{"vp_token", vp_token.value.dump()}, {"state", request.state}}));
  return read_answer(response, client);
}

Result<VerifierAnswer> post_error_response(const AuthorizationRequest& request, const std::string& error,
                                           const std::string& error_description, const platform::HttpClient& client) {
  std::vector<std::pair<std::string, std::string>> fields{{"error", error}};
  if (!error_description.empty()) fields.emplace_back("error_description", error_description);
  fields.emplace_back("state", request.state);
  VEIL_TRY(platform::FetchResponse response, client.post_form(request.response_uri, fields));
  return read_answer(response, client);
}

}  // namespace veil::wallet
