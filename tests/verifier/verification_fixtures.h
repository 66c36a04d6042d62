// Fixtures for the verification tests (PresentationVerifier, TrustedIssuers, StatusChecker, POST /v1/verify):
// keys, credentials built in-process with core, a settable clock and a loopback server whose answers a test
// scripts (issuer metadata, Status List Tokens, redirects, oversized bodies).
#pragma once

#include <atomic>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/jwk.h"
#include "veil/sd_jwt.h"
#include "veil/signer.h"
#include "veil/status_list.h"
#include "veil/platform/http_server.h"
#include "veil/platform/metrics.h"
#include "verifier/presentation_verifier.h"
#include "verifier/status_checker.h"
#include "verifier/trusted_issuers.h"

namespace veil::verifier::verification_test {

inline constexpr std::int64_t kNow = 1800000000;
inline constexpr char kIss[] = "https://issuer.example";
inline constexpr char kVct[] = "https://credentials.example/identity";
inline constexpr char kAud[] = "x509_hash:verifier-client-id";
inline constexpr char kNonce[] = "nonce-5yW2p7Kq0hVb";

/// ManualClock is a Clock a test moves by hand; it starts at kNow.
class ManualClock final : public Clock {
 public:
  std::int64_t now() const override { return now_.load(); }
  void set(std::int64_t now) { now_ = now; }
  void advance(std::int64_t seconds) { now_ += seconds; }

 private:
  std::atomic<std::int64_t> now_{kNow};
};

/// KeyPair is a generated ES256 key with its signer.
struct KeyPair {
  static KeyPair generate(const std::optional<std::string>& kid = std::nullopt);
  PrivateJwk key;
  std::shared_ptr<Signer> signer;
  Json public_json() const { return key.public_key().to_json(); }
};

/// issuer_keys is the issuer's key (kid "issuer-1"), holder_keys the holder's, stranger_keys nobody's; each is
/// generated once per test run.
const KeyPair& issuer_keys();
const KeyPair& holder_keys();
const KeyPair& stranger_keys();

/// CredentialSpec describes one credential to issue; the defaults give a valid one at kNow.
struct CredentialSpec {
  std::string iss = kIss;
  std::string vct = kVct;
  Json claims = {{"given_name", "Erika"}, {"family_name", "Mustermann"}, {"age_over_18", true},
                 {"address", {{"locality", "Berlin"}, {"country", "DE"}}}};
  std::int64_t iat = kNow - 3600;
  std::optional<std::int64_t> exp = kNow + 86400;
  std::optional<std::int64_t> nbf;
  std::optional<std::string> status_uri;
  std::optional<std::int64_t> status_index;
  bool holder_binding = true;
  const KeyPair* signer = nullptr;  // default: issuer_keys()
};

/// issue builds and signs an SD-JWT VC (every claim disclosable); REQUIREs success.
SdJwt issue(const CredentialSpec& spec = {});

/// PresentSpec says what the holder discloses and binds to; the defaults match kAud, kNonce, kNow.
struct PresentSpec {
  std::vector<std::string> disclose = {"given_name", "age_over_18"};
  std::string aud = kAud;
  std::string nonce = kNonce;
  std::int64_t iat = kNow;
  bool key_binding = true;
  const KeyPair* holder = nullptr;  // default: holder_keys()
};

/// resign returns |credential| with its Issuer-signed JWT signed again by |signer| after |edit| changed its
/// header and payload (the disclosures stay), to build credentials an honest issuer would not.
SdJwt resign(const SdJwt& credential, const std::function<void(Json& header, Json& payload)>& edit,
             const KeyPair& signer = issuer_keys());

/// present selects the disclosures and adds a KB-JWT; returns the compact SD-JWT+KB (REQUIREs success).
std::string present(const SdJwt& credential, const PresentSpec& spec = {});

/// trust_document pins issuer_keys() for kIss (plus |extra| entries).
Json trust_document(const std::vector<Json>& extra = {});

/// status_list_token signs a Status List Token for |uri| over |list| (typ statuslist+jwt unless |typ| is given).
std::string status_list_token(const StatusList& list, const std::string& uri, std::int64_t iat,
                              std::optional<std::int64_t> exp, std::optional<std::int64_t> ttl,
                              const KeyPair& signer = issuer_keys());

/// ScriptedServer answers GET requests on 127.0.0.1:PORT from a table the test fills; everything else 404.
/// It counts requests per path. Started on construction, stopped by the destructor.
class ScriptedServer {
 public:
  struct Answer {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::optional<std::string> location;
  };
  /// token answers 200 with |body| as application/statuslist+jwt; json answers 200 with |body| as JSON.
  static Answer token(std::string body) { return {200, "application/statuslist+jwt", std::move(body), std::nullopt}; }
  static Answer json(const Json& body) { return {200, "application/json", body.dump(), std::nullopt}; }

  ScriptedServer();
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  /// origin is "http://127.0.0.1:PORT".
  const std::string& origin() const { return origin_; }
  void set(const std::string& path, Answer answer);
  std::size_t hits(const std::string& path) const;
  std::size_t total_hits() const;
  /// last_accept is the Accept header of the last request to |path|.
  std::string last_accept(const std::string& path) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Answer> answers_;
  std::map<std::string, std::size_t> hits_;
  std::map<std::string, std::string> accepts_;
  std::string origin_;
  std::unique_ptr<platform::HttpServer> server_;
};

/// expect_kb returns expectations with key binding for kAud and kNonce.
PresentationExpectations expect_kb();

/// Service is a PresentationVerifier as the service builds it: TrustedIssuers from |trust|, a StatusChecker
/// (loopback http allowed, since test servers run on 127.0.0.1), a ManualClock and a metrics registry.
struct Service {
  explicit Service(const Json& trust = trust_document(), PresentationVerifierOptions options = {},
                   bool with_status = true);
  Result<VerifiedCredential> verify(const std::string& presentation,
                                    const PresentationExpectations& expectations = expect_kb()) const {
    return verifier->verify(presentation, expectations);
  }

  ManualClock clock;
  platform::Metrics metrics;
  std::unique_ptr<TrustedIssuers> issuers;
  std::unique_ptr<StatusChecker> status;
  std::unique_ptr<PresentationVerifier> verifier;
};

/// error_code returns the code of a failed result, or nullopt on success (for CHECK messages).
template <class T>
std::optional<ErrorCode> error_code(const Result<T>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

}  // namespace veil::verifier::verification_test
