#include "corridor/graph/graph_file.hpp"

#include <bit>
#include <cstring>
#include <fstream>

#include <zlib.h>

#include "corridor/error.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/json.hpp"

namespace corridor::graph {
namespace {

static_assert(std::endian::native == std::endian::little, "the graph file is little-endian");

constexpr char k_magic[8] = {'C', 'O', 'R', 'R', 'G', 'R', 'P', 'H'};

struct FileHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t section_count;
  std::uint64_t file_size;
  std::uint32_t table_crc;  // CRC-32 of header (with this field 0) and table
  std::uint32_t reserved;
};
static_assert(sizeof(FileHeader) == 32);

struct SectionEntry {
  char name[24];
  std::uint32_t element_size;
  std::uint32_t crc;
  std::uint64_t count;
  std::uint64_t offset;
};
static_assert(sizeof(SectionEntry) == 48);

std::uint32_t crc(const void* data, std::size_t size, std::uint32_t running = 0) {
  auto value = running;
  const auto* bytes = static_cast<const Bytef*>(data);
  while (size > 0) {  // zlib's length is 32-bit: feed large sections in chunks
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    value = static_cast<std::uint32_t>(crc32(value, bytes, chunk));
    bytes += chunk;
    size -= chunk;
  }
  return value;
}

// The sections of a graph, by name, bound to the graph's arrays. The reader
// and the writer share this one list, so they cannot disagree.
template <typename Graph, typename Visit>
void for_each_array(Graph& g, Visit&& visit) {
  visit("first_out", g.first_out, true);
  visit("head", g.head, true);
  visit("tail", g.tail, true);
  visit("in_first", g.in_first, true);
  visit("in_arc", g.in_arc, true);
  visit("node_id", g.node_id, true);
  visit("lat", g.lat, true);
  visit("lon", g.lon, true);
  visit("time_ms", g.time_ms, true);
  visit("length_m", g.length_m, true);
  visit("capacity_vph", g.capacity_vph, true);
  visit("road_class", g.road_class, true);
  visit("lanes", g.lanes, true);
  visit("way_id", g.way_id, true);
  visit("name", g.name, true);
  visit("shape_first", g.shape_first, false);
  visit("shape_lat", g.shape_lat, false);
  visit("shape_lon", g.shape_lon, false);
  visit("cch_order", g.cch_order, false);  // version 3
  visit("turn_from", g.turn_from, false);  // version 4
  visit("turn_to", g.turn_to, false);
  visit("turn_chain_first", g.turn_chain_first, false);
  visit("turn_chain_arc", g.turn_chain_arc, false);
}

std::uint64_t align8(std::uint64_t x) { return (x + 7) & ~std::uint64_t{7}; }

}  // namespace

void write_graph(const RoadGraph& g, const std::filesystem::path& path) {
  struct Blob {
    std::string name;
    const void* data;
    std::uint32_t element_size;
    std::uint64_t count;
  };
  const std::string classes = nlohmann::json(g.class_names).dump();
  const std::string meta = g.meta.dump();
  const std::string names = nlohmann::json(g.names).dump();
  std::vector<Blob> blobs;
  for_each_array(g, [&](const char* name, const auto& v, bool) {
    blobs.push_back({name, v.data(), static_cast<std::uint32_t>(sizeof(v[0])), v.size()});
  });
  blobs.push_back({"class_names", classes.data(), 1, classes.size()});
  blobs.push_back({"meta", meta.data(), 1, meta.size()});
  blobs.push_back({"names", names.data(), 1, names.size()});

  FileHeader header{};
  std::memcpy(header.magic, k_magic, sizeof k_magic);
  header.version = k_graph_format_version;
  header.section_count = static_cast<std::uint32_t>(blobs.size());
  std::vector<SectionEntry> table(blobs.size());
  std::uint64_t offset = align8(sizeof(FileHeader) + table.size() * sizeof(SectionEntry));
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    auto& e = table[i];
    std::strncpy(e.name, blobs[i].name.c_str(), sizeof e.name - 1);
    e.element_size = blobs[i].element_size;
    e.count = blobs[i].count;
    e.offset = offset;
    e.crc = crc(blobs[i].data, e.count * e.element_size);
    offset = align8(offset + e.count * e.element_size);
  }
  header.file_size = offset;
  header.table_crc = crc(table.data(), table.size() * sizeof(SectionEntry), crc(&header, sizeof header));

  // Write to a temporary name and rename, so that a crash never leaves a
  // half-written graph under the final name.
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(path.string() + ": cannot write");
    out.write(reinterpret_cast<const char*>(&header), sizeof header);
    out.write(reinterpret_cast<const char*>(table.data()),
              static_cast<std::streamsize>(table.size() * sizeof(SectionEntry)));
    std::uint64_t at = sizeof header + table.size() * sizeof(SectionEntry);
    const char zeros[8] = {};
    for (std::size_t i = 0; i < blobs.size(); ++i) {
      out.write(zeros, static_cast<std::streamsize>(table[i].offset - at));
      out.write(static_cast<const char*>(blobs[i].data),
                static_cast<std::streamsize>(table[i].count * table[i].element_size));
      at = table[i].offset + table[i].count * table[i].element_size;
    }
    out.write(zeros, static_cast<std::streamsize>(header.file_size - at));
    out.flush();
    if (!out) throw IoError(path.string() + ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError(path.string() + ": cannot write: " + ec.message());
}

void reseal_graph_bytes(std::string& bytes) {
  FileHeader header{};
  if (bytes.size() < sizeof header) return;
  std::memcpy(&header, bytes.data(), sizeof header);
  const std::size_t count =
      std::min<std::size_t>(header.section_count, (bytes.size() - sizeof header) / sizeof(SectionEntry));
  std::vector<SectionEntry> table(count);
  if (count > 0) std::memcpy(table.data(), bytes.data() + sizeof header, count * sizeof(SectionEntry));
  for (auto& e : table) {
    if (e.offset <= bytes.size() && e.element_size > 0 && e.count <= (bytes.size() - e.offset) / e.element_size) {
      e.crc = crc(bytes.data() + e.offset, e.count * e.element_size);
    }
  }
  header.file_size = bytes.size();
  header.table_crc = 0;
  header.table_crc = crc(table.data(), table.size() * sizeof(SectionEntry), crc(&header, sizeof header));
  std::memcpy(bytes.data(), &header, sizeof header);
  if (count > 0) std::memcpy(bytes.data() + sizeof header, table.data(), count * sizeof(SectionEntry));
}

RoadGraph read_graph(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(file + ": no such file");
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError(file + ": not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError(file + ": cannot read: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(file + ": cannot open");
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) throw IoError(file + ": read failed");
  return parse_graph(bytes, file);
}

RoadGraph parse_graph(std::string_view bytes, const std::string& file) {
  const std::size_t size = bytes.size();

  auto fail = [&](const std::string& what) { return FormatError(file + ": " + what); };
  FileHeader header{};
  if (size < sizeof header)
    throw fail("not a corridor graph file (too short for a header: " + std::to_string(size) + " bytes)");
  std::memcpy(&header, bytes.data(), sizeof header);
  if (std::memcmp(header.magic, k_magic, sizeof k_magic) != 0) {
    throw fail("not a corridor graph file (bad magic); make one with `corridor import`");
  }
  // 2: without cch_order, 3: without turn restrictions; both still read.
  if (header.version != k_graph_format_version && header.version != 2 && header.version != 3) {
    throw fail("graph format version " + std::to_string(header.version) + ", this corridor reads version " +
               std::to_string(k_graph_format_version) + "; re-import the map");
  }
  if (header.file_size != size) {
    throw fail("truncated or padded: the header says " + std::to_string(header.file_size) + " bytes, the file has " +
               std::to_string(size));
  }
  if (header.section_count > 64 || sizeof header + header.section_count * sizeof(SectionEntry) > size) {
    throw fail("section table: " + std::to_string(header.section_count) + " sections do not fit the file");
  }
  std::vector<SectionEntry> table(header.section_count);
  if (!table.empty()) std::memcpy(table.data(), bytes.data() + sizeof header, table.size() * sizeof(SectionEntry));
  const auto stored_crc = header.table_crc;
  header.table_crc = 0;
  if (crc(table.data(), table.size() * sizeof(SectionEntry), crc(&header, sizeof header)) != stored_crc) {
    throw fail("header/section table is corrupted (checksum mismatch)");
  }

  auto section = [&](const std::string& name, std::uint32_t element_size, bool required) -> const SectionEntry* {
    for (const auto& e : table) {
      if (std::string(e.name, strnlen(e.name, sizeof e.name)) != name) continue;
      if (e.element_size != element_size) {
        throw fail("section '" + name + "': element size " + std::to_string(e.element_size) + ", expected " +
                   std::to_string(element_size));
      }
      if (e.count > size / std::max<std::uint32_t>(1, element_size) || e.offset > size ||
          e.count * element_size > size - e.offset) {
        throw fail("section '" + name + "' runs past the end of the file");
      }
      if (crc(bytes.data() + e.offset, e.count * element_size) != e.crc) {
        throw fail("section '" + name + "' is corrupted (checksum mismatch)");
      }
      return &e;
    }
    if (required) throw fail("section '" + name + "' is missing");
    return nullptr;
  };

  RoadGraph g;
  for_each_array(g, [&](const char* name, auto& v, bool required) {
    using T = typename std::remove_reference_t<decltype(v)>::value_type;
    if (const auto* e = section(name, sizeof(T), required)) {
      v.resize(e->count);
      if (e->count > 0) std::memcpy(v.data(), bytes.data() + e->offset, e->count * sizeof(T));
    }
  });
  for (const char* name : {"class_names", "meta", "names"}) {
    const auto* e = section(name, 1, true);
    try {
      std::string why;
      auto parsed = json::try_parse(bytes.substr(e->offset, e->count), &why);
      if (!parsed) throw fail(std::string("section '") + name + "' is not valid: " + why);
      auto j = std::move(*parsed);
      if (std::string(name) == "meta")
        g.meta = std::move(j);
      else if (std::string(name) == "names")
        g.names = j.get<std::vector<std::string>>();
      else
        g.class_names = j.get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& ex) {
      throw fail(std::string("section '") + name + "' is not valid: " + ex.what());
    }
  }
  if (auto problem = check_invariants(g); !problem.empty()) throw fail("inconsistent graph: " + problem);
  return g;
}

}  // namespace corridor::graph
