// Warnings and infos a query raises besides its result, with Prometheus's texts.

/** A set of annotations, deduplicated by text, in the order first raised. */
export class Annotations {
  readonly warnings = new Set<string>();
  readonly infos = new Set<string>();

  warn(text: string): void {
    this.warnings.add(`PromQL warning: ${text}`);
  }

  info(text: string): void {
    this.infos.add(`PromQL info: ${text}`);
  }

  /** Storage warnings are passed on as they are. */
  addStorageWarning(text: string): void {
    this.warnings.add(text);
  }
}
