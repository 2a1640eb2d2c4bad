// The views' loader: superseded loads, bursts of events, responses applied in order.
// Loads here are promises the test settles by hand, in whatever order it chooses.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoader } from '../../api/http/dashboard/static/loader.js';

/** A fake load that records each call and lets the test settle it. */
function loads() {
  const calls = [];
  const load = (signal) =>
    new Promise((resolve, reject) => {
      const call = { signal, resolve, reject, number: calls.length + 1 };
      calls.push(call);
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    });
  return { calls, load };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

function harness(signal = new AbortController().signal) {
  const { calls, load } = loads();
  const applied = [];
  const failed = [];
  const busy = [];
  const loader = createLoader({
    load,
    apply: (data, { quiet }) => applied.push([data, quiet]),
    fail: (error, { quiet }) => failed.push([error.message, quiet]),
    signal,
    onBusy: (value) => busy.push(value),
  });
  return { calls, applied, failed, busy, loader };
}

test('a burst of refreshes costs one running load and one queued', async () => {
  const { calls, applied, busy, loader } = harness();
  for (let i = 0; i < 10; i += 1) loader.refresh();
  await settled();
  assert.equal(calls.length, 1);
  calls[0].resolve('first');
  await settled();
  assert.equal(calls.length, 2, 'the queued refresh runs after the first');
  for (let i = 0; i < 5; i += 1) loader.refresh();
  calls[1].resolve('second');
  await settled();
  assert.equal(calls.length, 3);
  calls[2].resolve('third');
  await settled();
  assert.equal(calls.length, 3, 'nothing more was asked for');
  assert.deepEqual(applied, [
    ['first', true],
    ['second', true],
    ['third', true],
  ]);
  assert.deepEqual(busy, [true, true, true, false]);
  assert.equal(loader.busy, false);
});

test('reload supersedes: the older load is cancelled and its late answer never applied', async () => {
  const { calls, applied, loader } = harness();
  loader.reload();
  await settled();
  const done = loader.reload();
  await settled();
  assert.equal(calls.length, 2);
  assert.equal(calls[0].signal.aborted, true);
  calls[0].resolve('old'); // too late: already rejected by its abort
  calls[1].resolve('new');
  await done;
  assert.deepEqual(applied, [['new', false]]);
});

test('a slower older response drawn last is dropped even if its load ignores the signal', async () => {
  const applied = [];
  const answers = [];
  const loader = createLoader({
    load: () => new Promise((resolve) => answers.push(resolve)),
    apply: (data) => applied.push(data),
  });
  loader.reload();
  await settled();
  loader.reload();
  await settled();
  answers[1]('newer');
  await settled();
  answers[0]('older');
  await settled();
  assert.deepEqual(applied, ['newer']);
});

test('reload drops a queued refresh: the new load already sees what it would have', async () => {
  const { calls, loader } = harness();
  loader.refresh();
  await settled();
  loader.refresh(); // queued
  loader.reload();
  await settled();
  calls[1].resolve('reloaded');
  await settled();
  assert.equal(calls.length, 2);
});

test('when() refreshes only for the events that concern the view', async () => {
  const { calls, loader } = harness();
  const listener = loader.when((event) => event.customerTenantId === 'mine');
  listener({ customerTenantId: 'other' });
  await settled();
  assert.equal(calls.length, 0);
  listener({ customerTenantId: 'mine' });
  await settled();
  assert.equal(calls.length, 1);
});

test('errors reach fail (quiet or not), aborts do not', async () => {
  const { calls, failed, loader } = harness();
  loader.reload();
  await settled();
  calls[0].reject(new Error('down'));
  await settled();
  loader.refresh();
  await settled();
  calls[1].reject(new Error('still down'));
  await settled();
  assert.deepEqual(failed, [
    ['down', false],
    ['still down', true],
  ]);
});

test('nothing runs or applies once the route is left', async () => {
  const route = new AbortController();
  const { calls, applied, failed, loader } = harness(route.signal);
  loader.refresh();
  loader.refresh();
  await settled();
  route.abort();
  await settled();
  assert.equal(calls[0].signal.aborted, true);
  loader.refresh();
  await loader.reload();
  await settled();
  assert.equal(calls.length, 1);
  assert.deepEqual(applied, []);
  assert.deepEqual(failed, []);
});

test('begin() draws what the route kept; reload() forgets it until its own answer', async () => {
  const kept = new Map([['data', 'kept']]);
  const { calls, load } = loads();
  const applied = [];
  const loader = createLoader({ load, apply: (data) => applied.push(data), kept });
  await loader.begin();
  assert.deepEqual(applied, ['kept']);
  assert.equal(calls.length, 0, 'a redraw asks nothing');
  loader.reload();
  assert.equal(kept.has('data'), false, 'a redraw during the reload would load anew');
  await settled();
  calls[0].resolve('fresh');
  await settled();
  assert.equal(kept.get('data'), 'fresh');
});

test('adopt() keeps newer data, drops the loads on their way and runs the one they were for', async () => {
  const kept = new Map();
  const { calls, load } = loads();
  const applied = [];
  const busy = [];
  const loader = createLoader({
    load,
    apply: (data) => applied.push(data),
    kept,
    onBusy: (value) => busy.push(value),
  });
  loader.refresh(); // an event asked for a load
  await settled();
  loader.adopt('from a mutation');
  assert.equal(kept.get('data'), 'from a mutation');
  calls[0].resolve('read before the mutation');
  await settled();
  assert.deepEqual(applied, [], 'the older answer is dropped');
  assert.equal(calls.length, 2, 'the load the event asked for runs again, after the mutation');
  calls[1].resolve('read after');
  await settled();
  assert.deepEqual(applied, ['read after']);
  assert.equal(loader.busy, false);

  loader.adopt('when nothing was asked for');
  await settled();
  assert.equal(calls.length, 2, 'no load when none was running or queued');
  assert.equal(busy.at(-1), false);
});
