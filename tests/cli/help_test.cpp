// `corridor` and its subcommands' help, and what happens without a subcommand
// or with an unknown option.
#include <string>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

TEST(CliHelp, TopLevelHelpListsTheSubcommands) {
  const auto r = run_corridor({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"import", "info", "route", "--help", "--version", "OpenStreetMap"}) {
    EXPECT_TRUE(has(r.out, word)) << "missing " << word << " in:\n" << r.out;
  }
}

TEST(CliHelp, ShortHelpFlagIsTheSame) {
  const auto long_form = run_corridor({"--help"});
  const auto short_form = run_corridor({"-h"});
  EXPECT_EQ(short_form.exit_code, 0) << short_form.err;
  EXPECT_EQ(short_form.out, long_form.out);
}

TEST(CliHelp, ImportHelpMentionsItsOptions) {
  const auto r = run_corridor({"import", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"input", "-o,--output", "--profile", "--quiet", ".osm.pbf", ".geojson"}) {
    EXPECT_TRUE(has(r.out, word)) << "missing " << word << " in:\n" << r.out;
  }
}

TEST(CliHelp, InfoHelpMentionsItsOptions) {
  const auto r = run_corridor({"info", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"map", "--json", "components"}) {
    EXPECT_TRUE(has(r.out, word)) << "missing " << word << " in:\n" << r.out;
  }
}

TEST(CliHelp, RouteHelpMentionsItsOptions) {
  const auto r = run_corridor({"route", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"map", "--from", "--to", "--scenario", "--at", "--max-snap-m", "NoRoute"}) {
    EXPECT_TRUE(has(r.out, word)) << "missing " << word << " in:\n" << r.out;
  }
}

TEST(CliHelp, VersionPrintsTheVersion) {
  const auto r = run_corridor({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "corridor 0.1.0")) << r.out;
}

TEST(CliUsage, NoSubcommandIsBadInput) {
  const auto r = run_corridor({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "subcommand")) << r.err;
  EXPECT_TRUE(has(r.err, "--help")) << r.err;
}

TEST(CliUsage, UnknownSubcommandIsBadInput) {
  const auto r = run_corridor({"evacuate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "unknown command 'evacuate'")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CliUsage, UnknownTopLevelOptionIsBadInput) {
  const auto r = run_corridor({"--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--help")) << r.err;
}

TEST(CliUsage, UnknownSubcommandOptionIsBadInputAndNamed) {
  const auto r = run_corridor({"info", "some.graph", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--bogus")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CliUsage, MissingRequiredOptionIsBadInputAndNamed) {
  const auto import = run_corridor({"import", "whatever.osm.pbf"});
  EXPECT_EQ(import.exit_code, 2);
  EXPECT_TRUE(has(import.err, "--output")) << import.err;

  const auto route = run_corridor({"route", "whatever.graph", "--from", "1,2"});
  EXPECT_EQ(route.exit_code, 2);
  EXPECT_TRUE(has(route.err, "--to")) << route.err;

  const auto info = run_corridor({"info"});
  EXPECT_EQ(info.exit_code, 2);
  EXPECT_TRUE(has(info.err, "map")) << info.err;
}

TEST(CliUsage, NonNumericMaxSnapIsBadInputAndNamed) {
  const auto r = run_corridor({"route", "whatever.graph", "--from", "1,2", "--to", "1,2", "--max-snap-m", "far"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--max-snap-m")) << r.err;
}

}  // namespace
}  // namespace corridor::testing
