// MATSim network files (network.xml, network.xml.gz; the network_v1 and
// network_v2 DTDs), the form in which transport and evacuation research
// publishes its networks: nodes with x/y in a projected coordinate reference
// system, directed links with length (m), freespeed (m/s), capacity per
// capperiod, permlanes and modes. Read with expat (streamed, through zlib,
// which reads plain files as they are), reprojected with PROJ.
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include <expat.h>
#include <proj.h>
#include <zlib.h>

#include "corridor/error.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/osm/network.hpp"
#include "corridor/units.hpp"

namespace corridor::osm {
namespace {

constexpr double k_max_travel_time_s = 7 * 24 * 3600;  // fits the graph's 32-bit milliseconds
constexpr double k_max_capacity_vph = 1'000'000;
constexpr double k_max_length_m = 10'000'000;
constexpr std::size_t k_max_problems = 50;

struct Node {
  std::string id;
  double x = 0, y = 0;
};

struct Link {
  std::string id;
  std::string from, to;
  double length_m = 0, freespeed = 0, capacity = 0, lanes = 1;
  std::string modes;
  std::size_t line = 0;
};

// What the XML says, before any check across elements.
struct Document {
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::string crs;                // the network's coordinateReferenceSystem attribute
  double capperiod_s = 3600;      // of the <links> element
  std::vector<std::string> path;  // open elements
  bool in_crs = false;
  bool seen_network = false;
  std::vector<Problem> problems;
  XML_Parser parser = nullptr;

  void problem(const std::string& where, const std::string& what) {
    if (problems.size() < k_max_problems) {
      problems.push_back({where + " (line " + std::to_string(XML_GetCurrentLineNumber(parser)) + ")", what});
    }
  }
};

const char* attribute(const char** attrs, std::string_view name) {
  for (auto a = attrs; a[0] != nullptr; a += 2) {
    if (name == a[0]) return a[1];
  }
  return nullptr;
}

std::optional<double> number(const char* text) {
  if (text == nullptr) return std::nullopt;
  std::string_view s(text);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "HH:MM:SS" (hours may exceed 24) or plain seconds.
std::optional<double> duration_s(const char* text) {
  if (text == nullptr) return std::nullopt;
  int h = 0, m = 0, s = 0;
  char tail = 0;
  if (std::sscanf(text, "%d:%d:%d%c", &h, &m, &s, &tail) == 3 && h >= 0 && m >= 0 && m < 60 && s >= 0 && s < 60)
    return h * 3600.0 + m * 60.0 + s;
  return number(text);
}

void on_start(void* data, const char* name, const char** attrs) {
  auto& d = *static_cast<Document*>(data);
  const std::string_view element(name);
  const std::string parent = d.path.empty() ? "" : d.path.back();
  d.path.emplace_back(element);
  if (element == "network") {
    d.seen_network = true;
  } else if (element == "attribute" && parent == "attributes" && d.path.size() == 3 && d.path[0] == "network") {
    const char* key = attribute(attrs, "name");
    d.in_crs = key != nullptr && std::string_view(key) == "coordinateReferenceSystem";
  } else if (element == "node" && parent == "nodes") {
    Node n;
    const char* id = attribute(attrs, "id");
    const auto x = number(attribute(attrs, "x"));
    const auto y = number(attribute(attrs, "y"));
    if (id == nullptr || *id == '\0') return d.problem("node", "has no id");
    n.id = id;
    if (!x || !y) return d.problem("node " + n.id, "needs numeric x and y attributes");
    n.x = *x;
    n.y = *y;
    d.nodes.push_back(std::move(n));
  } else if (element == "links") {
    if (const char* p = attribute(attrs, "capperiod")) {
      const auto period = duration_s(p);
      if (!period || *period <= 0)
        d.problem("links.capperiod", "must be a duration like \"01:00:00\", got \"" + std::string(p) + "\"");
      else
        d.capperiod_s = *period;
    }
  } else if (element == "link" && parent == "links") {
    Link l;
    l.line = XML_GetCurrentLineNumber(d.parser);
    const char* id = attribute(attrs, "id");
    l.id = id != nullptr ? id : "";
    const std::string at = "link " + (l.id.empty() ? "without id" : l.id);
    const char* from = attribute(attrs, "from");
    const char* to = attribute(attrs, "to");
    if (from == nullptr || to == nullptr) return d.problem(at, "needs from and to node ids");
    l.from = from;
    l.to = to;
    auto required = [&](const char* key, double& out, bool positive) {
      const auto v = number(attribute(attrs, key));
      if (!v || *v < 0 || (positive && *v == 0)) {
        const char* raw = attribute(attrs, key);
        d.problem(at + "." + key, std::string("must be a ") + (positive ? "positive" : "non-negative") +
                                      " number, got " + (raw != nullptr ? "\"" + std::string(raw) + "\"" : "nothing"));
        return false;
      }
      out = *v;
      return true;
    };
    bool ok = required("length", l.length_m, false);
    ok = required("freespeed", l.freespeed, true) && ok;
    ok = required("capacity", l.capacity, true) && ok;
    if (const char* lanes = attribute(attrs, "permlanes")) {
      const auto v = number(lanes);
      if (!v || *v <= 0)
        d.problem(at + ".permlanes", "must be a positive number, got \"" + std::string(lanes) + "\"");
      else
        l.lanes = *v;
    }
    const char* modes = attribute(attrs, "modes");
    l.modes = modes != nullptr ? modes : "car";
    if (ok) d.links.push_back(std::move(l));
  }
}

void on_end(void* data, const char* /*name*/) {
  auto& d = *static_cast<Document*>(data);
  d.in_crs = false;
  d.path.pop_back();
}

void on_text(void* data, const char* text, int length) {
  auto& d = *static_cast<Document*>(data);
  if (d.in_crs) d.crs.append(text, static_cast<std::size_t>(length));
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::set<std::string> split_modes(const std::string& text) {
  std::set<std::string> out;
  std::string mode;
  std::istringstream in(text);
  while (std::getline(in, mode, ',')) {
    mode = trimmed(mode);
    if (!mode.empty()) out.insert(mode);
  }
  return out;
}

// Reprojects every node to WGS 84 longitude/latitude.
class Reprojection {
 public:
  explicit Reprojection(const std::string& crs) : ctx_(proj_context_create(), proj_context_destroy) {
    // No network access for grids: everything needed is in proj-data.
    proj_context_set_enable_network(ctx_.get(), 0);
    proj_log_level(ctx_.get(), PJ_LOG_NONE);  // errors are reported below, not on stderr
    std::unique_ptr<PJ, decltype(&proj_destroy)> raw(
        proj_create_crs_to_crs(ctx_.get(), crs.c_str(), "EPSG:4326", nullptr), proj_destroy);
    if (!raw) {
      throw InputError("--crs", "unknown coordinate reference system \"" + crs + "\" (" +
                                    proj_context_errno_string(ctx_.get(), proj_context_errno(ctx_.get())) +
                                    "); name one PROJ knows, such as EPSG:32632");
    }
    pj_.reset(proj_normalize_for_visualization(ctx_.get(), raw.get()));
    if (!pj_) throw InputError("--crs", "cannot transform \"" + crs + "\" to longitude/latitude");
  }

  [[nodiscard]] std::optional<geo::LonLat> operator()(double x, double y) const {
    const PJ_COORD out = proj_trans(pj_.get(), PJ_FWD, proj_coord(x, y, 0, 0));
    const double lon = out.xy.x, lat = out.xy.y;
    if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90 || std::abs(lon) > 180) return std::nullopt;
    return geo::LonLat{lon, lat};
  }

 private:
  std::unique_ptr<PJ_CONTEXT, decltype(&proj_context_destroy)> ctx_;
  std::unique_ptr<PJ, decltype(&proj_destroy)> pj_{nullptr, proj_destroy};
};

// Node ids as numbers where every one is a number, else 1, 2, ... in file order.
bool numeric_ids(const std::vector<Node>& nodes) {
  for (const auto& n : nodes) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(n.id.data(), n.id.data() + n.id.size(), value);
    if (ec != std::errc() || end != n.id.data() + n.id.size() || value < 0) return false;
  }
  return true;
}

RawNetwork assemble(Document& d, const std::string& source, const Profile& profile, const MatsimOptions& options) {
  if (!d.seen_network) throw FormatError(source + ": not a MATSim network file (no <network> element)");
  std::vector<Problem> problems = std::move(d.problems);
  const std::string crs = !options.crs.empty() ? options.crs : trimmed(d.crs);
  if (crs.empty()) {
    if (!problems.empty()) throw ValidationError(source, std::move(problems));
    throw InputError("--crs", source +
                                  " names no coordinate reference system (no coordinateReferenceSystem "
                                  "attribute): give the one its x/y are in, e.g. --crs EPSG:32632");
  }
  const Reprojection to_lonlat(crs);

  RawNetwork net;
  net.source_kind = "matsim";
  net.class_names = profile.class_names();
  const auto custom_class = static_cast<std::uint8_t>(net.class_names.size());
  net.class_names.push_back("custom");
  const bool numeric = numeric_ids(d.nodes);
  if (!numeric) {
    net.notes.push_back("node ids are not all numbers: nodes are numbered 1 to " + std::to_string(d.nodes.size()) +
                        " in the order of the file");
  }
  std::unordered_map<std::string, std::uint32_t> by_id;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    const auto& n = d.nodes[i];
    if (!by_id.try_emplace(n.id, static_cast<std::uint32_t>(i)).second) {
      if (problems.size() < k_max_problems) problems.push_back({"node " + n.id, "appears twice"});
      continue;
    }
    const auto p = to_lonlat(n.x, n.y);
    if (!p) {
      if (problems.size() < k_max_problems) {
        problems.push_back({"node " + n.id, "x " + std::to_string(n.x) + ", y " + std::to_string(n.y) +
                                                " is not a place on Earth in " + crs});
      }
      continue;
    }
    std::int64_t id = static_cast<std::int64_t>(i) + 1;
    if (numeric) std::from_chars(n.id.data(), n.id.data() + n.id.size(), id);
    net.node_id.push_back(id);
    net.node_lat.push_back(geo::to_fixed(p->lat));
    net.node_lon.push_back(geo::to_fixed(p->lon));
  }
  std::set<std::string> wanted;
  for (const auto& m : options.modes) wanted.insert(m);
  std::int64_t next_way = 1;
  for (const auto& l : d.links) {
    ++net.stats.ways_read;
    const std::string at = "link " + l.id + " (line " + std::to_string(l.line) + ")";
    const auto from = by_id.find(l.from);
    const auto to = by_id.find(l.to);
    if (from == by_id.end() || to == by_id.end()) {
      if (problems.size() < k_max_problems)
        problems.push_back({at, "node " + (from == by_id.end() ? l.from : l.to) + " is not among the nodes"});
      continue;
    }
    const double time_s = l.length_m / l.freespeed;
    const double vph = l.capacity * 3600 / d.capperiod_s;
    if (time_s > k_max_travel_time_s || l.length_m > k_max_length_m) {
      if (problems.size() < k_max_problems)
        problems.push_back({at, std::to_string(l.length_m) + " m taking " + std::to_string(time_s) +
                                    " s: longer than 10,000 km or a week"});
      continue;
    }
    if (!wanted.empty()) {
      const auto modes = split_modes(l.modes);
      if (std::none_of(modes.begin(), modes.end(), [&](const std::string& m) { return wanted.contains(m); })) continue;
    }
    if (from->second == to->second) continue;  // a loop: never on a fastest path
    RawArc arc;
    arc.tail = from->second;
    arc.head = to->second;
    arc.length_m = static_cast<float>(l.length_m);
    arc.time_ms = static_cast<std::uint32_t>(to_milliseconds(time_s));
    // Clamped before rounding: a number past long's range does not round.
    arc.capacity_vph = static_cast<std::uint32_t>(std::lround(std::clamp(vph, 1.0, k_max_capacity_vph)));
    arc.lanes = static_cast<std::uint8_t>(std::lround(std::clamp(l.lanes, 1.0, 255.0)));
    arc.road_class = custom_class;
    std::int64_t way = 0;
    const auto [end, ec] = std::from_chars(l.id.data(), l.id.data() + l.id.size(), way);
    arc.way_id = ec == std::errc() && end == l.id.data() + l.id.size() ? way : next_way;
    ++next_way;
    arc.shape_begin = arc.shape_end = static_cast<std::uint32_t>(net.shape_lat.size());
    net.arcs.push_back(arc);
    ++net.stats.ways_routable;
  }
  if (!problems.empty()) throw ValidationError(source, std::move(problems));
  if (net.arcs.empty()) {
    throw InputError("", source + ": no link in the network" +
                             (wanted.empty() ? std::string() : " for the modes asked for (--modes)"));
  }
  return net;
}

struct ParserDeleter {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

// Feeds chunks to expat; returns the document once `last` was fed.
class Reader {
 public:
  Reader() : parser_(XML_ParserCreate(nullptr)) {
    if (!parser_) throw std::bad_alloc();
    doc_.parser = parser_.get();
    XML_SetUserData(parser_.get(), &doc_);
    XML_SetElementHandler(parser_.get(), on_start, on_end);
    XML_SetCharacterDataHandler(parser_.get(), on_text);
  }
  void feed(const char* data, std::size_t size, bool last, const std::string& source) {
    if (XML_Parse(parser_.get(), data, static_cast<int>(size), last ? 1 : 0) != XML_STATUS_OK) {
      throw FormatError(source + ": not well-formed XML at line " +
                        std::to_string(XML_GetCurrentLineNumber(parser_.get())) + ": " +
                        XML_ErrorString(XML_GetErrorCode(parser_.get())));
    }
  }
  Document& document() { return doc_; }

 private:
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser_;
  Document doc_;
};

}  // namespace

RawNetwork read_matsim_network(const std::filesystem::path& path, const Profile& profile,
                               const MatsimOptions& options) {
  const std::string source = path.string();
  std::unique_ptr<gzFile_s, decltype(&gzclose)> in(gzopen(source.c_str(), "rb"), gzclose);
  if (!in) throw IoError(source + ": cannot open");
  Reader reader;
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const int n = gzread(in.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = 0;
      throw FormatError(source + ": cannot be read (" + gzerror(in.get(), &code) + ")");
    }
    reader.feed(buffer.data(), static_cast<std::size_t>(n), n == 0, source);
    if (n == 0) break;
  }
  return assemble(reader.document(), source, profile, options);
}

RawNetwork parse_matsim_network(std::string_view text, const std::string& source, const Profile& profile,
                                const MatsimOptions& options) {
  Reader reader;
  reader.feed(text.data(), text.size(), true, source);
  return assemble(reader.document(), source, profile, options);
}

}  // namespace corridor::osm
