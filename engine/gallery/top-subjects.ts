/** The k best subjects of a scan by fused score: collected loosely, sorted and cut when it doubles. */
export class TopSubjects {
  readonly #k: number;
  readonly #columns: number;
  #subjects: number[] = [];
  #fused: number[] = [];
  #rows: Float32Array[] = [];
  #floor = -Infinity;

  constructor(k: number, columns: number) {
    this.#k = Math.max(1, k);
    this.#columns = columns;
  }

  offer(subject: number, fused: number, row: Float32Array): void {
    if (fused < this.#floor) return;
    this.#subjects.push(subject);
    this.#fused.push(fused);
    this.#rows.push(row.slice());
    if (this.#subjects.length >= 2 * this.#k) this.#cut();
  }

  result(): { subjects: Uint32Array; fused: Float32Array; perFinger: Float32Array } {
    this.#cut();
    const perFinger = new Float32Array(this.#subjects.length * this.#columns);
    this.#rows.forEach((r, i) => perFinger.set(r, i * this.#columns));
    return { subjects: Uint32Array.from(this.#subjects), fused: Float32Array.from(this.#fused), perFinger };
  }

  #cut(): void {
    const order = this.#fused.map((_, i) => i).sort((a, b) => this.#fused[b] - this.#fused[a] || this.#subjects[a] - this.#subjects[b]);
    const keep = order.slice(0, this.#k);
    this.#subjects = keep.map((i) => this.#subjects[i]);
    this.#fused = keep.map((i) => this.#fused[i]);
    this.#rows = keep.map((i) => this.#rows[i]);
    if (this.#subjects.length === this.#k) this.#floor = this.#fused[this.#k - 1];
  }
}
