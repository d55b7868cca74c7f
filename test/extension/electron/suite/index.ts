// Entry VS Code calls to run the integration suite (extensionTestsPath): mocha inside the
// extension host, with the real 'vscode' API.
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true });
  mocha.addFile(join(__dirname, 'extension.electron.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`)) : resolve()));
  });
}
