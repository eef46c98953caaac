// Imported first by the local runtime, the tests and the bench.

// This runtime is supported on Node 20, so the SDK's notice about Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The console is for people: warnings and errors only, unless asked for more.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

// aws-local-stepfunctions uses Promise.withResolvers (Node 22); this machine may run Node 20.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
export {};
