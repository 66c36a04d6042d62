// CredentialAdmin: the admin API over issued credentials — the log (no claim values) and status changes that the
// next Status List Token reflects (revoke is final; suspend / reinstate are reversible).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "issuer/issuer_context.h"
#include "veil/json.h"
#include "veil/platform/http_error.h"

namespace veil::issuer {

/// issued_credential_json renders one log row: {"id", "credential_configuration_id", "holder_key_thumbprint",
/// "status": "valid|invalid|suspended", "status_list": {"uri", "idx"}, "issued_at", "expires_at",
/// "status_changed_at"}.
Json issued_credential_json(const IssuerContext& context, const IssuedCredentialRecord& record);

/// list_credentials handles GET /admin/credentials?cursor=N&limit=M (limit 1..1000, default 100): {"credentials":
/// [...], "next_cursor": N} (next_cursor only when there are more). 400 invalid_request for a malformed parameter.
platform::HttpResult<Json> list_credentials(const IssuerContext& context,
                                            const std::multimap<std::string, std::string>& query);

/// change_credential_status handles POST /admin/credentials/<id>/<action> with action revoke, suspend or
/// reinstate. Answers the updated record. 404 not_found for an unknown id or action; 409
/// status_transition_not_allowed for a change the rules forbid (anything after revoke).
platform::HttpResult<Json> change_credential_status(const IssuerContext& context, std::string_view credential_id,
                                                    std::string_view action);

}  // namespace veil::issuer
