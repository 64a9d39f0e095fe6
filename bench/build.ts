// Compiles the two child entries (bench/server.ts with the src/ it imports, and bench/bare.ts) to plain
// JavaScript, so that the measured processes run as `npm run build` output does: no tsx loader thread and no
// transpiler in memory (tsx alone adds about 30 MB of resident memory). The output lives under node_modules/.cache
// so that bare imports resolve against the project's node_modules and nothing lands in the working tree.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function compileEntries(root: string): { server: string; bare: string } {
  // One directory per checkout: worktrees that share one node_modules must not compile over each other's runs.
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 8);
  const out = path.join(root, 'node_modules', '.cache', `callrecords-bench-${checkout}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const config = path.join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: false, rootDir: root, outDir: out, incremental: false, sourceMap: false },
      include: [],
      files: [path.join(root, 'bench', 'server.ts'), path.join(root, 'bench', 'bare.ts')],
    }),
  );
  // Inside node_modules the project's "type": "module" does not apply.
  writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config],
    {
      stdio: 'inherit',
    },
  );
  return { server: path.join(out, 'bench', 'server.js'), bare: path.join(out, 'bench', 'bare.js') };
}
