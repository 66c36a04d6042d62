// fuzz_wallet_body: the JSON bodies the wallet's HTTP API reads (routes.cpp), through read_json_body and the
// WalletService calls they reach, on an unlocked wallet in a temporary store that holds one credential:
//   byte 0 % 5  0 approve (the approval and "remember" are read before the request id is looked up)
//               1 POST /api/rules (a stored rule is deleted again)   2 PUT /api/credentials/<id>/always-ask
//               3 POST /api/requests {"request": link} (by value only: a link with request_uri is skipped,
//                 so nothing is fetched)   4 the Content-Type header itself (the rest is the header value)
//   byte 1 & 3  the Content-Type: application/json, with charset=utf-8, text/plain, none.
// "@CRED@" in the body becomes the stored credential's id.
#include <cstddef>
#include <cstdint>
#include <memory>

#include <httplib.h>

#include "fuzz_support.h"
#include "fuzz_temp_dir.h"
#include "veil/platform/http_request.h"
#include "wallet/authorization_request.h"
#include "wallet/sqlite_wallet_store.h"
#include "wallet/vault.h"
#include "wallet/wallet_service.h"

namespace {

struct Wallet {
  std::unique_ptr<veil::wallet::SqliteWalletStore> store;
  std::unique_ptr<veil::wallet::WalletService> service;
  std::string credential_id;
};

Wallet& wallet() {
  static Wallet w = [] {
    Wallet out;
    veil::wallet::SqliteWalletStoreOptions options;
    options.kdf_target = veil::wallet::KdfParams::minimum();
    out.store = veil_fuzz::must(veil::wallet::SqliteWalletStore::open(veil_fuzz::temp_dir() + "/wallet.db", options));
    veil::wallet::WalletServiceOptions service_options;
    service_options.kdf = veil::wallet::KdfParams::minimum();
    service_options.fetch.timeout = std::chrono::milliseconds(1);
    out.service = std::make_unique<veil::wallet::WalletService>(*out.store, veil_fuzz::clock(), service_options);
    if (!out.service->initialize(veil::wallet::passphrase_from("correct horse battery"))) std::abort();
    veil::wallet::NewCredential credential;
    credential.vct = "urn:veil:credential:age";
    credential.issuer = veil_fuzz::kIss;
    credential.claims = {{"age_over_18", true}, {"age_over_21", false}, {"address", {{"country", "DE"}}}};
    credential.received_at = veil_fuzz::kNow;
    credential.copies.push_back({"eyJhbGciOiJFUzI1NiJ9.e30.c2ln~", veil_fuzz::holder_key()});
    out.credential_id = veil_fuzz::must(out.store->add_credential(credential));
    return out;
  }();
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  Wallet& w = wallet();
  static constexpr const char* kContentTypes[] = {"application/json", "application/json; charset=utf-8", "text/plain",
                                                  nullptr};
  httplib::Request request;
  request.method = "POST";
  const std::string body = veil_fuzz::replace_all(veil_fuzz::text(data + 2, size - 2), "@CRED@", w.credential_id);
  if (data[0] % 5 == 4) {
    request.headers.emplace("Content-Type", body);
    request.body = "{}";
  } else {
    if (const char* type = kContentTypes[data[1] & 3]) request.headers.emplace("Content-Type", type);
    request.body = body;
  }
  auto json = veil::platform::read_json_body(request, veil::platform::HttpLimits{});
  if (!json) return 0;

  switch (data[0] % 5) {
    case 0:
      (void)w.service->approve("no-such-request", *json);
      break;
    case 1: {
      auto rule = w.service->standing_consent().add_rule(*json);
      if (rule && rule->contains("id") && (*rule)["id"].is_string()) {
        (void)w.service->standing_consent().delete_rule((*rule)["id"].get<std::string>());
      }
      break;
    }
    case 2:
      if (w.service->standing_consent().set_always_ask(w.credential_id, *json)) {
        (void)w.service->standing_consent().set_always_ask(w.credential_id, {{"claims", veil::Json::array()}});
      }
      break;
    case 3: {
      if (!json->contains("request") || !(*json)["request"].is_string()) break;
      const std::string link = (*json)["request"].get<std::string>();
      auto parsed = veil::wallet::parse_authorization_request_link(link);
      if (!parsed || parsed->find("request_uri") != nullptr) break;
      if (w.service->receive_request(link)) {
        // Forget the pending request (decline would notify the verifier over the network).
        w.service->lock();
        if (!w.service->unlock(veil::wallet::passphrase_from("correct horse battery"))) std::abort();
      }
      break;
    }
    default:
      break;
  }
  return 0;
}
