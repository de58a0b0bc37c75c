/**
 * Group commit: writes that arrive while one is in flight wait and then go together in the next
 * `insertMany`. On a database with one writer at a time (SQLite under FerretDB) this turns many
 * lock acquisitions into one; on MongoDB it saves round trips. Each caller learns the fate of the
 * batch that carried its documents.
 */
export class BatchWriter<T> {
  private pending: { docs: T[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (docs: T[]) => Promise<void>,
    private readonly maxDocs = 500,
  ) {}

  add(docs: T[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ docs, resolve, reject });
      if (!this.writing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch: typeof this.pending = [];
    let size = 0;
    while (this.pending.length > 0 && size < this.maxDocs) {
      const next = this.pending.shift();
      if (!next) break;
      batch.push(next);
      size += next.docs.length;
    }
    try {
      await this.write(batch.flatMap((entry) => entry.docs));
      batch.forEach((entry) => entry.resolve());
    } catch (error) {
      batch.forEach((entry) => entry.reject(error));
    } finally {
      this.writing = false;
      if (this.pending.length > 0) void this.flush();
    }
  }
}
