// What an error says as it crosses IPC inside an event (a connection snapshot, a failed linking): a string-table id
// of this build and its parameters (errorText.ts), bounded like every other value.
import { z } from 'zod';
import { ERROR_TEXT_IDS } from '../errorText';

export const ErrorTextValue = z.strictObject({
  id: z.enum(ERROR_TEXT_IDS),
  params: z.record(z.string().max(32), z.union([z.string().max(200), z.number()])).optional(),
});
