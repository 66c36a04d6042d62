// StatusIndexAllocator: hands out Token Status List indices that are never reused and reveal nothing about
// issuance order (draft-ietf-oauth-status-list §12.5 "Unlinkability"), recording each one in the caller's SQLite
// transaction so that an allocation and the credential that uses it commit or vanish together.
#pragma once

#include <cstddef>
#include <cstdint>

#include "issuer/issuer_store.h"

namespace SQLite {
class Database;
}

namespace veil::issuer {

/// StatusListShape is the bits per status and number of indices of the lists the allocator creates.
struct StatusListShape {
  int bits = 2;
  std::size_t size = 131072;
};

/// kStatusIndexSchema is the SQL that creates the allocator's tables: status_lists (id never reused, bits, size,
/// allocated count) and status_allocations (list, index), the durable record that an index is taken. The issuer
/// store's first migration runs it.
extern const char* const kStatusIndexSchema;

/// allocate_status_index picks an index uniformly at random among the free ones of the newest status list (a new
/// list of |shape| when there is none or it is full), records it in status_allocations and returns it. It must
/// run inside the caller's write transaction (BEGIN IMMEDIATE): a rollback gives the index back, a commit takes it
/// for good. Throws SQLite::Exception on database failure (the caller is inside platform::sqlite_call); fails
/// with internal_error only if the list's allocated count disagrees with its recorded allocations.
Result<StatusReference> allocate_status_index(SQLite::Database& connection, const StatusListShape& shape,
                                              std::int64_t now);

}  // namespace veil::issuer
