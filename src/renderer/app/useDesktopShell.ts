// Whether this renderer runs in the desktop app (Electron), where main can reach the OS — tray, window, files;
// false in the browser shell, and until main has answered.
import { useEffect, useState } from 'react';
import { invoke } from '../ipc';

export function useDesktopShell(): boolean {
  const [desktop, setDesktop] = useState(false);
  useEffect(() => {
    let live = true;
    void invoke('app.info', {}).then(
      (info) => live && setDesktop(info.shell === 'electron'),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return desktop;
}
