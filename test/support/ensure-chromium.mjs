// `npm test` prerequisite: the HTML report test opens reports in Debian's headless Chromium
// (/usr/bin/chromium). On a fresh machine it is installed here from Debian's packages when we
// can (root with apt-get); otherwise this says exactly what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`${CHROMIUM} is missing: the report test needs Debian's chromium package (sudo apt-get install -y chromium).`);
    process.exit(1);
  }
  console.error('Installing Debian chromium for the report test (once)...');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
