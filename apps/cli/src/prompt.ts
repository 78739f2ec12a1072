import { createInterface } from 'node:readline';

/** Questions to the person at the keyboard (or answers piped on stdin). */
export interface Prompt {
  /** stdin is a terminal: a person can answer. */
  readonly interactive: boolean;
  /** The next line of stdin, or undefined when stdin ends first. */
  ask(question: string): Promise<string | undefined>;
  /** Yes only for an explicit `y` / `yes`. */
  confirm(question: string): Promise<boolean>;
}

export function processPrompt(): Prompt {
  const ask = (question: string) =>
    new Promise<string | undefined>((resolve) => {
      const terminal = process.stdin.isTTY === true;
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal });
      // A piped answer is not echoed: end the question's line so that what follows starts its own.
      const endLine = () => {
        if (!terminal) process.stdout.write('\n');
      };
      let answered = false;
      rl.on('close', () => {
        if (answered) return;
        endLine();
        resolve(undefined);
      });
      rl.question(question, (answer) => {
        answered = true;
        rl.close();
        endLine();
        resolve(answer.trim());
      });
    });
  return {
    interactive: process.stdin.isTTY === true,
    ask,
    confirm: async (question) => /^y(es)?$/i.test((await ask(`${question} [y/N] `)) ?? ''),
  };
}
