import { createInterface } from 'node:readline';

/**
 * Asks one question on the terminal. With `secret`, typed characters are not echoed.
 * Callers check for a TTY first: a command never prompts without one.
 */
export function ask(
  question: string,
  options: { secret?: boolean; fallback?: string } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const hint = options.fallback ? ` [${options.fallback}]` : '';
    if (options.secret) {
      // Show the question, then swallow the echo of what is typed.
      const output = rl as unknown as { _writeToOutput: (s: string) => void };
      output._writeToOutput = (s: string) => {
        if (s.includes(question)) process.stderr.write(s);
      };
    }
    rl.question(`${question}${hint}: `, (answer) => {
      rl.close();
      if (options.secret) process.stderr.write('\n');
      resolve(answer.trim() || options.fallback || '');
    });
  });
}

export async function confirm(question: string): Promise<boolean> {
  const answer = await ask(`${question} (Y/n)`);
  return answer === '' || /^y(es)?$/i.test(answer);
}
