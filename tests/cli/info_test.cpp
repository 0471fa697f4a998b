// `corridor info` through the real binary: the text and JSON statistics of a
// graph, and refusing truncated, corrupted and foreign files by name.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

// One graph of Monaco, imported once for the whole suite.
class CliInfo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const auto r = run_corridor({"import", "-q", osm_extract("monaco-2016-03.osm.pbf").string(), "-o",
                                 (dir_->path() / "monaco.graph").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path graph() { return dir_->path() / "monaco.graph"; }

  // Where a section's data starts and how long it is, read from the section
  // table of docs/graph-file.md (32-byte header; 48-byte entries: name[24],
  // element size u32, crc u32, count u64, offset u64).
  struct Section {
    std::uint64_t offset = 0;
    std::uint64_t bytes = 0;
  };
  static std::optional<Section> find_section(const std::string& file, const std::string& name) {
    std::uint32_t count = 0;
    std::memcpy(&count, file.data() + 12, sizeof count);
    for (std::uint32_t i = 0; i < count; ++i) {
      const char* entry = file.data() + 32 + 48 * static_cast<std::size_t>(i);
      if (std::string(entry, strnlen(entry, 24)) != name) continue;
      std::uint32_t element_size = 0;
      std::uint64_t elements = 0, offset = 0;
      std::memcpy(&element_size, entry + 24, sizeof element_size);
      std::memcpy(&elements, entry + 32, sizeof elements);
      std::memcpy(&offset, entry + 40, sizeof offset);
      return Section{offset, elements * element_size};
    }
    return std::nullopt;
  }

  TempDir scratch_;

 private:
  static TempDir* dir_;
};
TempDir* CliInfo::dir_ = nullptr;

TEST_F(CliInfo, TextNamesNodesArcsAndComponents) {
  const auto r = run_corridor({"info", graph().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  for (const char* word : {"nodes", "arcs", "road", "km", "components", "weakly connected", "strongly connected",
                           "monaco-2016-03.osm.pbf", "residential", "OpenStreetMap contributors"}) {
    EXPECT_TRUE(has(r.out, word)) << "missing " << word << " in:\n" << r.out;
  }
}

TEST_F(CliInfo, JsonHasTheStatistics) {
  const auto r = run_corridor({"info", "--json", graph().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_object());
  ASSERT_TRUE(j["nodes"].is_number_unsigned());
  ASSERT_TRUE(j["arcs"].is_number_unsigned());
  ASSERT_TRUE(j["road_km"].is_number());
  const auto nodes = j["nodes"].get<std::uint64_t>();
  const auto arcs = j["arcs"].get<std::uint64_t>();
  EXPECT_GT(nodes, 1000u);
  EXPECT_GE(arcs, nodes / 2);
  EXPECT_GT(j["road_km"].get<double>(), 10.0);
  EXPECT_LT(j["road_km"].get<double>(), 10000.0);
  for (const char* key : {"weak_components", "strong_components"}) {
    SCOPED_TRACE(key);
    const auto& c = j[key];
    ASSERT_TRUE(c.is_object()) << c;
    const auto count = c["count"].get<std::uint64_t>();
    const auto largest = c["largest_nodes"].get<std::uint64_t>();
    EXPECT_GE(count, 1u);
    EXPECT_GE(largest, 1u);
    EXPECT_LE(largest, nodes);
  }
  // Every strongly connected component lies in one weak one.
  EXPECT_GE(j["strong_components"]["count"].get<std::uint64_t>(), j["weak_components"]["count"].get<std::uint64_t>());
  EXPECT_LE(j["strong_components"]["largest_nodes"].get<std::uint64_t>(),
            j["weak_components"]["largest_nodes"].get<std::uint64_t>());
  EXPECT_EQ(j["source"], "monaco-2016-03.osm.pbf");
  EXPECT_EQ(j["source_kind"], "osm");
  EXPECT_EQ(j["file_bytes"].get<std::uint64_t>(), fs::file_size(graph()));
  // Monaco lies around 7.4E 43.7N.
  ASSERT_TRUE(j["bbox"].is_array());
  ASSERT_EQ(j["bbox"].size(), 4u);
  EXPECT_NEAR(j["bbox"][0].get<double>(), 7.4, 0.1);
  EXPECT_NEAR(j["bbox"][1].get<double>(), 43.7, 0.1);
  EXPECT_LT(j["bbox"][0].get<double>(), j["bbox"][2].get<double>());
  EXPECT_LT(j["bbox"][1].get<double>(), j["bbox"][3].get<double>());
  std::uint64_t class_arcs = 0;
  for (const auto& [name, c] : j["classes"].items()) class_arcs += c["arcs"].get<std::uint64_t>();
  EXPECT_EQ(class_arcs, arcs);
}

TEST_F(CliInfo, TextAndJsonAgree) {
  const auto text = run_corridor({"info", graph().string()});
  const auto json = run_corridor({"info", "--json", graph().string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_TRUE(has(text.out, "nodes       " + std::to_string(j["nodes"].get<std::uint64_t>()) + "\n")) << text.out;
  EXPECT_TRUE(has(text.out, "arcs        " + std::to_string(j["arcs"].get<std::uint64_t>()) + "\n")) << text.out;
  EXPECT_TRUE(has(text.out, std::to_string(j["weak_components"]["count"].get<std::uint64_t>()) + " weakly connected"))
      << text.out;
}

TEST_F(CliInfo, MissingGraphNamesTheFile) {
  const auto path = scratch_ / "absent.graph";
  const auto r = run_corridor({"info", path.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, path.string())) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliInfo, TruncatedGraphIsRefusedByName) {
  const auto bytes = read_bytes(graph());
  for (const std::size_t keep : {bytes.size() / 2, bytes.size() - 1, std::size_t{100}, std::size_t{10}}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(bytes.size()) + " bytes");
    const auto path = scratch_ / "truncated.graph";
    write_bytes(path, bytes.substr(0, keep));
    const auto r = run_corridor({"info", path.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, path.string())) << r.err;
    EXPECT_TRUE(has(r.err, "truncated") || has(r.err, "too short")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliInfo, BitFlipInASectionNamesTheSection) {
  auto bytes = read_bytes(graph());
  for (const char* name : {"head", "lat", "time_ms", "node_id"}) {
    SCOPED_TRACE(name);
    const auto section = find_section(bytes, name);
    ASSERT_TRUE(section.has_value());
    ASSERT_GT(section->bytes, 8u);
    auto flipped = bytes;
    flipped[section->offset + section->bytes / 2] ^= 0x10;
    const auto path = scratch_ / "flipped.graph";
    write_bytes(path, flipped);
    const auto r = run_corridor({"info", path.string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(has(r.err, path.string())) << r.err;
    EXPECT_TRUE(has(r.err, std::string("section '") + name + "' is corrupted")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliInfo, BitFlipInTheSectionTableIsCorruption) {
  auto bytes = read_bytes(graph());
  bytes[32 + 48 + 30] ^= 0x01;  // the crc field of the second section entry
  const auto path = scratch_ / "flipped.graph";
  write_bytes(path, bytes);
  const auto r = run_corridor({"info", path.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, path.string())) << r.err;
  EXPECT_TRUE(has(r.err, "corrupted")) << r.err;
}

TEST_F(CliInfo, NotAGraphFileIsRefused) {
  const auto extract = osm_extract("monaco-2016-03.osm.pbf");
  const auto r = run_corridor({"info", extract.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, extract.string())) << r.err;
  EXPECT_TRUE(has(r.err, "not a corridor graph file")) << r.err;

  const auto empty = scratch_ / "empty.graph";
  write_bytes(empty, "");
  const auto e = run_corridor({"info", empty.string()});
  EXPECT_EQ(e.exit_code, 2) << e.err;
  EXPECT_TRUE(has(e.err, empty.string())) << e.err;
}

TEST_F(CliInfo, OtherFormatVersionIsRefusedByName) {
  auto bytes = read_bytes(graph());
  bytes[8] = 99;  // the version field follows the 8-byte magic
  const auto path = scratch_ / "future.graph";
  write_bytes(path, bytes);
  const auto r = run_corridor({"info", path.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, path.string())) << r.err;
  EXPECT_TRUE(has(r.err, "version 99")) << r.err;
}

}  // namespace
}  // namespace corridor::testing
