// Copying tables between stores, whatever the two backends are.
#include <vector>

#include "corridor/ledger/sql.hpp"

namespace corridor::ledger::sql {

std::uint64_t copy_table(const Database& from, Database& to, std::string_view table, std::string_view columns) {
  std::vector<std::pair<std::string, char>> cols;
  for (std::size_t begin = 0; begin < columns.size();) {
    auto end = columns.find(',', begin);
    if (end == std::string_view::npos) end = columns.size();
    auto item = columns.substr(begin, end - begin);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const auto colon = item.find(':');
    cols.emplace_back(std::string(item.substr(0, colon)), item.at(colon + 1));
    begin = end + 1;
  }
  std::string names;
  std::string params;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    names += (i > 0 ? ", " : "") + cols[i].first;
    params += (i > 0 ? ", ?" : "?") + std::to_string(i + 1);
  }
  auto read = from.prepare("SELECT " + names + " FROM " + std::string(table));
  auto write = to.prepare("INSERT INTO " + std::string(table) + "(" + names + ") VALUES (" + params + ")");
  std::uint64_t rows = 0;
  while (read.step()) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const int c = static_cast<int>(i);
      if (read.is_null(c)) continue;  // unbound: NULL
      switch (cols[i].second) {
        case 'i':
          write.bind(c + 1, read.integer(c));
          break;
        case 'b':
          write.bind_blob(c + 1, read.blob(c));
          break;
        default:
          write.bind_text(c + 1, read.text(c));
      }
    }
    write.run();
    write.reset();
    ++rows;
  }
  return rows;
}

void advance_serial(Database& db, std::string_view table, std::string_view column) {
  if (db.dialect() != Dialect::postgresql) return;
  const std::string t(table);
  const std::string c(column);
  db.exec("SELECT setval(pg_get_serial_sequence('" + t + "', '" + c + "'), GREATEST((SELECT MAX(" + c + ") FROM " + t +
          "), 1), (SELECT MAX(" + c + ") FROM " + t + ") IS NOT NULL)");
}

}  // namespace corridor::ledger::sql
