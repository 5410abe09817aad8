// Piscina loads this plain-JS entry. Worker threads do not inherit the parent's module hooks,
// so the entry registers tsx's loader for this thread before it loads the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const { default: faceTask } = await import('./face-worker.ts');
export default faceTask;
