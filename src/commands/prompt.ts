// One question on the terminal, one line of answer. End of input or Ctrl-C is no answer, never a yes.
import { createInterface } from 'node:readline';
import type { Io } from '../io.js';

export function askLine(io: Io, question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: Boolean(io.stdin.isTTY && io.stdout.isTTY) });
    let settled = false;
    const done = (answer: string | undefined) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(answer);
    };
    rl.on('SIGINT', () => {
      io.stdout.write('\n');
      done(undefined);
    });
    rl.on('close', () => done(undefined));
    rl.question(question, (answer) => done(answer));
  });
}

export async function confirmYes(io: Io, question: string): Promise<boolean> {
  const answer = await askLine(io, `${question} [y/N] `);
  return answer !== undefined && /^\s*(y|yes)\s*$/i.test(answer);
}

/** Destructive steps: the word (the release name) must be typed exactly. */
export async function confirmWord(io: Io, question: string, word: string): Promise<boolean> {
  const answer = await askLine(io, `${question} Type ${word} to go on, anything else to stop: `);
  return answer !== undefined && answer.trim() === word;
}
