// Incident reports and the ACLED CSV import: fields kept, every bad value
// named by row and column, documents that read back as they were written.
#include "corridor/monitor/incident.hpp"

#include <gtest/gtest.h>

#include "corridor/error.hpp"

namespace corridor::monitor {
namespace {

const char* const k_header =
    "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,latitude,longitude,"
    "geo_precision,source,notes,fatalities\n";

std::vector<Problem> problems_of(const std::string& csv) {
  try {
    parse_acled_csv(csv, "events.csv", "A");
  } catch (const ValidationError& e) {
    return e.problems();
  }
  return {};
}

TEST(AcledCsv, RowsBecomeIncidentsWithTheirFields) {
  const auto incidents =
      parse_acled_csv(std::string(k_header) +
                          "UKR1,05 March 2022,1,Explosions/Remote violence,Shelling,\"Forces, of X\",,"
                          "47.0951,37.5413,2,Media,\"Shelling \"\"near\"\" the road\",3\n"
                          "UKR2,2022-03-06,3,Battles,Armed clash,A,B,47.1,37.6,3,Report,,\n",
                      "events.csv", "A");
  ASSERT_EQ(incidents.size(), 2u);
  const auto& first = incidents[0];
  EXPECT_EQ(first.id, "UKR1");
  EXPECT_EQ(first.reported_by, "A");
  EXPECT_EQ(first.time, geo::unix_seconds(1646438400));  // 2022-03-05T00:00:00Z
  EXPECT_EQ(first.precision, TimePrecision::day);
  EXPECT_DOUBLE_EQ(first.where.lat, 47.0951);
  EXPECT_DOUBLE_EQ(first.precision_m, 5000);
  EXPECT_EQ(first.actors, std::vector<std::string>{"Forces, of X"});
  EXPECT_EQ(first.description, "Shelling \"near\" the road");
  EXPECT_EQ(first.fatalities, 3);
  EXPECT_EQ(first.acled["event_id_cnty"], "UKR1");
  EXPECT_EQ(incidents[1].precision, TimePrecision::month);
  EXPECT_EQ(incidents[1].fatalities, 0);
}

TEST(AcledCsv, EveryBadValueIsNamedByRowAndColumn) {
  const auto problems = problems_of(std::string(k_header) +
                                    "X1,someday,1,,s,a,b,north,37.5,1,s,n,2\n"
                                    "X2,2022-03-05,1,Battles,s,a,b,95,37.5,1,s,n,-1\n");
  std::vector<std::string> paths;
  for (const auto& p : problems) paths.push_back(p.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"row 2.event_date", "row 2.latitude", "row 2.event_type", "row 3",
                                             "row 3.fatalities"}));
  EXPECT_EQ(problems_of("a,b\n1,2\n").size(), 4u);  // four required columns missing
  EXPECT_THROW(parse_acled_csv("", "events.csv", "A"), InputError);
}

// Found by the fuzz target: converting 1e300 fatalities to an integer was
// undefined behaviour.
TEST(AcledCsv, CountsOutOfRangeAreRefusedBeforeConversion) {
  for (const char* count : {"1e300", "nan", "inf", "2.5", "-0.5"}) {
    const auto problems =
        problems_of(std::string(k_header) + "X1,2022-03-05,1,Battles,s,a,b,47,37,1,s,n," + count + "\n");
    ASSERT_EQ(problems.size(), 1u) << count;
    EXPECT_EQ(problems[0].path, "row 2.fatalities") << count;
  }
}

TEST(IncidentDocument, ReadsBackAsWritten) {
  Incident i;
  i.id = "B-1";
  i.reported_by = "B";
  i.time = geo::unix_seconds(1646472000);
  i.where = {1.507, 42.4958};
  i.precision_m = 50;
  i.event_type = "Explosions/Remote violence";
  i.actors = {"unknown"};
  i.description = "shells beside the convoy road";
  i.fatalities = 2;
  const auto back = parse_incident(incident_document(i), "report");
  EXPECT_EQ(back.id, i.id);
  EXPECT_EQ(back.reported_by, i.reported_by);
  EXPECT_EQ(back.time, i.time);
  EXPECT_EQ(back.precision, i.precision);
  EXPECT_DOUBLE_EQ(back.where.lon, i.where.lon);
  EXPECT_EQ(back.actors, i.actors);
  EXPECT_EQ(back.fatalities, 2);
  EXPECT_EQ(back.until(), i.time + std::chrono::minutes(1));  // known to the minute
  auto bad = incident_document(i);
  bad["fatalities"] = -1;
  bad["time"] = "yesterday";
  try {
    parse_incident(bad, "report");
    ADD_FAILURE() << "a bad report was accepted";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.problems().size(), 2u) << e.what();
  }
}

}  // namespace
}  // namespace corridor::monitor
