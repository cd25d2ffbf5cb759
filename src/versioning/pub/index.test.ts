import { describe, it } from 'vitest';
import { expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { pubComparator as c } from './index.js';

// pub_semver: "a version with build metadata is greater than the same version without".
describe('pub', () => {
  it('sorts builds after the release and compares them like prereleases', () => {
    expectAscending(c, [
      '1.0.0-dev',
      '1.0.0-dev+1',
      '1.0.0',
      '1.0.0+1',
      '1.0.0+2',
      '1.0.0+10',
      '1.0.0+a',
      '1.0.1',
    ]);
  });
  it('rejects invalid versions', () => {
    expectInvalid(c, ['', '1.0.0+', 'one'], '1.0.0');
  });
});
