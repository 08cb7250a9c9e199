import type { Io } from '../io.js';
import { writeOut } from '../io.js';
import { SYMPTOMS } from '../analyze/symptoms.js';

export async function listSymptoms(io: Io, json: boolean): Promise<number> {
  if (json) {
    await writeOut(io, `${JSON.stringify({ version: 1, symptoms: SYMPTOMS.map(({ id, title, findings }) => ({ id, title, findings })) }, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...SYMPTOMS.map((s) => s.id.length)) + 2;
  await writeOut(io, `${SYMPTOMS.map((s) => `${s.id.padEnd(width)}${s.title}`).join('\n')}\n`);
  return 0;
}
