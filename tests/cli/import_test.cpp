// `corridor import` through the real binary: real extracts, the summary line,
// and every kind of bad input it must refuse cleanly (exit 2, the file named,
// no graph left behind).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;

// The first `bytes` bytes of a file, written to `to`.
void copy_prefix(const fs::path& from, const fs::path& to, std::size_t bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string data(bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(bytes));
  data.resize(static_cast<std::size_t>(in.gcount()));
  std::ofstream(to, std::ios::binary) << data;
}

// Nothing of a graph under `graph`: neither the file nor its temporary.
void expect_no_graph(const fs::path& graph) {
  EXPECT_FALSE(fs::exists(graph)) << graph;
  EXPECT_FALSE(fs::exists(graph.string() + ".tmp")) << graph << ".tmp";
}

// A failed run must be an exit, not a crash signal.
void expect_clean_failure(const CommandResult& r) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "corridor: ")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CliImport, RealExtractWritesTheGraphAndOneSummaryLine) {
  TempDir dir;
  const auto graph = dir / "monaco.graph";
  const auto input = osm_extract("monaco-2016-03.osm.pbf");
  const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(graph));
  EXPECT_GT(fs::file_size(graph), 0u);
  EXPECT_FALSE(fs::exists(graph.string() + ".tmp"));
  EXPECT_TRUE(r.out.empty()) << r.out;
  // stderr is not a terminal here: no progress, exactly the summary line.
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  for (const char* word : {"corridor import:", "nodes", "arcs", "km of road", "ways routable", "peak memory", "MiB"}) {
    EXPECT_TRUE(has(r.err, word)) << "missing " << word << " in: " << r.err;
  }
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  EXPECT_TRUE(has(r.err, graph.string())) << r.err;
}

TEST(CliImport, SummaryCountsMatchTheGraph) {
  TempDir dir;
  const auto graph = dir / "monaco.graph";
  const auto r = run_corridor({"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"((\d+) nodes, (\d+) arcs)"))) << r.err;
  const auto info = run_corridor({"info", "--json", graph.string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["nodes"].get<std::uint64_t>(), std::stoull(m[1].str()));
  EXPECT_EQ(j["arcs"].get<std::uint64_t>(), std::stoull(m[2].str()));
  EXPECT_GT(j["nodes"].get<std::uint64_t>(), 1000u);
  EXPECT_EQ(j["source"], "monaco-2016-03.osm.pbf");
  EXPECT_EQ(j["source_kind"], "osm");
  // Monaco's restriction relations: the summary's counts are the graph's.
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"((\d+) of (\d+) turn restrictions honoured \((\d+) forbidden)")))
      << r.err;
  EXPECT_GT(std::stoull(m[1].str()), 0u);
  EXPECT_LE(std::stoull(m[1].str()), std::stoull(m[2].str()));
  EXPECT_EQ(j["turn_restrictions"]["honoured"].get<std::uint64_t>(), std::stoull(m[1].str()));
  EXPECT_EQ(j["forbidden_turns"].get<std::uint64_t>(), std::stoull(m[3].str()));
}

TEST(CliImport, QuietPrintsNothing) {
  TempDir dir;
  const auto graph = dir / "monaco.graph";
  const auto r = run_corridor({"import", "-q", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(fs::is_regular_file(graph));
}

TEST(CliImport, ExistingGraphIsReplaced) {
  TempDir dir;
  const auto graph = dir / "out.graph";
  std::ofstream(graph) << "an older file";
  const auto r = run_corridor({"import", "-q", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto info = run_corridor({"info", graph.string()});
  EXPECT_EQ(info.exit_code, 0) << info.err;
}

TEST(CliImport, OsmXmlWithFewRoadsImportsCleanly) {
  // 28 highway ways, many of whose nodes are outside the extract: what is
  // left is a small graph, and the missing node references are counted.
  TempDir dir;
  const auto graph = dir / "chernivtsi.graph";
  const auto r =
      run_corridor({"import", osm_extract("chernivtsi-ua-pt-stops-2015.osm").string(), "-o", graph.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(graph));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"((\d+) missing node refs)"))) << r.err;
  EXPECT_GT(std::stoull(m[1].str()), 0u);
  const auto info = run_corridor({"info", "--json", graph.string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_GT(j["arcs"].get<std::uint64_t>(), 0u);
  EXPECT_LT(j["arcs"].get<std::uint64_t>(), 100u);
  EXPECT_EQ(j["source"], "chernivtsi-ua-pt-stops-2015.osm");
}

TEST(CliImport, MissingInputNamesTheFile) {
  TempDir dir;
  const auto input = dir / "nowhere.osm.pbf";
  const auto graph = dir / "out.graph";
  const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  EXPECT_TRUE(has(r.err, "no such file")) << r.err;
  expect_no_graph(graph);
}

TEST(CliImport, MissingGeojsonInputNamesTheFile) {
  TempDir dir;
  const auto input = dir / "nowhere.geojson";
  const auto r = run_corridor({"import", input.string(), "-o", (dir / "out.graph").string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  expect_no_graph(dir / "out.graph");
}

TEST(CliImport, RandomBytesAreNotAValidOsmFile) {
  TempDir dir;
  const auto input = dir / "random.osm.pbf";
  {
    std::mt19937_64 random(test_seed());
    std::ofstream out(input, std::ios::binary);
    for (int i = 0; i < 64 * 1024 / 8; ++i) {
      const std::uint64_t word = random();
      out.write(reinterpret_cast<const char*>(&word), sizeof word);
    }
  }
  SCOPED_TRACE("seed " + std::to_string(test_seed()));
  const auto graph = dir / "out.graph";
  const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  EXPECT_TRUE(has(r.err, "not a valid OSM file")) << r.err;
  expect_no_graph(graph);
}

TEST(CliImport, TruncatedPbfNamesTheFileAndLeavesNoGraph) {
  TempDir dir;
  const auto extract = osm_extract("monaco-2016-03.osm.pbf");
  for (const std::size_t bytes : {std::size_t{100 * 1024}, fs::file_size(extract) / 2, fs::file_size(extract) - 10}) {
    SCOPED_TRACE("first " + std::to_string(bytes) + " bytes");
    const auto input = dir / "truncated.osm.pbf";
    copy_prefix(extract, input, bytes);
    const auto graph = dir / "out.graph";
    const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
    expect_clean_failure(r);
    EXPECT_TRUE(has(r.err, input.string())) << r.err;
    EXPECT_TRUE(has(r.err, "not a valid OSM file")) << r.err;
    expect_no_graph(graph);
  }
}

TEST(CliImport, EmptyFileIsRefused) {
  TempDir dir;
  const auto input = fixture("broken/empty.osm.pbf");
  ASSERT_EQ(fs::file_size(input), 0u);
  const auto graph = dir / "out.graph";
  const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  expect_no_graph(graph);
}

TEST(CliImport, EmptyGeojsonIsRefused) {
  TempDir dir;
  const auto input = dir / "empty.geojson";
  std::ofstream{input};
  const auto graph = dir / "out.graph";
  const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  EXPECT_TRUE(has(r.err, "not valid JSON")) << r.err;
  expect_no_graph(graph);
}

TEST(CliImport, DirectoryAsInputIsRefused) {
  TempDir dir;
  const auto r = run_corridor({"import", dir.path().string(), "-o", (dir / "out.graph").string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, dir.path().string())) << r.err;
}

TEST(CliImport, GeojsonPointFeatureNamesTheGeometryType) {
  TempDir dir;
  const auto input = fixture("broken/point-feature.geojson");
  const auto graph = dir / "out.graph";
  const auto r = run_corridor({"import", input.string(), "-o", graph.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  EXPECT_TRUE(has(r.err, "features[1].geometry.type")) << r.err;
  EXPECT_TRUE(has(r.err, "LineString")) << r.err;
  expect_no_graph(graph);
}

TEST(CliImport, GeojsonNonNumericCoordinateNamesItsPath) {
  TempDir dir;
  const auto input = fixture("broken/non-numeric-coordinate.geojson");
  const auto r = run_corridor({"import", input.string(), "-o", (dir / "out.graph").string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, "features[0].geometry.coordinates[1]")) << r.err;
  expect_no_graph(dir / "out.graph");
}

TEST(CliImport, GeojsonInvalidJsonIsRefused) {
  TempDir dir;
  const auto input = fixture("broken/invalid-json.geojson");
  const auto r = run_corridor({"import", input.string(), "-o", (dir / "out.graph").string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, input.string())) << r.err;
  EXPECT_TRUE(has(r.err, "not valid JSON")) << r.err;
  expect_no_graph(dir / "out.graph");
}

TEST(CliImport, ProfileWithABadFieldNamesTheField) {
  TempDir dir;
  const auto profile = fixture("broken/bad-profile.json");
  const auto graph = dir / "out.graph";
  const auto r = run_corridor(
      {"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph.string(), "--profile", profile.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, profile.string())) << r.err;
  EXPECT_TRUE(has(r.err, "classes[1].speed_kmh")) << r.err;
  EXPECT_TRUE(has(r.err, "\"fast\"")) << r.err;
  expect_no_graph(graph);
}

TEST(CliImport, ProfileThatIsNotJsonIsRefused) {
  TempDir dir;
  const auto profile = dir / "profile.json";
  std::ofstream(profile) << "classes: [primary]";
  const auto r = run_corridor({"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o",
                               (dir / "out.graph").string(), "--profile", profile.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, profile.string())) << r.err;
  expect_no_graph(dir / "out.graph");
}

TEST(CliImport, MissingProfileNamesTheFile) {
  TempDir dir;
  const auto profile = dir / "absent-profile.json";
  const auto r = run_corridor({"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o",
                               (dir / "out.graph").string(), "--profile", profile.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, profile.string())) << r.err;
  expect_no_graph(dir / "out.graph");
}

TEST(CliImport, CustomProfileIsUsedAndRecorded) {
  TempDir dir;
  const auto profile = dir / "primary-only.json";
  std::ofstream(profile) << R"({"classes": [{"highway": "primary", "speed_kmh": 50, "vph_per_lane": 1000}]})";
  const auto graph = dir / "out.graph";
  const auto r = run_corridor(
      {"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph.string(), "--profile", profile.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto info = run_corridor({"info", "--json", graph.string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto classes = nlohmann::json::parse(info.out)["classes"];
  ASSERT_TRUE(classes.is_object());
  ASSERT_FALSE(classes.empty());
  for (const auto& [name, value] : classes.items()) {
    EXPECT_TRUE(name == "primary" || name == "primary_link") << name;
  }
}

TEST(CliImport, UnwritableOutputIsRefused) {
  TempDir dir;
  const auto graph = dir / "no-such-folder" / "out.graph";
  const auto r = run_corridor({"import", osm_extract("monaco-2016-03.osm.pbf").string(), "-o", graph.string()});
  expect_clean_failure(r);
  EXPECT_TRUE(has(r.err, graph.string())) << r.err;
  EXPECT_FALSE(fs::exists(graph));
}

}  // namespace
}  // namespace corridor::testing
