// Voice notes: the mic button records with MediaRecorder (in the renderer; the file goes to main like any other),
// the composer shows the time while recording, and "send" stops and sends it as one voice message — "cancel"
// throws it away. The duration is measured here (a recorder's WebM carries none).
import { useEffect, useRef, useState } from 'react';
import { userMessage } from '../../errors';
import { queueMediaMessage } from '../../db/outgoing';
import { requireSession } from '../../store/session';
import { Icon } from '../../ui/Icon';
import { clock } from './AudioPlayer';
import { MediaRequestError, stageFile } from './mediaUrl';
import { checkFile } from './prepareFile';

const PREFERRED_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];

interface Recording {
  recorder: MediaRecorder;
  stream: MediaStream;
  chunks: Blob[];
  startedAt: number;
}

export interface VoiceRecorderProps {
  conversationId: string;
  /** Recording replaces the text field while it runs. */
  onRecordingChange(recording: boolean): void;
  onError(message: string): void;
  onSent(): void;
}

export function VoiceRecorder({ conversationId, onRecordingChange, onError, onSent }: VoiceRecorderProps) {
  const recording = useRef<Recording | null>(null);
  const [elapsed, setElapsed] = useState<number | null>(null);

  const active = elapsed !== null;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => recording.current && setElapsed(Date.now() - recording.current.startedAt), 250);
    return () => clearInterval(timer);
  }, [active]);

  // Leaving the chat while recording throws the recording away (the tracks stop, the microphone is released).
  useEffect(
    () => () => {
      const current = recording.current;
      recording.current = null;
      if (current && current.recorder.state !== 'inactive') current.recorder.stop();
      current?.stream.getTracks().forEach((track) => track.stop());
    },
    [],
  );

  async function start() {
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      onError('Recording is not available here.');
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const mimeType = PREFERRED_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
      const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
      const current: Recording = { recorder, stream, chunks: [], startedAt: Date.now() };
      recorder.addEventListener('dataavailable', (event) => event.data.size > 0 && current.chunks.push(event.data));
      // The clock starts when the recorder does (on a busy machine that is later than start() was called).
      recorder.addEventListener('start', () => (current.startedAt = Date.now()));
      recorder.start(250);
      recording.current = current;
      setElapsed(0);
      onRecordingChange(true);
    } catch {
      onError('Parley could not use a microphone. Check that one is connected and allowed.');
    }
  }

  /** Stops recording; resolves with what was recorded. */
  function stop(): Promise<{ audio: Blob; durationMs: number } | null> {
    const current = recording.current;
    recording.current = null;
    setElapsed(null);
    onRecordingChange(false);
    if (!current) return Promise.resolve(null);
    const durationMs = Date.now() - current.startedAt;
    return new Promise((resolve) => {
      current.recorder.addEventListener('stop', () => {
        current.stream.getTracks().forEach((track) => track.stop());
        resolve({ audio: new Blob(current.chunks, { type: current.recorder.mimeType || 'audio/webm' }), durationMs });
      });
      if (current.recorder.state === 'inactive') current.recorder.dispatchEvent(new Event('stop'));
      else current.recorder.stop();
    });
  }

  async function send() {
    const recorded = await stop();
    if (!recorded) return;
    const name = `Voice message ${new Date().toISOString().slice(0, 19).replace('T', ' ')}.${recorded.audio.type.includes('mp4') ? 'm4a' : 'webm'}`;
    try {
      await checkFile(recorded.audio, 'The recording');
      const view = await stageFile(recorded.audio, name, { voiceNote: true, durationMs: recorded.durationMs });
      const { db, me, outbox } = requireSession();
      await queueMediaMessage(db, { conversationId, caption: '', attachments: [view], me });
      outbox.poke(conversationId);
      onSent();
    } catch (error) {
      onError(error instanceof MediaRequestError ? error.message : userMessage(error, 'Parley could not send this voice message.'));
    }
  }

  if (elapsed === null) {
    return (
      <button type="button" className="composer-tool" aria-label="Record a voice message" title="Record a voice message" onClick={() => void start()}>
        <Icon name="mic" size={20} />
      </button>
    );
  }
  return (
    <div className="recorder" role="group" aria-label="Recording a voice message">
      <span className="recorder-dot" aria-hidden />
      <span className="recorder-time" aria-live="off">
        {clock(elapsed)}
      </span>
      <span className="recorder-hint">Recording…</span>
      <button type="button" className="icon-button" aria-label="Cancel recording" onClick={() => void stop()}>
        <Icon name="close" size={18} />
      </button>
      <button type="button" className="send-button" aria-label="Send voice message" onClick={() => void send()}>
        <Icon name="send" size={20} />
      </button>
    </div>
  );
}
