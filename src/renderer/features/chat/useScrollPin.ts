// Holds the message list where the person left it: at the newest message, or at the unread divider the chat
// opened on. Rows measure themselves after the first paint (slowly on a busy machine), banners above the list
// come and go, and messages arrive; each of these changes sizes, and each time the pin puts the list back. Only
// the person moves it: a wheel, a touch, a key or the scrollbar unpins it, and scrolling back to the bottom
// pins it to the newest message again.
import { useCallback, useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/** Where the list is held: the newest message, an item (the unread divider) or nowhere (the person scrolled). */
export type Pin = { kind: 'end' } | { kind: 'item'; place(): void } | null;

/** Keys that scroll a focused list. */
const SCROLL_KEYS = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);

function distanceFromEnd(element: HTMLElement): number {
  return element.scrollHeight - element.clientHeight - element.scrollTop;
}

export interface ScrollPin {
  /** Holds the list at the bottom from now on (opening, sending, "jump to newest"). */
  pinToEnd(): void;
  /** Holds an item in place with `place`, which scrolls it into position (the virtualizer knows how). */
  pinToItem(place: () => void): void;
}

/**
 * `holdsNewest` says whether the loaded window ends at the newest message: the bottom of an older page is not
 * "the newest message" and is not pinned (paging newer takes the person there).
 */
export function useScrollPin(
  scroller: RefObject<HTMLElement | null>,
  canvas: RefObject<HTMLElement | null>,
  endThresholdPx: number,
  holdsNewest: boolean,
): ScrollPin {
  const pin = useRef<Pin>(null);
  const personScrolling = useRef(false);
  const newestLoaded = useRef(holdsNewest);
  // Follows the rows on screen, not the render: a scroll event that arrives after the render of a newer page and
  // before its rows reach the DOM sees the old page's bottom, which is not the newest message.
  useLayoutEffect(() => {
    newestLoaded.current = holdsNewest;
  }, [holdsNewest]);
  // Whether the list was at its bottom before the latest change of size (kept on every scroll).
  const wasAtEnd = useRef(false);

  const hold = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    // An unread divider held with everything after it in view is a list at the bottom: it follows what arrives.
    if (pin.current?.kind === 'item' && wasAtEnd.current && newestLoaded.current) pin.current = { kind: 'end' };
    const current = pin.current;
    if (current?.kind === 'end') element.scrollTop = element.scrollHeight - element.clientHeight;
    else current?.place();
    wasAtEnd.current = distanceFromEnd(element) <= endThresholdPx;
  }, [scroller, endThresholdPx]);

  useEffect(() => {
    const element = scroller.current;
    const content = canvas.current;
    if (!element || !content) return;
    // Sizes settle after layout and before paint: putting the list back here never shows the jump.
    const resizes = new ResizeObserver(hold);
    resizes.observe(element);
    resizes.observe(content);
    const personMoves = () => {
      personScrolling.current = true;
    };
    const onKey = (event: KeyboardEvent) => {
      if (SCROLL_KEYS.has(event.key)) personMoves();
    };
    const onPointer = (event: PointerEvent) => {
      // The scrollbar belongs to the scroller itself; a press on a bubble is not a scroll.
      if (event.target === element) personMoves();
    };
    const onScroll = () => {
      const atEnd = distanceFromEnd(element) <= endThresholdPx;
      wasAtEnd.current = atEnd;
      if (personScrolling.current) pin.current = atEnd && newestLoaded.current ? { kind: 'end' } : null;
    };
    const settle = () => {
      personScrolling.current = false;
    };
    element.addEventListener('wheel', personMoves, { passive: true });
    element.addEventListener('touchmove', personMoves, { passive: true });
    element.addEventListener('keydown', onKey);
    element.addEventListener('pointerdown', onPointer);
    element.addEventListener('scroll', onScroll, { passive: true });
    element.addEventListener('scrollend', settle);
    element.addEventListener('pointerup', settle);
    return () => {
      resizes.disconnect();
      element.removeEventListener('wheel', personMoves);
      element.removeEventListener('touchmove', personMoves);
      element.removeEventListener('keydown', onKey);
      element.removeEventListener('pointerdown', onPointer);
      element.removeEventListener('scroll', onScroll);
      element.removeEventListener('scrollend', settle);
      element.removeEventListener('pointerup', settle);
    };
  }, [scroller, canvas, hold, endThresholdPx]);

  return {
    pinToEnd: useCallback(() => {
      pin.current = { kind: 'end' };
      personScrolling.current = false;
      hold();
    }, [hold]),
    pinToItem: useCallback(
      (place: () => void) => {
        pin.current = { kind: 'item', place };
        personScrolling.current = false;
        hold();
      },
      [hold],
    ),
  };
}
