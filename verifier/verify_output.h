// VerifyOutput: the one JSON object `veil-verifier verify` prints per presentation (DESIGN.md, offline contract).
#pragma once

#include <string>

#include "veil/error.h"
#include "veil/sd_jwt_verifier.h"

namespace veil::verifier {

/// verify_output renders the outcome of one verification on one line:
/// {"valid": true, "iss", "vct", "claims", "disclosed", "key_binding" (null without a KB-JWT), "status"}
/// or {"valid": false, "error": {"code", "message"}}.
std::string verify_output(const Result<VerifiedPresentation>& outcome);

}  // namespace veil::verifier
