#include "veil/jws_alg.h"

namespace veil {

Result<JwsAlg> parse_jws_alg(std::string_view name) {
  if (name == "ES256") return JwsAlg::ES256;
  if (name == "EdDSA") return JwsAlg::EdDSA;
  return fail(ErrorCode::alg_not_allowed, "jws alg is not allowed");
}

std::string_view jws_alg_name(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::ES256: return "ES256";
    case JwsAlg::EdDSA: return "EdDSA";
  }
  return "ES256";
}

}  // namespace veil
