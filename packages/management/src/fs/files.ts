import type { Context } from '../context.js';
import { FileLocation } from './location.js';

export type FileSpaceName = 'personal' | 'shared' | 'models';

/** A flat file space of the organization (`files/fs/{personal|shared|models}/`): no directories. */
export class FileSpace extends FileLocation {
  readonly directories = false;
  protected readonly label = 'file';

  constructor(
    ctx: Context,
    readonly space: FileSpaceName,
    version: string,
  ) {
    super(ctx, version);
  }

  protected fsPath(path: string): string {
    return `files/fs/${this.space}/${path}`;
  }

  override toString(): string {
    return `FileSpace(${this.space})`;
  }
}

/** The three file spaces. */
export class FilesManager {
  readonly personal: FileSpace;
  readonly shared: FileSpace;
  readonly models: FileSpace;

  constructor(ctx: Context) {
    const v = ctx.client.config.version;
    this.personal = new FileSpace(ctx, 'personal', v);
    this.shared = new FileSpace(ctx, 'shared', v);
    this.models = new FileSpace(ctx, 'models', v);
  }

  space(name: FileSpaceName): FileSpace {
    return this[name];
  }
}
