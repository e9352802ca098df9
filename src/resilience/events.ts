/**
 * Typed events for the resilience policies: `policy.onStateChange((change) => …)` instead of string
 * event names. A listener is removed by calling the function `on` returns.
 */

export type Listener<T> = (event: T) => void;

/** Calling it removes the listener. */
export type Unsubscribe = () => void;

export class EventSource<T> {
  private listeners: ReadonlyArray<Listener<T>> = [];

  /** Adds a listener; returns the function that removes it. */
  readonly on = (listener: Listener<T>): Unsubscribe => {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((candidate) => candidate !== listener);
    };
  };

  emit(event: T): void {
    for (const listener of this.listeners) listener(event);
  }
}
