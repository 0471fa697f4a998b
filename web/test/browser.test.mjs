// The map in a real browser (Debian's Chromium through playwright-core):
// loads CORRIDOR_URL, waits for the page to be ready and checks what it drew.
//   CORRIDOR_URL=http://127.0.0.1:PORT/#session=TOKEN npm test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const url = process.env.CORRIDOR_URL;
const screenshot = resolve(process.env.CORRIDOR_SCREENSHOT ?? join(here, 'artifacts', 'map.png'));
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let profile;
let context;
let page;
const pageErrors = [];

before(async () => {
  assert.ok(url, 'set CORRIDOR_URL to the page, e.g. http://127.0.0.1:8080/#session=TOKEN');
  profile = await mkdtemp(join(tmpdir(), 'corridor-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
  // Nothing may be fetched from another origin.
  const origin = new URL(url).origin;
  const foreign = [];
  page.on('request', (request) => {
    const u = request.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  page.foreign = foreign;
});

after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const state = () => page.evaluate(() => window.corridorMap.state());

async function setSlider(t) {
  await page.evaluate((value) => {
    const slider = document.getElementById('time');
    slider.value = String(value);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
  return state();
}

test('the map loads the network, scenario, plan, agreements and plays the plan', async () => {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  try {
    await page.waitForFunction(() => document.body.dataset.ready === '1' || document.body.dataset.ready === 'error',
      null, { timeout: 60_000 });
  } catch (err) {
    const status = await page.locator('#status').textContent().catch(() => '');
    const signin = await page.locator('#signin-message').textContent().catch(() => '');
    throw new Error(`the page did not become ready in 60 s (status: "${status}", sign-in: "${signin}", errors: ${pageErrors.join(' | ')})`);
  }
  const ready = await page.evaluate(() => document.body.dataset.ready);
  const status = await page.locator('#status').textContent();
  assert.equal(ready, '1', `the page reported an error: ${status}`);
  assert.equal(new URL(page.url()).hash, '', 'the #session fragment is removed from the address bar');

  const s = await state();
  console.log('state after load:', JSON.stringify({ ...s, convoys: s.convoys.length }));
  assert.ok(s.roads > 1000, `road segments drawn: ${s.roads}, expected > 1000`);
  assert.ok(s.corridors > 0, `corridors drawn: ${s.corridors}, expected > 0 (status: ${status})`);
  assert.ok(s.hazards > 0, `hazards drawn: ${s.hazards}, expected > 0`);
  assert.ok(s.ceasefires > 0, `ceasefires drawn: ${s.ceasefires}, expected > 0`);
  assert.ok(s.destinations.length > 0, 'destinations listed');

  const attribution = await page.locator('.leaflet-control-attribution').textContent();
  assert.ok(attribution.includes('© OpenStreetMap contributors'), `attribution: "${attribution}"`);
  assert.ok(attribution.includes('ODbL'), `attribution names the ODbL: "${attribution}"`);

  const agreements = page.locator('#agreements-section');
  assert.ok(await agreements.isVisible(), 'the agreement panel is shown');
  const agreementText = await page.locator('#agreements').textContent();
  assert.match(agreementText, /IN FORCE|No agreement yet/, `agreement panel: "${agreementText.trim().slice(0, 200)}"`);
  if (process.env.CORRIDOR_IN_FORCE === '1') {
    assert.ok(s.agreements > 0, 'an agreement is listed');
    const inForce = await page.locator('#agreements .agreement.in-force .badge').allTextContents();
    assert.deepEqual(inForce.slice(0, 1), ['IN FORCE'], 'an agreement version is shown IN FORCE');
  }

  if (process.env.CORRIDOR_SIMULATED === '1') {
    assert.ok(s.simulation, 'the simulation of the plan is shown');
    assert.ok(s.blocking > 0, `roads that held convoys up drawn: ${s.blocking}`);
    const panel = await page.locator('#simulation').textContent();
    assert.match(panel, /suffices in \d/, `simulation panel: "${panel.trim().slice(0, 200)}"`);
  }

  assert.ok(await page.locator('#time').isVisible(), 'the time slider is shown');
  // Two times in the middle of the plan, two minutes apart, with convoys on the road
  // (a plan can have quiet gaps, e.g. while an origin waits for its earliest departure).
  let a;
  let b;
  for (const f of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8]) {
    const t1 = Math.round((s.timeMax * f) / 60) * 60;
    a = await setSlider(t1);
    b = await setSlider(t1 + 120);
    if (a.convoysVisible > 0 && b.convoysVisible > 0) break;
  }
  assert.ok(a.time > 0 && b.time > a.time, `the slider moved the time: ${a.time} then ${b.time}`);
  assert.ok(a.convoysVisible > 0, `convoys visible at t=${a.time}s: ${a.convoysVisible}`);
  assert.ok(b.convoysVisible > 0, `convoys visible at t=${b.time}s: ${b.convoysVisible}`);
  assert.ok(b.clock && b.clock !== a.clock, `the clock moves: "${a.clock}" then "${b.clock}"`);
  const key = (p) => p.map((x) => x.toFixed(6)).join(',');
  const before = new Set(a.convoys.map(key));
  assert.ok(b.convoys.some((p) => !before.has(key(p))), 'at least one convoy moved between the two times');
  const arrivedA = a.destinations.reduce((n, d) => n + d.people, 0);
  const arrivedB = b.destinations.reduce((n, d) => n + d.people, 0);
  assert.ok(arrivedB >= arrivedA, `destinations fill as time passes: ${arrivedA} then ${arrivedB}`);

  // The keyboard moves the slider too.
  await page.locator('#time').focus();
  await page.keyboard.press('ArrowRight');
  const c = await state();
  assert.equal(c.time, b.time + 60, 'ArrowRight moves the time by one minute');

  await mkdir(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);

  assert.deepEqual(page.foreign, [], 'nothing was fetched from another origin');
  assert.deepEqual(pageErrors, [], 'no errors in the page');
});

test('without a session the page asks to sign in, and a party key file signs in', { skip: !process.env.CORRIDOR_KEY && 'set CORRIDOR_KEY to a party key file to test signing in' }, async () => {
  const fresh = await context.newPage(); // a new tab: its own, empty sessionStorage
  const errors = [];
  fresh.on('pageerror', (err) => errors.push(err.message));
  try {
    const base = new URL(url);
    base.hash = '';
    await fresh.goto(base.href, { waitUntil: 'domcontentloaded' });
    await fresh.locator('#signin').waitFor({ state: 'visible', timeout: 30_000 });
    const message = await fresh.locator('#signin-message').textContent();
    assert.ok(message.length > 0, 'the sign-in control shows the server\'s message');
    console.log(`sign-in message: ${message}`);
    await fresh.locator('#keyfile').setInputFiles(process.env.CORRIDOR_KEY);
    await fresh.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 })
      .catch(async () => {
        throw new Error(`not ready after signing in: "${await fresh.locator('#signin-message').textContent()}" / "${await fresh.locator('#status').textContent()}"`);
      });
    const who = await fresh.locator('#who').textContent();
    assert.match(who, /^Signed in as \S+ \(.+\)$/, `who: "${who}"`);
    const s = await fresh.evaluate(() => window.corridorMap.state());
    assert.ok(s.corridors > 0, `corridors drawn after signing in: ${s.corridors}`);
    assert.deepEqual(errors, [], 'no script errors in the page');
  } finally {
    await fresh.close();
  }
});
