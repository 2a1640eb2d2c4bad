// One way for a view to load its data, whatever asks for it: the route, the user (a new
// search, another page) or live events, which can come several in a second.
//
//   const loader = createLoader({ load: (signal) => query(…, { signal }), apply, fail, signal });
//   loader.reload();                        // the user asked: supersedes what is running
//   listen('relationship', loader.when((event) => event.customerTenantId === tenantId), signal);
//
// - `reload()` cancels the running load and any queued refresh and starts anew;
// - `refresh()` (a quiet refetch, for events) starts one if none runs; during a load it
//   queues at most one more, so a burst of events costs one running load plus one;
// - only the newest load's result reaches `apply` (or `fail`): a response that was
//   overtaken is dropped, so nothing older is ever drawn over something newer;
// - `when(predicate)` is an event listener that refreshes only for the events that
//   concern the view;
// - `onBusy(true|false)` says whether a load is running or queued (views set aria-busy);
// - with `kept` (a Map the route keeps while the view is only redrawn, as after a
//   language switch), `begin()` draws what was loaded last instead of asking again;
// - `adopt(data)` takes data newer than any load on its way (a mutation's answer, a
//   live event): loads in flight are dropped, and a redraw draws it.
// Everything stops when `signal` (the route's) is aborted.

export function createLoader({ load, apply, fail = () => {}, signal, onBusy = () => {}, kept = null, key = 'data' }) {
  let generation = 0;
  let running = null;
  let queued = false;

  function start(quiet) {
    const mine = ++generation;
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    running = controller;
    onBusy(true);
    const current = () => mine === generation && !signal?.aborted;
    return Promise.resolve()
      .then(() => load(controller.signal))
      .then(
        (data) => {
          if (!current()) return;
          kept?.set(key, data);
          apply(data, { quiet });
        },
        (error) => {
          if (current() && error?.name !== 'AbortError') fail(error, { quiet });
        },
      )
      .finally(() => {
        signal?.removeEventListener('abort', stop);
        if (mine !== generation || signal?.aborted) return;
        running = null;
        if (queued) {
          queued = false;
          start(true);
        } else {
          onBusy(false);
        }
      });
  }

  const loader = {
    /** Starts a load that replaces whatever is running or queued; resolves once it is
     * applied (or dropped). */
    reload() {
      if (signal?.aborted) return Promise.resolve();
      running?.abort();
      queued = false;
      // What is kept no longer answers what was asked: a redraw meanwhile loads anew.
      kept?.delete(key);
      return start(false);
    },
    /** The view's first load: what the route already has (drawn at once), else a load. */
    begin() {
      if (signal?.aborted) return Promise.resolve();
      if (kept?.has(key)) {
        apply(kept.get(key), { quiet: false });
        return Promise.resolve();
      }
      return loader.reload();
    },
    /** A quiet refetch: now if idle, else once after the running load. */
    refresh() {
      if (signal?.aborted) return;
      if (running) queued = true;
      else start(true);
    },
    /** Keeps `data` (already drawn by the caller) as the newest: loads in flight are
     * dropped, and if one was running or queued (an event asked for it), one more
     * starts now, which can only read what is newer still. */
    adopt(data) {
      const wanted = running !== null || queued;
      generation += 1;
      running?.abort();
      running = null;
      queued = false;
      kept?.set(key, data);
      if (wanted && !signal?.aborted) start(true);
      else onBusy(false);
    },
    /** A listener that refreshes for the events `predicate` accepts. */
    when(predicate = () => true) {
      return (event) => {
        if (predicate(event)) loader.refresh();
      };
    },
    get busy() {
      return running !== null;
    },
  };
  return loader;
}
