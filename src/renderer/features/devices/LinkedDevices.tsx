// Settings → Linked devices: the account's devices as the relay lists them (name, when linked, last seen, which one
// is this), "Remove" after a confirmation (the primary removes the others), and "Link a device" (primary only).
import { useCallback, useEffect, useState } from 'react';
import type { DeviceView } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { invoke } from '../../ipc';
import { deviceName, lastSeenText, linkedText } from './deviceText';
import { LinkDeviceForm } from './LinkDeviceForm';
import { FormError } from '../../ui/FormError';

export function LinkedDevices() {
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  const [linking, setLinking] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const reload = useCallback(() => {
    invoke('devices.list', {}).then(setDevices, (failure: unknown) => setError(userMessage(failure, 'Could not load your devices.')));
  }, []);
  useEffect(reload, [reload]);

  const current = devices?.find((device) => device.current);
  const isPrimary = current?.primary ?? false;
  const primary = devices?.find((device) => device.primary);

  async function remove(device: DeviceView) {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await invoke('devices.remove', { device: device.device });
      setConfirmRemove(null);
      setStatus(`“${deviceName(device)}” was removed. It no longer receives your messages.`);
      reload();
    } catch (failure) {
      setError(userMessage(failure, 'Could not remove the device. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  const now = Date.now();
  return (
    <section aria-labelledby="linked-devices-title" className="linked-devices">
      <h3 className="section-title" id="linked-devices-title">
        Linked devices
      </h3>
      {devices === null && !error && <p className="field-hint">Loading your devices…</p>}
      {devices && (
        <ul className="member-list device-list" aria-label="Your devices">
          {devices.map((device) => (
            <li key={device.device}>
              <span className="device-text">
                <span className="member-name">
                  {deviceName(device)}
                  {device.current && <span className="tag">this device</span>}
                </span>
                <span className="device-facts">{[linkedText(device, now), lastSeenText(device, now)].filter(Boolean).join(' · ')}</span>
              </span>
              {isPrimary &&
                !device.current &&
                (confirmRemove === device.device ? (
                  <span className="confirm">
                    <span>Remove “{deviceName(device)}”? It stops getting your messages.</span>
                    <button type="button" className="button-danger-solid" disabled={busy} onClick={() => void remove(device)} autoFocus>
                      Remove
                    </button>
                    <button type="button" className="button-secondary" onClick={() => setConfirmRemove(null)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button type="button" className="button-link button-danger" disabled={busy} onClick={() => setConfirmRemove(device.device)} aria-label={`Remove ${deviceName(device)}`}>
                    Remove
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
      {devices && isPrimary && !linking && (
        <button
          type="button"
          className="button-secondary button-inline"
          onClick={() => {
            setLinking(true);
            setStatus(null);
          }}
        >
          Link a device
        </button>
      )}
      {devices && !isPrimary && current && (
        <p className="field-hint">New devices are linked, and devices removed, from {primary ? `“${deviceName(primary)}”` : 'the device that created the account'}.</p>
      )}
      {linking && (
        <LinkDeviceForm
          onCancel={() => setLinking(false)}
          onLinked={(device) => {
            setLinking(false);
            setStatus(`“${deviceName(device)}” is linked.`);
            reload();
          }}
        />
      )}
      <FormError error={error} />
      {status && !error && <p className="form-success">{status}</p>}
    </section>
  );
}
