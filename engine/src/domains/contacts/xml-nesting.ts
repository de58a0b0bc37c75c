const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

type State = 'text' | 'lt' | 'open' | 'slash' | 'quoted' | 'skip';

/**
 * How deep the elements of an XML stream nest, read byte by byte without parsing, at a few
 * nanoseconds a byte. An XML parser keeps a frame for every open element, so a part made of
 * millions of nested elements exhausts memory long before its size limit; this measures the
 * nesting before any parser sees the part. Comments and declarations are skipped to their `>`;
 * a comment holding `<a` counts it, which can only over-count (Excel writes none).
 */
export class XmlNesting {
  private state: State = 'text';
  private quote = 0;
  private depth = 0;
  deepest = 0;

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'text') {
        // Text between tags is most of a sheet: jump to the next `<` natively.
        const next = chunk.indexOf(LT, i);
        if (next < 0) return;
        this.state = 'lt';
        i = next + 1;
        continue;
      }
      this.step(chunk[i] ?? 0);
      i += 1;
    }
  }

  private step(byte: number): void {
    switch (this.state) {
      case 'text':
        if (byte === LT) this.state = 'lt';
        return;
      case 'lt':
        if (byte === SLASH) {
          this.depth = Math.max(0, this.depth - 1);
          this.state = 'skip';
        } else if (byte === BANG || byte === QUESTION) this.state = 'skip';
        else {
          this.depth += 1;
          this.deepest = Math.max(this.deepest, this.depth);
          this.state = 'open';
        }
        return;
      case 'open':
      case 'slash':
        this.inTag(byte);
        return;
      case 'quoted':
        if (byte === this.quote) this.state = 'open';
        return;
      case 'skip':
        if (byte === GT) this.state = 'text';
        return;
    }
  }

  /** Inside an opening tag: a quoted value may hold `>` or `/`; `/>` closes the element it opened. */
  private inTag(byte: number): void {
    if (byte === GT) {
      if (this.state === 'slash') this.depth = Math.max(0, this.depth - 1);
      this.state = 'text';
    } else if (byte === DOUBLE_QUOTE || byte === SINGLE_QUOTE) {
      this.quote = byte;
      this.state = 'quoted';
    } else this.state = byte === SLASH ? 'slash' : 'open';
  }
}
