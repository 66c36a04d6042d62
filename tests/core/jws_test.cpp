#include "veil/jws.h"

#include <catch2/catch.hpp>
#include <random>
#include <string_view>

#include "veil/base64url.h"
#include "test_keys.h"

using veil::ErrorCode;
using veil::Json;
using veil::JwsAlg;
using veil::PrivateJwk;
using veil::UnverifiedJws;
using Bytes = std::vector<std::uint8_t>;

using veil_test::bytes_of;

namespace {

std::string b64(std::string_view text) { return veil::base64url_encode(text); }

struct TestKey {
  PrivateJwk key;
  std::unique_ptr<veil::Signer> signer;
  std::unique_ptr<veil::SignatureVerifier> verifier;
};

TestKey make_key(JwsAlg alg, std::optional<std::string> kid = std::nullopt) {
  auto key = PrivateJwk::generate(alg, std::move(kid));
  REQUIRE(key);
  auto signer = veil::make_signer(*key);
  auto verifier = veil::make_verifier(key->public_key());
  REQUIRE(signer);
  REQUIRE(verifier);
  return TestKey{std::move(*key), std::move(*signer), std::move(*verifier)};
}

const TestKey& es256_key() {
  static const TestKey key = make_key(JwsAlg::ES256, "issuer-key-1");
  return key;
}

// Signs exactly the given header and payload texts, so tests can build tokens a correct signer never would.
std::string signed_token(std::string_view header_text, std::string_view payload_text, const veil::Signer& signer) {
  const std::string input = b64(header_text) + "." + b64(payload_text);
  auto signature = signer.sign(bytes_of(input));
  REQUIRE(signature);
  return input + "." + veil::base64url_encode(*signature);
}

std::string token_with_signature(std::string_view header_text, std::string_view payload_text, const Bytes& signature) {
  return b64(header_text) + "." + b64(payload_text) + "." + veil::base64url_encode(signature);
}

ErrorCode parse_error(std::string_view compact, const veil::JsonLimits& limits = {}) {
  auto parsed = UnverifiedJws::parse_compact(compact, limits);
  REQUIRE_FALSE(parsed);
  return parsed.error().code;
}

ErrorCode verify_error(std::string_view compact, const veil::SignatureVerifier& verifier) {
  auto parsed = UnverifiedJws::parse_compact(compact);
  REQUIRE(parsed);
  auto verified = parsed->verify(verifier);
  REQUIRE_FALSE(verified);
  return verified.error().code;
}

const std::string kHeader = R"({"alg":"ES256"})";
const std::string kPayload = R"({"iss":"https://issuer.example","sub":"alice"})";

}  // namespace

TEST_CASE("sign_jws_compact output parses and verifies", "[jws]") {
  for (auto alg : {JwsAlg::ES256, JwsAlg::EdDSA}) {
    const TestKey key = make_key(alg, "k-1");
    const Json payload = {{"iss", "https://issuer.example"}, {"n", 1}};
    auto compact = veil::sign_jws_compact(Json{{"typ", "dc+sd-jwt"}}, payload, *key.signer);
    REQUIRE(compact);
    auto parsed = UnverifiedJws::parse_compact(*compact);
    REQUIRE(parsed);
    CHECK(parsed->alg() == alg);
    CHECK(parsed->kid() == "k-1");
    CHECK(parsed->typ() == "dc+sd-jwt");
    CHECK(parsed->unverified_payload() == payload);
    CHECK(parsed->compact() == *compact);
    CHECK(parsed->signing_input() == compact->substr(0, compact->rfind('.')));
    CHECK(parsed->signature().size() == 64);
    auto verified = parsed->verify(*key.verifier);
    REQUIRE(verified);
    CHECK(verified->alg() == alg);
    CHECK(verified->payload() == payload);
    CHECK(verified->header()["alg"] == std::string(veil::jws_alg_name(alg)));
  }
}

TEST_CASE("sign_jws_compact takes alg from the signer and kid unless the caller gave one", "[jws]") {
  const TestKey& key = es256_key();
  auto with_caller_kid = veil::sign_jws_compact(Json{{"kid", "chosen"}, {"alg", "none"}}, Json::object(), *key.signer);
  REQUIRE(with_caller_kid);
  auto parsed = UnverifiedJws::parse_compact(*with_caller_kid);
  REQUIRE(parsed);
  CHECK(parsed->kid() == "chosen");
  CHECK(parsed->unverified_header()["alg"] == "ES256");

  const TestKey no_kid = make_key(JwsAlg::EdDSA);
  auto without_kid = veil::sign_jws_compact(Json::object(), Json::object(), *no_kid.signer);
  REQUIRE(without_kid);
  auto parsed_without = UnverifiedJws::parse_compact(*without_kid);
  REQUIRE(parsed_without);
  CHECK_FALSE(parsed_without->kid());
  CHECK_FALSE(parsed_without->typ());
  CHECK(parsed_without->unverified_header() == Json{{"alg", "EdDSA"}});
}

TEST_CASE("sign_jws_compact refuses a header or payload that is not an object", "[jws]") {
  const TestKey& key = es256_key();
  for (const Json& bad : {Json::array(), Json("x"), Json(nullptr), Json(0)}) {
    auto bad_payload = veil::sign_jws_compact(Json::object(), bad, *key.signer);
    REQUIRE_FALSE(bad_payload);
    CHECK(bad_payload.error().code == ErrorCode::invalid_argument);
    auto bad_header = veil::sign_jws_compact(bad, Json::object(), *key.signer);
    REQUIRE_FALSE(bad_header);
    CHECK(bad_header.error().code == ErrorCode::invalid_argument);
  }
  auto bad_utf8 = veil::sign_jws_compact(Json::object(), Json{{"name", "\xff"}}, *key.signer);
  REQUIRE_FALSE(bad_utf8);
  CHECK(bad_utf8.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("parse_parts reads the members of the JSON serialization", "[jws]") {
  const std::string compact = signed_token(kHeader, kPayload, *es256_key().signer);
  const auto first = compact.find('.');
  const auto last = compact.rfind('.');
  auto parsed = UnverifiedJws::parse_parts(compact.substr(0, first), compact.substr(first + 1, last - first - 1),
                                           compact.substr(last + 1));
  REQUIRE(parsed);
  CHECK(parsed->compact() == compact);
  CHECK(parsed->verify(*es256_key().verifier));
  auto empty = UnverifiedJws::parse_parts("", "e30", "AA");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ErrorCode::malformed_jws);
}

TEST_CASE("verify rejects a changed payload, header or signature", "[jws]") {
  const TestKey& key = es256_key();
  const std::string good = signed_token(kHeader, kPayload, *key.signer);
  const auto last = good.rfind('.');
  const std::string other_payload =
      b64(kHeader) + "." + b64(R"({"iss":"https://issuer.example","sub":"mallory"})") + good.substr(last);
  CHECK(verify_error(other_payload, *key.verifier) == ErrorCode::invalid_signature);
  const std::string other_header = b64(R"({"alg":"ES256","typ":"x"})") + good.substr(good.find('.'));
  CHECK(verify_error(other_header, *key.verifier) == ErrorCode::invalid_signature);
  std::string flipped = good;
  flipped[last + 5] = flipped[last + 5] == 'A' ? 'B' : 'A';
  CHECK(verify_error(flipped, *key.verifier) == ErrorCode::invalid_signature);
  const TestKey stranger = make_key(JwsAlg::ES256);
  CHECK(verify_error(good, *stranger.verifier) == ErrorCode::invalid_signature);
}

TEST_CASE("JWS with alg none and an empty signature is refused [attack:J1]", "[jws][attack:J1]") {
  // The empty third part alone makes the token malformed; with any signature bytes, "none" is not on the list.
  CHECK(parse_error(b64(R"({"alg":"none"})") + "." + b64(kPayload) + ".") == ErrorCode::malformed_jws);
  CHECK(parse_error(token_with_signature(R"({"alg":"none"})", kPayload, {0})) == ErrorCode::alg_not_allowed);
  CHECK(parse_error(token_with_signature(R"({"alg":"None"})", kPayload, {0})) == ErrorCode::alg_not_allowed);
  CHECK(parse_error(token_with_signature(R"({"alg":"NONE"})", kPayload, {0})) == ErrorCode::alg_not_allowed);
}

TEST_CASE("JWS with alg HS256 is refused before any key is used [attack:J2]", "[jws][attack:J2]") {
  // An HMAC over the token keyed with the issuer's public key bytes never reaches a MAC check: HS256 is not a
  // JwsAlg, so there is no code path that could compute it.
  CHECK(parse_error(token_with_signature(R"({"alg":"HS256","kid":"issuer-key-1"})", kPayload, Bytes(32, 7))) ==
        ErrorCode::alg_not_allowed);
  CHECK(parse_error(token_with_signature(R"({"alg":"HS512"})", kPayload, Bytes(64, 7))) == ErrorCode::alg_not_allowed);
}

TEST_CASE("JWS with alg outside the allow-list is refused [attack:J3]", "[jws][attack:J3]") {
  for (const char* alg : {"RS256", "ES384", "ES512", "ES256K", "PS256", "es256", "ES256 ", "EDDSA", "Ed25519", ""}) {
    INFO(alg);
    const std::string header = Json{{"alg", alg}}.dump();
    CHECK(parse_error(token_with_signature(header, kPayload, Bytes(64, 1))) == ErrorCode::alg_not_allowed);
  }
  // An allowed alg that is not the key's algorithm: EdDSA token against an ES256 key, and the reverse.
  const TestKey ed = make_key(JwsAlg::EdDSA);
  const std::string ed_token = signed_token(R"({"alg":"EdDSA"})", kPayload, *ed.signer);
  CHECK(verify_error(ed_token, *es256_key().verifier) == ErrorCode::alg_not_allowed);
  const std::string es_token = signed_token(kHeader, kPayload, *es256_key().signer);
  CHECK(verify_error(es_token, *ed.verifier) == ErrorCode::alg_not_allowed);
}

TEST_CASE("ES256 JWS signatures that are not 64 bytes are refused [attack:J4]", "[jws][attack:J4]") {
  const TestKey& key = es256_key();
  const std::string good = signed_token(kHeader, kPayload, *key.signer);
  auto raw = veil::base64url_decode(good.substr(good.rfind('.') + 1));
  REQUIRE(raw);
  Bytes trailing_zero = *raw;
  trailing_zero.push_back(0);
  CHECK(verify_error(token_with_signature(kHeader, kPayload, trailing_zero), *key.verifier) ==
        ErrorCode::invalid_signature);
  CHECK(verify_error(token_with_signature(kHeader, kPayload, Bytes(raw->begin(), raw->end() - 1)), *key.verifier) ==
        ErrorCode::invalid_signature);
  // The DER form of the same (valid) signature.
  auto der_of = [](const Bytes& half) {
    std::size_t skip = 0;
    while (skip < 31 && half[skip] == 0) ++skip;
    Bytes out = {0x02};
    const bool pad = (half[skip] & 0x80) != 0;
    out.push_back(static_cast<std::uint8_t>(32 - skip + (pad ? 1 : 0)));
    if (pad) out.push_back(0);
    out.insert(out.end(), half.begin() + static_cast<long>(skip), half.end());
    return out;
  };
  Bytes r(raw->begin(), raw->begin() + 32);
  Bytes s(raw->begin() + 32, raw->end());
  Bytes body = der_of(r);
  const Bytes s_der = der_of(s);
  body.insert(body.end(), s_der.begin(), s_der.end());
  Bytes der = {0x30, static_cast<std::uint8_t>(body.size())};
  der.insert(der.end(), body.begin(), body.end());
  REQUIRE(veil::ecdsa_der_to_jws(der) == *raw);
  CHECK(verify_error(token_with_signature(kHeader, kPayload, der), *key.verifier) == ErrorCode::invalid_signature);
}

TEST_CASE("ES256 JWS with r or s of 0 or n is refused [attack:J5]", "[jws][attack:J5]") {
  const Bytes n = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
  const Bytes zero(32, 0);
  for (const Bytes* r : {&zero, &n}) {
    for (const Bytes* s : {&zero, &n}) {
      Bytes signature = *r;
      signature.insert(signature.end(), s->begin(), s->end());
      CHECK(verify_error(token_with_signature(kHeader, kPayload, signature), *es256_key().verifier) ==
            ErrorCode::invalid_signature);
    }
  }
  // More combinations (1, n-1) come from Wycheproof JWS tcId 386-401 in wycheproof_test.cpp.
}

TEST_CASE("JWS parts must be strict base64url [attack:J7]", "[jws][attack:J7]") {
  const std::string good = signed_token(kHeader, R"({"a":1})", *es256_key().signer);
  REQUIRE(UnverifiedJws::parse_compact(good));
  const auto first = good.find('.');
  const auto last = good.rfind('.');
  const std::string parts[3] = {good.substr(0, first), good.substr(first + 1, last - first - 1), good.substr(last + 1)};
  auto join = [](const std::string& a, const std::string& b, const std::string& c) { return a + "." + b + "." + c; };
  for (int part = 0; part < 3; ++part) {
    INFO("part " << part);
    for (const std::string& edit : {std::string("="), std::string("=="), std::string(" "), std::string("\n"),
                                    std::string("+"), std::string("/"), std::string("%")}) {
      std::string changed[3] = {parts[0], parts[1], parts[2]};
      changed[part].insert(changed[part].size() / 2, edit);
      CHECK(parse_error(join(changed[0], changed[1], changed[2])) == ErrorCode::invalid_base64url);
    }
  }
  // Padding on an otherwise correct part: b64("{\"a\":1}") is 10 characters, so it would take "==".
  CHECK(parse_error(join(parts[0], parts[1] + "==", parts[2])) == ErrorCode::invalid_base64url);
  // Non-zero unused bits: the last character of a 10-character part carries 4 unused bits.
  std::string payload_bits = parts[1];
  REQUIRE(payload_bits.size() % 4 == 2);
  payload_bits.back() = static_cast<char>(payload_bits.back() + 1);
  CHECK(parse_error(join(parts[0], payload_bits, parts[2])) == ErrorCode::invalid_base64url);
  // The 64-byte signature is 86 characters; the last one carries 4 unused bits (its value is 0, 16, 32 or 48:
  // A, Q, g or w, and the next letter sets an unused bit).
  std::string signature_bits = parts[2];
  signature_bits.back() = static_cast<char>(signature_bits.back() + 1);
  CHECK(parse_error(join(parts[0], parts[1], signature_bits)) == ErrorCode::invalid_base64url);
}

TEST_CASE("JWS must be exactly three non-empty parts [attack:J8]", "[jws][attack:J8]") {
  const std::string good = signed_token(kHeader, kPayload, *es256_key().signer);
  const auto first = good.find('.');
  const auto last = good.rfind('.');
  CHECK(parse_error("") == ErrorCode::malformed_jws);
  CHECK(parse_error(".") == ErrorCode::malformed_jws);
  CHECK(parse_error("..") == ErrorCode::malformed_jws);
  CHECK(parse_error("...") == ErrorCode::malformed_jws);
  CHECK(parse_error(good.substr(0, last)) == ErrorCode::malformed_jws);                // two parts
  CHECK(parse_error(good + "." + good.substr(last + 1)) == ErrorCode::malformed_jws);  // four parts
  CHECK(parse_error(good + ".") == ErrorCode::malformed_jws);
  CHECK(parse_error(good.substr(first)) == ErrorCode::malformed_jws);                             // empty header
  CHECK(parse_error(good.substr(0, first + 1) + good.substr(last)) == ErrorCode::malformed_jws);  // empty payload
  CHECK(parse_error(good.substr(0, last + 1)) == ErrorCode::malformed_jws);                       // empty signature
  const std::string json_serialization = Json{
      {"protected", good.substr(0, first)},
      {"payload", good.substr(first + 1, last - first - 1)},
      {"signature", good.substr(last + 1)}}.dump();
  CHECK(parse_error(json_serialization) == ErrorCode::malformed_jws);
}

TEST_CASE("JWS header must be one JSON object without duplicates [attack:J9]", "[jws][attack:J9]") {
  const Bytes signature(64, 1);
  for (const char* header : {"[]", R"("ES256")", "null", "1", "not json", "{", R"({"alg":"ES256"} x)"}) {
    INFO(header);
    CHECK(parse_error(token_with_signature(header, kPayload, signature)) == ErrorCode::invalid_jws_header);
  }
  CHECK(parse_error(token_with_signature(R"({"alg":"ES256","alg":"ES256"})", kPayload, signature)) ==
        ErrorCode::duplicate_json_member);
  CHECK(parse_error(token_with_signature(R"({"alg":"none","alg":"ES256"})", kPayload, signature)) ==
        ErrorCode::duplicate_json_member);
  CHECK(parse_error(token_with_signature("{\"alg\":\"ES256\",\"kid\":\"\xff\"}", kPayload, signature)) ==
        ErrorCode::invalid_jws_header);
  CHECK(parse_error(token_with_signature("\xEF\xBB\xBF{\"alg\":\"ES256\"}", kPayload, signature)) ==
        ErrorCode::invalid_jws_header);
  CHECK(parse_error(token_with_signature(R"({"typ":"JWT"})", kPayload, signature)) == ErrorCode::invalid_jws_header);
  CHECK(parse_error(token_with_signature(R"({"alg":["ES256"]})", kPayload, signature)) ==
        ErrorCode::invalid_jws_header);
  CHECK(parse_error(token_with_signature(R"({"alg":"ES256","kid":7})", kPayload, signature)) ==
        ErrorCode::invalid_jws_header);
  CHECK(parse_error(token_with_signature(R"({"alg":"ES256","typ":{}})", kPayload, signature)) ==
        ErrorCode::invalid_jws_header);
}

TEST_CASE("JWS with any crit header is refused [attack:J10]", "[jws][attack:J10]") {
  const Bytes signature(64, 1);
  for (const char* header :
       {R"({"alg":"ES256","crit":["exp"]})", R"({"alg":"ES256","crit":[]})", R"({"alg":"ES256","crit":"exp"})",
        R"({"alg":"ES256","crit":null})", R"({"alg":"ES256","crit":["b64"],"b64":false})"}) {
    INFO(header);
    CHECK(parse_error(token_with_signature(header, kPayload, signature)) == ErrorCode::unsupported_crit);
  }
  // Even a correctly signed token is refused: the signature does not make an unknown extension safe.
  CHECK(parse_error(signed_token(R"({"alg":"ES256","crit":["x-veil"],"x-veil":1})", kPayload, *es256_key().signer)) ==
        ErrorCode::unsupported_crit);
}

TEST_CASE("JWT with b64 header member is refused [attack:J11]", "[jws][attack:J11]") {
  CHECK(parse_error(signed_token(R"({"alg":"ES256","b64":false})", kPayload, *es256_key().signer)) ==
        ErrorCode::invalid_jwt_payload);
  CHECK(parse_error(signed_token(R"({"alg":"ES256","b64":true})", kPayload, *es256_key().signer)) ==
        ErrorCode::invalid_jwt_payload);
}

TEST_CASE("JWS header jwk chosen by an attacker is never used for verification [attack:J12]", "[jws][attack:J12]") {
  const TestKey attacker = make_key(JwsAlg::ES256, "issuer-key-1");
  for (const char* member : {"jwk", "jku", "x5u", "x5c"}) {
    INFO(member);
    Json header = {{"alg", "ES256"}, {"kid", "issuer-key-1"}};
    if (std::string_view(member) == "jwk") {
      header["jwk"] = attacker.key.public_key().to_json();
    } else if (std::string_view(member) == "x5c") {
      header["x5c"] = Json::array({"MIIB"});
    } else {
      header[member] = "https://attacker.example/keys";
    }
    auto token = veil::sign_jws_compact(header, Json{{"iss", "https://issuer.example"}}, *attacker.signer);
    REQUIRE(token);
    // It parses (the members are legal JOSE) and verifies only under the attacker's own key.
    CHECK(verify_error(*token, *es256_key().verifier) == ErrorCode::invalid_signature);
    auto parsed = UnverifiedJws::parse_compact(*token);
    REQUIRE(parsed);
    CHECK(parsed->verify(*attacker.verifier));
  }
}

TEST_CASE("JWT payload must be a JSON object [attack:J15]", "[jws][attack:J15]") {
  const TestKey& key = es256_key();
  for (const char* payload :
       {"[]", R"("x")", "null", "0", "true", "foo", "", "{\"a\":\"\xff\"}", "{\"a\":1,\"a\":2}"}) {
    INFO(payload);
    const auto code = parse_error(signed_token(kHeader, payload, *key.signer));
    if (std::string_view(payload) == "") {
      CHECK(code == ErrorCode::malformed_jws);  // the part itself is empty
    } else if (std::string_view(payload).find("\"a\":1,") != std::string_view::npos) {
      CHECK(code == ErrorCode::duplicate_json_member);
    } else {
      CHECK(code == ErrorCode::invalid_jwt_payload);
    }
  }
}

TEST_CASE("JWS parsing honours the JSON limits", "[jws]") {
  const TestKey& key = es256_key();
  const std::string big_payload = Json{{"blob", std::string(4096, 'x')}}.dump();
  veil::JsonLimits small;
  small.max_bytes = 1024;
  CHECK(parse_error(signed_token(kHeader, big_payload, *key.signer), small) == ErrorCode::input_too_large);
  CHECK(parse_error(token_with_signature(kHeader, kPayload, Bytes(2048, 1)), small) == ErrorCode::input_too_large);
  const std::string deep = "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}";
  CHECK(parse_error(signed_token(kHeader, deep, *key.signer)) == ErrorCode::nesting_too_deep);
}

TEST_CASE("no edit of a signed JWS verifies", "[jws]") {
  // Deterministic random edits (flip, delete, insert, truncate) of a valid token: each must be rejected cleanly.
  // Strict base64url gives every byte string one encoding, so only the original text may verify.
  for (auto alg : {JwsAlg::ES256, JwsAlg::EdDSA}) {
    const TestKey key = make_key(alg, "k");
    auto token = veil::sign_jws_compact(Json{{"typ", "JWT"}}, Json{{"iss", "https://issuer.example"}}, *key.signer);
    REQUIRE(token);
    std::mt19937 random(1234);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {";
    int verified_edits = 0;
    for (int i = 0; i < 1500; ++i) {
      std::string edited = *token;
      const std::size_t at = random() % edited.size();
      switch (random() % 4) {
        case 0: edited[at] = alphabet[random() % alphabet.size()]; break;
        case 1: edited.erase(at, 1); break;
        case 2: edited.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        default: edited.resize(at); break;
      }
      auto parsed = UnverifiedJws::parse_compact(edited);
      if (parsed && parsed->verify(*key.verifier) && edited != *token) ++verified_edits;
    }
    CHECK(verified_edits == 0);
  }
}
