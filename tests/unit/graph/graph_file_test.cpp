#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "corridor/error.hpp"
#include "corridor/graph/build.hpp"
#include "corridor/graph/graph_file.hpp"
#include "network_builder.hpp"
#include "test_support.hpp"

namespace corridor::graph {
namespace {

using testing::TempDir;

RoadGraph sample_graph() {
  std::mt19937_64 rng(testing::test_seed());
  auto g = build(testing::NetworkBuilder::random_grid(10, rng));
  g.meta["source"] = "sample";
  return g;
}

std::vector<char> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::filesystem::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_error(const std::filesystem::path& p) {
  try {
    read_graph(p);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

TEST(GraphFile, RoundTripKeepsEveryArray) {
  TempDir dir;
  const auto g = sample_graph();
  write_graph(g, dir / "g.graph");
  const auto h = read_graph(dir / "g.graph");
  EXPECT_EQ(h.first_out, g.first_out);
  EXPECT_EQ(h.head, g.head);
  EXPECT_EQ(h.tail, g.tail);
  EXPECT_EQ(h.in_first, g.in_first);
  EXPECT_EQ(h.in_arc, g.in_arc);
  EXPECT_EQ(h.node_id, g.node_id);
  EXPECT_EQ(h.lat, g.lat);
  EXPECT_EQ(h.lon, g.lon);
  EXPECT_EQ(h.time_ms, g.time_ms);
  EXPECT_EQ(h.length_m, g.length_m);
  EXPECT_EQ(h.capacity_vph, g.capacity_vph);
  EXPECT_EQ(h.road_class, g.road_class);
  EXPECT_EQ(h.lanes, g.lanes);
  EXPECT_EQ(h.way_id, g.way_id);
  EXPECT_EQ(h.name, g.name);
  EXPECT_EQ(h.names, g.names);
  EXPECT_EQ(h.class_names, g.class_names);
  EXPECT_EQ(h.meta, g.meta);
  EXPECT_FALSE(std::filesystem::exists(dir / "g.graph.tmp"));
}

TEST(GraphFile, MissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_THROW(read_graph(dir / "absent.graph"), IoError);
}

TEST(GraphFile, EveryTruncationIsRejectedAndNamesTheFile) {
  TempDir dir;
  write_graph(sample_graph(), dir / "g.graph");
  const auto bytes = read_bytes(dir / "g.graph");
  // Every length below the whole file: the header's size check or the magic
  // check must fire; none may crash or read past the end.
  for (std::size_t len = 0; len < bytes.size(); len += (len < 256 ? 1 : 61)) {
    write_bytes(dir / "t.graph", {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len)});
    const auto message = read_error(dir / "t.graph");
    ASSERT_NE(message, "") << "accepted a file truncated to " << len << " bytes";
    EXPECT_NE(message.find("t.graph"), std::string::npos) << message;
  }
  write_bytes(dir / "t.graph", {bytes.begin(), bytes.end() - 8});
  EXPECT_NE(read_error(dir / "t.graph").find("truncated"), std::string::npos);
}

TEST(GraphFile, EveryFlippedBitIsDetectedAndNamesTheSection) {
  TempDir dir;
  const auto original = sample_graph();
  write_graph(original, dir / "g.graph");
  const auto bytes = read_bytes(dir / "g.graph");
  std::mt19937_64 rng(testing::test_seed());
  std::size_t named_a_section = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 1 + rng() % 23) {
    auto flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ (1 << (rng() % 8)));
    write_bytes(dir / "f.graph", flipped);
    const auto message = read_error(dir / "f.graph");
    // Bytes of alignment padding carry no data; every other flip must be caught.
    if (message.empty()) {
      auto h = read_graph(dir / "f.graph");
      EXPECT_EQ(h.head, original.head) << "undetected flip at byte " << i;
      continue;
    }
    if (message.find("section '") != std::string::npos) ++named_a_section;
  }
  EXPECT_GT(named_a_section, 0u);
}

TEST(GraphFile, NotAGraphFile) {
  TempDir dir;
  write_bytes(dir / "x.graph", std::vector<char>(4096, 'x'));
  EXPECT_NE(read_error(dir / "x.graph").find("not a corridor graph file"), std::string::npos);
  write_bytes(dir / "e.graph", {});
  EXPECT_NE(read_error(dir / "e.graph").find("too short"), std::string::npos);
}

TEST(GraphFile, OtherVersionIsNamed) {
  TempDir dir;
  write_graph(sample_graph(), dir / "g.graph");
  auto bytes = read_bytes(dir / "g.graph");
  bytes[8] = 99;  // version field follows the 8-byte magic
  write_bytes(dir / "v.graph", bytes);
  EXPECT_NE(read_error(dir / "v.graph").find("version 99"), std::string::npos);
}

// Forged files whose checksums are right: the structure checks alone stand
// between them and an out-of-bounds read (run under ASan in CI).
std::string parse_error(std::string bytes) {
  reseal_graph_bytes(bytes);
  try {
    parse_graph(bytes, "forged.graph");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

std::string graph_bytes(const RoadGraph& g) {
  TempDir dir;
  write_graph(g, dir / "g.graph");
  const auto bytes = read_bytes(dir / "g.graph");
  return {bytes.begin(), bytes.end()};
}

TEST(GraphFile, OffsetsThatAreNotMonotoneAreRefusedBeforeUse) {
  auto g = sample_graph();
  ASSERT_GT(g.node_count(), 3u);
  g.first_out[1] = g.arc_count() + 1000;  // ends still 0 and m
  EXPECT_NE(parse_error(graph_bytes(g)).find("first_out is not monotone at node 1"), std::string::npos);
  g = sample_graph();
  g.in_first[2] = 0xFFFFFFF0u;
  EXPECT_NE(parse_error(graph_bytes(g)).find("in_first is not monotone"), std::string::npos);
  EXPECT_EQ(parse_error(graph_bytes(sample_graph())), "");  // resealing alone changes nothing
}

TEST(GraphFile, NoSectionsAtAll) {
  auto bytes = graph_bytes(sample_graph());
  bytes[12] = bytes[13] = bytes[14] = bytes[15] = 0;  // section_count
  bytes.resize(32);
  EXPECT_NE(parse_error(bytes).find("section 'first_out' is missing"), std::string::npos);
}

}  // namespace
}  // namespace corridor::graph
