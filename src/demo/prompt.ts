import { createInterface, type Interface } from "node:readline";

/**
 * Asks for a line: hidden (no echo) on a terminal, a plain line from a pipe. Answers given on the
 * command line are used first. Resolves null when the input has ended.
 */
export class Prompter {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | null) => void)[] = [];
  private ended = false;
  private reader: Interface | undefined;

  constructor(
    private readonly input: NodeJS.ReadStream,
    private readonly output: NodeJS.WriteStream,
    private readonly given: string[],
  ) {}

  async ask(question: string): Promise<string | null> {
    const preset = this.given.shift();
    if (preset !== undefined) {
      this.output.write(`${question}${"•".repeat(preset.length)} (from --token)\n`);
      return preset;
    }
    this.output.write(question);
    if (this.input.isTTY) return this.hidden();
    const line = await this.nextLine();
    this.output.write("\n");
    return line;
  }

  /** On a terminal, waits for Enter; a script goes straight on. */
  async confirm(question: string): Promise<void> {
    if (!this.input.isTTY) return;
    this.output.write(question);
    await this.hidden();
  }

  close(): void {
    this.reader?.close();
  }

  private nextLine(): Promise<string | null> {
    if (!this.reader) {
      this.reader = createInterface({ input: this.input, terminal: false });
      this.reader.on("line", (line) => {
        const waiter = this.waiting.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      });
      this.reader.on("close", () => {
        this.ended = true;
        for (const waiter of this.waiting.splice(0)) waiter(null);
      });
    }
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Reads keys without echoing them; Enter ends, Backspace erases, Ctrl-C quits. */
  private hidden(): Promise<string | null> {
    return new Promise((resolve) => {
      let typed = "";
      this.input.setRawMode(true);
      this.input.resume();
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString("utf8")) {
          if (char === "\r" || char === "\n") return finish(typed);
          if (char === "\u0003") return finish(null);
          if (char === "\u007f") typed = typed.slice(0, -1);
          else if (char >= " ") typed += char;
        }
      };
      const finish = (value: string | null) => {
        this.input.off("data", onData);
        this.input.setRawMode(false);
        this.input.pause();
        this.output.write("\n");
        resolve(value);
      };
      this.input.on("data", onData);
    });
  }
}
