/**
 * Which file a piscina pool loads for its worker. Compiled (`npm run build` → dist/, the way
 * `npm start` runs), the worker module is plain JavaScript beside its pool: loaded directly, no
 * loader, no esbuild process. From the TypeScript sources (vitest, `npm run bench` under tsx),
 * worker threads do not inherit the parent's module hooks, so the `<name>-entry.mjs` beside the
 * source registers tsx in the thread first, then imports `<name>.ts`.
 */
export function workerFile(callerUrl: string, name: string): string {
  const compiled = callerUrl.endsWith('.js');
  return new URL(compiled ? `./${name}.js` : `./${name}-entry.mjs`, callerUrl).href;
}
