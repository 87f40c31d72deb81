// Files in the renderer: picked files go to the preview tray (handed to main through the media URL at once), can be
// removed, and are sent with the composer's text as one message; files main would refuse are refused here first,
// before a byte moves. Received files show in the bubble: a document as a card that downloads on request, progress
// with pause and cancel while a transfer moves, and the chat list names them.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttachmentView } from '../../../shared/ipc';
import { ensureConversation } from '../../db/conversations';
import { storeReceived } from '../../db/incoming';
import { FILES_SWEPT } from '../../sync/fileSweep';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { actionFrom, attachmentView, mediaFrom } from '../../testing/messages';
import { renderApp, resetApp, restartApp, sessionDb } from '../../testing/renderApp';
import { clock } from './AudioPlayer';
import { describeAttachments } from './describeAttachments';

useFakeLayout();

/** The first render of a chat can take seconds on a loaded machine (the CI box is shared). */
const LOADED = { timeout: 10_000 };

/** main's side of the media URL: every hand-over becomes an outgoing attachment the fake main knows. */
const handedOver: string[] = [];
let fetchMock: ReturnType<typeof vi.fn>;
let fakeMain: { putAttachment(view: AttachmentView): void } | null = null;

beforeEach(() => {
  handedOver.length = 0;
  fetchMock = vi.fn(async (url: string) => {
    handedOver.push(url);
    const name = new URL(url, 'parley-media://x').searchParams.get('name') ?? 'file';
    const view = attachmentView({ direction: 'outgoing', fileName: name, state: 'uploading' });
    fakeMain?.putAttachment(view);
    return new Response(JSON.stringify(view), { status: 201, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(async () => {
  vi.unstubAllGlobals();
  fakeMain = null;
  await resetApp();
});

async function openBob() {
  const rendered = await renderApp({ contacts: [fakeContact('bob')], seed: (db) => ensureConversation(db, 'dm:bob', 'bob', 1).then(() => undefined) });
  fakeMain = rendered.fake;
  act(() => useChats.getState().select('dm:bob'));
  await screen.findByRole('log', { name: 'Messages with bob' }, LOADED);
  return rendered;
}

describe('sending files', () => {
  it('puts picked files in the tray, removes one, and sends the rest with the caption as one message', async () => {
    const { user, fake } = await openBob();
    const pdf = new File(['%PDF-1.7 quarterly numbers'], 'Q3 report.pdf', { type: 'application/pdf' });
    const notes = new File(['notes'], 'notes.txt', { type: 'text/plain' });
    await user.upload(screen.getByTestId('attach-input'), [pdf, notes]);
    const tray = await screen.findByTestId('attachment-tray');
    await waitFor(() => expect(within(tray).getAllByTestId('tray-item').map((item) => item.className)).toEqual(['tray-item tray-ready', 'tray-item tray-ready']));
    expect(handedOver.map((url) => new URL(url, 'parley-media://x').searchParams.get('name'))).toEqual(['Q3 report.pdf', 'notes.txt']);
    const staged = [...fake.attachments.values()];

    await user.click(within(tray).getByRole('button', { name: 'Remove notes.txt' }));
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'media.cancel').map((call) => call.request)).toEqual([{ id: staged[1]!.id }]));
    await user.type(screen.getByTestId('composer-input'), 'Numbers for Q3{Enter}');

    await waitFor(() => expect(fake.sent.map((request) => request.content).filter((content) => content.kind !== 'typing')).toEqual([{ kind: 'media', caption: 'Numbers for Q3', attachmentIds: [staged[0]!.id] }]));
    expect(screen.queryByTestId('attachment-tray')).toBeNull();
    const bubble = (await screen.findByText('Numbers for Q3')).closest('.message') as HTMLElement;
    expect(within(bubble).getByText('Q3 report.pdf')).toBeTruthy();
    const [row] = await sessionDb().messages.where('conversationId').equals('dm:bob').toArray();
    expect(row).toMatchObject({ direction: 'out', body: 'Numbers for Q3', attachments: [{ id: staged[0]!.id }] });
  });

  it('refuses a file over 2 GiB, and an empty one, before anything is handed over', async () => {
    const { user, fake } = await openBob();
    const huge = new File(['x'], 'disk.iso');
    Object.defineProperty(huge, 'size', { value: 2 ** 31 + 1 });
    const empty = new File([], 'empty.txt');
    await user.upload(screen.getByTestId('attach-input'), [huge, empty]);
    const tray = await screen.findByTestId('attachment-tray');
    await within(tray).findByText(/“disk.iso” is 2.0 GB; files can be at most 2 GB/);
    await within(tray).findByText('“empty.txt” is empty.');
    expect(fetchMock).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('composer-input'), 'here{Enter}');
    expect(await screen.findByText('Remove the files that cannot be sent first.')).toBeTruthy();
    expect(fake.sent.filter((request) => request.content.kind !== 'typing')).toEqual([]);
  });

  it('takes files pasted into the composer', async () => {
    const { user } = await openBob();
    await user.click(screen.getByTestId('composer-input'));
    await user.paste({ files: [new File(['%PDF-1.4'], 'pasted.pdf', { type: 'application/pdf' })] } as unknown as DataTransfer);
    await within(await screen.findByTestId('attachment-tray')).findByText('pasted.pdf');
  });
});

describe('received files', () => {
  it('shows a document card that downloads on request, then offers to save it', async () => {
    const { user, fake } = await openBob();
    // Over the 16 MB main downloads by itself unless Settings say otherwise.
    const doc = attachmentView({ fileName: 'minutes.pdf', size: 40 * 1024 * 1024 });
    fake.putAttachment(doc);
    fake.deliver(mediaFrom('bob', 'm1', [doc], 'From the meeting'));
    const card = await screen.findByTestId('attachment-document', {}, LOADED);
    expect(within(card).getByText('minutes.pdf')).toBeTruthy();
    expect(within(card).getByText(/PDF · 40 MB/)).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: 'Download minutes.pdf' }));
    const save = await within(card).findByRole('link', { name: 'Save minutes.pdf' });
    expect(save.getAttribute('href')).toBe(`parley-media://attachment/${doc.id}?download=1`);
    expect(await screen.findByText('From the meeting')).toBeTruthy();
  });

  it('opens a document in the desktop app through main (saved where the user chooses), and warns before a program', async () => {
    const { user, fake } = await openBob();
    fake.info = { ...fake.info, shell: 'electron' };
    const doc = attachmentView({ fileName: 'minutes.pdf', state: 'downloaded' });
    const program = attachmentView({ fileName: 'setup.exe', contentType: 'application/x-msdownload', executable: true, state: 'downloaded' });
    fake.putAttachment(doc);
    fake.putAttachment(program);
    fake.deliver(mediaFrom('bob', 'm1', [doc, program]));
    const [docCard, programCard] = await screen.findAllByTestId('attachment-document', {}, LOADED);
    await user.click(await within(docCard!).findByRole('button', { name: 'Open minutes.pdf' }));
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'media.open').map((call) => call.request)).toEqual([{ id: doc.id }]));

    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal('confirm', confirm);
    await user.click(within(programCard!).getByRole('button', { name: 'Open setup.exe' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Parley will not start it'));
    expect(fake.calls.filter((call) => call.channel === 'media.open')).toHaveLength(1);
    await user.click(within(programCard!).getByRole('button', { name: 'Open setup.exe' }));
    expect(await within(programCard!).findByRole('status')).toHaveProperty('textContent', 'Saved and shown in its folder. Parley did not start it.');
    expect(fake.calls.filter((call) => call.channel === 'media.open').map((call) => call.request)).toEqual([{ id: doc.id }, { id: program.id }]);
  });

  it('offers only Save in the browser shell, which cannot hand files to other apps', async () => {
    const { fake } = await openBob();
    const doc = attachmentView({ fileName: 'minutes.pdf', state: 'downloaded' });
    fake.putAttachment(doc);
    fake.deliver(mediaFrom('bob', 'm1', [doc]));
    const card = await screen.findByTestId('attachment-document', {}, LOADED);
    await within(card).findByRole('link', { name: 'Save minutes.pdf' });
    await waitFor(() => expect(fake.calls.some((call) => call.channel === 'app.info')).toBe(true));
    expect(within(card).queryByRole('button', { name: 'Open minutes.pdf' })).toBeNull();
  });

  it('has main delete the files of a message deleted here (Delete key) or by its sender for everyone', async () => {
    const { user, fake } = await openBob();
    const photo = attachmentView({ fileName: 'boat.jpg', state: 'downloaded', message: { conversationId: 'dm:bob', messageId: 'm1', sender: 'bob' } });
    const doc = attachmentView({ fileName: 'plan.pdf', kind: 'file', contentType: 'application/pdf', message: { conversationId: 'dm:bob', messageId: 'm2', sender: 'bob' } });
    fake.putAttachment(photo);
    fake.putAttachment(doc);
    fake.deliver(mediaFrom('bob', 'm1', [photo], 'the boat'));
    fake.deliver(mediaFrom('bob', 'm2', [doc], 'the plan'));
    const forgotten = () => fake.calls.filter((call) => call.channel === 'media.forgetMessages').map((call) => call.request);

    const bubble = (await screen.findByText('the boat', {}, LOADED)).closest('.message') as HTMLElement;
    act(() => bubble.focus());
    await user.keyboard('{Delete}');
    await waitFor(() => expect(forgotten()).toEqual([{ messages: [{ conversationId: 'dm:bob', messageId: 'm1', sender: 'bob', files: [photo.id] }] }]), LOADED);
    expect(fake.attachments.has(photo.id)).toBe(false);

    fake.deliver(actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'm2' }));
    await within(screen.getByRole('log', { name: 'Messages with bob' })).findByText('This message was deleted.', {}, LOADED);
    await waitFor(() => expect(forgotten()).toHaveLength(2), LOADED);
    expect(forgotten()[1]).toEqual({ messages: [{ conversationId: 'dm:bob', messageId: 'm2', sender: 'bob', files: [doc.id] }] });
    expect(fake.attachments.has(doc.id)).toBe(false);
  });

  it('deletes the files of a message deleted just before the app stopped, when it starts again', async () => {
    const { user, fake } = await openBob();
    const photo = attachmentView({ fileName: 'boat.jpg', state: 'downloaded', message: { conversationId: 'dm:bob', messageId: 'm1', sender: 'bob' } });
    fake.putAttachment(photo);
    fake.deliver(mediaFrom('bob', 'm1', [photo], 'the boat'));
    const bubble = (await screen.findByText('the boat', {}, LOADED)).closest('.message') as HTMLElement;
    // The app stops after the row is deleted and before main has deleted the files: main never answers.
    fake.failNext('media.forgetMessages', { code: 'internal', message: 'Parley stopped.' }, 1_000);
    act(() => bubble.focus());
    await user.keyboard('{Delete}');
    await waitFor(() => expect(screen.queryByText('the boat')).toBeNull(), LOADED);
    expect(fake.attachments.has(photo.id)).toBe(true);

    // Main starts with the file still in its store; the note made with the delete has it deleted.
    const restarted = await restartApp({ contacts: [fakeContact('bob')], attachments: [photo] });
    await waitFor(() => expect(restarted.fake.attachments.has(photo.id)).toBe(false), LOADED);
    await waitFor(async () => expect(await sessionDb().fileDeletions.count()).toBe(0), LOADED);
  });

  it('sweeps once at the first start: files main kept for messages no longer here go, those of stored messages stay', async () => {
    const kept = attachmentView({ fileName: 'kept.jpg', state: 'downloaded', message: { conversationId: 'dm:bob', messageId: 'm1', sender: 'bob' } });
    const stale = attachmentView({ fileName: 'stale.jpg', state: 'downloaded', message: { conversationId: 'dm:bob', messageId: 'm0', sender: 'bob' } });
    const { fake } = await renderApp({
      contacts: [fakeContact('bob')],
      attachments: [kept, stale],
      seed: async (db) => {
        await storeReceived(db, [mediaFrom('bob', 'm1', [kept], 'still here')], 'alice', (id) => id.slice(3));
      },
    });
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'media.sweep').map((call) => call.request)).toEqual([{ ids: [stale.id] }]), LOADED);
    expect([...fake.attachments.keys()]).toEqual([kept.id]);
    await waitFor(async () => expect(await sessionDb().meta.get(FILES_SWEPT)).toBeDefined(), LOADED);
  });

  it('shows progress while a file moves, with pause and cancel', async () => {
    const { user, fake } = await openBob();
    const video = attachmentView({ kind: 'video', contentType: 'video/mp4', fileName: 'clip.mp4', size: 100_000_000, total: 100_000_000 });
    fake.putAttachment(video);
    fake.deliver(mediaFrom('bob', 'm2', [video]));
    const frame = await screen.findByTestId('attachment-video', {}, LOADED);
    expect(within(frame).getByRole('button', { name: 'Play clip.mp4' })).toBeTruthy();
    act(() => fake.putAttachment({ ...video, state: 'downloading', transferred: 40_000_000 }));
    const bar = await within(frame).findByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    await user.click(within(frame).getByRole('button', { name: 'Pause' }));
    await within(frame).findByText('Paused at 40%');
    await user.click(within(frame).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(within(frame).queryByRole('progressbar')).toBeNull());
    expect(fake.calls.filter((call) => /^media\.(download|pause|resume|cancel)$/.test(call.channel)).map((call) => call.channel)).toEqual(['media.pause', 'media.cancel']);
  });

  it('opens an image in a viewer that zooms (button, wheel, keys) and pans (keys, drag), walks the chat’s images and videos and saves; a video bubble opens it too', async () => {
    const first = attachmentView({ kind: 'image', contentType: 'image/png', fileName: 'first.png', width: 800, height: 600 });
    const [second, third] = [attachmentView({ kind: 'image', contentType: 'image/jpeg', fileName: 'second.jpg' }), attachmentView({ kind: 'image', contentType: 'image/jpeg', fileName: 'third.jpg' })];
    const clip = attachmentView({ kind: 'video', contentType: 'video/webm', fileName: 'clip.webm' });
    const { user, fake } = await renderApp({
      contacts: [fakeContact('bob')],
      seed: async (db) => {
        await ensureConversation(db, 'dm:bob', 'bob', 1);
        await db.messages.add({ conversationId: 'dm:bob', messageId: 'p1', sender: 'bob', direction: 'in', body: 'one', timestamp: 1, attachments: [first] });
        await db.messages.add({ conversationId: 'dm:bob', messageId: 't1', sender: 'bob', direction: 'in', body: 'no picture here', timestamp: 2 });
        await db.messages.add({ conversationId: 'dm:bob', messageId: 'p2', sender: 'alice', direction: 'out', body: 'two', timestamp: 3, status: 'sent', attachments: [second, third] });
        await db.messages.add({ conversationId: 'dm:bob', messageId: 'p3', sender: 'bob', direction: 'in', body: 'and a clip', timestamp: 4, attachments: [clip] });
      },
    });
    for (const image of [first, second, third, clip]) fake.putAttachment({ ...image, state: 'downloaded' });
    act(() => useChats.getState().select('dm:bob'));
    await user.click(await screen.findByRole('button', { name: 'Open first.png' }, LOADED));
    const viewer = await screen.findByRole('dialog', { name: 'first.png' });
    expect(within(viewer).getByTestId('viewer-image').getAttribute('src')).toBe(`parley-media://attachment/${first.id}`);
    expect(within(viewer).getByRole('link', { name: 'Save' }).getAttribute('href')).toBe(`parley-media://attachment/${first.id}?download=1`);
    await user.click(within(viewer).getByRole('button', { name: 'Actual size' }));
    expect(within(viewer).getByRole('button', { name: 'Fit to window' }).getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect((within(viewer).getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false));
    expect((within(viewer).getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(viewer).getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('dialog', { name: 'second.jpg' })).toBeTruthy();
    await waitFor(() => expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false));
    await user.keyboard('{ArrowRight}');
    const atThird = await screen.findByRole('dialog', { name: 'third.jpg' });
    // The wheel (or a pinch, which arrives as one) zooms the image towards the pointer; - zooms back out.
    const zoomedImage = () => within(atThird).getByTestId('viewer-image');
    // The fitted image measures 400 × 300 here: zoomed 125%, it may move up to a quarter of that either way.
    Object.defineProperties(zoomedImage(), { offsetWidth: { value: 400 }, offsetHeight: { value: 300 } });
    fireEvent.wheel(zoomedImage(), { deltaY: -100 });
    expect(zoomedImage().style.transform).toBe('translate(0px, 0px) scale(1.25)');
    expect(within(atThird).getByRole('status').textContent).toBe('125%');
    // Zoomed, the arrow keys pan instead of walking (and stop at the edge); dragging pans too.
    await user.keyboard('{ArrowRight}{ArrowDown}');
    expect(zoomedImage().style.transform).toBe('translate(-60px, -60px) scale(1.25)');
    await user.keyboard('{ArrowRight}');
    expect(zoomedImage().style.transform).toBe('translate(-100px, -60px) scale(1.25)');
    expect(screen.getByRole('dialog', { name: 'third.jpg' })).toBeTruthy();
    fireEvent.pointerDown(zoomedImage(), { pointerId: 1, button: 0, clientX: 100, clientY: 100 });
    fireEvent.pointerMove(zoomedImage(), { pointerId: 1, clientX: 130, clientY: 90 });
    fireEvent.pointerUp(zoomedImage(), { pointerId: 1, clientX: 130, clientY: 90 });
    expect(zoomedImage().style.transform).toBe('translate(-70px, -70px) scale(1.25)');
    await user.keyboard('-');
    expect(zoomedImage().style.transform).toBe('');
    await waitFor(() => expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(false));
    // Videos are walked too; the chat's last one has nothing after it.
    await user.keyboard('{ArrowRight}');
    const atClip = await screen.findByRole('dialog', { name: 'clip.webm' });
    expect(within(atClip).getByTestId('viewer-video').getAttribute('src')).toBe(`parley-media://attachment/${clip.id}`);
    expect(within(atClip).queryByRole('button', { name: 'Actual size' })).toBeNull();
    await waitFor(() => expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(false));
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
    await user.keyboard('{ArrowLeft}');
    expect(await screen.findByRole('dialog', { name: 'third.jpg' })).toBeTruthy();
    await waitFor(() => expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(false));
    await user.keyboard('{ArrowLeft}');
    expect(await screen.findByRole('dialog', { name: 'second.jpg' })).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // A video's bubble opens it in the viewer too, by keyboard.
    screen.getByRole('button', { name: 'Open clip.webm' }).focus();
    await user.keyboard('{Enter}');
    const fromBubble = await screen.findByRole('dialog', { name: 'clip.webm' });
    expect(within(fromBubble).getByTestId('viewer-video')).toBeTruthy();
    await waitFor(() => expect((within(fromBubble).getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(false));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('leaves automatic downloads to main: a received picture waits with its preview, shows once main downloads it', async () => {
    const { user, fake } = await openBob();
    const photo = attachmentView({ kind: 'image', contentType: 'image/png', fileName: 'photo.png', hasThumbnail: true, width: 40, height: 30 });
    fake.putAttachment(photo);
    fake.deliver(mediaFrom('bob', 'a1', [photo], 'look'));
    expect(await screen.findByRole('button', { name: 'Download photo.png' }, LOADED)).toBeTruthy();
    expect(fake.calls.filter((call) => call.channel === 'media.download')).toHaveLength(0);
    // Main started it as the message arrived (Settings › Media): the picture loads as its bytes come.
    act(() => fake.putAttachment({ ...photo, state: 'downloading', transferred: 10 }));
    expect(await screen.findByRole('button', { name: 'Open photo.png' }, LOADED)).toBeTruthy();

    await user.click(within(screen.getByRole('complementary')).getByRole('button', { name: 'Settings' }));
    const settings = await screen.findByRole('dialog', { name: 'Settings' }, LOADED);
    const media = () => within(within(settings).getByRole('group', { name: 'Download received files automatically' }));
    const limit = (name: string) => {
      const choice = media().getByRole('combobox', { name }) as HTMLSelectElement;
      return choice.options[choice.selectedIndex]?.textContent;
    };
    expect(['Photos', 'Videos', 'Audio and voice messages', 'Documents'].map(limit)).toEqual(['Up to 16 MB', 'Up to 50 MB', 'Up to 16 MB', 'Up to 16 MB']);
    await user.selectOptions(media().getByRole('combobox', { name: 'Videos' }), 'Never');
    await user.selectOptions(media().getByRole('combobox', { name: 'Documents' }), 'Any size');
    await waitFor(() => expect(fake.settings.autoDownload).toEqual({ image: 16 * 1024 * 1024, video: 0, audio: 16 * 1024 * 1024, file: 2 * 1024 * 1024 * 1024 }));
    await waitFor(() => expect(limit('Videos')).toBe('Never'));
  });

  it('names files in the chat list and notifications', () => {
    const photo = attachmentView({ kind: 'image', fileName: 'a.jpg' });
    expect(describeAttachments([photo])).toBe('Photo');
    expect(describeAttachments([photo, photo], 'beach')).toBe('2 photos · beach');
    expect(describeAttachments([attachmentView({ kind: 'audio', voiceNote: true })])).toBe('Voice message');
    expect(describeAttachments([attachmentView(), photo])).toBe('2 files');
  });

  it('counts a voice note’s time in whole seconds, as the recorder showed it', () => {
    expect(clock(1_500)).toBe('0:01');
    expect(clock(2_000)).toBe('0:02');
    expect(clock(2_900)).toBe('0:02');
    expect(clock(61_999)).toBe('1:01');
  });
});
