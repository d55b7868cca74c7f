// Named import so the bundler inlines only the version, not all of package.json.
import { version } from '../../package.json';

export const GAPLENS_VERSION: string = version;
