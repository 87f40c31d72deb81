// Demo data for looking at the UI (the visual harness): a few contacts and groups and a believable history,
// with times relative to now so day separators read "Yesterday" and "Today".
import type { AttachmentView, ReceivedMessage } from '../../shared/ipc';
import { fakeAccount, fakeContact, fakeGroupId, type FakeParleyOptions } from './fakeParley';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const HIKE_GROUP = fakeGroupId(1);
export const BOOK_GROUP = fakeGroupId(2);

type Line = [from: string, minutesAfterStart: number, body: string];

const BOB_LINES: Line[] = [
  ['bob', 0, 'Hey! Are you still up for the ridge loop on Saturday?'],
  ['alice', 3, 'Absolutely. What time were you thinking?'],
  ['bob', 5, 'Early-ish, 7:30 at the trailhead? It gets busy after nine.'],
  ['alice', 6, 'Works for me ☀️'],
  ['bob', 9, 'Here is the route: https://trails.example.org/ridge-loop — about 14 km, 800 m up.'],
  ['alice', 14, 'Looks great. I will bring the stove and coffee.\nAnd the spare poles, if you need them.'],
  ['bob', 15, 'Perfect, my left pole broke last time 😅'],
  ['bob', 1_440 + 62, 'Weather update: dry until 3 pm, then showers. We should be down by then.'],
  ['alice', 1_440 + 70, 'Good call. Do we take the north descent or the one through the forest?'],
  [
    'bob',
    1_440 + 75,
    'Forest. The north one is steep and loose after rain, and the forest path passes the little hut where they sell the blueberry pie you liked so much last summer — it would be a crime to skip it.',
  ],
  ['alice', 1_440 + 80, 'Sold. Forest it is.'],
  ['bob', 2_880 + 5, 'Morning! Running ten minutes late, sorry.'],
  ['bob', 2_880 + 6, 'Save me a coffee?'],
  ['bob', 2_880 + 8, 'Also: www.example.com/parking has the parking info for the lower lot.'],
];

const HIKE_LINES: Line[] = [
  ['bob', 1_440 + 100, 'Who is driving on Saturday?'],
  ['carol', 1_440 + 104, 'I can take three people. Leaving from the station at 6:45.'],
  ['erin', 1_440 + 106, 'Count me in for a seat!'],
  ['erin', 1_440 + 107, 'I will bring sandwiches for everyone.'],
  ['alice', 1_440 + 110, 'Me too please, thanks Carol.'],
  ['carol', 2_880 + 2, 'On my way. Traffic is light.'],
];

/** Right-to-left and mixed lines: Arabic, Hebrew, and each mixed with English and digits. */
export const RTL_LINES: Line[] = [
  ['layla', 0, 'مرحبا! هل ما زلت قادمة إلى المعرض يوم السبت؟'],
  ['alice', 2, 'Yes! نلتقي عند المدخل at 10:30.'],
  ['layla', 4, 'ممتاز. سأحجز التذاكر الآن.'],
  ['layla', 5, 'שלום! הכרטיסים עולים 40 ₪ לאדם.'],
  ['alice', 7, 'Perfect — the museum is called מוזיאון ישראל, right?'],
  ['layla', 8, 'نعم، وسأرسل لك الرابط: https://museum.example.org/tickets'],
];

export function demoOptions(now = Date.now()): FakeParleyOptions {
  const start = now - 2 * DAY - 60 * MINUTE;
  let inbox = 1;
  const message = (conversationId: string, from: string, at: number, content: ReceivedMessage['content'], device = 1): ReceivedMessage => ({
    inboxId: `demo${inbox}`,
    conversationId,
    messageId: `demo${inbox++}`,
    sender: { user: from, device: from === 'alice' ? 2 : device },
    sentAt: at,
    receivedAt: at,
    content,
  });
  const text = (conversationId: string, [from, minutes, body]: Line) => message(conversationId, from, start + minutes * MINUTE, { kind: 'text', body });
  const hike = `group:${HIKE_GROUP}`;
  const book = `group:${BOOK_GROUP}`;
  const pending: ReceivedMessage[] = [
    message(book, 'bob', now - 20 * DAY, { kind: 'group_update', update: { kind: 'created', by: 'bob', name: 'Book club', members: ['bob', 'alice', 'dave'] } }),
    message(book, 'dave', now - 20 * DAY + 5 * MINUTE, { kind: 'text', body: 'Next up: “The Left Hand of Darkness”. Discussion on the 14th?' }),
    message('dm:dave', 'dave', now - 9 * DAY, { kind: 'text', body: 'Thanks for the book tip!' }),
    // A message from a newer Parley: kept, shown as needing a newer version.
    message('dm:dave', 'dave', now - 9 * DAY + 2 * MINUTE, { kind: 'unsupported', version: 2, wire: 'CgZmdXR1cmU=' }),
    message(hike, 'alice', start + 1_440 * MINUTE + 90 * MINUTE, { kind: 'group_update', update: { kind: 'created', by: 'alice', name: 'Weekend hike', members: ['alice', 'bob', 'carol'] } }),
    message(hike, 'alice', start + 1_440 * MINUTE + 95 * MINUTE, { kind: 'group_update', update: { kind: 'members_added', by: 'alice', members: ['erin'] } }),
    ...HIKE_LINES.map((line) => text(hike, line)),
    ...BOB_LINES.map((line) => text('dm:bob', line)),
    ...RTL_LINES.map(([from, minutes, body]) => message('dm:layla', from, now - 3 * DAY + minutes * MINUTE, { kind: 'text', body })),
    message('dm:carol', 'carol', now - 40 * MINUTE, { kind: 'text', body: 'Do you still have my headlamp?' }),
    message('dm:carol', 'carol', now - 39 * MINUTE, { kind: 'text', body: 'No rush, just need it before the night walk.' }),
  ];
  return {
    account: fakeAccount('alice'),
    contacts: [
      fakeContact('bob', { verified: true }),
      fakeContact('carol'),
      fakeContact('dave', { verified: true, identityChanged: true }),
      fakeContact('erin'),
      fakeContact('layla'),
    ],
    groups: [
      { groupId: HIKE_GROUP, name: 'Weekend hike', members: ['alice', 'bob', 'carol', 'erin'], admins: ['alice'], createdBy: 'alice', active: true, approveNewMembers: false },
      { groupId: BOOK_GROUP, name: 'Book club', members: ['bob', 'alice', 'dave'], admins: ['bob'], createdBy: 'bob', active: true, approveNewMembers: false },
    ],
    users: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'layla'],
    pending,
    now: () => Date.now(),
  };
}

/** A long one-to-one history (for paging in a real browser). */
export function longHistory(count: number, now = Date.now()): ReceivedMessage[] {
  const start = now - count * MINUTE;
  return Array.from({ length: count }, (_, index) => ({
    inboxId: `long${index}`,
    conversationId: 'dm:frank',
    messageId: `long${index}`,
    sender: { user: index % 3 === 0 ? 'alice' : 'frank', device: index % 3 === 0 ? 2 : 1 },
    sentAt: start + index * MINUTE,
    receivedAt: start + index * MINUTE,
    content: { kind: 'text' as const, body: `Message number ${index + 1}${index % 7 === 0 ? ' — with a somewhat longer line of text so some rows wrap onto a second line in the bubble.' : ''}` },
  }));
}

/** An attachment id (22 base64url characters) that names what it is, so the harness can serve fitting bytes. */
export function visualAttachmentId(name: string): string {
  return `${name}${'0'.repeat(22)}`.slice(0, 22);
}

/** A chat with erin full of files: a photo, a video not fetched yet, a document over the download limit, one still
 * downloading, a voice note, and one of alice's own documents. */
export function mediaDemo(now = Date.now()): { pending: ReceivedMessage[]; attachments: AttachmentView[] } {
  const view = (name: string, facts: Partial<AttachmentView>): AttachmentView => ({
    id: visualAttachmentId(name),
    direction: 'incoming',
    kind: 'file',
    contentType: 'application/octet-stream',
    fileName: 'file',
    size: 1_000,
    voiceNote: false,
    width: null,
    height: null,
    durationMs: null,
    blurhash: null,
    hasThumbnail: false,
    executable: false,
    state: 'downloaded',
    transferred: 0,
    total: 0,
    error: null,
    ...facts,
    ...(facts.total === undefined ? { total: (facts.size ?? 1_000) + 4_096 } : {}),
  });
  const photo = view('photoHut', { kind: 'image', contentType: 'image/png', fileName: 'hut.png', size: 2_400_000, width: 480, height: 320, hasThumbnail: true });
  const video = view('videoRidge', { kind: 'video', contentType: 'video/webm', fileName: 'ridge.webm', size: 62_000_000, width: 480, height: 320, durationMs: 14_000, hasThumbnail: true, state: 'pending' });
  const map = view('fileMap', { contentType: 'application/pdf', fileName: 'trail map (large).pdf', size: 41_000_000, state: 'pending' });
  const photos = view('fileZip', { contentType: 'application/zip', fileName: 'all photos.zip', size: 180_000_000, state: 'downloading', transferred: 81_000_000, total: 180_000_000 });
  const voice = view('voiceErin', { kind: 'audio', contentType: 'audio/webm', fileName: 'voice message.webm', size: 42_000, voiceNote: true, durationMs: 7_000 });
  const route = view('fileRoute', { direction: 'outgoing', contentType: 'application/gpx+xml', fileName: 'ridge-loop.gpx', size: 88_000, state: 'uploaded' });
  let inbox = 1;
  const media = (from: string, minutesAgo: number, files: AttachmentView[], caption: string): ReceivedMessage => {
    const messageId = `media${inbox++}`;
    // Each file names its message, as main's views do (the transfers list leads there).
    const attachments = files.map((file) => ({ ...file, message: { conversationId: 'dm:erin', messageId, sender: from } }));
    return {
      inboxId: messageId,
      conversationId: 'dm:erin',
      messageId,
      sender: { user: from, device: from === 'alice' ? 2 : 1 },
      sentAt: now - minutesAgo * MINUTE,
      receivedAt: now - minutesAgo * MINUTE,
      content: { kind: 'media', caption, attachments },
    };
  };
  const pending = [
    media('erin', 30, [photo, video], 'The hut and the last stretch up the ridge'),
    media('alice', 25, [route], 'The route for next time'),
    media('erin', 20, [map], ''),
    media('erin', 15, [photos], 'Everything from Saturday'),
    media('erin', 10, [voice], ''),
  ];
  return { attachments: pending.flatMap((message) => (message.content.kind === 'media' ? message.content.attachments : [])), pending };
}
