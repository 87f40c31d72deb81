// Selecting messages with the keyboard: ArrowUp / ArrowDown in the history move focus from message to message (from
// the list itself, ArrowUp selects the newest message in view). A selected message takes its actions' keys
// (MessageBubble). The list is virtualized with overscan, so the neighbours of a message in view are in the DOM.

/** Moves focus to the next or previous message; returns whether it did. */
export function moveMessageFocus(container: HTMLElement, from: EventTarget | null, direction: 'up' | 'down'): boolean {
  const messages = [...container.querySelectorAll<HTMLElement>('.message')];
  if (messages.length === 0) return false;
  const current = from instanceof HTMLElement ? from.closest<HTMLElement>('.message') : null;
  const index = current ? messages.indexOf(current) : -1;
  let next: HTMLElement | undefined;
  if (index >= 0) next = messages[direction === 'up' ? index - 1 : index + 1];
  else next = direction === 'up' ? lastInView(container, messages) : undefined;
  if (!next) return false;
  next.focus({ preventScroll: true });
  next.scrollIntoView({ block: 'nearest' });
  return true;
}

function lastInView(container: HTMLElement, messages: HTMLElement[]): HTMLElement | undefined {
  const view = container.getBoundingClientRect();
  const visible = messages.filter((message) => {
    const rect = message.getBoundingClientRect();
    return rect.bottom > view.top && rect.top < view.bottom;
  });
  return visible[visible.length - 1] ?? messages[messages.length - 1];
}
