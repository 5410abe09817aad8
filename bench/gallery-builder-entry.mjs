// Piscina entry of the identify bench's gallery builder: worker threads do not inherit the
// parent's module hooks, so register tsx here before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { default: buildBackground } = await import('./gallery-builder-worker.ts');
export default buildBackground;
