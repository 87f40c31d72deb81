// The new device's side of linking (reached from onboarding): name this device, then show the code main waits on
// the relay with — as a QR code and as text to copy — until the account's primary device links it. Main refreshes
// the code before it expires and reports every code, the link and a failure through `devices.linking`; this shows
// those states and, once linked, loads the account the primary sent.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { DeviceName, type LinkingView } from '../../../shared/ipc';
import { errorDetails, userMessage } from '../../errors';
import { errorSentence } from '../../i18n/errorText';
import { invoke, subscribe } from '../../ipc';
import { useAccount } from '../../store/account';
import { QrCode } from '../groups/invites/QrCode';
import { parseRelayField, useRelayField } from '../onboarding/useRelayField';
import { suggestedDeviceName, timeLeftText } from './deviceText';
import { FormError } from '../../ui/FormError';

type Step =
  | { kind: 'setup' }
  | { kind: 'starting' }
  | { kind: 'waiting'; code: string; expiresAt: number }
  | { kind: 'linked' }
  | { kind: 'failed'; text: string; details: string | null };

export function LinkThisDevice({ onBack }: { onBack(): void }) {
  const load = useAccount((store) => store.load);
  const [name, setName] = useState(() => suggestedDeviceName(navigator.userAgent));
  const [relayUrl, setRelayUrl] = useRelayField();
  const [step, setStep] = useState<Step>({ kind: 'setup' });
  const [fieldError, setFieldError] = useState<{ field: 'name' | 'relayUrl'; text: string } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const following = useRef(false);
  const nameId = useId();
  const relayId = useId();
  const codeId = useId();
  const errorId = useId();

  const show = (view: LinkingView) => {
    if (!following.current) return; // A late event of a linking this screen cancelled.
    if (view.state === 'waiting') setStep({ kind: 'waiting', code: view.code, expiresAt: view.expiresAt });
    else if (view.state === 'failed') {
      following.current = false;
      setStep({ kind: 'failed', text: errorSentence(view), details: null });
    } else {
      following.current = false;
      setStep({ kind: 'linked' });
      void load(); // The account now exists: the app moves on to the chats.
    }
  };
  const showRef = useRef(show);
  showRef.current = show;
  useEffect(() => subscribe('devices.linking', (view) => showRef.current(view)), []);

  useEffect(() => {
    if (step.kind !== 'waiting') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [step.kind]);

  // Leaving this screen stops waiting at the relay.
  useEffect(
    () => () => {
      if (following.current) void invoke('devices.cancelLinking', {}).catch(() => undefined);
    },
    [],
  );

  async function start(event?: FormEvent) {
    event?.preventDefault();
    const checkedName = DeviceName.safeParse(name);
    if (!checkedName.success) {
      setFieldError({ field: 'name', text: 'Give this device a name of 1–40 characters, so you recognise it in your list of devices.' });
      return;
    }
    const relays = parseRelayField(relayUrl);
    if ('error' in relays) {
      setFieldError({ field: 'relayUrl', text: relays.error });
      return;
    }
    setFieldError(null);
    setCopied(null);
    following.current = true;
    setStep({ kind: 'starting' });
    try {
      showRef.current(await invoke('devices.startLinking', { ...relays, name: checkedName.data }));
    } catch (failure) {
      following.current = false;
      setStep({ kind: 'failed', text: userMessage(failure, 'Could not start linking. Please try again.'), details: errorDetails(failure) });
    }
  }

  function cancel() {
    following.current = false;
    void invoke('devices.cancelLinking', {}).catch(() => undefined);
    setStep({ kind: 'setup' });
  }

  function copy(code: string) {
    navigator.clipboard.writeText(code).then(
      () => setCopied('Code copied.'),
      () => setCopied('Could not copy the code. Select it and copy it instead.'),
    );
  }

  if (step.kind === 'setup' || step.kind === 'starting') {
    const describe = (field: 'name' | 'relayUrl') => (fieldError?.field === field ? errorId : undefined);
    return (
      <form className="card onboarding-card" onSubmit={(event) => void start(event)} noValidate aria-labelledby={`${nameId}-title`}>
        <h1 id={`${nameId}-title`}>Link to an existing account</h1>
        <p className="muted">Use the account you already have on another computer. This device shows a code; your other device confirms it.</p>
        <label htmlFor={nameId}>Name for this device</label>
        <input
          id={nameId}
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={40}
          autoFocus
          autoComplete="off"
          aria-invalid={fieldError?.field === 'name' ? true : undefined}
          aria-describedby={describe('name')}
        />
        <label htmlFor={relayId}>Relay</label>
        <input
          id={relayId}
          value={relayUrl}
          onChange={(event) => setRelayUrl(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={fieldError?.field === 'relayUrl' ? true : undefined}
          aria-describedby={describe('relayUrl')}
        />
        <p className="field-hint">The relay your other device uses (Settings there shows it). Several relays of one service: separate them with commas.</p>
        <FormError error={fieldError?.text} id={errorId} />
        <button type="submit" className="button-primary button-wide" disabled={step.kind === 'starting'}>
          {step.kind === 'starting' ? 'Asking the relay…' : 'Show linking code'}
        </button>
        <p className="onboarding-switch">
          <button type="button" className="button-link" onClick={onBack}>
            Create a new account instead
          </button>
        </p>
      </form>
    );
  }

  if (step.kind === 'linked') {
    return (
      <div className="card onboarding-card" role="status">
        <h1>Linked</h1>
        <p>This device is now part of your account. Opening your chats…</p>
      </div>
    );
  }

  if (step.kind === 'failed') {
    return (
      <div className="card onboarding-card">
        <h1>Linking did not work</h1>
        <p className="form-error" role="alert">
          {step.text}
          {step.details && <span className="error-details">Details: {step.details}</span>}
        </p>
        <button type="button" className="button-primary button-wide" onClick={() => void start()} autoFocus>
          Try again
        </button>
        <p className="onboarding-switch">
          <button type="button" className="button-link" onClick={() => setStep({ kind: 'setup' })}>
            Back
          </button>
        </p>
      </div>
    );
  }

  const timeLeft = timeLeftText(step.expiresAt, now);
  return (
    <section className="card onboarding-card link-code-card" aria-labelledby={`${codeId}-title`}>
      <h1 id={`${codeId}-title`}>Link this device</h1>
      <ol className="link-steps">
        <li>On the computer where you use Parley, open Settings → Linked devices → Link a device.</li>
        <li>Copy the code below and paste it there, then confirm the name “{name.trim()}”.</li>
      </ol>
      <div className={timeLeft ? 'link-code-qr' : 'link-code-qr link-code-expired'}>
        <QrCode text={step.code} label="QR code of this device’s linking code" />
      </div>
      <label htmlFor={codeId}>Linking code</label>
      <div className="input-row">
        <input id={codeId} className="link-code-text" readOnly value={step.code} onFocus={(event) => event.target.select()} spellCheck={false} />
        <button type="button" className="button-secondary" onClick={() => copy(step.code)} autoFocus>
          Copy
        </button>
      </div>
      {timeLeft ? (
        <p className="field-hint">The code works once and is replaced before it expires ({timeLeft}).</p>
      ) : (
        <p className="form-error" role="alert">
          This code expired. A new one is on its way; if none comes, get one yourself.
        </p>
      )}
      {copied && <p className="field-hint">{copied}</p>}
      <p className="link-waiting" role="status">
        Waiting for your other device to confirm…
      </p>
      <div className="dialog-actions dialog-actions-split">
        <button type="button" className="button-link" onClick={cancel}>
          Cancel
        </button>
        {!timeLeft && (
          <button type="button" className="button-secondary" onClick={() => void start()}>
            Get a new code
          </button>
        )}
      </div>
    </section>
  );
}
