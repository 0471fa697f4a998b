// The shipped city-scale pedestrian instance (bench/instances/README.md):
// its generator reproduces it byte for byte from the Heidelberg extract, it
// imports (227 links of 0 s among them), its plan passes `corridor check`
// within 5 % of its proven lower bound, and `--method optimal` finds the
// exact optimum between the two.
#include <gtest/gtest.h>
#include <proj.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor {
namespace {

const std::filesystem::path k_shipped = std::filesystem::path(CORRIDOR_SOURCE_DIR) / "bench/instances/heidelberg-walk";

TEST(WalkInstance, TheGeneratorReproducesTheShippedFilesAndTheyPlanAndCheck) {
  testing::TempDir dir;
  const auto graph = (dir / "heidelberg.graph").string();
  ASSERT_EQ(testing::run_corridor(
                {"import", testing::osm_extract("heidelberg-ors-test.osm.pbf").string(), "-o", graph, "--quiet"})
                .exit_code,
            0);
  const auto out = dir / "walk";
  const auto command = std::string(CORRIDOR_MAKE_WALK_INSTANCE) + " '" + graph + "' '" + out.string() + "' 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (const char* file : {"network.geojson", "scenario.geojson"}) {
    EXPECT_TRUE(testing::read_text(out / file) == testing::read_text(k_shipped / file))
        << file << " differs from the shipped one: run bash bench/instances/make.sh and commit the result";
  }

  const auto walk = (dir / "walk.graph").string();
  const auto imported = testing::run_corridor({"import", (k_shipped / "network.geojson").string(), "-o", walk});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(testing::has(imported.err, "5995 nodes, 15338 arcs")) << imported.err;

  const auto scenario = (k_shipped / "scenario.geojson").string();
  const auto plan = (dir / "plan.json").string();
  const auto planned = testing::run_corridor({"plan", walk, scenario, "-o", plan});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  const auto checked = testing::run_corridor({"check", walk, scenario, plan});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  std::ifstream in(plan);
  const auto doc = nlohmann::json::parse(in);
  const auto& s = doc["summary"];
  EXPECT_EQ(s["people"], 29718);
  EXPECT_EQ(s["people_evacuated"], 29718);
  ASSERT_FALSE(s["lower_bound_s"].is_null());
  EXPECT_LE(s["lower_bound_s"].get<double>(), s["egress_s"].get<double>());
  // Destination capacities bind here: the plan is guided by the assignment
  // of people to destinations, and the assignment bound proves it within 5 %.
  EXPECT_EQ(s["lower_bound_method"], "assignment") << s.dump();
  EXPECT_LE(s["egress_s"].get<double>(), 1.05 * s["lower_bound_s"].get<double>()) << s.dump();

  // The exact optimum (whole 10 s steps are this instance's own times, so
  // it is the plan model's optimum) lies between the bound and the
  // heuristic: the heuristic is within 5 % of it, the bound within 5 % below.
  const auto optimal = (dir / "optimal.json").string();
  const auto solved = testing::run_corridor({"plan", walk, scenario, "-o", optimal, "--method", "optimal"});
  ASSERT_EQ(solved.exit_code, 0) << solved.err;
  EXPECT_TRUE(testing::has(solved.err, "everyone")) << solved.err;
  const auto checked_optimal = testing::run_corridor({"check", walk, scenario, optimal});
  EXPECT_EQ(checked_optimal.exit_code, 0) << checked_optimal.out << checked_optimal.err;
  std::ifstream in_optimal(optimal);
  const auto exact = nlohmann::json::parse(in_optimal);
  EXPECT_EQ(exact["method"], "optimal");
  const auto& o = exact["summary"];
  EXPECT_EQ(o["people_evacuated"], 29718);
  const double optimum = o["egress_s"].get<double>();
  EXPECT_LE(optimum, s["egress_s"].get<double>());
  EXPECT_GE(optimum, o["lower_bound_s"].get<double>());
  EXPECT_LE(s["egress_s"].get<double>(), 1.05 * optimum) << s.dump() << o.dump();
  EXPECT_GE(o["lower_bound_s"].get<double>(), 0.95 * optimum) << o.dump();
}

// The same network as MATSim publishes networks: nodes in UTM (ETRS89 zone
// 32N, EPSG:25832, projected here with PROJ), one link per direction,
// gzipped. corridor imports it back to the same graph and plans the same
// evacuation.
TEST(WalkInstance, AsAMatsimNetworkInUtmItImportsAndPlansTheSame) {
  testing::TempDir dir;
  std::ifstream in(k_shipped / "network.geojson");
  const auto geojson = nlohmann::json::parse(in);
  PJ_CONTEXT* ctx = proj_context_create();
  PJ* raw = proj_create_crs_to_crs(ctx, "EPSG:4326", "EPSG:25832", nullptr);
  ASSERT_NE(raw, nullptr);
  PJ* to_utm = proj_normalize_for_visualization(ctx, raw);
  proj_destroy(raw);
  std::map<std::int64_t, std::pair<double, double>> nodes;
  std::ostringstream links;
  links << std::setprecision(12);
  int id = 0;
  for (const auto& f : geojson["features"]) {
    const auto& p = f["properties"];
    const auto& c = f["geometry"]["coordinates"];
    const auto from = p["from"].get<std::int64_t>();
    const auto to = p["to"].get<std::int64_t>();
    for (const auto& [node, at] : {std::pair{from, c.front()}, std::pair{to, c.back()}}) {
      const PJ_COORD xy = proj_trans(to_utm, PJ_FWD, proj_coord(at[0].get<double>(), at[1].get<double>(), 0, 0));
      nodes.try_emplace(node, xy.xy.x, xy.xy.y);
    }
    // 1 m/s over a length of the link's seconds: the same travel time.
    for (const auto& [a, b] : {std::pair{from, to}, std::pair{to, from}}) {
      links << "    <link id=\"" << ++id << "\" from=\"" << a << "\" to=\"" << b << "\" length=\""
            << p["travel_time_s"].get<double>() << "\" freespeed=\"1.0\" capacity=\"" << p["capacity_vph"].get<int>()
            << "\" permlanes=\"1.0\" modes=\"walk\"/>\n";
    }
  }
  proj_destroy(to_utm);
  proj_context_destroy(ctx);
  {
    std::ofstream xml(dir / "network.xml");
    xml << std::setprecision(12) << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<network name=\"heidelberg-walk\">\n"
        << "  <attributes><attribute name=\"coordinateReferenceSystem\" class=\"java.lang.String\">EPSG:25832"
        << "</attribute></attributes>\n  <nodes>\n";
    for (const auto& [node, xy] : nodes)
      xml << "    <node id=\"" << node << "\" x=\"" << xy.first << "\" y=\"" << xy.second << "\"/>\n";
    xml << "  </nodes>\n  <links capperiod=\"01:00:00\">\n" << links.str() << "  </links>\n</network>\n";
  }
  ASSERT_EQ(std::system(("gzip -f '" + (dir / "network.xml").string() + "'").c_str()), 0);

  const auto walk = (dir / "matsim.graph").string();
  const auto imported =
      testing::run_corridor({"import", (dir / "network.xml.gz").string(), "-o", walk, "--modes", "walk"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(testing::has(imported.err, "5995 nodes, 15338 arcs")) << imported.err;
  const auto from_geojson = (dir / "geojson.graph").string();
  ASSERT_EQ(
      testing::run_corridor({"import", (k_shipped / "network.geojson").string(), "-o", from_geojson, "-q"}).exit_code,
      0);
  auto egress = [&](const std::string& graph, const std::string& name) {
    const auto plan = (dir / name).string();
    const auto scenario = (k_shipped / "scenario.geojson").string();
    const auto planned = testing::run_corridor({"plan", graph, scenario, "-o", plan, "-q"});
    EXPECT_EQ(planned.exit_code, 0) << planned.err;
    EXPECT_EQ(testing::run_corridor({"check", graph, scenario, plan}).exit_code, 0);
    std::ifstream doc(plan);
    return nlohmann::json::parse(doc)["summary"]["egress_s"].get<double>();
  };
  EXPECT_EQ(egress(walk, "matsim-plan.json"), egress(from_geojson, "geojson-plan.json"));
}

}  // namespace
}  // namespace corridor
