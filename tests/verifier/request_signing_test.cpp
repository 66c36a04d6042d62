#include "verifier/request_signing.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "veil/jws.h"
#include "veil/platform/files.h"
#include "veil/signature_verifier.h"

namespace veil::verifier {
namespace {

struct Certificate {
  explicit Certificate(std::string_view host) {
    REQUIRE(create_self_signed_certificate(key, cert, host));
  }
  veil_test::TempDir dir{"veil-request-signing"};
  std::string key = dir.file("key.pem");
  std::string cert = dir.file("cert.pem");
};

}  // namespace

TEST_CASE("a self-signed certificate gives an x509_hash client_id of its DER and signs Request Objects with x5c",
          "[verifier][request_signing]") {
  Certificate files("127.0.0.1");
  struct stat info {};
  REQUIRE(::stat(files.key.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  auto signing = RequestSigning::load(files.cert, files.key, "127.0.0.1", ClientIdPrefix::automatic);
  REQUIRE(signing);
  const RequestSigning& s = **signing;
  CHECK(s.client_id() == x509_hash_client_id(s.leaf_der()));
  REQUIRE(s.x5c().size() == 1);
  auto der = base64_decode(s.x5c().front());
  REQUIRE(der);
  CHECK(*der == s.leaf_der());
  CHECK(certificate_dns_names(s.leaf_der())->empty());  // an IP host gets an iPAddress SAN, no dNSName

  auto object = s.sign_request_object({{"client_id", s.client_id()}, {"nonce", "n"}});
  REQUIRE(object);
  auto jws = UnverifiedJws::parse_compact(*object);
  REQUIRE(jws);
  CHECK(jws->typ() == std::string("oauth-authz-req+jwt"));
  CHECK(jws->unverified_header().at("x5c") == Json(s.x5c()));
  auto key = certificate_public_key(*der);
  REQUIRE(key);
  CHECK(*key == s.public_key());
  auto verifier = make_verifier(*key);
  REQUIRE(verifier);
  CHECK(jws->verify(**verifier));
}

TEST_CASE("a certificate naming the public host in a dNSName SAN gives x509_san_dns", "[verifier][request_signing]") {
  Certificate files("verifier.example");
  auto names = [&] {
    auto signing = RequestSigning::load(files.cert, files.key, "verifier.example", ClientIdPrefix::automatic);
    REQUIRE(signing);
    CHECK(certificate_dns_names((*signing)->leaf_der()).value() == std::vector<std::string>{"verifier.example"});
    return (*signing)->client_id();
  };
  CHECK(names() == "x509_san_dns:verifier.example");
  auto hashed = RequestSigning::load(files.cert, files.key, "verifier.example", ClientIdPrefix::x509_hash);
  REQUIRE(hashed);
  CHECK((*hashed)->client_id().rfind("x509_hash:", 0) == 0);
  // Another host: auto falls back to x509_hash, x509_san_dns is refused.
  auto other = RequestSigning::load(files.cert, files.key, "other.example", ClientIdPrefix::automatic);
  REQUIRE(other);
  CHECK((*other)->client_id().rfind("x509_hash:", 0) == 0);
  auto refused = RequestSigning::load(files.cert, files.key, "other.example", ClientIdPrefix::x509_san_dns);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_config);
}

TEST_CASE("a key that is not the certificate's, or readable by others, is refused", "[verifier][request_signing]") {
  Certificate a("127.0.0.1");
  Certificate b("127.0.0.1");
  auto mismatch = RequestSigning::load(a.cert, b.key, "127.0.0.1", ClientIdPrefix::automatic);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().code == ErrorCode::invalid_config);

  REQUIRE(::chmod(a.key.c_str(), 0644) == 0);
  auto exposed = RequestSigning::load(a.cert, a.key, "127.0.0.1", ClientIdPrefix::automatic);
  REQUIRE_FALSE(exposed);
  CHECK(exposed.error().code == ErrorCode::io_error);

  // Never overwritten.
  CHECK_FALSE(create_self_signed_certificate(a.key, a.cert, "127.0.0.1"));
}

TEST_CASE("standard base64 round-trips and refuses the URL-safe alphabet", "[verifier][request_signing]") {
  const std::vector<std::uint8_t> bytes = {0xfb, 0xff, 0x00, 0x10};
  CHECK(base64_encode(bytes) == "+/8AEA==");
  CHECK(base64_decode("+/8AEA==").value() == bytes);
  CHECK_FALSE(base64_decode("-_8AEA=="));
  CHECK_FALSE(base64_decode("+/8AEA"));
}

}  // namespace veil::verifier
