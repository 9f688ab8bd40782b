// One copy of each label name and value string in the head, however many series repeat it.

export class StringInterner {
  private readonly strings = new Map<string, string>();

  intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** Forgets strings no series uses any more; `inUse` says which are still referenced. */
  retain(inUse: (s: string) => boolean): void {
    for (const s of this.strings.keys()) if (!inUse(s)) this.strings.delete(s);
  }

  get size(): number {
    return this.strings.size;
  }
}
