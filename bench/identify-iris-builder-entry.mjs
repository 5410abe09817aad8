// Piscina entry of the iris identify bench's gallery builder: worker threads do not inherit the
// parent's module hooks, so register tsx here before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { default: buildIrisBackground } = await import('./identify-iris-builder-worker.ts');
export default buildIrisBackground;
