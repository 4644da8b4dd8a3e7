/** A minimal typed event emitter with VS Code's `event(listener) -> Disposable` shape, minus `vscode`. */

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

export class Emitter<T> implements Disposable {
  private listeners: Listener<T>[] = [];
  private disposed = false;

  readonly event = (listener: Listener<T>): Disposable => {
    if (this.disposed) return { dispose: () => undefined };
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  fire(value: T): void {
    // A copy: listeners may unsubscribe while being called.
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (e) {
        console.error('listener failed:', e);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}
