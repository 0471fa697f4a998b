// The corridor web map: the road network, a scenario, a plan played over
// time, incident reports and the agreements, all from `corridor serve`.
import 'leaflet/dist/leaflet.css';
import './style.css';
import L from 'leaflet';
import { api, session, takeSessionFromUrl } from './api.js';
import { signInWithKeyFile } from './auth.js';
import { arrivalsByDestination, checkpointPasses, convoyPosition, departuresByOrigin } from './timeline.js';

const $ = (id) => document.getElementById(id);
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
const HOUR = 3600;

// ---- formatting --------------------------------------------------------

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const number = (n) => (typeof n === 'number' ? n.toLocaleString('en') : esc(n));

function utcText(ms) {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
function localText(ms, timeZone) {
  if (!timeZone) return '';
  try {
    const text = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).format(new Date(ms));
    return `${text} ${timeZone}`;
  } catch {
    return '';
  }
}
function duration(s) {
  const sign = s < 0 ? '-' : '';
  s = Math.abs(Math.round(s));
  const h = Math.floor(s / HOUR);
  const m = Math.floor((s % HOUR) / 60);
  return `${sign}${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
/** An RFC 3339 instant shown in UTC and, if known, in the scenario's timezone. */
function instant(text, timeZone) {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return esc(text);
  const local = localText(ms, timeZone);
  return esc(utcText(ms)) + (local ? ` <span class="hint">(${esc(local)})</span>` : '');
}
function bar(value, max) {
  const fraction = max > 0 ? Math.min(1, value / max) : 0;
  const over = max > 0 && value > max ? ' over' : '';
  return `<span class="bar${over}" role="presentation"><span style="width:${(fraction * 100).toFixed(1)}%"></span></span>`;
}

// ---- the map -------------------------------------------------------------

const map = L.map('map', { preferCanvas: true, zoomSnap: 0.25, minZoom: 3 });
map.attributionControl.addAttribution(
  '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors, ' +
  '<a href="https://opendatacommons.org/licenses/odbl/">ODbL</a>',
);
map.createPane('roads').style.zIndex = 300;
map.getPane('roads').style.pointerEvents = 'none';
const roadRenderer = L.canvas({ pane: 'roads', padding: 0.3 });
const renderer = L.canvas({ padding: 0.3, tolerance: 4 });
map.setView([20, 0], 3); // replaced by the network's bounds once it is loaded

const layers = {
  roads: L.layerGroup().addTo(map),
  zones: L.layerGroup().addTo(map),
  corridors: L.layerGroup().addTo(map),
  points: L.layerGroup().addTo(map),
  incidents: L.layerGroup().addTo(map),
  convoys: L.layerGroup().addTo(map),
  reported: L.layerGroup().addTo(map),
  blocking: L.layerGroup().addTo(map),
};
L.control.layers(null, {
  'Roads': layers.roads,
  'Hazards, ceasefires, areas': layers.zones,
  'Corridors': layers.corridors,
  'Origins, destinations, checkpoints': layers.points,
  'Incidents': layers.incidents,
  'Convoys as reported': layers.reported,
  'Convoys': layers.convoys,
  'Roads that held convoys up (simulation)': layers.blocking,
}, { collapsed: true }).addTo(map);
L.control.scale({ imperial: false }).addTo(map);

// ---- state -------------------------------------------------------------

const state = {
  roads: 0,
  scenarioName: null,
  scenario: null, // the scenario GeoJSON
  timeZone: null,
  startMs: null,
  scenarios: [],
  plans: [],
  agreementList: null,
  planId: null,
  movements: [], // {feature, coords, times, marker}
  hazards: [], // {layer, props}
  ceasefires: [],
  areas: [],
  destinations: new Map(), // id -> {props, ring, fill, arrivals, color}
  checkpoints: new Map(), // id -> {props, marker, passes}
  origins: new Map(), // id -> {props, marker, departures}
  incidents: 0,
  agreements: 0,
  colors: new Map(),
  time: 0,
  timeMax: 0,
  simulation: null, // the simulation shown: its id
  blocking: 0, // roads in its blocking layer
};

function setStatus(message, kind = 'info') {
  const el = $('status');
  el.textContent = message;
  el.className = kind;
}

function colorOf(destination) {
  if (!state.colors.has(destination)) state.colors.set(destination, PALETTE[state.colors.size % PALETTE.length]);
  return state.colors.get(destination);
}

// ---- sign-in -----------------------------------------------------------

function showWho() {
  const who = session.who;
  const signedIn = Boolean(session.token);
  $('who').textContent = !signedIn ? 'Not signed in'
    : who ? `Signed in as ${who.party} (${who.role || "party"})` : 'Signed in (session from the link)';
  $('signout').hidden = !signedIn;
}

function showSignIn(message) {
  $('signin').hidden = false;
  $('signin-message').textContent = message ?? '';
  $('keyfile').focus();
}

$('signin-toggle').addEventListener('click', () => {
  const section = $('signin');
  if (section.hidden) showSignIn(''); else section.hidden = true;
});
$('signout').addEventListener('click', () => {
  session.clear();
  showWho();
  showSignIn('Signed out.');
});
$('keyfile').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  $('signin-message').textContent = 'Signing in…';
  try {
    const info = await signInWithKeyFile(file);
    session.set(info);
    $('signin').hidden = true;
    showWho();
  } catch (err) {
    $('signin-message').textContent = `Sign-in failed: ${err.message}`;
    return;
  } finally {
    event.target.value = '';
  }
  try {
    await loadProtected();
    markReady();
  } catch (err) {
    if (err.status !== 401) setStatus(`Cannot load the data: ${err.message}`, 'error');
  }
});

/** Runs a read; a 401 opens the sign-in control with the server's message (and rethrows). */
async function guarded(what, fn) {
  try {
    return await fn();
  } catch (err) {
    if (err.status === 401) {
      session.clear();
      showWho();
      showSignIn(`Please sign in to see ${what}: ${err.message}`);
    }
    throw err;
  }
}

// ---- the road network --------------------------------------------------

async function loadNetwork() {
  const network = await api('network.geojson', { auth: false });
  const roads = L.geoJSON(network, {
    renderer: roadRenderer,
    interactive: false,
    style: () => ({ color: '#8a8a8a', weight: 1, opacity: 0.9 }),
  });
  layers.roads.clearLayers().addLayer(roads);
  state.roads = roads.getLayers().length;
  const bounds = roads.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
}

// ---- the scenario ------------------------------------------------------

function popupTable(title, rows) {
  const body = rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('');
  return `<strong>${esc(title)}</strong><table class="props">${body}</table>`;
}

function drawScenario(scenario) {
  layers.zones.clearLayers();
  layers.points.clearLayers();
  state.hazards = [];
  state.ceasefires = [];
  state.areas = [];
  state.destinations = new Map();
  state.checkpoints = new Map();
  state.origins = new Map();
  const meta = scenario.corridor ?? {};
  state.timeZone ??= meta.timezone ?? null;
  state.startMs ??= Date.parse(meta.start) || null;
  const tz = () => state.timeZone;

  for (const feature of scenario.features ?? []) {
    const p = feature.properties ?? {};
    const name = p.name ? `${p.name} (${p.id})` : p.id;
    if (['hazard', 'ceasefire', 'area'].includes(p.kind)) {
      const style = {
        hazard: { color: '#d62728', fillColor: '#d62728', weight: 2, fillOpacity: 0.3 },
        ceasefire: { color: '#2a9d3c', fillColor: '#2a9d3c', weight: 2, dashArray: '6 4', fillOpacity: 0.05 },
        area: { color: '#666', fillColor: '#999', weight: 1.5, fillOpacity: 0.2 },
      }[p.kind];
      const layer = L.geoJSON(feature, { renderer, style: () => style });
      const entry = { layer, props: p };
      if (p.kind === 'hazard') {
        layer.bindPopup(() => popupTable(`Hazard ${name}`, [
          ['active from', instant(p.from, tz())], ['until', instant(p.until, tz())],
          ['now', hazardActive(p) ? '<b class="bad">active</b>' : 'not active'],
          ['description', esc(p.description)],
        ]));
        state.hazards.push(entry);
      } else if (p.kind === 'ceasefire') {
        layer.bindPopup(() => popupTable(`Ceasefire ${name}`, [
          ['windows', (p.windows ?? []).map(([a, b]) => `${instant(a, tz())} → ${instant(b, tz())}`).join('<br>') || 'none'],
          ['now', inWindow(p) ? '<b class="good">inside a window</b>' : '<b class="bad">outside the windows</b>'],
        ]));
        state.ceasefires.push(entry);
      } else {
        layer.bindPopup(() => popupTable(`Area ${name}`, [['description', esc(p.description)]]));
        state.areas.push(entry);
      }
      layers.zones.addLayer(layer);
    }
  }
  // Points above the polygons.
  for (const feature of scenario.features ?? []) {
    const p = feature.properties ?? {};
    if (feature.geometry?.type !== 'Point') continue;
    const [lon, lat] = feature.geometry.coordinates;
    const name = p.name ? `${p.name} (${p.id})` : p.id;
    if (p.kind === 'origin') {
      const marker = L.circleMarker([lat, lon], { renderer, radius: 7, color: '#fff', weight: 2, fillColor: '#222', fillOpacity: 1 });
      const origin = { props: p, marker, departures: null };
      marker.bindPopup(() => {
        const left = origin.departures?.at(state.time) ?? 0;
        return popupTable(`Origin ${name}`, [
          ['people', number(p.people)], ['persons per vehicle', number(p.persons_per_vehicle)],
          ['earliest departure', p.earliest_departure ? instant(p.earliest_departure, tz()) : undefined],
          ['left so far', `${number(left)} ${bar(left, p.people)}`],
        ]);
      });
      marker.bindTooltip(name);
      state.origins.set(p.id, origin);
      layers.points.addLayer(marker);
    } else if (p.kind === 'depot' || p.kind === 'pickup') {
      // A shuttle fleet's depot (a square) and its gathering points (a ring).
      const depot = p.kind === 'depot';
      const marker = L.circleMarker([lat, lon], {
        renderer, radius: depot ? 9 : 7, color: depot ? '#222' : '#555', weight: depot ? 4 : 2,
        fillColor: depot ? '#9ecae1' : '#fff', fillOpacity: 1,
      });
      marker.bindPopup(() => popupTable(`${depot ? 'Depot' : 'Pick-up point'} ${name}`, depot ? [
        ['vehicles', number(p.vehicles)], ['seats', number(p.seats)],
        ['loading / unloading', `${number(p.load_min ?? 0)} / ${number(p.unload_min ?? 0)} min`],
        ['aid a trip', p.cargo_t ? `${number(p.cargo_t)} t` : undefined],
        ['controlled by', p.controlled_by ? esc(p.controlled_by) : undefined],
      ] : [
        ['people', number(p.people)], ['gathered from', p.earliest ? instant(p.earliest, tz()) : undefined],
      ]));
      marker.bindTooltip(name);
      layers.points.addLayer(marker);
    } else if (p.kind === 'destination') {
      const color = colorOf(p.id);
      const ring = L.circleMarker([lat, lon], { renderer, radius: 14, color, weight: 3, fillColor: '#fff', fillOpacity: 0.85 });
      const fill = L.circleMarker([lat, lon], { renderer, radius: 0, stroke: false, fillColor: color, fillOpacity: 0.9, interactive: false });
      const dest = { props: p, ring, fill, color, arrivals: null };
      ring.bindPopup(() => {
        const arrived = dest.arrivals?.at(state.time) ?? 0;
        return popupTable(`Destination ${name}`, [
          ['arrived so far', `${number(arrived)} / ${number(p.capacity)} ${bar(arrived, p.capacity)}`],
          ['capacity', number(p.capacity)], ['controlled by', esc(p.controlled_by)],
        ]);
      });
      ring.bindTooltip(name);
      state.destinations.set(p.id, dest);
      layers.points.addLayer(ring).addLayer(fill);
    } else if (p.kind === 'checkpoint') {
      const marker = L.circleMarker([lat, lon], { renderer, radius: 8, color: '#000', weight: 3, fillColor: '#ffd400', fillOpacity: 1 });
      const checkpoint = { props: p, marker, passes: null };
      marker.bindPopup(() => {
        const passed = checkpoint.passes?.at(state.time) ?? 0;
        const lastHour = checkpoint.passes?.within(state.time, HOUR) ?? 0;
        return popupTable(`Checkpoint ${name}`, [
          ['vehicles passed so far', number(passed)],
          ['in the last hour', `${number(lastHour)} / ${number(p.vehicles_per_hour)} per hour ${bar(lastHour, p.vehicles_per_hour)}`],
          ['operated by', esc(p.operated_by)],
        ]);
      });
      marker.bindTooltip(name);
      state.checkpoints.set(p.id, checkpoint);
      layers.points.addLayer(marker);
    }
  }
}

function hazardActive(p) {
  const now = state.startMs + state.time * 1000;
  return Date.parse(p.from) <= now && now < Date.parse(p.until);
}
function inWindow(p) {
  const now = state.startMs + state.time * 1000;
  return (p.windows ?? []).some(([a, b]) => Date.parse(a) <= now && now < Date.parse(b));
}

// ---- the plan ----------------------------------------------------------

function drawPlan(geojson, plan) {
  layers.corridors.clearLayers();
  layers.convoys.clearLayers();
  const lines = (geojson.features ?? []).filter((f) => f.geometry?.type === 'LineString');
  const features = lines.filter((f) => f.properties.kind !== 'walk');
  const tzNow = () => state.timeZone;
  // People walking to their gathering points: dashed, under the vehicles.
  for (const walk of lines.filter((f) => f.properties.kind === 'walk')) {
    const p = walk.properties;
    const line = L.polyline(walk.geometry.coordinates.map(([lon, lat]) => [lat, lon]),
      { renderer, color: '#555', weight: 3, opacity: 0.7, dashArray: '4 6' });
    line.bindPopup(() => popupTable(`On foot: ${esc(p.origin)} → ${esc(p.destination)}`, [
      ['people', number(p.people)], ['distance', `${number(p.distance_m)} m`],
      ['first leave', instant(p.departure, tzNow())], ['last arrive', instant(p.arrival, tzNow())],
    ]));
    layers.corridors.addLayer(line);
  }
  const maxVehicles = Math.max(1, ...features.map((f) => f.properties.vehicles));
  const tz = () => state.timeZone;
  state.movements = features.map((feature) => {
    const p = feature.properties;
    const color = colorOf(p.destination);
    const coords = feature.geometry.coordinates;
    const weight = 2 + 6 * Math.sqrt(p.vehicles / maxVehicles);
    const line = L.polyline(coords.map(([lon, lat]) => [lat, lon]), { renderer, color, weight, opacity: 0.55 });
    const movement = plan.movements?.[p.movement];
    const title = p.vehicle
      ? `Vehicle ${esc(p.vehicle)}, leg ${p.leg + 1} (${esc(p.kind)}): ${esc(p.origin)} → ${esc(p.destination)}`
      : `Movement ${esc(p.id ?? p.movement)}: ${esc(p.origin)} → ${esc(p.destination)}`;
    line.bindPopup(() => popupTable(title, [
      ['vehicles', number(p.vehicles)], ['people', number(p.people)],
      ['aid in', p.aid_t ? `${number(p.aid_t)} t` : undefined],
      ['departure', instant(p.departure, tz())], ['arrival', instant(p.arrival, tz())],
      ['via', esc((movement?.via ?? []).join(', '))],
    ]));
    layers.corridors.addLayer(line);
    const marker = L.circleMarker([0, 0], { renderer, radius: 5, color: '#000', weight: 1.5, fillColor: color, fillOpacity: 1 });
    marker.bindTooltip(`${p.origin} → ${p.destination}: ${p.vehicles} vehicles, ${p.people} people`);
    return { feature, coords, times: p.times_s, marker, visible: false, position: null };
  });

  const arrivals = arrivalsByDestination(features);
  for (const [id, dest] of state.destinations) dest.arrivals = arrivals.get(id) ?? null;
  const departures = departuresByOrigin(features);
  for (const [id, origin] of state.origins) origin.departures = departures.get(id) ?? null;
  const passes = checkpointPasses(plan);
  for (const [id, checkpoint] of state.checkpoints) checkpoint.passes = passes.get(id) ?? null;

  state.timeMax = Math.ceil(Math.max(0, ...features.map((f) => f.properties.arrival_s)));
  const slider = $('time');
  slider.max = String(Math.ceil(state.timeMax / 60) * 60);
  slider.value = '0';
  $('time-section').hidden = false;
  layers.points.eachLayer((l) => l.bringToFront?.());

  const s = plan.summary ?? {};
  $('plan-summary').innerHTML = popupTable(plan.scenario ?? '', [
    ['start', instant(plan.start, state.timeZone)],
    ['people out', `${number(s.people_evacuated)} of ${number(s.people)}`],
    ['vehicles', number(s.vehicles)],
    ['egress', s.egress_s != null ? `${duration(s.egress_s)} (lower bound ${s.lower_bound_s != null ? duration(s.lower_bound_s) : 'none'})` : undefined],
    ['movements', number((plan.movements ?? []).length)],
    ['fleet', s.fleet ? `${number(s.fleet.vehicles_used)} vehicles, ${number(s.fleet.trips)} trips, ${number(s.fleet.aid_t)} t of aid in` : undefined],
    ['method', esc(plan.method)],
    ['not evacuated', (plan.unmet ?? []).map((u) => `${esc(u.origin ?? u.pickup)}: ${number(u.people)} (${esc(u.reason)})`).join('<br>') || undefined],
  ]);
}

function clearPlan() {
  layers.corridors.clearLayers();
  layers.convoys.clearLayers();
  layers.reported.clearLayers();
  reportedFor = null;
  state.movements = [];
  state.timeMax = 0;
  $('time-section').hidden = true;
  $('plan-summary').innerHTML = '';
}

/** Moves everything to `t` seconds after the start. */
function setTime(t) {
  state.time = t;
  let visible = 0;
  for (const m of state.movements) {
    const position = convoyPosition(m.coords, m.times, t);
    m.position = position;
    if (position) {
      visible += 1;
      m.marker.setLatLng(position);
      if (!m.visible) layers.convoys.addLayer(m.marker);
    } else if (m.visible) {
      layers.convoys.removeLayer(m.marker);
    }
    m.visible = Boolean(position);
  }
  for (const dest of state.destinations.values()) {
    const arrived = dest.arrivals?.at(t) ?? 0;
    const fraction = dest.props.capacity > 0 ? Math.min(1, arrived / dest.props.capacity) : 0;
    dest.fill.setRadius(14 * Math.sqrt(fraction));
  }
  for (const { layer, props } of state.hazards) {
    const active = state.startMs != null && hazardActive(props);
    layer.setStyle({ fillOpacity: active ? 0.45 : 0.1, dashArray: active ? null : '4 4' });
  }
  for (const { layer, props } of state.ceasefires) {
    layer.setStyle({ color: state.startMs == null || inWindow(props) ? '#2a9d3c' : '#1f5fbf' });
  }
  for (const layer of [...layers.points.getLayers(), ...layers.zones.getLayers()]) {
    if (layer.isPopupOpen?.()) layer.getPopup().update();
    layer.eachLayer?.((inner) => inner.isPopupOpen?.() && inner.getPopup().update());
  }
  renderClock(visible);
  renderLists();
  scheduleReported();
}

// ---- convoys as reported -------------------------------------------------

// Colours of a convoy's state in GET /status (docs/operations.md).
const STATE_COLORS = { on_road: '#1f5fbf', late: '#e08a00', stopped: '#c0392b', off_route: '#8e44ad', arrived: '#2a9d3c', overdue: '#7f7f7f' };
let reportedTimer = null;
let reportedFor = null;

/** Fetches the convoys at their reported positions for the slider's time (debounced). */
function scheduleReported() {
  if (state.startMs == null || !session.token) return;
  clearTimeout(reportedTimer);
  reportedTimer = setTimeout(loadReported, 250);
}

async function loadReported() {
  const at = new Date(state.startMs + state.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (at === reportedFor) return;
  reportedFor = at;
  let geojson;
  try {
    geojson = await api(`status.geojson?at=${encodeURIComponent(at)}`);
  } catch {
    layers.reported.clearLayers();  // no agreement in force then, or no ledger
    return;
  }
  if (reportedFor !== at) return;  // the slider moved on meanwhile
  // The agreement version in force at this time (version N until its
  // successor came into force): its plan is the one to show.
  const inForce = geojson.agreement;
  if (inForce?.hash) {
    $('version-note').textContent = `Agreement version ${inForce.version} in force at this time` +
      (inForce.in_force_from ? ` (since ${utcText(Date.parse(inForce.in_force_from))})` : '');
    const record = (state.agreementList ?? []).find((a) => a.hash === inForce.hash);
    const job = record && state.plans.find((p) => p.id === record.plan && p.status === 'done');
    if (job && job.id !== state.planId) {
      const t = state.time;
      await loadPlanAndScenario(job.id);
      fillPlanSelect();
      slider.value = String(t);
      setTime(t);
      return;
    }
  }
  layers.reported.clearLayers();
  for (const f of geojson.features ?? []) {
    const p = f.properties ?? {};
    if (!p.reported || !f.geometry) continue;
    const [lon, lat] = f.geometry.coordinates;
    const marker = L.circleMarker([lat, lon], { renderer, radius: 7, color: STATE_COLORS[p.state] ?? '#000', weight: 3, dashArray: '3 2', fill: false });
    marker.bindTooltip(`${esc(p.movement)} (reported): ${esc(p.text)}`);
    layers.reported.addLayer(marker);
  }
}

function renderClock(visible) {
  if (state.startMs == null) return;
  const ms = state.startMs + state.time * 1000;
  const utc = utcText(ms);
  const local = localText(ms, state.timeZone);
  $('clock-utc').textContent = utc;
  $('clock-local').textContent = local;
  $('clock-elapsed').textContent = `T+${duration(state.time)} of ${duration(state.timeMax)}`;
  $('time').setAttribute('aria-valuetext', local || utc);
  $('convoys-count').textContent = `${visible} convoy${visible === 1 ? '' : 's'} on the road`;
}

function renderLists() {
  $('destinations').innerHTML = [...state.destinations.entries()].map(([id, d]) => {
    const arrived = d.arrivals?.at(state.time) ?? 0;
    return `<li><span class="dot" style="background:${d.color}"></span><b>${esc(d.props.name ?? id)}</b>
      ${number(arrived)} / ${number(d.props.capacity)} ${bar(arrived, d.props.capacity)}</li>`;
  }).join('') || '<li class="hint">No destinations.</li>';
  $('checkpoints').innerHTML = [...state.checkpoints.entries()].map(([id, c]) => {
    const passed = c.passes?.at(state.time) ?? 0;
    const lastHour = c.passes?.within(state.time, HOUR) ?? 0;
    const note = c.passes && c.passes.total === 0 ? ' <span class="hint">(no corridor passes it)</span>' : '';
    return `<li><b>${esc(c.props.name ?? id)}</b> ${number(passed)} vehicles passed${note};
      last hour ${number(lastHour)} / ${number(c.props.vehicles_per_hour)} per hour ${bar(lastHour, c.props.vehicles_per_hour)}</li>`;
  }).join('') || '<li class="hint">No checkpoints.</li>';
}

// time controls
const slider = $('time');
slider.addEventListener('input', () => setTime(slider.valueAsNumber));
slider.addEventListener('keydown', (event) => {
  const delta = { PageUp: 600, PageDown: -600 }[event.key];
  if (!delta) return;
  event.preventDefault();
  slider.value = String(Math.min(Number(slider.max), Math.max(0, slider.valueAsNumber + delta)));
  setTime(slider.valueAsNumber);
});
let playing = null;
function stop() {
  if (playing) cancelAnimationFrame(playing.frame);
  playing = null;
  $('play').textContent = 'Play';
  $('play').setAttribute('aria-pressed', 'false');
}
$('play').addEventListener('click', () => {
  if (playing) return stop();
  if (state.time >= state.timeMax) state.time = 0;
  $('play').textContent = 'Pause';
  $('play').setAttribute('aria-pressed', 'true');
  playing = { last: performance.now(), t: state.time, frame: 0 };
  const step = (now) => {
    if (!playing) return;
    playing.t = Math.min(state.timeMax, playing.t + ((now - playing.last) / 1000) * Number($('speed').value));
    playing.last = now;
    slider.value = String(playing.t);
    setTime(playing.t);
    if (playing.t >= state.timeMax) return stop();
    playing.frame = requestAnimationFrame(step);
  };
  playing.frame = requestAnimationFrame(step);
});

// ---- incidents, agreements, ledger -------------------------------------

function drawIncidents(incidents) {
  layers.incidents.clearLayers();
  const list = [];
  for (const { entry, reported_by: by, document: d = {} } of incidents) {
    const geometry = d.place?.geometry;
    const title = `Incident ${d.id ?? ''}: ${d.event_type ?? 'report'}`;
    const html = () => popupTable(title, [
      ['sub-type', esc(d.sub_event_type)],
      ['when', d.time?.utc ? `${instant(d.time.utc, state.timeZone)} (${esc(d.time.precision)})` : undefined],
      ['reported by', esc(by ?? d.reported_by)],
      ['description', esc(d.description)],
      ['actors', esc((d.actors ?? []).join(', '))],
      ['fatalities', d.fatalities ? number(d.fatalities) : undefined],
      ['source', esc(d.source)],
      ['place precision', d.place?.precision_m ? `${number(d.place.precision_m)} m` : undefined],
      ['ledger entry', entry != null ? esc(entry) : undefined],
    ]);
    if (geometry) {
      const layer = L.geoJSON(geometry, {
        renderer,
        pointToLayer: (_, latlng) => L.circleMarker(latlng, { renderer, radius: 7, color: '#fff', weight: 2, fillColor: '#e00078', fillOpacity: 1 }),
        style: (f) => (f.geometry.type === 'Point' ? {} : { color: '#e00078', weight: 2, fillOpacity: 0.15 }),
      }).bindPopup(html);
      layers.incidents.addLayer(layer);
    }
    list.push(`<li><b>${esc(d.id ?? entry)}</b> ${esc(d.event_type)} · ${esc(by ?? d.reported_by)}
      ${d.time?.utc ? `<span class="hint">${esc(utcText(Date.parse(d.time.utc)))}</span>` : ''}<br>${esc(d.description)}</li>`);
  }
  state.incidents = incidents.length;
  $('incidents').innerHTML = list.join('') || '<li class="hint">No incident reports.</li>';
}

function drawAgreements(agreements) {
  const names = [state.scenarioName, state.scenario?.corridor?.name].filter(Boolean);
  let shown = agreements.filter((a) => names.includes(a.scenario));
  const others = shown.length === 0 && agreements.length > 0;
  if (others) shown = agreements;
  shown = [...shown].sort((a, b) => (b.version ?? 0) - (a.version ?? 0));
  state.agreements = shown.length;
  const parties = (list) => (list ?? []).map((p) => esc(p)).join(', ') || '—';
  $('agreements').innerHTML = (others ? '<p class="hint">No agreement names this scenario; all agreements:</p>' : '') +
    (shown.map((a) => `
      <article class="agreement ${a.in_force ? 'in-force' : 'not-in-force'}">
        <div><span class="badge">${a.in_force ? 'IN FORCE' : 'NOT IN FORCE'}</span>
          <b>version ${esc(a.version)}</b> · ${esc(a.scenario)}
          ${a.plan != null && String(a.plan) === String(state.planId) ? '<span class="hint">(the plan shown)</span>' : ''}</div>
        <div class="small">hash <code title="${esc(a.hash)}">${esc(String(a.hash ?? '').slice(0, 16))}…</code>
          ${a.replaces ? ` · replaces <code title="${esc(a.replaces)}">${esc(String(a.replaces).slice(0, 12))}…</code>` : ''}
          ${a.ledger_entry != null ? ` · ledger entry ${esc(a.ledger_entry)}` : ' · not in the ledger'}</div>
        <div>Signatories: ${parties(a.signatories)}</div>
        <div>Signed by: <span class="good">${parties(a.signed_by)}</span></div>
        <div>Missing: <span class="${(a.missing ?? []).length ? 'bad' : ''}">${parties(a.missing)}</span></div>
      </article>`).join('') || '<p>No agreement yet for this scenario.</p>');
}

async function loadLedger() {
  try {
    const head = await api('ledger/head', { auth: false });
    $('ledger').innerHTML = `<div>${esc(head.log)} · ${number(head.size)} entries · ${esc(head.timestamp)}</div>
      <div>root <code title="${esc(head.root)}">${esc(String(head.root).slice(0, 24))}…</code></div>
      <div>verifier key <code>${esc(head.verifier_key)}</code></div>`;
  } catch (err) {
    $('ledger').textContent = err.status === 404 ? 'No ledger on this service.' : `Ledger head: ${err.message}`;
  }
}

// ---- loading -----------------------------------------------------------

async function loadPlanAndScenario(planId) {
  const job = planId == null ? null : state.plans.find((p) => String(p.id) === String(planId));
  state.planId = job?.id ?? null;
  const scenarioName = job?.scenario ?? state.scenarios[0]?.name ?? null;
  state.timeZone = null;
  state.startMs = null;
  stop();
  clearPlan();
  if (!scenarioName) {
    state.scenarioName = null;
    drawScenario({ features: [] });
    setStatus('No scenario has been uploaded yet: nothing to show but the roads.');
    return;
  }
  setStatus(job ? `Loading plan ${job.id}…` : `Loading scenario ${scenarioName}…`);
  const [scenario, geojson, plan] = await Promise.all([
    api(`scenarios/${encodeURIComponent(scenarioName)}`),
    job ? api(`plans/${encodeURIComponent(job.id)}/plan.geojson`) : null,
    job ? api(`plans/${encodeURIComponent(job.id)}/plan.json`) : null,
  ]);
  state.scenarioName = scenarioName;
  // The scenario GeoJSON itself, or wrapped in an object describing the upload.
  state.scenario = scenario.features ? scenario : scenario.scenario ?? scenario.geojson ?? scenario;
  if (plan) {
    state.timeZone = plan.timezone ?? null;
    state.startMs = Date.parse(plan.start);
  }
  drawScenario(state.scenario);
  if (plan) drawPlan(geojson, plan);
  setTime(0);
  setStatus(job ? `Plan ${job.id} of ${scenarioName}.` : `Nothing planned yet for ${scenarioName}.`);
  await showSimulation(state.planId);
}

// ---- the simulation of the plan shown ---------------------------------

/** Yellow for roads that rarely held convoys up, red for those that always did. */
function shareColor(share) {
  return `hsl(${Math.round(55 - 55 * Math.min(1, share))}, 95%, 42%)`;
}
function percent(share) {
  return `${(100 * share).toFixed(1)} %`;
}
function spread(d, format) {
  return `${format(d.mean)} <span class="hint">(P10 ${format(d.p10)}, P90 ${format(d.p90)})</span>`;
}

/** The newest finished simulation of a plan: the results panel and the blocking layer. */
async function loadSimulation(planId) {
  layers.blocking.clearLayers();
  state.simulation = null;
  state.blocking = 0;
  const box = $('simulation');
  if (!planId) {
    box.innerHTML = '<p class="hint">No plan shown.</p>';
    return;
  }
  const jobs = (await api(`simulations?plan=${encodeURIComponent(planId)}`)).simulations ?? [];
  if (String(state.planId) !== String(planId)) return; // another plan was chosen meanwhile
  const done = jobs.find((j) => j.status === 'done');
  const busy = jobs.find((j) => j.status === 'queued' || j.status === 'running');
  if (busy) setTimeout(() => { if (String(state.planId) === String(planId)) showSimulation(planId); }, 3000);
  if (!done) {
    box.innerHTML = busy
      ? `<p class="hint">Simulation ${esc(busy.id)} ${esc(busy.status)}: ${busy.progress.done} of ${busy.progress.total} runs.</p>`
      : '<p class="hint">Not simulated yet: <code>POST /plans/ID/simulate</code> (docs/simulate.md).</p>';
    return;
  }
  const [job, blocking] = await Promise.all([
    api(`simulations/${encodeURIComponent(done.id)}`),
    api(`simulations/${encodeURIComponent(done.id)}/blocking.geojson`),
  ]);
  if (String(state.planId) !== String(planId)) return;
  const r = job.result;
  const people = (x) => Math.round(x).toLocaleString('en');
  const rows = [
    ['runs', `${r.runs} (seed ${r.seed})${busy ? ` <span class="hint">· ${esc(busy.id)} ${esc(busy.status)}</span>` : ''}`],
    ['people out', `${spread(r.people_out, people)} of ${people(r.plan.people_out)} planned`],
    ['egress', spread(r.egress_s, duration)],
    ['everyone out', percent(r.p_complete)],
    ...r.windows.map((w) => [`window ${w.id} #${w.window + 1}`, `suffices in ${percent(w.p_suffices)} of runs`]),
    ...r.corridors.slice(0, 3).map((c, i) => [`fragile ${i + 1}`,
      `${esc(c.corridor)}: blocked in ${percent(c.blocked_share)}, mean delay ${duration(c.delay_s)}`]),
  ];
  if (r.replan) {
    rows.push(['re-planning: people out', spread(r.replan.people_out, people)]);
    rows.push(['re-planning: egress', spread(r.replan.egress_s, duration)]);
  }
  box.innerHTML = popupTable(`Simulation ${job.id}`, rows);
  L.geoJSON(blocking, {
    renderer,
    style: (f) => ({ color: shareColor(f.properties.blocked_share), weight: 3 + 5 * f.properties.blocked_share, opacity: 0.9 }),
    onEachFeature: (f, layer) => layer.bindPopup(popupTable(f.properties.road || 'unnamed road', [
      ['held convoys up', `in ${percent(f.properties.blocked_share)} of runs`],
      ['convoys waited', `${duration(f.properties.delay_s)} a run`],
      ['OSM way', esc(f.properties.way)],
    ])),
  }).addTo(layers.blocking);
  state.simulation = job.id;
  state.blocking = blocking.features.length;
}

/** loadSimulation, its failure said in the panel: the plan is shown all the same. */
async function showSimulation(planId) {
  try {
    await loadSimulation(planId);
  } catch (err) {
    $('simulation').innerHTML = `<p class="error">Simulations: ${esc(err.message)}</p>`;
  }
}

function fillPlanSelect() {
  const select = $('plan-select');
  const done = state.plans.filter((p) => p.status === 'done');
  select.innerHTML = state.plans.map((p) => {
    const progress = p.status === 'running' && p.progress ? ` ${p.progress.done}/${p.progress.total}` : '';
    const label = `${p.scenario} · ${p.method ?? ''} · ${p.created_at ?? ''} · ${p.status}${progress}`;
    return `<option value="${esc(p.id)}" ${p.status === 'done' ? '' : 'disabled'} ${String(p.id) === String(state.planId) ? 'selected' : ''}>${esc(label)}</option>`;
  }).join('') || '<option value="">Nothing planned yet</option>';
  select.disabled = done.length === 0;
}

async function loadProtected() {
  $('signin').hidden = true;
  const [scenarios, plans] = await guarded('the scenarios and plans', () =>
    Promise.all([api('scenarios'), api('plans')]));
  state.scenarios = scenarios.scenarios ?? [];
  if (!session.who) {  // a token from a #session= link: ask whom it speaks for
    session.setWho(await api('sessions/current'));
    showWho();
  }
  state.plans = [...(plans.plans ?? [])].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  const newest = state.plans.find((p) => p.status === 'done');
  state.planId = newest?.id ?? null;
  fillPlanSelect();
  await loadPlanAndScenario(state.planId);
  const failed = state.plans.filter((p) => p.status === 'failed').length;
  if (!newest) {
    setStatus(state.plans.length ? `No plan has finished yet (${state.plans.map((p) => p.status).join(', ')}).` : `Nothing planned yet${state.scenarioName ? ` for ${state.scenarioName}` : ''}.`);
  } else if (failed) {
    setStatus(`Plan ${newest.id} of ${state.scenarioName}. ${failed} plan(s) failed.`);
  }

  const [incidents, agreements] = await Promise.allSettled([api('incidents'), api('agreements')]);
  if (incidents.status === 'fulfilled') drawIncidents(incidents.value.incidents ?? []);
  else $('incidents').innerHTML = `<li class="error">Incidents: ${esc(incidents.reason.message)}</li>`;
  if (agreements.status === 'fulfilled') {
    state.agreementList = agreements.value.agreements ?? [];
    drawAgreements(state.agreementList);
  } else {
    $('agreements').innerHTML = `<p class="error">Agreements: ${esc(agreements.reason.message)}</p>`;
  }
  layers.incidents.eachLayer((l) => l.bringToFront?.());
  if (state.plans.some((p) => p.status === 'queued' || p.status === 'running')) setTimeout(refreshPlans, 5000);
}

async function refreshPlans() {
  try {
    const plans = await api('plans');
    state.plans = [...(plans.plans ?? [])].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    fillPlanSelect();
    if (!state.planId && state.plans.some((p) => p.status === 'done')) {
      await loadProtected();
      return;
    }
    if (state.plans.some((p) => p.status === 'queued' || p.status === 'running')) setTimeout(refreshPlans, 5000);
  } catch { /* the next full load shows the error */ }
}

$('plan-select').addEventListener('change', async (event) => {
  try {
    await loadPlanAndScenario(event.target.value);
    if (state.agreementList) drawAgreements(state.agreementList);
  } catch (err) {
    setStatus(`Cannot load the plan: ${err.message}`, 'error');
  }
});

// ---- start -------------------------------------------------------------

takeSessionFromUrl();
showWho();
let resolveReady;
const ready = new Promise((resolve) => { resolveReady = resolve; });

window.corridorMap = {
  ready,
  map,
  setTime(t) { slider.value = String(t); setTime(slider.valueAsNumber); },
  state: () => ({
    roads: state.roads,
    scenario: state.scenarioName,
    plan: state.planId,
    corridors: layers.corridors.getLayers().length,
    hazards: state.hazards.length,
    ceasefires: state.ceasefires.length,
    areas: state.areas.length,
    incidents: state.incidents,
    agreements: state.agreements,
    simulation: state.simulation,
    blocking: state.blocking,
    convoysVisible: state.movements.filter((m) => m.visible).length,
    convoys: state.movements.filter((m) => m.visible).map((m) => m.position),
    time: state.time,
    timeMax: state.timeMax,
    clock: $('clock-utc').textContent,
    destinations: [...state.destinations.entries()].map(([id, d]) => {
      const people = d.arrivals?.at(state.time) ?? 0;
      return { id, people, capacity: d.props.capacity, fill: d.props.capacity ? people / d.props.capacity : 0 };
    }),
    checkpoints: [...state.checkpoints.entries()].map(([id, c]) => ({
      id, vehicles: c.passes?.at(state.time) ?? 0, vehicles_per_hour: c.props.vehicles_per_hour,
    })),
    signedIn: Boolean(session.token),
  }),
};

async function start() {
  setStatus('Loading the road network…');
  loadLedger();
  try {
    await loadNetwork();
  } catch (err) {
    setStatus(`Cannot load the road network: ${err.message}`, 'error');
  }
  try {
    await loadProtected();
    markReady();
  } catch (err) {
    if (err.status === 401) {
      setStatus('Sign in to see the scenario, the plans and the agreements.');
    } else {
      setStatus(`Cannot load the data: ${err.message}`, 'error');
      document.body.dataset.ready = 'error';
    }
  }
}

function markReady() {
  if (document.body.dataset.ready === '1') return;
  document.body.dataset.ready = '1';
  resolveReady(window.corridorMap.state());
}

start();
