// Sealed columns of the wallet's SQLite file: the helpers SqliteWalletStore's source files share to seal a value
// under the Vault with an AAD naming table, row and column, and to read SQLite blobs. Internal to the store.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

#include "veil/error.h"
#include "veil/json.h"
#include "veil/secret_bytes.h"
#include "wallet/vault.h"

namespace veil::wallet::sealed {

/// kSealedFormatVersion is the version every sealed value's AAD names. It is not the schema version: a migration
/// that adds tables must not make the values sealed before it unreadable.
inline constexpr std::uint32_t kSealedFormatVersion = 1;

inline constexpr std::string_view kLockedMessage = "the wallet is locked";

inline std::string_view as_text(const SecretBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.reveal().data()), bytes.size()};
}

inline std::span<const std::uint8_t> column_bytes(const SQLite::Column& column) {
  return {static_cast<const std::uint8_t*>(column.getBlob()), static_cast<std::size_t>(column.getBytes())};
}

inline void bind_bytes(SQLite::Statement& statement, int index, std::span<const std::uint8_t> bytes) {
  statement.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

/// aad_for binds a sealed value to its place: moving it to another row, column or table fails to open.
inline Aad aad_for(std::string_view table, std::string_view row, std::string_view column) {
  return Aad{table, row, column, kSealedFormatVersion};
}

/// dump_json serializes a value to seal. Fails with invalid_argument for a string that is not UTF-8.
inline Result<std::string> dump_json(const Json& value) {
  try {
    return value.dump();
  } catch (const std::exception&) {
    return fail(ErrorCode::invalid_argument, "json with invalid utf-8 cannot be stored");
  }
}

/// load_sealed_json opens and parses a sealed JSON value. Fails with sealed_data_corrupt.
inline Result<Json> load_sealed_json(const Vault& vault, std::span<const std::uint8_t> sealed, const Aad& aad) {
  VEIL_TRY(SecretBytes plain, vault.open(sealed, aad));
  const std::string_view text = as_text(plain);
  Json value = Json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) return fail(ErrorCode::sealed_data_corrupt, "a sealed json value does not parse");
  return value;
}

}  // namespace veil::wallet::sealed
