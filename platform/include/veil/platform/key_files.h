// KeyFiles: loading and creating the JWK files the programs use (issuer keys, holder keys).
#pragma once

#include <optional>
#include <string>

#include "veil/error.h"
#include "veil/jwk.h"
#include "veil/jws_alg.h"

namespace veil::platform {

/// read_private_jwk loads a private JWK file. Like ssh with its keys, it refuses (io_error) a file that group or
/// others may read or write; "-" reads stdin. Fails with io_error, invalid_json, invalid_jwk or unsupported_key.
Result<PrivateJwk> read_private_jwk(const std::string& path);

/// read_public_jwk loads a public JWK file; a private JWK is accepted and its "d" ignored. Fails like
/// read_private_jwk.
Result<Jwk> read_public_jwk(const std::string& path);

/// generate_key generates a key pair and returns its private JWK text (one line). When |out| is set, the text is
/// written there with write_new_secret_file instead (never overwriting) and the function returns "".
Result<std::string> generate_key(JwsAlg alg, std::optional<std::string> kid, const std::optional<std::string>& out);

}  // namespace veil::platform
