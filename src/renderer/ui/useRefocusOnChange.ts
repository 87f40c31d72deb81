// Keeping the keyboard's place when the button a person pressed is replaced by another (Mute by Unmute, Block by
// Unblock): the pressed button leaves the page, and with it the focus, which would fall back to the page's start.
import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * Call `refocus()` as the change is asked for; once `state` has changed, the focus goes to the first button in
 * `container`.
 */
export function useRefocusOnChange<T extends HTMLElement>(state: unknown): { container: RefObject<T | null>; refocus(): void } {
  const container = useRef<T>(null);
  const wanted = useRef(false);
  useLayoutEffect(() => {
    if (!wanted.current) return;
    wanted.current = false;
    container.current?.querySelector<HTMLElement>('button')?.focus();
  }, [state]);
  return {
    container,
    refocus: () => {
      wanted.current = true;
    },
  };
}
