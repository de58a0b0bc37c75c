/** An insertion-ordered log with id lookup that forgets its oldest tenth when it outgrows `max`. */
export class CappedLog<T extends { id: string }> {
  private items: T[] = [];
  private readonly byId = new Map<string, T>();

  constructor(private max: number) {}

  add(item: T): T {
    this.items.push(item);
    this.byId.set(item.id, item);
    if (this.items.length > this.max) {
      const dropped = this.items.splice(0, Math.max(1, Math.floor(this.max / 10)));
      for (const old of dropped) this.byId.delete(old.id);
    }
    return item;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  all(): readonly T[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  resize(max: number): void {
    this.max = max;
  }

  clear(): void {
    this.items = [];
    this.byId.clear();
  }
}
