// The typed terms monitoring reads from an agreement document.
#include <gtest/gtest.h>

#include "corridor/agree/agreement.hpp"
#include "corridor/error.hpp"

namespace corridor::agree {
namespace {

nlohmann::json document() {
  return nlohmann::json::parse(R"({
    "windows": [{"ceasefire": "valley", "windows": [{"from": "2022-03-05T08:00:00Z", "until": "2022-03-05T18:00:00Z"}]}],
    "corridors": [{"id": "c1", "origin": "town", "destination": "camp", "route": {"nodes": [11, 12, 13]},
                   "departures": {"first": "2022-03-05T08:00:00Z", "last": "2022-03-05T09:00:00Z"},
                   "arrivals": {"first": "2022-03-05T08:20:00Z", "last": "2022-03-05T09:30:00Z"}}]})");
}

TEST(AgreementTerms, ReadsWindowsAndCorridors) {
  const auto terms = read_terms(document());
  ASSERT_EQ(terms.windows.size(), 1U);
  EXPECT_EQ(terms.windows[0].ceasefire, "valley");
  EXPECT_EQ(terms.windows[0].number, 1U);
  EXPECT_EQ(terms.windows[0].until - terms.windows[0].from, std::chrono::hours(10));
  ASSERT_EQ(terms.corridors.size(), 1U);
  const auto& c = terms.corridors[0];
  EXPECT_EQ(c.id, "c1");
  EXPECT_EQ(c.nodes, (std::vector<std::int64_t>{11, 12, 13}));
  EXPECT_EQ(c.last_arrival - c.first_departure, std::chrono::minutes(90));
  EXPECT_EQ(c.last_arrival_text, "2022-03-05T09:30:00Z");
}

TEST(AgreementTerms, AMalformedDocumentNamesTheField) {
  auto doc = document();
  doc["corridors"][0]["route"]["nodes"][1] = "twelve";
  try {
    read_terms(doc);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("document.corridors[0].route.nodes[1]"), std::string::npos) << e.what();
  }
  doc = document();
  doc["windows"][0]["windows"][0]["until"] = "soon";
  EXPECT_THROW(read_terms(doc), InputError);
  doc = document();
  doc.erase("corridors");
  EXPECT_THROW(read_terms(doc), InputError);
}

}  // namespace
}  // namespace corridor::agree
