// JsonSchema: a JSON Schema (draft 2020-12) validator for the subset Veil's credential schemas use (schemas/).
//
// Schemas are trusted (they ship with Veil or come from the operator's configuration); the instances they
// validate — claim sets from an admin API or a request — are not. That split is why `pattern` may use
// std::regex: only our own patterns are ever compiled, and instance strings are bounded before matching.
//
// Implemented keywords: type (string or array), properties, required, additionalProperties, items,
// prefixItems, minItems, maxItems, uniqueItems, enum, const, minLength, maxLength (Unicode code points),
// pattern (ECMAScript, unanchored search), format "date" (RFC 3339 full-date, real calendar dates) and "email"
// (a simple addr-spec shape), minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, $ref to a
// JSON pointer inside the same document ("#", "#/$defs/name"), allOf, anyOf, oneOf, not, and boolean schemas.
// Other formats are annotations and are ignored, as are unknown keywords. Keywords that would change the
// outcome but are not implemented ($dynamicRef, remote or anchor $ref, a nested $id, patternProperties,
// if/then/else, unevaluatedProperties, ...) make compile fail, so a schema is never silently under-enforced.
#pragma once

#include <memory>

#include "veil/error.h"
#include "veil/json.h"

namespace veil {

class JsonSchema {
 public:
  /// compile checks |schema| and prepares it for validation. Fails with invalid_json_schema when it is not an
  /// object or boolean, a keyword has a value of the wrong type, a pattern is not a valid ECMAScript regex, a
  /// $ref does not resolve inside the document, the $schema is not draft 2020-12, the schema nests more than
  /// 64 levels, or it uses a keyword whose semantics Veil does not implement (see the file comment).
  static Result<JsonSchema> compile(const Json& schema);

  /// validate checks |instance| against the schema and stops at the first violation. Fails with
  /// invalid_claims and a message naming the JSON pointer of the offending value and the keyword
  /// ("claim /address/postal_code: does not match pattern"); the message never contains the value itself.
  /// Fails with nesting_too_deep when validation recurses more than 128 levels (deep instances or $ref loops).
  [[nodiscard]] Status validate(const Json& instance) const;

  struct Compiled;  // the compiled keyword tree (json_schema.cpp)

 private:
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace veil
