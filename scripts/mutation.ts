/**
 * `npm run test:mutation [area...]`: StrykerJS over each area in turn (all of them without
 * arguments), then a table of mutation scores per folder read from Stryker's JSON reports.
 * Mutation score as Stryker defines it: (killed + timeout) / (killed + timeout + survived + no coverage).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { areas } from './mutationAreas.mjs';

interface ReportMutant {
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
}
interface Report {
  files: Record<string, { mutants: ReportMutant[] }>;
}
interface Row {
  folder: string;
  mutants: number;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  errors: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs Stryker over one area; resolves to its run time in seconds. */
function runArea(area: string): number {
  const started = Date.now();
  const report = reportPath(area);
  rmSync(report, { force: true });
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker.config.mjs'],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        STRYKER_AREA: area,
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(root, 'scripts/strykerMocha12.cjs')}`.trim(),
      },
    },
  );
  if (r.status !== 0) throw new Error(`mutation: stryker failed for ${area} (exit ${r.status ?? r.signal})`);
  return (Date.now() - started) / 1000;
}

function reportPath(area: string): string {
  return path.join(root, 'reports/mutation', `${area.replace(/\//g, '-')}.json`);
}

/** Counts a report's mutants per folder (the directory of each mutated file). */
export function rowsOf(report: Report): Row[] {
  const rows = new Map<string, Row>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = path.dirname(path.isAbsolute(file) ? path.relative(root, file) : file);
    const row = rows.get(folder) ?? {
      folder,
      mutants: 0,
      killed: 0,
      survived: 0,
      noCoverage: 0,
      timeout: 0,
      errors: 0,
    };
    for (const m of mutants) {
      if (m.status === 'Ignored' || m.status === 'Pending') continue;
      row.mutants++;
      if (m.status === 'Killed') row.killed++;
      else if (m.status === 'Survived') row.survived++;
      else if (m.status === 'NoCoverage') row.noCoverage++;
      else if (m.status === 'Timeout') row.timeout++;
      else row.errors++;
    }
    rows.set(folder, row);
  }
  return [...rows.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}

/** Stryker's mutation score in percent, or NaN when no mutant was valid. */
export function scoreOf(r: Row): number {
  const detected = r.killed + r.timeout;
  return (100 * detected) / (detected + r.survived + r.noCoverage);
}

function table(rows: Row[], seconds: Map<string, number>): string {
  const head = ['folder', 'mutants', 'killed', 'survived', 'no coverage', 'timeout', 'score'];
  const body = rows.map((r) =>
    [r.folder, r.mutants, r.killed, r.survived, r.noCoverage, r.timeout, `${scoreOf(r).toFixed(1)}%`].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const runs = [...seconds].map(([a, s]) => `${a}: ${Math.floor(s / 60)} min ${Math.round(s % 60)} s`).join(', ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', `run time: ${runs}`].join('\n');
}

function main(): void {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(a in areas));
  if (unknown.length)
    throw new Error(`mutation: unknown area ${unknown.join(', ')}; one of ${Object.keys(areas).join(', ')}`);
  const run = asked.length ? asked : Object.keys(areas);
  const seconds = new Map<string, number>();
  for (const area of run) seconds.set(area, runArea(area));
  const rows = run.flatMap((area) => {
    const file = reportPath(area);
    if (!existsSync(file)) throw new Error(`mutation: no report at ${file}`);
    return rowsOf(JSON.parse(readFileSync(file, 'utf8')) as Report);
  });
  console.log(`\n${table(rows, seconds)}`);
}

main();
