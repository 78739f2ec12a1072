export { LIMITS, type LimitName } from './limits';
