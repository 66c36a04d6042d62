#include "issuer/status_index_allocator.h"

#include <unordered_set>

#include <SQLiteCpp/SQLiteCpp.h>

namespace veil::issuer {

const char* const kStatusIndexSchema = R"sql(
CREATE TABLE status_lists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  bits INTEGER NOT NULL CHECK (bits IN (1, 2, 4, 8)),
  size INTEGER NOT NULL CHECK (size > 0),
  allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= size),
  created_at INTEGER NOT NULL
);
CREATE TABLE status_allocations (
  status_list INTEGER NOT NULL REFERENCES status_lists(id),
  status_index INTEGER NOT NULL CHECK (status_index >= 0),
  PRIMARY KEY (status_list, status_index)
) WITHOUT ROWID;
CREATE TRIGGER status_allocations_are_final BEFORE DELETE ON status_allocations
BEGIN SELECT RAISE(ABORT, 'a status index is never given back'); END;
CREATE TRIGGER status_allocations_are_fixed BEFORE UPDATE ON status_allocations
BEGIN SELECT RAISE(ABORT, 'a status index is never moved'); END;
CREATE TRIGGER status_lists_are_kept BEFORE DELETE ON status_lists
BEGIN SELECT RAISE(ABORT, 'a status list is never deleted'); END;
)sql";

namespace {

// While at most half of a list is taken, drawing uniformly from the whole list and retrying on a taken index is
// uniform over the free ones and needs fewer than two draws on average; past that, the taken set is loaded.
constexpr int kMaxDraws = 32;

bool is_taken(SQLite::Database& connection, std::int64_t list_id, std::size_t index) {
  SQLite::Statement query(connection,
                          "SELECT 1 FROM status_allocations WHERE status_list = ? AND status_index = ?");
  query.bind(1, list_id);
  query.bind(2, static_cast<std::int64_t>(index));
  return query.executeStep();
}

std::unordered_set<std::size_t> taken_indices(SQLite::Database& connection, std::int64_t list_id) {
  std::unordered_set<std::size_t> taken;
  SQLite::Statement query(connection, "SELECT status_index FROM status_allocations WHERE status_list = ?");
  query.bind(1, list_id);
  while (query.executeStep()) taken.insert(static_cast<std::size_t>(query.getColumn(0).getInt64()));
  return taken;
}

}  // namespace

Result<StatusReference> allocate_status_index(SQLite::Database& connection, const StatusListShape& shape,
                                              std::int64_t now) {
  std::int64_t list_id = 0;
  std::size_t size = 0;
  std::size_t allocated = 0;
  {
    SQLite::Statement newest(connection, "SELECT id, size, allocated FROM status_lists ORDER BY id DESC LIMIT 1");
    if (newest.executeStep()) {
      list_id = newest.getColumn(0).getInt64();
      size = static_cast<std::size_t>(newest.getColumn(1).getInt64());
      allocated = static_cast<std::size_t>(newest.getColumn(2).getInt64());
    }
  }
  if (list_id == 0 || allocated >= size) {
    SQLite::Statement create(connection, "INSERT INTO status_lists (bits, size, created_at) VALUES (?, ?, ?)");
    create.bind(1, shape.bits);
    create.bind(2, static_cast<std::int64_t>(shape.size));
    create.bind(3, now);
    create.exec();
    list_id = connection.getLastInsertRowid();
    size = shape.size;
    allocated = 0;
  }

  std::optional<std::size_t> index;
  if (allocated * 2 <= size) {
    const std::unordered_set<std::size_t> none;
    for (int draw = 0; draw < kMaxDraws && !index; ++draw) {
      const auto candidate = random_unused_index(size, none);
      if (candidate && !is_taken(connection, list_id, *candidate)) index = candidate;
    }
  }
  if (!index) index = random_unused_index(size, taken_indices(connection, list_id));
  if (!index) return fail(ErrorCode::internal_error, "status list allocation count disagrees with its indices");

  SQLite::Statement record(connection, "INSERT INTO status_allocations (status_list, status_index) VALUES (?, ?)");
  record.bind(1, list_id);
  record.bind(2, static_cast<std::int64_t>(*index));
  record.exec();
  SQLite::Statement count(connection, "UPDATE status_lists SET allocated = allocated + 1 WHERE id = ?");
  count.bind(1, list_id);
  count.exec();
  return StatusReference{list_id, *index};
}

}  // namespace veil::issuer
