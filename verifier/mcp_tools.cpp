#include "verifier/mcp_tools.h"

#include "veil/platform/json_log.h"
#include "verifier/presentation_policy.h"
#include "verifier/presentation_transactions.h"
#include "verifier/verifier_app.h"
#include "verifier/verify_endpoint.h"

namespace veil::verifier {
namespace {

// The schemas avoid $ref and top-level combinators: several agent runtimes refuse either in a tool's
// inputSchema, and clients validate outputSchema with draft-07 validators (MCP tools: 2020-12 by default), so
// only keywords both drafts read alike appear.

Json string_schema(const std::string& description) {
  return {{"type", "string"}, {"minLength", 1}, {"description", description}};
}

Json integer_schema(const std::string& description) { return {{"type", "integer"}, {"description", description}}; }

// OpenID4VP 1.0 §6.1 and §6.3: ids are non-empty strings of letters, digits, '_' and '-'.
Json dcql_id_schema() { return {{"type", "string"}, {"pattern", "^[A-Za-z0-9_-]+$"}}; }

// §7: a claims path is a non-empty array of names, non-negative indices and null (every array element).
Json claims_path_array_schema() {
  return {{"type", "array"},
          {"minItems", 1},
          {"items", {{"type", Json::array({"string", "integer", "null"})}, {"minimum", 0}}}};
}

Json policy_claim_path_schema() {
  return {{"description", "a claims path: an array like [\"address\", \"country\"] or its dotted form \"address.country\""},
          {"anyOf", Json::array({{{"type", "string"}, {"minLength", 1}}, claims_path_array_schema()})}};
}

Json id_sets_schema() {
  return {{"type", "array"},
          {"minItems", 1},
          {"items", {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}}}};
}

Json non_empty_strings_schema(std::size_t max) {
  return {{"type", "array"}, {"minItems", 1}, {"maxItems", max}, {"uniqueItems", true},
          {"items", {{"type", "string"}, {"minLength", 1}}}};
}

Json dcql_query_schema() {
  const Json claim_query = {
      {"type", "object"},
      {"required", {"path"}},
      {"properties",
       {{"id", dcql_id_schema()},
        {"path", claims_path_array_schema()},
        {"values",
         {{"type", "array"}, {"minItems", 1}, {"items", {{"type", Json::array({"string", "integer", "boolean"})}}}}}}}};
  const Json credential_query = {
      {"type", "object"},
      {"required", {"id", "format", "meta"}},
      {"properties",
       {{"id", dcql_id_schema()},
        {"format", {{"type", "string"}, {"enum", {kDcqlFormatSdJwtVc}}, {"description", "SD-JWT VC, the format Veil verifies"}}},
        {"meta",
         {{"type", "object"},
          {"required", {"vct_values"}},
          {"properties", {{"vct_values", {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}}}}}}},
        {"multiple", {{"type", "boolean"}}},
        {"require_cryptographic_holder_binding", {{"type", "boolean"}}},
        {"claims", {{"type", "array"}, {"minItems", 1}, {"items", claim_query}}},
        {"claim_sets", id_sets_schema()},
        {"trusted_authorities",
         {{"type", "array"},
          {"minItems", 1},
          {"items",
           {{"type", "object"},
            {"required", {"type", "values"}},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"values", {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}}}}}}}}}}}};
  return {{"type", "object"},
          {"description", "a DCQL query (OpenID4VP 1.0 §6) of dc+sd-jwt credential queries"},
          {"required", {"credentials"}},
          {"properties",
           {{"credentials", {{"type", "array"}, {"minItems", 1}, {"items", credential_query}}},
            {"credential_sets",
             {{"type", "array"},
              {"minItems", 1},
              {"items",
               {{"type", "object"},
                {"required", {"options"}},
                {"properties", {{"options", id_sets_schema()}, {"required", {{"type", "boolean"}}}}}}}}}}}};
}

Json error_schema() {
  return {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties", {{"code", string_schema("Veil's error code")}, {"message", {{"type", "string"}}}}},
          {"additionalProperties", false}};
}

Json credential_entry_schema() {
  return {{"type", "object"},
          {"required", {"iss", "vct", "status", "claims"}},
          {"properties",
           {{"iss", string_schema("the issuer that signed the credential (one the verifier trusts)")},
            {"vct", string_schema("the credential type")},
            {"status", {{"type", "string"}, {"enum", {"valid", "unchecked"}},
                        {"description", "valid: checked against its status list; unchecked: it has none"}}},
            {"claims", {{"type", "object"}, {"description", "exactly the requested claims the holder disclosed"}}}}},
          {"additionalProperties", false}};
}

Json annotations(bool read_only, bool idempotent) {
  return {{"readOnlyHint", read_only}, {"destructiveHint", false}, {"idempotentHint", idempotent}, {"openWorldHint", true}};
}

platform::HttpResult<Json> request_attributes(VerifierApp& app, const RelyingParty& party, const Json& arguments) {
  app.purge_if_due();
  auto created = create_presentation_request(app.transactions(), party, arguments);
  if (!created) return created;
  // The link is what a QR code must encode (byte mode); by reference it stays short enough for any phone camera.
  (*created)["qr_payload"] = (*created)["link"];
  return created;
}

platform::HttpResult<Json> get_request_result(VerifierApp& app, const RelyingParty& party, const Json& arguments) {
  return presentation_result(app.transactions(), party, arguments.at("id").get_ref<const std::string&>());
}

platform::HttpResult<Json> verify_presentation(VerifierApp& app, const RelyingParty&, const Json& arguments) {
  const VerifyEndpointContext context{app.verifier(), app.config().allow_no_kb, &app.log()};
  return verify_response(context, arguments);
}

Json text_content(const Json& value) { return Json::array({{{"type", "text"}, {"text", value.dump()}}}); }

Json tool_error(std::string code, std::string message) {
  const Json body = {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}};
  return {{"content", text_content(body)}, {"isError", true}};
}

}  // namespace

Json request_attributes_definition() {
  const Json input = {
      {"type", "object"},
      {"description",
       "What to ask the person for: either a simple policy (vct with claims and optional_claims) or a DCQL query "
       "(dcql_query), never both; the same body as POST /v1/presentation-requests."},
      {"properties",
       {{"vct",
         {{"description", "accepted credential types (vct), one string or a list"},
          {"anyOf", Json::array({{{"type", "string"}, {"minLength", 1}}, non_empty_strings_schema(kMaxPolicyVcts)})}}},
        {"claims",
         {{"type", "array"},
          {"maxItems", kMaxPolicyClaims},
          {"description", "claims the person must disclose, e.g. [[\"age_over_18\"]] or [\"address.country\"]"},
          {"items", policy_claim_path_schema()}}},
        {"optional_claims",
         {{"type", "array"},
          {"maxItems", kMaxPolicyOptionalClaims},
          {"description", "claims the person may withhold, each on its own"},
          {"items", policy_claim_path_schema()}}},
        {"dcql_query", dcql_query_schema()},
        {"trusted_issuers",
         {{"description", "accept only these issuers (each must be in the verifier's trust file); default: all of it"},
          {"anyOf",
           Json::array({{{"type", "string"}, {"minLength", 1}}, non_empty_strings_schema(kMaxPolicyTrustedIssuers)})}}},
        {"max_age_seconds",
         {{"type", "integer"}, {"minimum", 1}, {"maximum", 100LL * 365 * 86400},
          {"description", "refuse credentials issued longer ago than this"}}},
        {"mode",
         {{"type", "string"},
          {"enum", {"reference", "value"}},
          {"default", "reference"},
          {"description", "reference: a short link to a signed request (default); value: the whole request in the link"}}},
        {"webhook_url",
         string_schema("https URL that gets {\"event\", \"id\", \"status\", \"completed_at\"} (never claims) when "
                       "the person answers")}}},
      {"additionalProperties", false}};
  const Json output = {
      {"type", "object"},
      {"required", {"id", "status", "mode", "client_id", "link", "qr_payload", "expires_at"}},
      {"properties",
       {{"id", string_schema("the request id, for get_request_result")},
        {"status", {{"type", "string"}, {"enum", {"pending"}}}},
        {"mode", {{"type", "string"}, {"enum", {"reference", "value"}}}},
        {"client_id", string_schema("the verifier's OpenID4VP client_id the wallet shows and binds the answer to")},
        {"request_uri", string_schema("where the wallet fetches the signed request (mode reference)")},
        {"link", {{"type", "string"}, {"pattern", "^openid4vp://"},
                  {"description", "the openid4vp:// link to hand to the person (tap or paste into their wallet)"}}},
        {"qr_payload", {{"type", "string"}, {"pattern", "^openid4vp://"},
                        {"description", "the text to encode in a QR code for the person's phone (the link)"}}},
        {"expires_at", integer_schema("Unix time after which the wallet can no longer answer")}}},
      {"additionalProperties", false}};
  return {{"name", "request_attributes"},
          {"title", "Ask a person for verified attributes"},
          {"description",
           "Creates an OpenID4VP presentation request for specific attributes of a person (e.g. age_over_18 from "
           "an age credential) and returns a link and QR payload to show them. The person approves in their own "
           "wallet; then call get_request_result with the id. You receive only the requested claims, verified "
           "(issuer signature, holder binding, revocation, freshness) — never the credential, other claims, or "
           "anything the person declined to share."},
          {"inputSchema", input},
          {"outputSchema", output},
          {"annotations", annotations(false, false)}};
}

Json get_request_result_definition() {
  const Json input = {
      {"type", "object"},
      {"required", {"id"}},
      {"properties",
       {{"id", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_-]{1,128}$"},
                {"description", "the id request_attributes returned"}}}}},
      {"additionalProperties", false}};
  const Json credentials = {
      {"type", "object"},
      {"description", "per credential query id (\"credential\" for a simple policy): the verified credential, or a "
                      "list of them for a query with multiple: true"},
      {"additionalProperties",
       {{"anyOf", Json::array({credential_entry_schema(), {{"type", "array"}, {"items", credential_entry_schema()}}})}}}};
  const Json output = {
      {"type", "object"},
      {"required", {"id", "status"}},
      {"properties",
       {{"id", string_schema("the request id")},
        {"status", {{"type", "string"}, {"enum", {"pending", "verified", "failed"}},
                    {"description", "pending: ask again later; verified: see credentials; failed: see error"}}},
        {"expires_at", integer_schema("while pending: Unix time the request expires")},
        {"completed_at", integer_schema("Unix time the wallet answered")},
        {"credentials", credentials},
        {"error", error_schema()}}},
      {"additionalProperties", false},
      {"oneOf",
       Json::array({{{"properties", {{"status", {{"const", "pending"}}}}}, {"required", {"expires_at"}}},
                    {{"properties", {{"status", {{"const", "verified"}}}}}, {"required", {"completed_at", "credentials"}}},
                    {{"properties", {{"status", {{"const", "failed"}}}}}, {"required", {"error"}}}})}};
  return {{"name", "get_request_result"},
          {"title", "Read the outcome of an attribute request"},
          {"description",
           "Returns the state of a request made with request_attributes: pending (the person has not answered "
           "yet; ask again in a few seconds), verified (with exactly the requested claims, verified) or failed "
           "(with an error code such as access_denied when the person declined, transaction_expired, or the "
           "verification failure). Results are deleted a few minutes after completion."},
          {"inputSchema", input},
          {"outputSchema", output},
          {"annotations", annotations(true, true)}};
}

Json verify_presentation_definition() {
  const Json input = {
      {"type", "object"},
      {"required", {"presentation"}},
      {"properties",
       {{"presentation", string_schema("the SD-JWT VC presentation (issuer JWT~disclosures~KB-JWT)")},
        {"aud", string_schema("the audience the key binding JWT must name (with nonce)")},
        {"nonce", string_schema("the nonce the key binding JWT must carry (with aud)")},
        {"no_kb", {{"type", "boolean"},
                   {"description", "accept a presentation without key binding (only when the verifier allows it)"}}},
        {"trusted_issuers", {{"type", "array"}, {"items", {{"type", "string"}, {"minLength", 1}}},
                             {"description", "accept only these issuers of the trust file"}}},
        {"max_credential_age_seconds", {{"type", "integer"}, {"minimum", 0},
                                        {"description", "refuse credentials issued longer ago than this"}}}}},
      {"additionalProperties", false}};
  const Json output = {
      {"type", "object"},
      {"required", {"valid"}},
      {"properties",
       {{"valid", {{"type", "boolean"}}},
        {"iss", {{"type", "string"}}},
        {"vct", {{"type", "string"}}},
        {"claims", {{"type", "object"}, {"description", "the disclosed claims"}}},
        {"disclosed", {{"type", "array"}, {"items", claims_path_array_schema()}}},
        {"key_binding",
         {{"type", Json::array({"object", "null"})},
          {"properties", {{"aud", {{"type", "string"}}}, {"nonce", {{"type", "string"}}}, {"iat", {{"type", "integer"}}}}}}},
        {"status", {{"type", "string"}, {"enum", {"valid", "unchecked"}}}},
        {"error", error_schema()}}},
      {"additionalProperties", false},
      {"oneOf",
       Json::array({{{"properties", {{"valid", {{"const", true}}}}},
                     {"required", {"iss", "vct", "claims", "disclosed", "key_binding", "status"}}},
                    {{"properties", {{"valid", {{"const", false}}}}}, {"required", {"error"}}}})}};
  return {{"name", "verify_presentation"},
          {"title", "Verify an SD-JWT VC presentation"},
          {"description",
           "Verifies a presentation handed over by other means, like `veil-verifier verify`: trusted issuer and "
           "signature, disclosures, key binding to aud and nonce, expiry and status list. A rejected presentation "
           "is a normal result with valid: false and the error code."},
          {"inputSchema", input},
          {"outputSchema", output},
          {"annotations", annotations(true, true)}};
}

Result<McpTools> McpTools::create() {
  struct Entry {
    Json definition;
    const char* schema_error_code;
    McpToolHandler handler;
  };
  const Entry entries[] = {{request_attributes_definition(), "invalid_policy", request_attributes},
                           {get_request_result_definition(), "invalid_request", get_request_result},
                           {verify_presentation_definition(), "invalid_request", verify_presentation}};
  std::vector<McpTool> tools;
  for (const Entry& entry : entries) {
    VEIL_TRY(JsonSchema schema, JsonSchema::compile(entry.definition.at("inputSchema")));
    tools.push_back(McpTool{entry.definition.at("name").get<std::string>(), entry.definition, std::move(schema),
                            entry.schema_error_code, entry.handler});
  }
  return McpTools(std::move(tools));
}

Json McpTools::list() const {
  Json list = Json::array();
  for (const McpTool& tool : tools_) list.push_back(tool.definition);
  return list;
}

const McpTool* McpTools::find(std::string_view name) const {
  for (const McpTool& tool : tools_) {
    if (tool.name == name) return &tool;
  }
  return nullptr;
}

Json McpTools::call(const McpTool& tool, VerifierApp& app, const RelyingParty& relying_party,
                    const Json& arguments) const {
  // MCP tools: input validation errors are tool execution errors, so an agent can read them and retry.
  if (auto valid = tool.input_schema.validate(arguments); !valid) {
    std::string message = valid.error().message;
    if (message.starts_with("claim ")) message.replace(0, 6, "argument ");
    std::string code = tool.schema_error_code;
    if (tool.name == "request_attributes" && message.starts_with("argument /dcql_query")) code = "invalid_dcql_query";
    app.log().info("mcp_tool_call", {{"tool", platform::LogId(tool.name)}, {"outcome", platform::LogId(code)}});
    return tool_error(std::move(code), std::move(message));
  }
  auto result = tool.handler(app, relying_party, arguments);
  if (!result) {
    app.log().info("mcp_tool_call", {{"tool", platform::LogId(tool.name)}, {"outcome", platform::LogId(result.error().error)}});
    return tool_error(result.error().error, result.error().description);
  }
  app.log().info("mcp_tool_call", {{"tool", platform::LogId(tool.name)}, {"outcome", platform::LogId("ok")}});
  return {{"content", text_content(*result)}, {"structuredContent", *result}, {"isError", false}};
}

}  // namespace veil::verifier
