// The plan over time: where each convoy is, how many people have arrived at
// each destination and how many vehicles have passed each checkpoint.
// Times are seconds after the scenario start.

/** Largest i with times[i] <= t (-1 when t < times[0]). */
export function lastAtOrBefore(times, t) {
  let lo = 0;
  let hi = times.length - 1;
  if (!times.length || t < times[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * The convoy's [lat, lng] at time t on a LineString whose coordinate i
 * ([lon, lat]) is passed at times[i]; null before its departure and from its
 * arrival on.
 */
export function convoyPosition(coordinates, times, t) {
  const n = Math.min(coordinates.length, times.length);
  if (n < 2 || t < times[0] || t >= times[n - 1]) return null;
  const i = Math.min(lastAtOrBefore(times, t), n - 2);
  const span = times[i + 1] - times[i];
  const f = span > 0 ? (t - times[i]) / span : 0;
  const [lon0, lat0] = coordinates[i];
  const [lon1, lat1] = coordinates[i + 1];
  return [lat0 + f * (lat1 - lat0), lon0 + f * (lon1 - lon0)];
}

/** A running total of amounts at sorted times: how much by time t. */
export class Cumulative {
  constructor(events) {
    const sorted = [...events].sort((a, b) => a.t - b.t);
    this.times = sorted.map((e) => e.t);
    this.totals = [];
    let sum = 0;
    for (const e of sorted) this.totals.push((sum += e.amount));
  }
  /** Total of the events at or before t. */
  at(t) {
    const i = lastAtOrBefore(this.times, t);
    return i < 0 ? 0 : this.totals[i];
  }
  /** Total of the events in (t - window, t]. */
  within(t, window) {
    return this.at(t) - this.at(t - window - 1e-9);
  }
  get total() { return this.totals.length ? this.totals[this.totals.length - 1] : 0; }
}

/** People arriving per destination: Map id -> Cumulative, from plan.geojson features. */
export function arrivalsByDestination(features) {
  const events = new Map();
  for (const { properties: p } of features) {
    if (!events.has(p.destination)) events.set(p.destination, []);
    events.get(p.destination).push({ t: p.arrival_s, amount: p.people });
  }
  return new Map([...events].map(([id, list]) => [id, new Cumulative(list)]));
}

/** People leaving per origin: Map id -> Cumulative, from plan.geojson features. */
export function departuresByOrigin(features) {
  const events = new Map();
  for (const { properties: p } of features) {
    if (!events.has(p.origin)) events.set(p.origin, []);
    events.get(p.origin).push({ t: p.departure_s, amount: p.people });
  }
  return new Map([...events].map(([id, list]) => [id, new Cumulative(list)]));
}

/**
 * Vehicles passing each checkpoint: Map id -> Cumulative. A movement passes a
 * checkpoint when its path (plan.json) contains the checkpoint's snapped node
 * (plan.json `snaps`), at that node's time.
 */
export function checkpointPasses(plan) {
  const result = new Map();
  for (const snap of plan.snaps ?? []) {
    if (snap.kind !== 'checkpoint') continue;
    const node = String(snap.node);
    const events = [];
    for (const m of plan.movements ?? []) {
      const i = m.path.findIndex((id) => String(id) === node);
      if (i >= 0) events.push({ t: m.times_s[i], amount: m.vehicles });
    }
    result.set(snap.id, new Cumulative(events));
  }
  return result;
}
