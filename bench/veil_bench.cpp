// veil_bench: the standard workload of issue 2, single-threaded, next to raw OpenSSL ES256 on this machine.
//
// Workload: a person credential (given_name, family_name, birthdate, email, phone_number, nationalities[2],
// address{street_address, locality, postal_code, country}, age_over_18, age_over_21, age_over_65); every claim
// disclosable, array elements and address members individually (DisclosureFrame::everything); ES256 issuer
// and holder; the holder presents given_name, age_over_18 and address.country with a KB-JWT.
//   issue   = issue_sd_jwt_vc (fresh 128-bit salts, sign) + compact serialization
//   present = parse the issued compact SD-JWT + select_disclosures + add_key_binding (KB-JWT sign) + serialize
//   verify  = SdJwtVerifier::verify of the compact SD-JWT+KB (issuer signature, disclosures, KB-JWT, VC rules)
// Each figure is the median of --rounds timed rounds of at least --seconds each.
//
// usage: veil_bench [--rounds N] [--seconds S] [--only issue|present|verify]   (--only: for profiling one step)
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "veil/clock.h"
#include "veil/issuer_keys.h"
#include "veil/jwk.h"
#include "veil/presentation.h"
#include "veil/salt_source.h"
#include "veil/sd_jwt_vc.h"
#include "veil/sd_jwt_verifier.h"

namespace {

struct Settings {
  int rounds = 7;
  double seconds = 0.5;
  std::string only;
};

// Runs |op| in rounds of at least settings.seconds and returns the median rate in operations per second.
double measure(const Settings& settings, const std::function<void()>& op) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 20; ++i) op();  // warm-up
  std::vector<double> rates;
  for (int round = 0; round < settings.rounds; ++round) {
    long count = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
      for (int i = 0; i < 10; ++i) op();
      count += 10;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < settings.seconds);
    rates.push_back(static_cast<double>(count) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

// rate_over runs |op| for at least |seconds| and returns operations per second.
double rate_over(double seconds, const std::function<void()>& op) {
  using Clock = std::chrono::steady_clock;
  long count = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 10; ++i) op();
    count += 10;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(count) / elapsed;
}

// measure_paired_ratio alternates |a| and |b| in short back-to-back slices and returns the median of the
// per-round ratios rate(a) / rate(b). On a shared machine whose load changes from second to second, two medians
// taken seconds apart drift apart; slices 0.1 s apart see the same load, so their ratio is the stable figure.
double measure_paired_ratio(const Settings& settings, const std::function<void()>& a, const std::function<void()>& b) {
  for (int i = 0; i < 20; ++i) {
    a();
    b();
  }
  constexpr double kSliceSeconds = 0.1;
  const int pairs = std::max(5, static_cast<int>(settings.rounds * settings.seconds / kSliceSeconds));
  std::vector<double> ratios;
  for (int pair = 0; pair < pairs; ++pair) {
    // Alternate which side goes first so that neither always runs in the other's wake.
    const bool a_first = pair % 2 == 0;
    const double first = rate_over(kSliceSeconds, a_first ? a : b);
    const double second = rate_over(kSliceSeconds, a_first ? b : a);
    ratios.push_back(a_first ? first / second : second / first);
  }
  std::sort(ratios.begin(), ratios.end());
  return ratios[ratios.size() / 2];
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "veil_bench: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(veil::Result<T> result, const char* what) {
  if (!result) die(std::string(what) + ": " + std::string(veil::error_code_name(result.error().code)) + ": " +
                   result.error().message);
  return std::move(*result);
}

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// Raw OpenSSL ES256 (ECDSA P-256 with SHA-256, DER signatures) over a 100-byte message with a pre-made key.
struct RawEs256 {
  EvpPkey key{EVP_EC_gen("P-256")};
  std::vector<unsigned char> message = std::vector<unsigned char>(100, 'm');
  std::vector<unsigned char> signature;

  void sign() {
    EvpMdCtx ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) != 1) {
      die("EVP_DigestSign failed");
    }
    signature.resize(size);
    if (EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1) {
      die("EVP_DigestSign failed");
    }
    signature.resize(size);
  }
  void verify() const {
    EvpMdCtx ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) != 1) {
      die("EVP_DigestVerify failed");
    }
  }
};

veil::Json person_claims() {
  return veil::Json::parse(R"({
    "given_name": "Erika", "family_name": "Mustermann", "birthdate": "1964-08-12",
    "email": "erika.mustermann@example.com", "phone_number": "+49 221 1234567",
    "nationalities": ["DE", "FR"],
    "address": {"street_address": "Heidestrasse 17", "locality": "Koeln", "postal_code": "51147", "country": "DE"},
    "age_over_18": true, "age_over_21": true, "age_over_65": false})");
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) settings.rounds = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--seconds" && i + 1 < argc) settings.seconds = std::max(0.01, std::atof(argv[++i]));
    else if (arg == "--only" && i + 1 < argc) settings.only = argv[++i];
    else {
      std::fprintf(stderr, "usage: veil_bench [--rounds N] [--seconds S] [--only issue|present|verify]\n");
      return 2;
    }
  }

  const std::int64_t now = veil::SystemClock().now();
  auto issuer_key = must(veil::PrivateJwk::generate(veil::JwsAlg::ES256, std::string("issuer-1")), "issuer key");
  auto holder_key = must(veil::PrivateJwk::generate(veil::JwsAlg::ES256), "holder key");
  auto issuer_signer = must(veil::make_signer(issuer_key), "issuer signer");
  auto holder_signer = must(veil::make_signer(holder_key), "holder signer");
  auto salts = must(veil::RandomSaltSource::create(16), "salt source");

  veil::SdJwtVcIssueRequest request;
  request.iss = "https://issuer.example";
  request.vct = "https://credentials.example/person";
  request.claims = person_claims();
  request.holder_key = holder_key.public_key();
  request.iat = now;
  request.exp = now + 365 * 86400;

  const std::vector<veil::ClaimPath> paths = {
      must(veil::ClaimPath::parse_dotted("given_name"), "path"),
      must(veil::ClaimPath::parse_dotted("age_over_18"), "path"),
      must(veil::ClaimPath::parse_dotted("address.country"), "path")};
  const veil::KeyBindingRequest binding{"https://verifier.example", "n-0S6_WzA2Mj", now};

  auto trust = must(veil::TrustList::single_key(issuer_key.public_key()), "trust list");
  veil::FixedClock clock(now);
  veil::VerificationPolicy policy;
  policy.expected_aud = binding.aud;
  policy.expected_nonce = binding.nonce;
  const veil::SdJwtVerifier verifier(policy, trust, clock);

  auto issue = [&] { return must(veil::issue_sd_jwt_vc(request, *salts, *issuer_signer), "issue").serialize_compact(); };
  auto present = [&](const std::string& credential) {
    auto parsed = must(veil::SdJwt::parse_compact(credential), "parse");
    auto selected = must(veil::select_disclosures(parsed, paths), "select");
    return must(veil::add_key_binding(selected, binding, *holder_signer), "key binding").serialize_compact();
  };

  const std::string credential = issue();
  const std::string presentation = present(credential);
  auto checked = must(verifier.verify(presentation), "verify");
  const std::size_t disclosures = must(veil::SdJwt::parse_compact(credential), "parse").disclosures().size();
  if (checked.disclosed().size() != 4) die("the presentation does not disclose the expected claims");

  std::printf("Veil benchmark: person credential with %zu disclosures, ES256 issuer and holder, present 3 claims + KB-JWT\n",
              disclosures);
  std::printf("single thread, median of %d rounds of >= %.2f s\n\n", settings.rounds, settings.seconds);
  std::fflush(stdout);

  std::string sink;
  if (!settings.only.empty()) {
    double rate = 0;
    if (settings.only == "issue") rate = measure(settings, [&] { sink = issue(); });
    else if (settings.only == "present") rate = measure(settings, [&] { sink = present(credential); });
    else if (settings.only == "verify") rate = measure(settings, [&] {
      if (!verifier.verify(presentation)) die("verify failed");
    });
    else die("--only takes issue, present or verify");
    std::printf("bench %s_per_s %.0f\n", settings.only.c_str(), rate);
    return 0;
  }
  const double issue_rate = measure(settings, [&] { sink = issue(); });
  const double present_rate = measure(settings, [&] { sink = present(credential); });
  const double verify_rate = measure(settings, [&] {
    if (!verifier.verify(presentation)) die("verify failed");
  });
  RawEs256 raw;
  raw.sign();
  const double raw_sign_rate = measure(settings, [&] { raw.sign(); });
  const double raw_verify_rate = measure(settings, [&] { raw.verify(); });
  const double bound = raw_verify_rate / 2;  // a verification is two ECDSA verifications (issuer JWT, KB-JWT)
  // The same ratio from interleaved slices: verify against two raw verifications, side by side in time.
  const double paired_ratio = measure_paired_ratio(
      settings, [&] { if (!verifier.verify(presentation)) die("verify failed"); },
      [&] {
        raw.verify();
        raw.verify();
      });

  std::printf("  issue                 %10.0f /s\n", issue_rate);
  std::printf("  present               %10.0f /s\n", present_rate);
  std::printf("  verify                %10.0f /s\n", verify_rate);
  std::printf("  openssl ES256 sign    %10.0f /s\n", raw_sign_rate);
  std::printf("  openssl ES256 verify  %10.0f /s   (bound for verify: raw verify / 2 = %.0f /s)\n", raw_verify_rate,
              bound);
  std::printf("  verify / bound        %10.1f %%   (target >= 85 %%)\n", 100 * verify_rate / bound);
  std::printf("  verify / bound        %10.1f %%   (interleaved 0.1 s slices, median ratio)\n\n", 100 * paired_ratio);
  std::printf("bench issue_per_s %.0f\n", issue_rate);
  std::printf("bench present_per_s %.0f\n", present_rate);
  std::printf("bench verify_per_s %.0f\n", verify_rate);
  std::printf("bench openssl_es256_sign_per_s %.0f\n", raw_sign_rate);
  std::printf("bench openssl_es256_verify_per_s %.0f\n", raw_verify_rate);
  std::printf("bench verify_vs_raw_bound %.3f\n", verify_rate / bound);
  std::printf("bench verify_vs_raw_bound_paired %.3f\n", paired_ratio);
  return 0;
}
