/** The project's root folder (settings/project.ts). */
export { ROOT } from '../settings/project';
