/**
 * `installFusion()`: registers the built-in commands and puts Fusion's statement hook into
 * @s2/core's execute path.
 */
import { setStatementHook, type StatementHook } from '@s2/core';
import { OptionError, options } from '@s2/base';
import { describeValue } from './errors.js';
import type { ManagementOptions } from '@s2/management';
import { registerBuiltins } from './commands/index.js';
import { executeFusion } from './execute.js';
import { FusionRegistry, type FusionCommandDefinition } from './registry.js';

export interface FusionOptions {
  /**
   * Answer Fusion statements. Unset: the `fusion.enabled` option, i.e. the variable
   * SINGLESTOREDB_FUSION_ENABLED, read again on every statement.
   */
  enabled?: boolean;
  /**
   * Register the hidden commands (models, exports). Unset: SINGLESTOREDB_FUSION_ENABLE_HIDDEN
   * (`1`, `t`, `true`, `y`, `yes`) at the time of the call.
   */
  enableHidden?: boolean;
  /** Options of the Management API client the commands use (token, base URL, fetch, ...). */
  management?: ManagementOptions;
}

const HIDDEN_ON = new Set(['1', 't', 'true', 'y', 'yes']);

interface FusionState {
  registry: FusionRegistry;
  enabled: boolean | undefined;
  hiddenRegistered: boolean;
  hook: StatementHook;
  management: ManagementOptions;
}

let state: FusionState | null = null;

/** Whether statements are answered by Fusion right now. */
export function fusionEnabled(): boolean {
  if (!state) return false;
  return state.enabled ?? options.get('fusion.enabled') === true;
}

/**
 * Installs Fusion (idempotent: later calls only change the options). Returns the registry, to
 * which user-defined commands can be added.
 */
export function installFusion(opts: FusionOptions = {}): FusionRegistry {
  checkOptions(opts);
  const hidden =
    opts.enableHidden ??
    HIDDEN_ON.has(
      (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.SINGLESTOREDB_FUSION_ENABLE_HIDDEN?.toLowerCase() ?? '',
    );
  if (!state) {
    const registry = new FusionRegistry();
    registerBuiltins(registry, hidden ? 'all' : 'visible');
    const hook: StatementHook = (sql, session, statement) => {
      if (!fusionEnabled()) return null;
      const command = registry.lookup(sql);
      return command ? executeFusion(command, sql, session, registry, state!.management, statement) : null;
    };
    state = { registry, enabled: opts.enabled, hiddenRegistered: hidden, hook, management: opts.management ?? {} };
  } else {
    if ('enabled' in opts) state.enabled = opts.enabled;
    if (opts.management) state.management = opts.management;
    if (hidden && !state.hiddenRegistered) {
      registerBuiltins(state.registry, 'hidden');
      state.hiddenRegistered = true;
    }
  }
  // Explicitly disabled: no hook at all, so statements pay nothing (the variable is not read).
  setStatementHook(state.enabled === false ? null : state.hook);
  return state.registry;
}

/** Wrong option types are refused before anything changes (`enabled: 'no'` must not enable Fusion). */
function checkOptions(opts: FusionOptions): void {
  if (!opts || typeof opts !== 'object' || Array.isArray(opts)) throw new OptionError(`installFusion options must be an object, not ${describeValue(opts)}`);
  for (const key of ['enabled', 'enableHidden'] as const) {
    if (opts[key] !== undefined && typeof opts[key] !== 'boolean')
      throw new OptionError(`installFusion option '${key}' must be true or false, not ${describeValue(opts[key])}`);
  }
  if (opts.management !== undefined && (!opts.management || typeof opts.management !== 'object')) {
    throw new OptionError(`installFusion option 'management' must be an object of Management API client options, not ${describeValue(opts.management)}`);
  }
}

/** Removes the hook: statements go to the server again (the registry is kept). */
export function uninstallFusion(): void {
  if (state) setStatementHook(null);
}

/** Registers a user-defined command (installs Fusion first when needed). */
export function registerFusionCommand(definition: FusionCommandDefinition, options: { overwrite?: boolean } = {}) {
  return (state?.registry ?? installFusion()).register(definition, options);
}
