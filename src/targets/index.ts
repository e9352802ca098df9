export { invokeLegacy, type LegacyInvocation, type Send } from './legacy-target.js';
