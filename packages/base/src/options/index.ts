export { options, withOptions, setScopeStorage, resolveOptionName, type OptionDescription, type ScopeStorage } from './registry.js';
export { OPTION_DEFINITIONS, RESULTS_TYPES, type OptionDefinition } from './definitions.js';
export { parseBool } from './validators.js';
