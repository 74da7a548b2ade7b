// A page's lifetime: ctx.every() polls only while the page (or a part of it, with a parent) is shown, and
// ctx.disposed tells answers that arrive late to go.
export function newContext(parent) {
  const timers = [];
  const disposers = [];
  const ctx = {
    get disposed() {
      return disposed || (parent?.disposed ?? false);
    },
    params: parent?.params ?? [],
    // fn runs every ms milliseconds, each run after the last one ended, so that a slow broker is not asked twice.
    every(ms, fn) {
      let timer;
      const tick = async () => {
        try {
          await fn();
        } finally {
          if (!ctx.disposed) timer = setTimeout(tick, ms);
        }
      };
      timer = setTimeout(tick, ms);
      timers.push(() => clearTimeout(timer));
    },
    onDispose(fn) {
      disposers.push(fn);
    },
    dispose() {
      disposed = true;
      for (const clear of timers) clear();
      for (const fn of disposers) fn();
    },
  };
  let disposed = false;
  return ctx;
}
