/** A set of change listeners; notifying copies the set so a listener may unsubscribe while called. */
export class Listeners {
  private readonly set = new Set<() => void>();

  add(listener: () => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  notify(): void {
    for (const l of [...this.set]) l();
  }
}
