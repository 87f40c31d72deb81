// happy-dom does no layout: every element measures 0×0, so a virtualized list would show nothing. This gives the
// message scroller a window-sized box and every row a fixed height, enough for the virtualizer to render rows.
import { afterEach, beforeEach } from 'vitest';

const ROW_HEIGHT = 50;
const VIEWPORT = { width: 800, height: 600 };

function box(width: number, height: number): DOMRect {
  return { x: 0, y: 0, top: 0, left: 0, width, height, right: width, bottom: height, toJSON: () => ({}) } as DOMRect;
}

export function useFakeLayout(): void {
  const original = HTMLElement.prototype.getBoundingClientRect;
  const originalOffsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight');
  const originalOffsetWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth');
  const originalClientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
  const originalClientWidth = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
  beforeEach(() => {
    HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
      if (this.classList.contains('message-scroller')) return box(VIEWPORT.width, VIEWPORT.height);
      if (this.classList.contains('virtual-row')) return box(VIEWPORT.width, ROW_HEIGHT);
      return original.call(this);
    };
    Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
      configurable: true,
      get(this: HTMLElement) {
        if (this.classList.contains('message-scroller')) return VIEWPORT.height;
        if (this.classList.contains('virtual-row')) return ROW_HEIGHT;
        return 0;
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('message-scroller') ? VIEWPORT.width : 0;
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('message-scroller') ? VIEWPORT.height : 0;
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('message-scroller') ? VIEWPORT.width : 0;
      },
    });
  });
  afterEach(() => {
    delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
    delete (HTMLElement.prototype as { clientWidth?: number }).clientWidth;
    if (originalClientHeight) Object.defineProperty(Element.prototype, 'clientHeight', originalClientHeight);
    if (originalClientWidth) Object.defineProperty(Element.prototype, 'clientWidth', originalClientWidth);
    HTMLElement.prototype.getBoundingClientRect = original;
    if (originalOffsetHeight) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', originalOffsetHeight);
    if (originalOffsetWidth) Object.defineProperty(HTMLElement.prototype, 'offsetWidth', originalOffsetWidth);
  });
}
