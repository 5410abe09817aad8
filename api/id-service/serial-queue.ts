/**
 * Runs tasks one at a time in arrival order. The enrolment decision (identify, then insert)
 * goes through one queue so two enrolments of one person can never both see an empty gallery.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #depth = 0;

  /** Tasks queued or running. */
  get depth(): number {
    return this.#depth;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.#depth++;
    const result = this.#tail.then(task).finally(() => {
      this.#depth--;
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  async drain(): Promise<void> {
    while (this.#depth > 0) await this.#tail;
  }
}
