// TypeMetadataFrame: turns the claim "sd" rules of SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §9.3)
// into a disclosure frame for one claim set. A later issue moves Type Metadata into the core.
#pragma once

#include "veil/error.h"
#include "veil/json.h"

namespace veil::issuer {

/// frame_from_type_metadata builds the frame JSON (the DisclosureFrame::parse shape) under which |claims| are
/// issued: every "claims" entry of |type_metadata| whose "sd" is "always" or "allowed" (the default) makes the
/// claim at its "path" disclosable; "never" and claims the metadata does not list stay plain. A null path element
/// stands for every element of the array. Paths that name claims absent from |claims| are skipped. Fails with
/// invalid_disclosure_frame when the metadata is malformed ("claims" not an array, a path not a non-empty array
/// of strings, non-negative integers and nulls, an unknown "sd" value).
Result<Json> frame_from_type_metadata(const Json& type_metadata, const Json& claims);

}  // namespace veil::issuer
