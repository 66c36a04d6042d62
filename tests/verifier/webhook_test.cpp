#include "verifier/webhook.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "veil/platform/http_response.h"
#include "verifier/verifier_test_support.h"

namespace veil::verifier::testing {
namespace {

// HookReceiver is the relying party's webhook endpoint: it records each POST and lets the test wait for one.
class HookReceiver {
 public:
  HookReceiver() {
    REQUIRE(server_.bind("127.0.0.1", 0));
    server_.router().Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      {
        std::lock_guard lock(mutex_);
        bodies_.push_back(request.body);
        signatures_.push_back(request.get_header_value(kWebhookSignatureHeader));
      }
      arrived_.notify_all();
      platform::send_json(response, 200, Json::object());
    });
    server_.start_in_background();
  }
  ~HookReceiver() { server_.join(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }

  // wait_for_one blocks until a webhook arrived (bounded, no sleeping) and returns its body and signature.
  std::pair<std::string, std::string> wait_for_one() {
    std::unique_lock lock(mutex_);
    REQUIRE(arrived_.wait_for(lock, std::chrono::seconds(15), [this] { return !bodies_.empty(); }));
    return {bodies_.front(), signatures_.front()};
  }

 private:
  platform::HttpServer server_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> bodies_;
  std::vector<std::string> signatures_;
};

}  // namespace

TEST_CASE("a webhook signature is HMAC-SHA256 over the timestamp and the raw body", "[verifier][webhook]") {
  CHECK(webhook_signature("webhook-secret-0123456789", 1700000000, R"({"id":"x"})") ==
        "t=1700000000,v1=4cfb3dc83aabf4408df37a8da0310566d8e2aeb8f21b6146e3532cdb8a0a6895");
  CHECK(webhook_signature("another-secret-0123456789", 1700000000, R"({"id":"x"})") !=
        webhook_signature("webhook-secret-0123456789", 1700000000, R"({"id":"x"})"));
}

TEST_CASE("a completed presentation request posts a signed webhook without claims to the relying party",
          "[verifier][webhook][service]") {
  HookReceiver hook;
  TestIssuer issuer = TestIssuer::generate();
  Holder holder = Holder::generate();
  VerifierTestServer verifier(std::vector<Json>{issuer.trust_entry()});
  const Json created = verifier.create_request(
      {{"vct", {type_vct("age")}}, {"claims", {{"age_over_18"}}}, {"webhook_url", hook.url()}});
  const WalletRequest request = verifier.open_link(created.at("link"));
  const std::string credential =
      issuer.issue(type_vct("age"), example_claims("age"), holder.key.public_key(), verifier.clock().now());
  auto answer = verifier.respond(
      request, {{"credential", {holder.present(credential, {path("age_over_18")}, request.client_id, request.nonce,
                                               verifier.clock().now())}}});
  REQUIRE(answer);
  REQUIRE(answer->status == 200);

  const auto [body, signature] = hook.wait_for_one();
  const Json event = Json::parse(body);
  CHECK(event.at("event") == "presentation_request.completed");
  CHECK(event.at("id") == request.id);
  CHECK(event.at("status") == "verified");
  CHECK(body.find("age_over_18") == std::string::npos);  // claims are fetched with the API key, never pushed
  const std::string timestamp = signature.substr(2, signature.find(',') - 2);
  CHECK(signature == webhook_signature(verifier.api_key(), std::stoll(timestamp), body));
}

}  // namespace veil::verifier::testing
