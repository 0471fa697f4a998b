// Every long stage of planning stops when asked: the planner after a
// movement, the cut and time-expanded bounds, and the optimal method.
#include "corridor/plan/stop.hpp"

#include "corridor/plan/bounds.hpp"
#include "corridor/plan/ccrp.hpp"
#include "corridor/plan/run.hpp"
#include "exact_testing.hpp"

namespace corridor::plan::exact_test {
namespace {

const Tags k_residential = {{"highway", "residential"}, {"maxspeed", "36"}};

std::unique_ptr<Case> bottleneck() {
  AsciiMap m("a-----b-----c", 100);
  m.way("abc", k_residential);
  return prepare(m, scenario_text(origin(m, 'a', "town", 2000) + "," + destination(m, 'c', "camp", 100000)));
}

std::string stopped_by(const std::function<void()>& work) {
  try {
    work();
  } catch (const Stopped& e) {
    return e.what();
  }
  return "(not stopped)";
}

ExactLimits stopping(const StopToken& stop) {
  ExactLimits l;
  l.stop = &stop;
  return l;
}

TEST(StopToken, ARequestAndADeadlineSayWhy) {
  StopToken token;
  EXPECT_NO_THROW(token.check());
  token.stop_at(std::chrono::steady_clock::now() + std::chrono::hours(1), "too late");
  EXPECT_NO_THROW(token.check());
  token.stop_at(std::chrono::steady_clock::now() - std::chrono::seconds(1), "too late");
  EXPECT_EQ(stopped_by([&] { token.check(); }), "too late");
  token.request_stop("asked to");
  token.request_stop("asked again");  // the first reason stands
  EXPECT_EQ(stopped_by([&] { token.check(); }), "asked to");
  EXPECT_TRUE(token.stop_requested());
}

TEST(StopToken, EveryStageOfPlanningHonoursIt) {
  const auto c = bottleneck();
  StopToken stop;
  stop.request_stop("stop");
  EXPECT_EQ(stopped_by([&] { cut_bounds(*c->in, &stop); }), "stop");
  EXPECT_EQ(stopped_by([&] { time_expanded_bounds(*c->in, stopping(stop)); }), "stop");
  EXPECT_EQ(stopped_by([&] { solve_optimal(*c->in, stopping(stop)); }), "stop");
  CcrpOptions ccrp;
  ccrp.stop = &stop;
  EXPECT_EQ(stopped_by([&] { plan_ccrp(*c->in, ccrp); }), "stop");
  // A deadline set while the run is under way stops it.
  StopToken later;
  RunOptions run;
  run.stop = &later;
  run.progress = [&](std::int64_t done, std::int64_t total) {
    if (done == total) later.stop_at(std::chrono::steady_clock::now(), "deadline");
  };
  EXPECT_EQ(stopped_by([&] { run_plan(*c->in, run); }), "deadline");
  // Without a stop, the same runs finish.
  EXPECT_NO_THROW(run_plan(*c->in, {}));
}

}  // namespace
}  // namespace corridor::plan::exact_test
