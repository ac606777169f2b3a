export type { CommandGrammar, GrammarNode, RuleInfo } from './ast.js';
export { compileGrammar } from './compile.js';
export { parseStatement, type Params } from './match.js';
