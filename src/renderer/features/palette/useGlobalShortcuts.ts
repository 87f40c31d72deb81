// Keyboard shortcuts for the whole window: Ctrl+K (Cmd+K on macOS) opens or closes the jump-to-chat palette.
import { useEffect } from 'react';
import { useDialogs } from '../../store/dialogs';

export function isPaletteShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      event.preventDefault();
      const { open, show, close } = useDialogs.getState();
      if (open?.kind === 'palette') close();
      else if (!open) show({ kind: 'palette' });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
