export interface Place<T> {
  readonly value: T;
  prev: Place<T> | null;
  next: Place<T> | null;
}

/**
 * Values from least to most recently used, as a linked list: marking one used (moving it to the
 * end) or removing it is a few pointer writes, where a Map or Set kept in order has to delete and
 * insert the key again, hashing it twice.
 */
export class UseOrder<T> {
  private head: Place<T> | null = null;
  private tail: Place<T> | null = null;
  size = 0;

  /** Adds `value` as the most recently used; returns its place, to move or remove it by. */
  append(value: T): Place<T> {
    const place: Place<T> = { value, prev: this.tail, next: null };
    if (this.tail) this.tail.next = place;
    else this.head = place;
    this.tail = place;
    this.size++;
    return place;
  }

  remove(place: Place<T>): void {
    if (place.prev) place.prev.next = place.next;
    else this.head = place.next;
    if (place.next) place.next.prev = place.prev;
    else this.tail = place.prev;
    place.prev = place.next = null;
    this.size--;
  }

  /** Marks the value at `place` as the most recently used. */
  use(place: Place<T>): void {
    if (place === this.tail) return;
    this.remove(place);
    place.prev = this.tail;
    this.tail!.next = place;
    this.tail = place;
    this.size++;
  }

  /** From least to most recently used. */
  *values(): IterableIterator<T> {
    for (let place = this.head; place; place = place.next) yield place.value;
  }
}
