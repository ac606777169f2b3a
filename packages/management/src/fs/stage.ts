import type { Context } from '../context.js';
import { FileLocation } from './location.js';

/** The Stage file system of a cluster or starter cluster (v2), or of a workspace group / starter workspace (v1). */
export class Stage extends FileLocation {
  readonly directories = true;
  protected readonly label = 'stage';

  constructor(
    ctx: Context,
    readonly deploymentId: string,
    version: string,
  ) {
    super(ctx, version);
  }

  protected fsPath(path: string): string {
    const id = encodeURIComponent(this.deploymentId);
    return this.version === 'v1' ? `stage/${id}/fs/${path}` : `clusters/${id}/stage/fs/${path}`;
  }

  override toString(): string {
    return `Stage(deploymentId=${JSON.stringify(this.deploymentId)})`;
  }
}
