// An OSRM client against the service: osrm-text-instructions (the library
// OSRM's own front end uses to phrase turn-by-turn directions) turns the
// steps of a route from `corridor serve` into English, unchanged.
//   CORRIDOR_URL=http://127.0.0.1:PORT/ npm test
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const instructions = require('osrm-text-instructions')('v5');
const url = process.env.CORRIDOR_URL;

test('osrm-text-instructions phrases the steps of a route', { skip: url ? false : 'CORRIDOR_URL is not set' }, async () => {
  const origin = new URL(url).origin;
  // Andorra la Vella to Encamp, through a via point in Escaldes-Engordany.
  const response = await fetch(`${origin}/route/v1/driving/1.5218,42.5063;1.5330,42.5088;1.5833,42.5346?steps=true`);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.code, 'Ok');
  const legs = body.routes[0].legs;
  assert.equal(legs.length, 2);
  legs.forEach((leg, legIndex) => {
    const lines = leg.steps.map((step) => instructions.compile('en', step, { legCount: legs.length, legIndex }));
    assert.match(lines[0], /^Head (north|northeast|east|southeast|south|southwest|west|northwest)\b/, lines[0]);
    assert.match(lines.at(-1), /arrived/i, lines.at(-1));
    for (const line of lines) assert.ok(line.length > 5, `an empty instruction in ${lines.join(' | ')}`);
    assert.ok(lines.slice(1, -1).some((line) => /^(Turn|Continue|Make a|Go straight)/.test(line)), lines.join(' | '));
  });
});
