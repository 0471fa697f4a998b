// Runs spread over threads, and their figures gathered in run order.
#include "corridor/sim/simulate.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include "engine.hpp"

namespace corridor::sim {

Distribution Distribution::of(std::vector<std::int64_t> values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  long double sum = 0;
  for (const auto v : values) sum += static_cast<long double>(v);
  d.mean = static_cast<double>(sum / static_cast<long double>(values.size()));
  // Nearest rank: the smallest value with at least q of the runs at or below it.
  const auto rank = [&](double q) {
    const auto r = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(r, 1, values.size()) - 1];
  };
  d.p10 = rank(0.1);
  d.p50 = rank(0.5);
  d.p90 = rank(0.9);
  d.min = values.front();
  d.max = values.back();
  return d;
}

nlohmann::json Distribution::to_json(double scale) const {
  // To the thousandth: milliseconds for seconds, no binary fraction noise.
  const auto v = [&](double x) { return std::round(x * scale * 1000.0) / 1000.0; };
  return {{"mean", v(mean)},
          {"p10", v(static_cast<double>(p10))},
          {"p50", v(static_cast<double>(p50))},
          {"p90", v(static_cast<double>(p90))},
          {"min", v(static_cast<double>(min))},
          {"max", v(static_cast<double>(max))}};
}

namespace {

ModeOutcome gather(const Prepared& p, const std::vector<RunOutcome>& runs, const Tallies& t) {
  ModeOutcome o;
  const auto n = static_cast<double>(runs.size());
  std::vector<std::int64_t> people, egress, replans;
  double run_ms = 0, complete = 0;
  for (const auto& r : runs) {
    complete += r.complete ? 1 : 0;
    people.push_back(r.people_out);
    egress.push_back(r.egress);
    replans.push_back(static_cast<std::int64_t>(r.replans));
    run_ms += r.run_ms;
  }
  o.people_out = Distribution::of(people);
  o.egress = Distribution::of(egress);
  o.replans = Distribution::of(replans);
  o.run_ms = runs.empty() ? 0 : run_ms / n;
  o.p_complete = runs.empty() ? 0 : complete / n;
  for (std::size_t w = 0; w < p.windows.size(); ++w) {
    WindowOutcome wo;
    wo.ceasefire = p.windows[w].ceasefire;
    wo.window = p.windows[w].window;
    wo.from = p.windows[w].from;
    wo.until = p.windows[w].until;
    wo.plan_people_out = p.plan_window_people[w];
    std::vector<std::int64_t> by_end;
    std::size_t ok = 0;
    for (const auto& r : runs) {
      by_end.push_back(r.window_people[w]);
      ok += r.window_ok[w] ? 1 : 0;
    }
    wo.people_out = Distribution::of(by_end);
    wo.p_suffices = runs.empty() ? 0 : static_cast<double>(ok) / n;
    o.windows.push_back(wo);
  }
  if (runs.empty()) return o;
  for (std::size_t m = 0; m < p.movement_count(); ++m) {
    if (!p.counted[m]) continue;
    Fragility f;
    f.movement = p.plan.movements[m].id;
    f.corridor = p.corridors[p.corridor[m]];
    f.blocked_share = static_cast<double>(t.movement_blocked[m]) / n;
    f.delay_s = static_cast<double>(t.movement_delay[m]) / n / 1000.0;
    f.people = p.plan.movements[m].people;
    o.movements.push_back(f);
  }
  for (std::size_t a = 0; a < p.plan_arcs.size(); ++a) {
    if (t.arc_blocked[a] == 0) continue;
    Fragility f;
    f.segment = p.plan_arcs[a];
    f.blocked_share = static_cast<double>(t.arc_blocked[a]) / n;
    f.delay_s = static_cast<double>(t.arc_wait[a]) / n / 1000.0;
    o.segments.push_back(f);
  }
  std::stable_sort(o.segments.begin(), o.segments.end(), [](const Fragility& x, const Fragility& y) {
    return std::tie(y.blocked_share, y.delay_s) < std::tie(x.blocked_share, x.delay_s);
  });
  std::vector<std::int64_t> people_on(p.corridors.size(), 0);
  std::vector<std::size_t> movements_on(p.corridors.size(), 0);
  for (std::size_t m = 0; m < p.movement_count(); ++m) {
    if (!p.counted[m]) continue;
    people_on[p.corridor[m]] += p.plan.movements[m].people;
    ++movements_on[p.corridor[m]];
  }
  for (std::size_t c = 0; c < p.corridors.size(); ++c) {
    if (movements_on[c] == 0) continue;
    Fragility f;
    f.corridor = p.corridors[c];
    f.people = people_on[c];
    f.movements = movements_on[c];
    f.blocked_share = static_cast<double>(t.corridor_blocked[c]) / n;
    f.delay_s = people_on[c] > 0
                    ? static_cast<double>(t.corridor_delay[c]) / static_cast<double>(people_on[c]) / n / 1000.0
                    : 0;
    f.people_short = static_cast<double>(t.corridor_short[c]) / n;
    o.corridors.push_back(f);
  }
  std::stable_sort(o.corridors.begin(), o.corridors.end(), [](const Fragility& x, const Fragility& y) {
    return std::tie(y.people_short, y.delay_s, y.blocked_share) < std::tie(x.people_short, x.delay_s, x.blocked_share);
  });
  return o;
}

}  // namespace

SimulationResult simulate(const plan::Instance& in, const plan::PlanResult& plan, const IncidentModel& model,
                          const SimulateOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const Prepared p(in, plan, model);
  const std::size_t runs = options.runs;
  const unsigned threads =
      std::max(1u, std::min<unsigned>(options.threads, static_cast<unsigned>(std::max<std::size_t>(1, runs))));

  std::vector<RunOutcome> waited(runs), replanned(options.replan ? runs : 0);
  std::optional<ReplanRun> replanning;
  if (options.replan) replanning.emplace(p, model, *options.replan, options.stop);
  std::vector<Tallies> wait_tallies(threads, Tallies(p));
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<unsigned> finished{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;

  const auto work = [&](unsigned worker) {
    try {
      Engine engine(p);
      for (std::size_t r = next++; r < runs; r = next++) {
        plan::check(options.stop);  // a request or the deadline
        const Draw d = draw(p, model, Rng::run_seed(options.seed, r));
        waited[r] = engine.run(d, wait_tallies[worker]);
        if (replanning) replanned[r] = replanning->run(engine, d);
        ++done;
      }
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = runs;  // the others stop at their next run
    }
    ++finished;
  };
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < threads; ++w) pool.emplace_back(work, w);
  while (finished.load() < threads) {
    if (options.progress) options.progress(done.load(), runs);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  plan::check(options.stop);
  if (options.progress) options.progress(runs, runs);

  const auto sum = [&](std::vector<Tallies>& parts) {
    Tallies total(p);
    for (const auto& part : parts) total.add(part);
    return total;
  };
  SimulationResult result;
  result.runs = runs;
  result.seed = options.seed;
  result.model = model;
  result.plan_people_out = p.plan_people_out;
  result.plan_egress = p.plan_egress;
  result.wait = gather(p, waited, sum(wait_tallies));
  if (replanning) {
    // The fragility of roads and movements is the signed plan's, measured
    // while convoys wait: re-planned convoys drive other roads.
    result.replan = gather(p, replanned, Tallies(p));
    result.replan->movements.clear();
    result.replan->segments.clear();
    result.replan->corridors.clear();
  }
  result.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace corridor::sim
