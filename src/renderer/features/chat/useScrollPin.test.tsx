// The pin holds the list where the person left it. The case here: the person scrolled to the bottom of an older page,
// the list pages newer history in, and that page reaches the newest message. A scroll event that arrives after React
// rendered the new page but before its rows reached the DOM still sees the bottom of the old page; it must not be
// taken for "at the newest message", or the list jumps past the page it just loaded.
import { render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useScrollPin } from './useScrollPin';

let resizeCallbacks: Array<() => void> = [];
const OriginalResizeObserver = globalThis.ResizeObserver;

class ManualResizeObserver {
  constructor(private readonly callback: () => void) {
    resizeCallbacks.push(callback);
  }
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {
    resizeCallbacks = resizeCallbacks.filter((callback) => callback !== this.callback);
  }
}

beforeEach(() => {
  resizeCallbacks = [];
  globalThis.ResizeObserver = ManualResizeObserver as unknown as typeof ResizeObserver;
});
afterEach(() => {
  globalThis.ResizeObserver = OriginalResizeObserver;
});

/** The hook on a bare scroller; `scrollDuringRender` delivers a scroll event between render and commit. */
function List({ holdsNewest, scrollDuringRender }: { holdsNewest: boolean; scrollDuringRender: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  useScrollPin(scroller, canvas, 48, holdsNewest);
  if (scrollDuringRender) scroller.current?.dispatchEvent(new Event('scroll'));
  return (
    <div ref={scroller} data-testid="scroller">
      <div ref={canvas} />
    </div>
  );
}

function sizes(element: HTMLElement, geometry: { scrollHeight: number; clientHeight: number }): void {
  Object.defineProperty(element, 'scrollHeight', { configurable: true, get: () => geometry.scrollHeight });
  Object.defineProperty(element, 'clientHeight', { configurable: true, get: () => geometry.clientHeight });
}

describe('useScrollPin', () => {
  it('keeps the place of a person who paged newer history in, however the scroll events fall', () => {
    const view = render(<List holdsNewest={false} scrollDuringRender={false} />);
    const scroller = view.getByTestId('scroller');
    const geometry = { scrollHeight: 1_000, clientHeight: 200 };
    sizes(scroller, geometry);
    // The person wheels down to the bottom of the older page.
    scroller.dispatchEvent(new Event('wheel'));
    scroller.scrollTop = 800;
    scroller.dispatchEvent(new Event('scroll'));

    // The newer page, which ends at the newest message, is rendered; a scroll event lands before its rows do.
    view.rerender(<List holdsNewest scrollDuringRender />);
    // Its rows are in: the content grew below the person's place, and the sizes settle.
    geometry.scrollHeight = 2_000;
    for (const settle of resizeCallbacks) settle();

    expect(scroller.scrollTop).toBe(800);
  });

  it('follows the newest message when the person scrolled to it', () => {
    const view = render(<List holdsNewest scrollDuringRender={false} />);
    const scroller = view.getByTestId('scroller');
    const geometry = { scrollHeight: 1_000, clientHeight: 200 };
    sizes(scroller, geometry);
    scroller.dispatchEvent(new Event('wheel'));
    scroller.scrollTop = 800;
    scroller.dispatchEvent(new Event('scroll'));

    // A message arrives below.
    geometry.scrollHeight = 1_060;
    for (const settle of resizeCallbacks) settle();

    expect(scroller.scrollTop).toBe(860);
  });
});
