// McpTools: the tools the verifier offers AI agents over MCP (MCP 2025-11-25 "Tools") — request_attributes,
// get_request_result and verify_presentation — each with precise input and output JSON Schemas, run over the
// same functions as the REST API (presentation_transactions.h, verify_endpoint.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/json_schema.h"
#include "veil/platform/http_error.h"
#include "verifier/relying_parties.h"

namespace veil::verifier {

class VerifierApp;

/// McpToolHandler runs a tool whose arguments already match its input schema, for one relying party, and answers
/// the structured result or the HttpError the REST API would have answered.
using McpToolHandler =
    std::function<platform::HttpResult<Json>(VerifierApp& app, const RelyingParty& relying_party, const Json& arguments)>;

/// McpTool is one tool: its definition as tools/list shows it and its handler.
struct McpTool {
  std::string name;
  Json definition;  // {"name", "title", "description", "inputSchema", "outputSchema", "annotations"}
  JsonSchema input_schema;
  /// schema_error_code is the error code of arguments that do not match the input schema (the code the REST
  /// API gives the same mistake: invalid_policy, invalid_request).
  std::string schema_error_code;
  McpToolHandler handler;
};

/// McpTools is the verifier's tool set. Immutable after create; safe to share between threads.
class McpTools {
 public:
  /// create builds the three tools and compiles their input schemas. Fails with invalid_json_schema only when a
  /// schema written here is broken (a bug, caught by the tests).
  static Result<McpTools> create();

  /// list is the "tools" array of a tools/list result.
  Json list() const;

  /// find returns the tool named |name|, or nullptr.
  const McpTool* find(std::string_view name) const;

  /// call runs |tool| with |arguments| for |relying_party| and returns a CallToolResult:
  ///  - success: {"content": [{"type": "text", "text": <the JSON>}], "structuredContent": <result>,
  ///    "isError": false}; the result conforms to the tool's outputSchema;
  ///  - a tool execution error: {"content": [{"type": "text", "text": "{\"error\": {\"code\", \"message\"}}"}],
  ///    "isError": true}, without structuredContent (it would not match the outputSchema). The code is Veil's:
  ///    the tool's schema_error_code for arguments outside the input schema (the message names the JSON pointer
  ///    of the offending argument, never its value), else what the REST API answers (invalid_policy,
  ///    invalid_dcql_query, url_not_allowed, not_found, invalid_request, server_error).
  /// A relying party only ever reaches its own presentation requests, as through the REST API.
  Json call(const McpTool& tool, VerifierApp& app, const RelyingParty& relying_party, const Json& arguments) const;

 private:
  explicit McpTools(std::vector<McpTool> tools) : tools_(std::move(tools)) {}
  std::vector<McpTool> tools_;
};

/// The definitions of the three tools (name, title, description, inputSchema, outputSchema, annotations), as
/// McpTools::list shows them; exposed so that tests can compile and check every schema.
Json request_attributes_definition();
Json get_request_result_definition();
Json verify_presentation_definition();

}  // namespace veil::verifier
