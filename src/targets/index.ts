export { invokeLegacy, type LegacyInvocation, type Send } from './legacy-target.js';
export { invokeModern, type ModernInvocation } from './modern-target.js';
