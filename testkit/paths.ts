/** The project's root folder (settings/project.cjs). */
export { ROOT } from '../settings/project.cjs';
