// The composer's placeholder names the chat ("Message Weekend hikers") where it fits on the field's one line, and
// says only "Message" where it does not: cut short, a name reads as a typo ("Message alexa"), and the chat's header
// already names it. The field's accessible name keeps the chat's name either way (its label).
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

let canvas: HTMLCanvasElement | undefined;

/** How wide `text` is drawn in `font`, or undefined where the page cannot measure (tests without canvas). */
function textWidth(font: string, text: string): number | undefined {
  canvas ??= document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.font = font;
  return context.measureText(text).width;
}

function fits(field: HTMLTextAreaElement, text: string): boolean {
  const style = getComputedStyle(field);
  const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const width = textWidth(style.font, text);
  return width === undefined || room <= 0 || width <= room;
}

/** `full` while it fits in the field, else `short`; follows the field's width, and the field when it is remounted. */
export function useFittingPlaceholder(field: RefObject<HTMLTextAreaElement | null>, full: string, short: string): string {
  const [placeholder, setPlaceholder] = useState(full);
  const watched = useRef<{ element: HTMLTextAreaElement; full: string; short: string; observer: ResizeObserver } | null>(null);
  // After every render: the field comes and goes (a voice recording replaces it), and the chat's name changes.
  useLayoutEffect(() => {
    const element = field.current;
    if (watched.current?.element === element && watched.current.full === full && watched.current.short === short) return;
    watched.current?.observer.disconnect();
    watched.current = null;
    if (!element) return;
    const choose = () => setPlaceholder(fits(element, full) ? full : short);
    const observer = new ResizeObserver(choose);
    observer.observe(element);
    watched.current = { element, full, short, observer };
    choose();
  });
  useEffect(() => () => watched.current?.observer.disconnect(), []);
  return placeholder;
}
