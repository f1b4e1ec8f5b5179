// BENCH_BASE=<commit>: that commit's production build, made once in a scratch worktree (a temp
// directory named by the commit), so repeated runs start it at once.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function run(command, args, cwd) {
  process.stderr.write(`bench: ${command} ${args.join(" ")} (in ${cwd})\n`);
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  }
}

function git(...args) {
  const result = spawnSync("git", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * The directory holding `commit`'s built gateway (`dist/index.js`). Built when missing: a detached
 * worktree, its dependencies (this checkout's node_modules when the lockfiles are the same, else
 * `npm ci` there) and `npm run build`. A marker written last says the build is whole.
 */
export function baselineBuild(commit) {
  const sha = git("rev-parse", "--verify", `${commit}^{commit}`);
  const dir = path.join(os.tmpdir(), "belvo-bench-base", sha);
  const marker = path.join(dir, "dist", ".bench-built");
  if (existsSync(marker)) return { sha, dir };
  if (!existsSync(path.join(dir, "package.json"))) {
    // --force: a worktree registered earlier whose directory was since deleted (a cleared /tmp).
    git("worktree", "add", "--force", "--detach", dir, sha);
  }
  if (!existsSync(path.join(dir, "node_modules", ".package-lock.json"))) {
    const same =
      readFileSync(path.join(dir, "package-lock.json"), "utf8") ===
      readFileSync("package-lock.json", "utf8");
    if (same && !existsSync(path.join(dir, "node_modules"))) {
      symlinkSync(path.resolve("node_modules"), path.join(dir, "node_modules"), "dir");
    } else {
      run("npm", ["ci", "--no-audit", "--no-fund"], dir);
    }
  }
  run("npm", ["run", "build"], dir);
  writeFileSync(marker, `${sha}\n`);
  return { sha, dir };
}
