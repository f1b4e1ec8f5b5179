// The order of CI's test files (jest.ci.config.js): jest's own (a file never timed first, then the
// slowest of the last run, from jest's cache), except that an untimed file which starts child
// processes or a browser goes to the front. On a fresh clone jest knows no times and orders by
// file size, and these small files are the slowest: started last, one would run alone at the end
// while the other workers stand idle.
import { readFileSync } from "node:fs";
import sequencer from "@jest/test-sequencer";

/** An import that starts processes or a browser (as scripts/executor-tests.mjs's exemptions). */
const OUTSIDE = /from "(playwright-core|node:child_process|\.\/helpers\/process\.js)"/;

/** jest's own sequencer (a CommonJS module: its class is the `default` export). */
const Sequencer = sequencer.default;

export default class CiSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = sorted.filter(
      (test) => test.duration == null && OUTSIDE.test(readFileSync(test.path, "utf8")),
    );
    return [...first, ...sorted.filter((test) => !first.includes(test))];
  }
}
