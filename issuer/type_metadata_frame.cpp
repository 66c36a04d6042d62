#include "type_metadata_frame.h"

#include <string>

namespace veil::issuer {

namespace {

void add_to_sd(Json& frame, const Json& entry) {
  Json& sd = frame["_sd"];
  if (!sd.is_array()) sd = Json::array();
  for (const auto& existing : sd) {
    if (existing == entry) return;
  }
  sd.push_back(entry);
}

// Walks |path| from |index| through |node| (the claims at this level) and marks the last element disclosable
// in |frame|, creating nested frames only where the claims have something to nest into.
void mark(Json& frame, const Json& node, const Json& path, std::size_t index) {
  const Json& element = path[index];
  const bool last = index + 1 == path.size();
  if (element.is_string()) {
    const std::string name = element.get<std::string>();
    if (!node.is_object() || !node.contains(name)) return;
    if (last) return add_to_sd(frame, name);
    const Json& child = node[name];
    if (!child.is_object() && !child.is_array()) return;
    mark(frame[name], child, path, index + 1);
    return;
  }
  if (!node.is_array()) return;
  auto visit = [&](std::size_t i) {
    if (i >= node.size()) return;
    if (last) return add_to_sd(frame, i);
    const Json& child = node[i];
    if (!child.is_object() && !child.is_array()) return;
    mark(frame[std::to_string(i)], child, path, index + 1);
  };
  if (element.is_null()) {
    for (std::size_t i = 0; i < node.size(); ++i) visit(i);
  } else {
    visit(element.get<std::size_t>());
  }
}

}  // namespace

Result<Json> frame_from_type_metadata(const Json& type_metadata, const Json& claims) {
  if (!type_metadata.is_object()) return fail(ErrorCode::invalid_disclosure_frame, "type metadata is not an object");
  Json frame = Json::object();
  if (!type_metadata.contains("claims")) return frame;
  const Json& entries = type_metadata["claims"];
  if (!entries.is_array()) return fail(ErrorCode::invalid_disclosure_frame, "type metadata \"claims\" is not an array");
  for (const auto& entry : entries) {
    if (!entry.is_object() || !entry.contains("path") || !entry["path"].is_array() || entry["path"].empty()) {
      return fail(ErrorCode::invalid_disclosure_frame, "a type metadata claim has no non-empty \"path\" array");
    }
    const Json& path = entry["path"];
    for (const auto& element : path) {
      if (!element.is_string() && !element.is_null() && !element.is_number_unsigned()) {
        return fail(ErrorCode::invalid_disclosure_frame,
                    "a type metadata claim path holds something other than a string, index or null");
      }
    }
    std::string sd = "allowed";  // the default of Type Metadata §9.3
    if (entry.contains("sd")) {
      if (!entry["sd"].is_string()) return fail(ErrorCode::invalid_disclosure_frame, "type metadata \"sd\" is not a string");
      sd = entry["sd"].get<std::string>();
    }
    if (sd == "never") continue;
    if (sd != "always" && sd != "allowed") {
      return fail(ErrorCode::invalid_disclosure_frame, "type metadata \"sd\" must be always, allowed or never");
    }
    mark(frame, claims, path, 0);
  }
  return frame;
}

}  // namespace veil::issuer
