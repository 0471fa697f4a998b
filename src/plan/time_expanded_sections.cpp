// Road sections and searches over them (see time_expanded.hpp).
#include <algorithm>
#include <limits>
#include <queue>

#include "plan/time_expanded.hpp"

namespace corridor::plan::te {

std::vector<Ms> distances(const Instance& in, const std::vector<std::pair<NodeId, Ms>>& sources, bool reverse,
                          const std::function<Ms(ArcId)>& weight) {
  const auto& g = in.graph();
  std::vector<Ms> dist(g.node_count(), k_never);
  using Item = std::pair<Ms, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (const auto& [v, d] : sources) {
    if (v < g.node_count() && d < dist[v]) {
      dist[v] = d;
      queue.push({d, v});
    }
  }
  while (!queue.empty()) {
    const auto [d, v] = queue.top();
    queue.pop();
    if (d > dist[v]) continue;
    const auto first = reverse ? g.in_first[v] : g.first_out[v];
    const auto last = reverse ? g.in_first[v + 1] : g.first_out[v + 1];
    for (auto i = first; i < last; ++i) {
      const ArcId a = reverse ? g.in_arc[i] : i;
      if (in.always_closed().contains(a)) continue;
      const NodeId w = reverse ? g.tail[a] : g.head[a];
      const Ms nd = d + weight(a);
      if (nd < dist[w]) {
        dist[w] = nd;
        queue.push({nd, w});
      }
    }
  }
  return dist;
}

std::vector<std::pair<NodeId, Ms>> acceptable_destinations(const Instance& in) {
  std::vector<std::pair<NodeId, Ms>> out;
  for (const auto& d : in.destinations) {
    if (d.acceptable() && d.capacity_people > 0) out.emplace_back(d.node, 0);
  }
  return out;
}

namespace {

// A node vehicles can only drive through: two neighbours, every way in
// continues to the other one, and no origin, destination or checkpoint on it.
std::vector<bool> through_nodes(const Instance& in) {
  const auto& g = in.graph();
  std::vector<bool> special(g.node_count(), false);
  for (const auto& o : in.origins) special[o.node] = true;
  for (const auto& d : in.destinations) special[d.node] = true;
  for (const auto& c : in.checkpoints) special[c.node] = true;
  std::vector<bool> through(g.node_count(), false);
  for (NodeId v = 0; v < g.node_count(); ++v) {
    if (special[v]) continue;
    std::vector<NodeId> near;
    auto meet = [&near](NodeId w) {
      if (std::find(near.begin(), near.end(), w) == near.end()) near.push_back(w);
    };
    for (auto a = g.first_out[v]; a < g.first_out[v + 1] && near.size() <= 2; ++a) meet(g.head[a]);
    for (auto i = g.in_first[v]; i < g.in_first[v + 1] && near.size() <= 2; ++i) meet(g.tail[g.in_arc[i]]);
    if (near.size() != 2 || g.in_first[v] == g.in_first[v + 1]) continue;
    bool continues = true;
    for (auto i = g.in_first[v]; i < g.in_first[v + 1]; ++i) {
      const NodeId from = g.tail[g.in_arc[i]];
      continues = continues && g.find_arc(v, from == near[0] ? near[1] : near[0]) != graph::k_invalid;
    }
    through[v] = continues;
  }
  return through;
}

}  // namespace

void Network::make_sections() {
  const auto& g = in_.graph();
  const Ms step = tick_;
  auto add = [&](const std::vector<ArcId>& chain) {
    Section s;
    s.tail = g.tail[chain.front()];
    s.head = g.head[chain.back()];
    s.first = static_cast<std::uint32_t>(arcs_.size());
    for (const ArcId a : chain) {
      arcs_.push_back(a);
      offsets_.push_back(s.time);
      rates_.push_back(per_tick(in_.arc_rate(a)));
      shifts_.push_back(static_cast<std::int32_t>(s.time / step));
      s.time += g.time_ms[a];
    }
    s.last = static_cast<std::uint32_t>(arcs_.size());
    // A section of no time (links of length 0, as simulators export them)
    // is entered and left in the same copy, as the plan model allows.
    s.steps = static_cast<std::int32_t>((s.time + step - 1) / step);
    s.buffered = model_ == Model::exact && !in_.may_occupy(chain.back(), 0, in_.horizon());
    sections_.push_back(s);
  };
  if (model_ == Model::relaxed) {
    junctions_ = g.node_count();
    for (ArcId a = 0; a < g.arc_count(); ++a) {
      if (!in_.always_closed().contains(a)) add({a});
    }
  } else {
    const auto through = through_nodes(in_);
    std::vector<ArcId> chain;
    for (NodeId u = 0; u < g.node_count(); ++u) {
      if (through[u]) continue;
      ++junctions_;
      for (auto a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
        chain.assign(1, a);
        NodeId previous = u;
        NodeId v = g.head[a];
        while (through[v] && chain.size() <= g.node_count()) {
          ArcId next = g.first_out[v];
          while (g.head[next] == previous) ++next;  // the way on, not back
          chain.push_back(next);
          previous = v;
          v = g.head[next];
        }
        const bool open =
            std::none_of(chain.begin(), chain.end(), [&](ArcId b) { return in_.always_closed().contains(b); });
        if (!through[v] && open) add(chain);
      }
    }
  }
  // Sections by tail and by head (CSR).
  auto index = [&](bool by_head, std::vector<std::uint32_t>& first, std::vector<std::uint32_t>& list) {
    first.assign(g.node_count() + 1, 0);
    for (const auto& s : sections_) ++first[(by_head ? s.head : s.tail) + 1];
    for (NodeId v = 0; v < g.node_count(); ++v) first[v + 1] += first[v];
    list.resize(sections_.size());
    auto fill = first;
    for (std::uint32_t i = 0; i < sections_.size(); ++i)
      list[fill[by_head ? sections_[i].head : sections_[i].tail]++] = i;
  };
  index(false, out_first_, out_);
  index(true, in_first_, into_);
}

std::vector<Ms> Network::section_distances(const std::vector<std::pair<NodeId, Ms>>& sources, bool reverse,
                                           bool in_steps) const {
  std::vector<Ms> dist(in_.graph().node_count(), k_never);
  using Item = std::pair<Ms, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (const auto& [v, d] : sources) {
    if (d < dist[v]) {
      dist[v] = d;
      queue.push({d, v});
    }
  }
  const auto& first = reverse ? in_first_ : out_first_;
  const auto& list = reverse ? into_ : out_;
  while (!queue.empty()) {
    const auto [d, v] = queue.top();
    queue.pop();
    if (d > dist[v]) continue;
    for (auto i = first[v]; i < first[v + 1]; ++i) {
      const auto& s = sections_[list[i]];
      const NodeId w = reverse ? s.tail : s.head;
      const Ms nd = d + (in_steps ? Ms{s.steps} : s.time);
      if (nd < dist[w]) {
        dist[w] = nd;
        queue.push({nd, w});
      }
    }
  }
  return dist;
}

bool Network::drivable(const Section& s, std::int32_t k) const {
  const Ms start = k * tick_;
  for (auto i = s.first; i < s.last; ++i) {
    const Ms from = start + offsets_[i];
    const Ms until = i + 1 < s.last ? start + offsets_[i + 1] : (k + s.steps) * tick_;
    if (!in_.may_occupy(arcs_[i], from, std::max(until, from + 1))) return false;  // an instant on it at least
  }
  return true;
}

}  // namespace corridor::plan::te
