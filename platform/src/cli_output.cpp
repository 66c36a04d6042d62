#include "veil/platform/cli_output.h"

#include <cstdio>
#include <iostream>

namespace veil::platform {

namespace {

std::string scalar(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

void append_display(const Json& value, std::string& out) {
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ", ";
      first = false;
      out += scalar(Json(key));
      out += ": ";
      append_display(member, out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& element : value) {
      if (!first) out += ", ";
      first = false;
      append_display(element, out);
    }
    out += ']';
  } else {
    out += scalar(value);
  }
}

}  // namespace

std::string to_display_json(const Json& value) {
  std::string out;
  append_display(value, out);
  return out;
}

void print_line(std::string_view text) {
  std::cout << text << '\n';
  std::cout.flush();
}

int CliOutput::fail(const Error& error) const {
  if (json_) {
    Json body = {{"error", {{"code", std::string(error_code_name(error.code))}, {"message", error.message}}}};
    std::cerr << to_display_json(body) << '\n';
  } else {
    std::cerr << program_ << ": " << error_code_name(error.code) << ": " << error.message << '\n';
  }
  return kExitFailure;
}

int CliOutput::usage(const UsageError& error) const {
  if (json_) {
    Json body = {{"error", {{"code", "usage"}, {"message", error.message}}}};
    std::cerr << to_display_json(body) << '\n';
  } else {
    std::cerr << program_ << ": " << error.message << " (see " << program_ << " --help)\n";
  }
  return kExitUsage;
}

}  // namespace veil::platform
