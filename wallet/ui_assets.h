// UiAsset: the files of the wallet's web UI (wallet/ui/*), compiled into the program by wallet/ui/embed_ui.cmake.
#pragma once

#include <span>
#include <string_view>

namespace veil::wallet {

/// UiAsset is one file of the web UI: the URL path it is served at ("/app.js"), its Content-Type and its bytes.
struct UiAsset {
  std::string_view path;
  std::string_view content_type;
  std::string_view body;
};

/// ui_assets returns every file of the web UI (index.html, app.css, app.js); "/" serves index.html.
std::span<const UiAsset> ui_assets();

}  // namespace veil::wallet
