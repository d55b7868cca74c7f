// Template version names (src/core/runs/templateVersions.ts): how a version's verifier is named,
// which names a user may give, the default names, and which of the run's template copies a
// verifier's version renders.
import assert from 'node:assert/strict';
import { checkVersionName, nextVersionName, resolveVersion, splitVersion, verifierTemplateFiles, versionedVerifierName, versionsOf } from '../../../src/core/runs/templateVersions';
import { UserError } from '../../../src/core/util/errors';
import type { RunManifest } from '../../../src/core/runs/records';

const VERSIONS: RunManifest['templateVersions'] = [
  { name: 'v2', createdAt: '2026-12-07T08:00:00.000Z', source: '/t/a', verifiers: ['cot-score#v2', 'mc@judge#v2'] },
  { name: 'strict', createdAt: '2026-12-07T09:00:00.000Z', source: '/t/b', verifiers: ['cot-score#strict'] },
];
const MANIFEST = {
  config: { verifiers: ['cot-score', 'mc@judge', 'cot-score#v2', 'mc@judge#v2', 'cot-score#strict'] } as RunManifest['config'],
  templateVersions: VERSIONS,
  templates: {
    'generate.numeric.txt': 'a',
    'verify-cot-score.txt': 'b',
    'verify-cot-score.math.txt': 'c',
    'verify-mc.txt': 'd',
    'versions/v2/verify-cot-score.txt': 'e',
    'versions/v2/verify-mc.txt': 'f',
    'versions/strict/verify-cot-score.txt': 'g',
  },
};

describe('runs/templateVersions', () => {
  it('names a version\'s verifier VERIFIER#NAME, the original by its own name, and splits them back', () => {
    assert.equal(versionedVerifierName('cot-score', 'v2'), 'cot-score#v2');
    assert.equal(versionedVerifierName('mc@judge', 'v2'), 'mc@judge#v2');
    assert.equal(versionedVerifierName('cot-score', 'v1'), 'cot-score');
    assert.equal(versionedVerifierName('cot-score', 'original'), 'cot-score');
    assert.deepEqual(splitVersion('mc@judge#v2'), { verifier: 'mc@judge', version: 'v2' });
    assert.deepEqual(splitVersion('mc'), { verifier: 'mc', version: 'v1' });
  });

  it('takes names of 1–32 of a-z 0-9 . _ - and refuses the original\'s names, as usage errors', () => {
    assert.equal(checkVersionName('strict-rubric.2'), 'strict-rubric.2');
    for (const bad of ['', 'V2', 'a b', '-x', 'x'.repeat(33), 'a#b', 'v1', 'original']) {
      assert.throws(() => checkVersionName(bad), (err: unknown) => err instanceof UserError && err.exitCode === 2, bad);
    }
  });

  it('lists a verifier\'s versions original first, and gives the next free vK', () => {
    assert.deepEqual(versionsOf(MANIFEST, 'cot-score'), ['v1', 'v2', 'strict']);
    assert.deepEqual(versionsOf(MANIFEST, 'mc@judge'), ['v1', 'v2']);
    assert.equal(nextVersionName(MANIFEST), 'v4', 'the fourth version of the run (v1, v2, strict, then this)');
    assert.equal(nextVersionName({}), 'v2');
    assert.equal(nextVersionName({ templateVersions: [{ ...VERSIONS[0], name: 'v3' } as NonNullable<RunManifest['templateVersions']>[number]] }), 'v4');
  });

  it('resolves a version to its record name, naming the versions there are when it has none of that name', () => {
    assert.equal(resolveVersion(MANIFEST, 'cot-score', 'strict', '--b'), 'cot-score#strict');
    assert.equal(resolveVersion(MANIFEST, 'cot-score', 'original', '--a'), 'cot-score');
    assert.throws(() => resolveVersion(MANIFEST, 'mc@judge', 'strict', '--b'), /--b "strict": mc@judge has no template version of that name; it has v1, v2/);
    assert.throws(() => resolveVersion(MANIFEST, 'tournament', 'v1', '--a'), /"tournament" is not a verifier of this run; it has cot-score, mc@judge/);
  });

  it('finds the template copies a verifier renders in a version, and no other role\'s', () => {
    assert.deepEqual(verifierTemplateFiles(MANIFEST, 'cot-score', 'v1'), ['verify-cot-score.txt', 'verify-cot-score.math.txt']);
    assert.deepEqual(verifierTemplateFiles(MANIFEST, 'mc@judge', 'v2'), ['versions/v2/verify-mc.txt']);
    assert.deepEqual(verifierTemplateFiles(MANIFEST, 'cot-score', 'strict'), ['versions/strict/verify-cot-score.txt']);
  });
});
