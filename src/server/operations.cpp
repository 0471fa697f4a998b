// The operations resource: POST /reports, GET /status, POST /plans/{id}/replan
// (docs/http-api.md, docs/operations.md), as `corridor report`, `corridor
// status` and `corridor replan` do on the command line.
#include "corridor/crypto/crypto.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/ops/replan.hpp"
#include "corridor/ops/reports.hpp"
#include "resources.hpp"

namespace corridor::server {
namespace {

geo::UnixSeconds time_value(const std::string& what, const nlohmann::json& v, ErrorKind kind) {
  std::string why;
  const auto t = v.is_string() ? geo::parse_rfc3339(v.get<std::string>(), &why) : std::nullopt;
  if (!t)
    throw ApiError(kind, what + ": must be an RFC 3339 time with an offset" + (why.empty() ? "" : " (" + why + ")") +
                             ", got " + v.dump());
  return t->utc;
}

// "20220305T093000Z" for scenario names.
std::string compact(geo::UnixSeconds t) {
  std::string s;
  for (const char c : geo::format_utc(t)) {
    if (c != '-' && c != ':') s += c;
  }
  return s;
}

}  // namespace

nlohmann::json Operations::report(const nlohmann::json& body) {
  const auto registry = parties_.registry();
  try {
    return log_
        .write([&](ledger::Ledger& l, const ledger::NoteSigner& signer) {
          return ops::append_convoy_report(l, body, registry, g_, signer);
        })
        .to_json();
  } catch (const ValidationError& e) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& p : e.problems()) errors.push_back({{"path", p.path}, {"message", p.message}});
    throw ApiError(ErrorKind::invalid_body,
                   "the convoy report has " + std::to_string(e.problems().size()) + " problem(s)",
                   {{"errors", errors}});
  } catch (const ledger::RejectedEntry& e) {
    throw ApiError(ErrorKind::invalid_body, std::string("the convoy report is refused: ") + e.what());
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_body, std::string("the body must be a signed convoy report: ") + e.what());
  }
}

nlohmann::json Operations::status(const Params& params, bool geojson) {
  geo::UnixSeconds at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (const auto text = param(params, "at")) at = time_value("parameter at", *text, ErrorKind::invalid_value);
  const auto registry = parties_.registry();
  try {
    const auto s = log_.read([&](const ledger::Ledger& l) { return ops::operation_status(l, registry, g_, at); });
    return geojson ? s.to_geojson() : s.to_json();
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::not_found, e.what());
  }
}

nlohmann::json Operations::replan(const std::string& plan_id, const nlohmann::json& body, const Caller& caller) {
  if (!body.is_object() || !body.contains("at"))
    throw ApiError(ErrorKind::invalid_body,
                   "the body must be {\"at\": TIME, \"events\": FeatureCollection (optional), \"reports\": \"ledger\" "
                   "or \"none\" (default \"ledger\")}");
  for (const auto& [key, value] : body.items()) {
    if (key != "at" && key != "events" && key != "reports")
      throw ApiError(ErrorKind::invalid_body, "body: unknown member \"" + key + "\"");
  }
  const auto reports_from = body.value("reports", nlohmann::json("ledger"));
  if (reports_from != "ledger" && reports_from != "none")
    throw ApiError(ErrorKind::invalid_body, "body: reports must be \"ledger\" or \"none\", got " + reports_from.dump());
  const auto old = store_.plan(plan_id);
  if (!old) throw ApiError(ErrorKind::not_found, "no plan " + plan_id);
  if (old->status != JobStatus::done)
    throw ApiError(ErrorKind::not_ready,
                   "plan " + plan_id + " is " + std::string(to_string(old->status)) + ", not done");
  const auto original = scenarios_.find(old->scenario);
  if (!original)
    throw ApiError(ErrorKind::internal, "the scenario " + old->scenario + " of plan " + plan_id + " is gone");
  const auto at = time_value("body: at", body["at"], ErrorKind::invalid_body);
  if (at < original->start || at > original->end())
    throw ApiError(ErrorKind::invalid_body, "body: at: " + geo::format_utc(at) + " is outside the scenario (" +
                                                geo::format_utc(original->start) + " to " +
                                                geo::format_utc(original->end()) + ")");

  const std::lock_guard lock(replan_mutex_);
  // The scenario with the events, uploaded under a name of its own.
  std::string scenario = old->scenario;
  std::vector<std::string> notes;
  if (body.contains("events")) {
    ops::MergedScenario merged;
    try {
      merged = ops::merge_events(stored_json(scenarios_.geojson(old->scenario), "scenario"), body["events"], at);
    } catch (const InputError& e) {
      throw ApiError(ErrorKind::invalid_body, std::string("body: events: ") + e.what());
    }
    notes = merged.notes;
    const auto base = old->scenario.substr(0, 40) + "-" + compact(at);
    for (int n = 1;; ++n) {
      scenario = n == 1 ? base : base + "-" + std::to_string(n);
      if (!scenarios_.find(scenario)) break;
    }
    scenarios_.upload(scenario, merged.document.dump(), caller);
  }
  const auto overlay = scenarios_.overlay(scenario);
  if (!overlay) throw ApiError(ErrorKind::internal, "the scenario " + scenario + " cannot be compiled");
  const plan::Instance in(overlay);

  PlanRecord record;
  record.id = "plan-" + crypto::random_hex(6);
  record.scenario = scenario;
  record.requested_by = caller.party;
  record.created_at = ledger::utc_timestamp();
  plan::StopToken stop;
  limits_.arm(stop);
  try {
    const auto previous = ops::read_plan(in, stored_json(old->plan_json, "plan"));
    std::vector<ops::ConvoyReport> reports;
    if (reports_from == "ledger") {
      reports = log_.read([&](const ledger::Ledger& l) { return ops::reports_from_ledger(in, l); });
    }
    ops::ReplanOptions options;
    options.stop = &stop;
    auto result = ops::replan(in, previous, in.after_start(at), reports, options);
    result.summary.insert(result.summary.end(), notes.begin(), notes.end());
    auto doc = plan::to_json(in, result.plan);
    doc["replan"] = result.to_json();
    doc["replan"]["at"] = geo::format_utc(at);
    doc["replan"]["of_plan"] = plan_id;
    record.summary = doc["summary"];
    record.plan_json = doc.dump(1) + "\n";
    record.plan_geojson = plan::to_geojson(in, result.plan).dump() + "\n";
    record.plan_csv = plan::to_csv(in, result.plan);
    record.status = JobStatus::done;
    record.finished_at = ledger::utc_timestamp();
    store_.save_plan(record);
    const std::string self = "/plans/" + record.id;
    return {{"id", record.id},
            {"scenario", scenario},
            {"status", "done"},
            {"replan_of", plan_id},
            {"at", geo::format_utc(at)},
            {"summary", record.summary},
            {"changes", doc["replan"]["summary"]},
            {"links",
             {{"self", self},
              {"json", self + "/plan.json"},
              {"geojson", self + "/plan.geojson"},
              {"csv", self + "/plan.csv"},
              {"scenario", "/scenarios/" + scenario}}}};
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_body, e.what());
  } catch (const plan::Stopped& e) {
    throw ApiError(ErrorKind::busy, e.what());
  }
}

}  // namespace corridor::server
