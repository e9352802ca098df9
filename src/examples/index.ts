export { runExamples, type ExampleResult, type ExampleRunOptions } from './run-examples.js';
export { subsetMismatches } from './subset-match.js';
