#include "veil/disclosure_frame.h"

#include <string>

namespace veil {

namespace {

bool is_index(const Json& value) {
  return value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

Status check_frame(const Json& frame, int depth) {
  if (depth > 64) return fail(ErrorCode::invalid_disclosure_frame, "disclosure frame nested too deeply");
  if (!frame.is_object()) return fail(ErrorCode::invalid_disclosure_frame, "nested disclosure frame is not an object");
  for (const auto& [key, value] : frame.items()) {
    if (key != "_sd") {
      VEIL_CHECK(check_frame(value, depth + 1));
      continue;
    }
    if (!value.is_array()) return fail(ErrorCode::invalid_disclosure_frame, "frame \"_sd\" is not an array");
    // One level is either an object (names) or an array (indices), never both.
    bool names = !value.empty() && value.front().is_string();
    for (const Json& entry : value) {
      if (names ? !entry.is_string() : !is_index(entry))
        return fail(ErrorCode::invalid_disclosure_frame,
                    "frame \"_sd\" must list member names or non-negative indices, not a mix");
    }
  }
  return {};
}

Json frame_everything(const Json& value) {
  Json frame = Json::object();
  Json sd = Json::array();
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      sd.push_back(key);
      if (member.is_structured()) frame[key] = frame_everything(member);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      sd.push_back(i);
      if (value[i].is_structured()) frame[std::to_string(i)] = frame_everything(value[i]);
    }
  }
  frame["_sd"] = std::move(sd);
  return frame;
}

}  // namespace

Result<DisclosureFrame> DisclosureFrame::parse(const Json& frame) {
  VEIL_CHECK(check_frame(frame, 0));
  return DisclosureFrame(frame);
}

DisclosureFrame DisclosureFrame::everything(const Json& claims, const std::set<std::string>& never_disclosable) {
  if (!claims.is_object()) return DisclosureFrame(frame_everything(claims));
  Json frame = Json::object();
  Json sd = Json::array();
  for (const auto& [key, member] : claims.items()) {
    if (never_disclosable.count(key) != 0) continue;
    sd.push_back(key);
    if (member.is_structured()) frame[key] = frame_everything(member);
  }
  frame["_sd"] = std::move(sd);
  return DisclosureFrame(std::move(frame));
}

DisclosureFrame DisclosureFrame::none() { return DisclosureFrame(Json::object()); }

}  // namespace veil
