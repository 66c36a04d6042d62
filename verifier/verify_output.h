// VerifyOutput: the one JSON object `veil-verifier verify` prints per presentation (DESIGN.md, offline contract).
#pragma once

#include <string>

#include "verifier/presentation_verifier.h"
#include "veil/error.h"
#include "veil/json.h"
#include "veil/sd_jwt_verifier.h"

namespace veil::verifier {

/// verify_output renders the outcome of one verification on one line:
/// {"valid": true, "iss", "vct", "claims", "disclosed", "key_binding" (null without a KB-JWT), "status"}
/// or {"valid": false, "error": {"code", "message"}}.
std::string verify_output(const Result<VerifiedPresentation>& outcome);

/// verify_output renders a service verification (PresentationVerifier) the same way, with its status ("valid"
/// after a Token Status List check, "unchecked" without a status claim); revoked and suspended are errors.
std::string verify_output(const Result<VerifiedCredential>& outcome);

/// verify_output_json is the same object as a Json value, for HTTP answers (POST /v1/verify).
Json verify_output_json(const Result<VerifiedCredential>& outcome);

}  // namespace veil::verifier
