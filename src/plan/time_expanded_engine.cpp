// Push-relabel on an implicit time-expanded network (see
// time_expanded_engine.hpp).
#include "plan/time_expanded_engine.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace corridor::plan::te {
namespace {

constexpr std::uint32_t k_none = std::numeric_limits<std::uint32_t>::max();

template <typename T>
std::uint64_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

std::uint64_t Pattern::copies() const {
  std::uint64_t n = 0;
  for (const auto& l : layers) n += l.hi >= l.lo ? static_cast<std::uint64_t>(l.hi - l.lo + 1) : 0;
  return n;
}

std::uint32_t Pattern::add_layer(std::int32_t lo, std::int32_t hi) {
  layers.push_back({lo, hi});
  return static_cast<std::uint32_t>(layers.size() - 1);
}

bool Pattern::clip(Link& link) const {
  const auto& t = layers[link.tail];
  const auto& h = layers[link.head];
  link.lo = std::max({link.lo, t.lo, h.lo - link.shift});
  link.hi = std::min({link.hi, t.hi, h.hi - link.shift});
  return link.lo <= link.hi;
}

void Pattern::add_link(Link link) {
  if (clip(link)) links.push_back(link);
}

Engine::Engine(Pattern pattern, const StopToken* stop) : p_(std::move(pattern)), stop_(stop) {
  const auto layers = p_.layers.size();
  const auto copies = p_.copies();
  if (copies >= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::length_error("time-expanded network: more node copies than 32-bit indices hold");
  n_ = static_cast<Copy>(copies);
  sink_ = n_;
  first_.resize(layers + 1);
  layer_of_.resize(n_);
  Copy id = 0;
  for (std::uint32_t l = 0; l < layers; ++l) {
    first_[l] = id;
    const auto& layer = p_.layers[l];
    for (auto k = layer.lo; k <= layer.hi; ++k) layer_of_[id++] = l;
  }
  first_[layers] = id;

  std::uint64_t link_copies = 0;
  link_first_.resize(p_.links.size());
  out_first_.assign(layers + 1, 0);
  in_first_.assign(layers + 1, 0);
  for (std::size_t i = 0; i < p_.links.size(); ++i) {
    const auto& l = p_.links[i];
    link_first_[i] = link_copies;
    link_copies += static_cast<std::uint64_t>(l.hi - l.lo + 1);
    ++out_first_[l.tail + 1];
    ++in_first_[l.head + 1];
  }
  for (std::size_t l = 0; l < layers; ++l) {
    out_first_[l + 1] += out_first_[l];
    in_first_[l + 1] += in_first_[l];
  }
  out_.resize(p_.links.size());
  in_.resize(p_.links.size());
  {
    auto out_fill = out_first_;
    auto in_fill = in_first_;
    for (std::uint32_t i = 0; i < p_.links.size(); ++i) {
      out_[out_fill[p_.links[i].tail]++] = i;
      in_[in_fill[p_.links[i].head]++] = i;
    }
  }
  flow_.assign(link_copies, 0);

  drain_of_.assign(layers, -1);
  drained_.assign(p_.drains.size(), 0);
  for (std::size_t d = 0; d < p_.drains.size(); ++d) {
    auto& drain = p_.drains[d];
    if (drain_of_[drain.layer] >= 0) throw std::logic_error("time-expanded network: two drains on one layer");
    drain_of_[drain.layer] = static_cast<std::int32_t>(d);
    drain.amount = drain.amount == k_unbounded ? k_inf : std::min<std::int64_t>(drain.amount, k_inf);
  }

  for (std::uint32_t l = 0; l < layers; ++l) {
    if (degree(l) >= std::numeric_limits<std::uint16_t>::max())
      throw std::length_error("time-expanded network: a node with too many arcs");
  }
  excess_.assign(n_ + 1, 0);
  for (const auto& s : p_.supplies) {
    if (s.amount <= 0) continue;
    supply_ += s.amount;
    if (supply_ >= k_inf / 2) throw std::length_error("time-expanded network: more units than 32-bit flows hold");
    excess_[copy(s.layer, s.tick)] += static_cast<std::int32_t>(s.amount);
  }
  label_.assign(n_ + 1, 0);
  current_.assign(n_, 0);
  next_.assign(n_, k_none);
  prev_.assign(n_, k_none);
  active_next_.assign(n_, k_none);
  all_head_.assign(n_ + 1, k_none);
  active_head_.assign(n_ + 1, k_none);
  // Cherkassky & Goldberg's frequency: after relabelling work of the order
  // of the network's size.
  relabel_every_ = 6 * std::uint64_t{n_} + link_copies;
}

std::uint64_t Engine::bytes() const noexcept {
  return bytes_of(p_.layers) + bytes_of(p_.links) + bytes_of(p_.caps) + bytes_of(first_) + bytes_of(link_first_) +
         bytes_of(out_first_) + bytes_of(out_) + bytes_of(in_first_) + bytes_of(in_) + bytes_of(flow_) +
         bytes_of(layer_of_) + bytes_of(excess_) + bytes_of(label_) + bytes_of(current_) + bytes_of(next_) +
         bytes_of(prev_) + bytes_of(active_next_) + bytes_of(all_head_) + bytes_of(active_head_);
}

std::int32_t Engine::residual(std::uint32_t layer, std::int32_t k, std::uint32_t i, Copy& other) noexcept {
  const auto outs = out_first_[layer + 1] - out_first_[layer];
  if (i < outs) {
    const auto id = out_[out_first_[layer] + i];
    const auto& l = p_.links[id];
    if (!open(l, k)) return 0;
    other = copy(l.head, k + l.shift);
    return capacity(id, k) - flow(id, k);
  }
  i -= outs;
  if (i < in_first_[layer + 1] - in_first_[layer]) {
    const auto id = in_[in_first_[layer] + i];
    const auto& l = p_.links[id];
    const auto j = k - l.shift;
    if (!open(l, j)) return 0;
    other = copy(l.tail, j);
    return flow(id, j);
  }
  const auto d = drain_of_[layer];
  if (d < 0 || p_.drains[static_cast<std::size_t>(d)].tick != k) return 0;
  other = sink_;
  return static_cast<std::int32_t>(p_.drains[static_cast<std::size_t>(d)].amount) -
         drained_[static_cast<std::size_t>(d)];
}

void Engine::push(std::uint32_t layer, std::int32_t k, std::uint32_t i, std::int32_t delta) noexcept {
  const auto outs = out_first_[layer + 1] - out_first_[layer];
  if (i < outs) {
    flow(out_[out_first_[layer] + i], k) += delta;
    return;
  }
  i -= outs;
  if (i < in_first_[layer + 1] - in_first_[layer]) {
    const auto id = in_[in_first_[layer] + i];
    flow(id, k - p_.links[id].shift) -= delta;
    return;
  }
  drained_[static_cast<std::size_t>(drain_of_[layer])] += delta;
}

void Engine::link_all(Copy x) {
  const auto d = static_cast<std::size_t>(label_[x]);
  next_[x] = all_head_[d];
  prev_[x] = k_none;
  if (all_head_[d] != k_none) prev_[all_head_[d]] = x;
  all_head_[d] = x;
  max_label_ = std::max(max_label_, label_[x]);
}

void Engine::unlink_all(Copy x) {
  if (prev_[x] != k_none)
    next_[prev_[x]] = next_[x];
  else
    all_head_[static_cast<std::size_t>(label_[x])] = next_[x];
  if (next_[x] != k_none) prev_[next_[x]] = prev_[x];
}

void Engine::activate(Copy x) {
  const auto d = static_cast<std::size_t>(label_[x]);
  active_next_[x] = active_head_[d];
  active_head_[d] = x;
  max_active_ = std::max(max_active_, label_[x]);
}

void Engine::global_relabel() {
  const auto top = static_cast<std::size_t>(std::max(max_label_, max_active_));
  if (max_label_ >= 0 || max_active_ >= 0) {
    std::fill(all_head_.begin(), all_head_.begin() + static_cast<std::ptrdiff_t>(top + 1), k_none);
    std::fill(active_head_.begin(), active_head_.begin() + static_cast<std::ptrdiff_t>(top + 1), k_none);
  }
  std::fill(label_.begin(), label_.begin() + n_, static_cast<std::int32_t>(n_));
  // Breadth-first from the sink along residual arcs backwards; the queue
  // lives in active_next_, rebuilt below.
  auto& queue = active_next_;
  std::size_t head = 0, tail = 0;
  for (std::size_t d = 0; d < p_.drains.size(); ++d) {
    const auto& drain = p_.drains[d];
    const auto c = copy(drain.layer, drain.tick);
    if (drained_[d] < drain.amount && label_[c] == static_cast<std::int32_t>(n_)) {
      label_[c] = 1;
      queue[tail++] = c;
    }
  }
  const auto dead = static_cast<std::int32_t>(n_);
  while (head < tail) {
    const Copy y = queue[head++];
    const auto layer = layer_of_[y];
    const auto k = p_.layers[layer].lo + static_cast<std::int32_t>(y - first_[layer]);
    const auto next = label_[y] + 1;
    for (auto j = in_first_[layer]; j < in_first_[layer + 1]; ++j) {
      const auto id = in_[j];
      const auto& l = p_.links[id];
      const auto kt = k - l.shift;
      if (!open(l, kt)) continue;
      const auto x = copy(l.tail, kt);
      if (label_[x] == dead && capacity(id, kt) > flow(id, kt)) {
        label_[x] = next;
        queue[tail++] = x;
      }
    }
    for (auto j = out_first_[layer]; j < out_first_[layer + 1]; ++j) {
      const auto id = out_[j];
      const auto& l = p_.links[id];
      if (!open(l, k)) continue;
      const auto z = copy(l.head, k + l.shift);
      if (label_[z] == dead && flow(id, k) > 0) {
        label_[z] = next;
        queue[tail++] = z;
      }
    }
  }
  max_label_ = -1;
  max_active_ = -1;
  std::fill(current_.begin(), current_.end(), 0);
  for (Copy x = 0; x < n_; ++x) {
    if (label_[x] == dead) continue;
    link_all(x);
    if (excess_[x] > 0) activate(x);
  }
}

void Engine::gap(std::int32_t label) {
  for (auto d = label + 1; d <= max_label_; ++d) {
    for (Copy y = all_head_[static_cast<std::size_t>(d)]; y != k_none; y = next_[y])
      label_[y] = static_cast<std::int32_t>(n_);
    all_head_[static_cast<std::size_t>(d)] = k_none;
    active_head_[static_cast<std::size_t>(d)] = k_none;
  }
  max_label_ = label - 1;
  max_active_ = std::min(max_active_, label - 1);
}

void Engine::relabel(Copy x, std::uint32_t layer, std::int32_t k) {
  const auto deg = degree(layer);
  work_ += deg + 12;
  const auto dead = static_cast<std::int32_t>(n_);
  auto best = dead;
  std::uint32_t best_arc = 0;
  for (std::uint32_t i = 0; i < deg; ++i) {
    Copy y = 0;
    if (residual(layer, k, i, y) <= 0) continue;
    const auto candidate = (y == sink_ ? 0 : label_[y]) + 1;
    if (candidate < best) {
      best = candidate;
      best_arc = i;
    }
  }
  const auto old = label_[x];
  unlink_all(x);
  if (all_head_[static_cast<std::size_t>(old)] == k_none) {
    // Nothing is left at the old label: nothing above it reaches the sink.
    gap(old);
    label_[x] = dead;
    return;
  }
  label_[x] = best;
  if (best >= dead) return;
  current_[x] = static_cast<std::uint16_t>(best_arc);
  link_all(x);
}

void Engine::discharge(Copy x) {
  const auto layer = layer_of_[x];
  const auto k = p_.layers[layer].lo + static_cast<std::int32_t>(x - first_[layer]);
  const auto deg = degree(layer);
  for (;;) {
    std::uint32_t i = current_[x];
    for (; i < deg; ++i) {
      Copy y = 0;
      const auto r = residual(layer, k, i, y);
      if (r <= 0 || label_[x] != (y == sink_ ? 0 : label_[y]) + 1) continue;
      const auto delta = std::min(excess_[x], r);
      push(layer, k, i, delta);
      excess_[x] -= delta;
      if (y == sink_) {
        at_sink_ += delta;
      } else {
        if (excess_[y] == 0) activate(y);
        excess_[y] += delta;
      }
      if (excess_[x] == 0) break;
    }
    if (excess_[x] == 0) {
      current_[x] = static_cast<std::uint16_t>(i);
      return;
    }
    relabel(x, layer, k);
    if (label_[x] >= static_cast<std::int32_t>(n_)) return;
  }
}

std::int64_t Engine::solve(std::int32_t gate) {
  if (gate < gate_) throw std::logic_error("time-expanded engine: the gate only opens further");
  gate_ = gate;
  global_relabel();
  work_ = 0;
  for (std::uint64_t round = 1;; ++round) {
    while (max_active_ >= 0 && active_head_[static_cast<std::size_t>(max_active_)] == k_none) --max_active_;
    if (max_active_ < 0) break;
    const Copy x = active_head_[static_cast<std::size_t>(max_active_)];
    active_head_[static_cast<std::size_t>(max_active_)] = active_next_[x];
    if (label_[x] != max_active_ || excess_[x] <= 0) continue;
    discharge(x);
    if (work_ > relabel_every_) {
      global_relabel();
      work_ = 0;
    }
    if (round % 4096 == 0) check(stop_);
  }
  return at_sink_;
}

std::vector<Engine::Route> Engine::routes() {
  if (at_sink_ != supply_) throw std::logic_error("time-expanded engine: routes of a flow that is not whole");
  // Position of each copy on the current walk (-1: not on it), in label_.
  std::fill(label_.begin(), label_.end(), -1);
  std::fill(current_.begin(), current_.end(), 0);
  struct Step {
    std::uint32_t layer;
    std::int32_t k;
    std::uint32_t arc;  // an out link, or the drain after them
  };
  auto units_on = [&](const Step& s) -> std::int32_t& {
    const auto outs = out_first_[s.layer + 1] - out_first_[s.layer];
    if (s.arc < outs) return flow(out_[out_first_[s.layer] + s.arc], s.k);
    return drained_[static_cast<std::size_t>(drain_of_[s.layer])];
  };
  auto has_units = [&](const Step& s) {
    const auto outs = out_first_[s.layer + 1] - out_first_[s.layer];
    if (s.arc < outs) return open(p_.links[out_[out_first_[s.layer] + s.arc]], s.k) && units_on(s) > 0;
    const auto d = drain_of_[s.layer];
    return s.arc == outs && d >= 0 && p_.drains[static_cast<std::size_t>(d)].tick == s.k && units_on(s) > 0;
  };
  auto target = [&](const Step& s) {
    const auto& l = p_.links[out_[out_first_[s.layer] + s.arc]];
    return std::pair{l.head, s.k + l.shift};
  };
  std::vector<Route> out;
  std::vector<Step> walk;
  for (std::size_t si = 0; si < p_.supplies.size(); ++si) {
    const auto& supply = p_.supplies[si];
    std::int64_t left = supply.amount;
    const Copy start = copy(supply.layer, supply.tick);
    while (left > 0) {
      walk.clear();
      label_[start] = 0;
      std::uint32_t layer = supply.layer;
      std::int32_t k = supply.tick;
      for (Copy x = start;;) {
        const auto outs = out_first_[layer + 1] - out_first_[layer];
        Step s{layer, k, current_[x]};
        while (s.arc <= outs && !has_units(s)) ++s.arc;
        if (s.arc > outs) throw std::logic_error("time-expanded engine: the flow does not conserve units");
        current_[x] = static_cast<std::uint16_t>(s.arc);
        walk.push_back(s);
        if (s.arc == outs) break;  // into the sink
        std::tie(layer, k) = target(s);
        x = copy(layer, k);
        if (const auto at = label_[x]; at >= 0) {
          // Around a cycle (roads of no time within one tick): cancel it.
          const auto first = walk.begin() + at;
          std::int32_t around = std::numeric_limits<std::int32_t>::max();
          for (auto it = first; it != walk.end(); ++it) around = std::min(around, units_on(*it));
          for (auto it = first; it != walk.end(); ++it) {
            units_on(*it) -= around;
            const auto [tl, tk] = target(*it);
            if (copy(tl, tk) != x) label_[copy(tl, tk)] = -1;
          }
          walk.erase(first, walk.end());
        } else {
          label_[x] = static_cast<std::int32_t>(walk.size());
        }
      }
      label_[start] = -1;
      std::int64_t units = left;
      for (const auto& s : walk) {
        units = std::min<std::int64_t>(units, units_on(s));
        if (&s != &walk.back()) label_[copy(target(s).first, target(s).second)] = -1;
      }
      Route r;
      r.supply = si;
      r.drain = static_cast<std::size_t>(drain_of_[walk.back().layer]);
      r.units = units;
      for (const auto& s : walk) {
        units_on(s) -= static_cast<std::int32_t>(units);
        if (&s == &walk.back()) continue;
        const auto id = out_[out_first_[s.layer] + s.arc];
        if (p_.links[id].kind == ArcKind::road) r.roads.emplace_back(p_.links[id].ref, s.k);
      }
      left -= units;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace corridor::plan::te
