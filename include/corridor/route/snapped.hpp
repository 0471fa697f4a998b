#pragma once
// Routes between points snapped onto road segments (graph::SegmentSnap), as
// OSRM answers them: a route leaves its start along the segment, either way
// the segment may be driven, and reaches its end along the end's segment; it
// counts only the parts of those two segments it drives. A search from the
// ends of the start's segment to the ends of the end's does the middle: CCH
// sweeps them all at once; a one-to-one search (ALT, Dijkstra) runs once per
// pair of ends (each_pair).
#include <functional>
#include <span>

#include "corridor/graph/spatial_index.hpp"
#include "corridor/route/dijkstra.hpp"

namespace corridor::route {

class TurnSplit;

// The fastest route from any source to any target counting their offsets;
// Route::source and target name the ends used, time_ms leaves offsets out.
using NodeSearch = std::function<Route(std::span<const Endpoint>, std::span<const Endpoint>)>;
// The same from a one-to-one search, by trying every pair.
NodeSearch each_pair(std::function<Route(NodeId, NodeId)> search);

// The fastest route from `from` to `to` avoiding the arcs in `closed` (may
// be null; `search` must avoid them too). Not found when neither way out of
// the start nor into the end is open, or no search connects them.
// With `turns`, g is turns->graph(): the snaps name road arcs, `closed` and
// `search` are on the split graph, and the route returned is lowered to
// road arcs and nodes.
Route route_between(const graph::RoadGraph& g, const graph::SegmentSnap& from, const graph::SegmentSnap& to,
                    const ArcSet* closed, const NodeSearch& search, const TurnSplit* turns = nullptr);

}  // namespace corridor::route
