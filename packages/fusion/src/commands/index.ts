import type { FusionRegistry, FusionRun } from '../registry.js';
import { BUILTIN_GRAMMARS } from './grammars.js';
import { showFusionCommands, showFusionGrammar, showFusionHelp } from './introspection.js';

/** Handlers of the built-in commands, by command key. */
const HANDLERS: Record<string, FusionRun> = {
  'SHOW FUSION COMMANDS': showFusionCommands,
  'SHOW FUSION GRAMMAR': showFusionGrammar,
  'SHOW FUSION HELP': showFusionHelp,
};

/** Registers every built-in command; hidden ones (models, exports) only when asked. */
export function registerBuiltins(registry: FusionRegistry, options: { hidden: boolean }): void {
  for (const [key, spec] of Object.entries(BUILTIN_GRAMMARS)) {
    const run = HANDLERS[key];
    if (!run || (spec.hidden && !options.hidden)) continue;
    registry.register({ grammar: spec.grammar, run, preview: spec.preview, deprecatedBy: spec.deprecatedBy }, { overwrite: true });
  }
}
