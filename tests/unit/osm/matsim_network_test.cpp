// read_matsim_network: reprojection through PROJ, link attributes (time
// from length and freespeed, capacity per capperiod, lanes, links of no
// length), modes, node ids, gzip, and an error naming the field for every
// kind of bad input.
#include <zlib.h>

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "corridor/error.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/osm/profile.hpp"
#include "test_support.hpp"

namespace corridor::osm {
namespace {

// A network in UTM zone 32N (EPSG:32632): nodes 1 and 2 lie 1 km apart on
// the zone's central meridian (9° E), node 3 half a metre north of 2.
std::string network(const std::string& crs_attribute = "EPSG:32632", const std::string& links = {},
                    const std::string& capperiod = "01:00:00") {
  std::string text = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE network SYSTEM "http://www.matsim.org/files/dtd/network_v2.dtd">
<network name="test">
)";
  if (!crs_attribute.empty()) {
    text += R"(  <attributes><attribute name="coordinateReferenceSystem" class="java.lang.String">)" + crs_attribute +
            "</attribute></attributes>\n";
  }
  text +=
      R"(  <nodes>
    <node id="1" x="500000" y="5500000"/>
    <node id="2" x="500000" y="5501000"/>
    <node id="3" x="500000" y="5501000.5"/>
  </nodes>
  <links capperiod=")" +
      capperiod + R"(">
)" +
      (links.empty()
           ? R"(    <link id="10" from="1" to="2" length="1000.0" freespeed="13.9" capacity="1800.0" permlanes="1.0" modes="car"/>
    <link id="11" from="2" to="1" length="1000.0" freespeed="13.9" capacity="1800.0" permlanes="1.0" modes="car"/>
    <link id="12" from="2" to="3" length="0.0" freespeed="1.34" capacity="900.0" permlanes="2.0" modes="walk"/>
)"
           : links) +
      "  </links>\n</network>\n";
  return text;
}

RawNetwork parse(const std::string& text, const MatsimOptions& options = {}) {
  return parse_matsim_network(text, "network.xml", Profile::defaults(), options);
}

const RawArc& arc(const RawNetwork& net, std::int64_t way) {
  const auto it = std::find_if(net.arcs.begin(), net.arcs.end(), [&](const RawArc& a) { return a.way_id == way; });
  if (it == net.arcs.end()) throw std::runtime_error("no link " + std::to_string(way));
  return *it;
}

geo::LonLat where(const RawNetwork& net, std::uint32_t i) {
  return {geo::from_fixed(net.node_lon[i]), geo::from_fixed(net.node_lat[i])};
}

TEST(MatsimNetwork, NodesAreReprojectedToLongitudeAndLatitude) {
  const auto net = parse(network());
  ASSERT_EQ(net.node_id, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(net.source_kind, "matsim");
  EXPECT_NEAR(where(net, 0).lon, 9.0, 1e-7);  // the central meridian
  EXPECT_NEAR(where(net, 0).lat, 49.65, 0.01);
  // 1,000 m of northing on the central meridian is 1,000 / 0.9996 m on the
  // ground (UTM's scale factor there).
  EXPECT_NEAR(geo::distance_m(where(net, 0), where(net, 1)), 1000.0 / 0.9996, 0.5);
}

TEST(MatsimNetwork, LinksKeepTheirDirectionTimeCapacityAndLanes) {
  const auto net = parse(network());
  ASSERT_EQ(net.arcs.size(), 3U);
  const auto& ab = arc(net, 10);
  EXPECT_EQ(ab.tail, 0U);
  EXPECT_EQ(ab.head, 1U);
  EXPECT_EQ(ab.time_ms, 71'942U);  // 1000 m at 13.9 m/s
  EXPECT_FLOAT_EQ(ab.length_m, 1000.0F);
  EXPECT_EQ(ab.capacity_vph, 1800U);
  EXPECT_EQ(ab.lanes, 1);
  EXPECT_EQ(arc(net, 11).tail, 1U);
  // A link of no length (simulators have them) takes no time, keeps its capacity.
  EXPECT_EQ(arc(net, 12).time_ms, 0U);
  EXPECT_EQ(arc(net, 12).capacity_vph, 900U);
  EXPECT_EQ(arc(net, 12).lanes, 2);
  // Capacity is per capperiod: 1,800 a half hour is 3,600 an hour.
  EXPECT_EQ(arc(parse(network("EPSG:32632", {}, "00:30:00")), 10).capacity_vph, 3600U);
}

TEST(MatsimNetwork, ModesSelectLinksAndCrsCanBeGiven) {
  MatsimOptions walk;
  walk.modes = {"walk"};
  const auto net = parse(network(), walk);
  ASSERT_EQ(net.arcs.size(), 1U);
  EXPECT_EQ(net.arcs[0].way_id, 12);
  // --crs names the system where the file does not, and wins where it does.
  MatsimOptions given;
  given.crs = "EPSG:32632";
  EXPECT_NEAR(where(parse(network(""), given), 0).lon, 9.0, 1e-7);
  given.crs = "EPSG:32633";  // the next zone: 15° E on its central meridian
  EXPECT_NEAR(where(parse(network(), given), 0).lon, 15.0, 1e-7);
}

TEST(MatsimNetwork, IdsThatAreNotNumbersAreNumberedInFileOrder) {
  auto named = network();
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"id=\"1\" x", "id=\"a\" x"}, {"id=\"2\" x", "id=\"b\" x"}, {"id=\"3\" x", "id=\"c\" x"}}) {
    named.replace(named.find(from), from.size(), to);
  }
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"from=\"1\"", "from=\"a\""},
                                                        {"to=\"2\"", "to=\"b\""},
                                                        {"from=\"2\" to=\"1\"", "from=\"b\" to=\"a\""},
                                                        {"from=\"2\" to=\"3\"", "from=\"b\" to=\"c\""}}) {
    named.replace(named.find(from), from.size(), to);
  }
  const auto net = parse(named);
  EXPECT_EQ(net.node_id, (std::vector<std::int64_t>{1, 2, 3}));
  ASSERT_EQ(net.notes.size(), 1U);
  EXPECT_NE(net.notes[0].find("not all numbers"), std::string::npos);
}

TEST(MatsimNetwork, GzipFilesAreReadAsTheyAre) {
  testing::TempDir dir;
  const auto path = (dir / "network.xml.gz").string();
  const auto text = network();
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(out);
  const auto net = read_network(path, Profile::defaults());
  EXPECT_EQ(net.source_kind, "matsim");
  EXPECT_EQ(net.arcs.size(), 3U);
}

template <typename E>
std::string error_of(const std::string& text, const MatsimOptions& options = {}) {
  try {
    parse(text, options);
  } catch (const E& e) {
    return e.what();
  }
  return "no error";
}

TEST(MatsimNetwork, EveryBadInputIsAClearError) {
  EXPECT_NE(error_of<InputError>(network("")).find("--crs"), std::string::npos);
  MatsimOptions nonsense;
  nonsense.crs = "EPSG:999999";
  EXPECT_NE(error_of<InputError>(network(), nonsense).find("EPSG:999999"), std::string::npos);
  EXPECT_NE(error_of<FormatError>("<network><nodes>").find("not well-formed XML"), std::string::npos);
  EXPECT_NE(error_of<FormatError>("<html></html>").find("not a MATSim network"), std::string::npos);
  const auto bad =
      error_of<ValidationError>(network("EPSG:32632",
                                        R"(<link id="20" from="1" to="9" length="5" freespeed="1" capacity="1"/>
         <link id="21" from="1" to="2" length="5" freespeed="-3" capacity="1"/>
         <link id="22" from="1" to="2" length="abc" freespeed="1" capacity="0"/>
)"));
  EXPECT_NE(bad.find("node 9 is not among the nodes"), std::string::npos) << bad;
  EXPECT_NE(bad.find("link 21.freespeed"), std::string::npos) << bad;
  EXPECT_NE(bad.find("\"-3\""), std::string::npos) << bad;
  EXPECT_NE(bad.find("link 22.length"), std::string::npos) << bad;
  EXPECT_NE(bad.find("link 22.capacity"), std::string::npos) << bad;
  EXPECT_NE(error_of<ValidationError>(network("EPSG:32632", {}, "soon")).find("capperiod"), std::string::npos);
  auto twice = network();
  twice.replace(twice.find("id=\"3\" x"), 8, "id=\"2\" x");
  EXPECT_NE(error_of<ValidationError>(twice).find("node 2: appears twice"), std::string::npos);
  // x/y that are no place on Earth in the CRS.
  auto far = network();
  far.replace(far.find("x=\"500000\""), 10, "x=\"9e99\"");
  EXPECT_NE(error_of<ValidationError>(far).find("node 1"), std::string::npos);
}

}  // namespace
}  // namespace corridor::osm
