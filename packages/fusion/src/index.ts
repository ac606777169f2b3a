/**
 * @s2/fusion — Fusion SQL: client-side commands (SHOW CLUSTERS, CREATE WORKSPACE, UPLOAD FILE
 * TO STAGE, SHOW JOBS, ...) answered through the Management API with ordinary result sets.
 */
export { installFusion, uninstallFusion, registerFusionCommand, fusionEnabled, type FusionOptions } from './install.js';
export { FusionRegistry, type FusionCommand, type FusionCommandDefinition, type FusionContext, type FusionRun } from './registry.js';
export { FusionResult, FUSION_TYPES, type FusionColumn, type FusionColumnType, type Cell } from './result.js';
export { compileGrammar, parseStatement, type CommandGrammar, type GrammarNode, type RuleInfo, type Params } from './grammar/index.js';
export { FusionGrammarError, FusionSyntaxError, FusionNotFoundError, FusionValueError, FusionFileError } from './errors.js';
