// Voice notes and audio files inline: play/pause, a seek bar and the time. The audio is fetched only when first
// played, then plays (and seeks) while it is still downloading, through the media URL's ranges.
import { useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../../shared/ipc';
import { Icon } from '../../ui/Icon';
import { attachmentUrl } from './mediaUrl';
import { TransferStatus } from './TransferStatus';

/** m:ss in whole seconds, rounded down like the recorder's running clock: a note sent when the recorder said 0:02
 * is a 0:02 note, and playing it counts up to 0:02. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export function AudioPlayer({ view }: { view: AttachmentView }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [started, setStarted] = useState(view.state === 'uploaded' || view.state === 'downloaded');
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(view.durationMs ?? 0);

  useEffect(() => {
    if (playing) void audio.current?.play().catch(() => setPlaying(false));
  }, [playing, started]);

  function toggle() {
    if (!started) setStarted(true);
    if (playing) audio.current?.pause();
    setPlaying(!playing);
  }

  const label = view.voiceNote ? 'Voice message' : view.fileName;
  return (
    <div className={`attachment attachment-audio${view.voiceNote ? ' attachment-voice' : ''}`} data-testid="attachment-audio">
      <div className="audio-row">
        <button type="button" className="audio-play" onClick={toggle} aria-label={`${playing ? 'Pause' : 'Play'} ${label}`}>
          <Icon name={playing ? 'pause' : 'play'} size={16} />
        </button>
        <input
          className="audio-seek"
          type="range"
          min={0}
          max={Math.max(1, duration)}
          step={100}
          value={Math.min(position, duration)}
          aria-label={`Seek in ${label}`}
          aria-valuetext={`${clock(position)} of ${clock(duration)}`}
          onChange={(event) => {
            const ms = Number(event.target.value);
            setPosition(ms);
            if (!started) setStarted(true);
            if (audio.current) audio.current.currentTime = ms / 1000;
          }}
        />
        <span className="audio-time">{playing || position > 0 ? `${clock(position)} / ${clock(duration)}` : clock(duration)}</span>
      </div>
      {!view.voiceNote && <div className="audio-name" dir="auto">{view.fileName}</div>}
      {started && (
        <audio
          ref={audio}
          src={attachmentUrl(view.id)}
          preload="metadata"
          onLoadedMetadata={(event) => Number.isFinite(event.currentTarget.duration) && setDuration(Math.round(event.currentTarget.duration * 1000))}
          onTimeUpdate={(event) => setPosition(Math.round(event.currentTarget.currentTime * 1000))}
          onEnded={() => {
            setPlaying(false);
            setPosition(0);
          }}
        />
      )}
      <TransferStatus view={view} />
    </div>
  );
}
