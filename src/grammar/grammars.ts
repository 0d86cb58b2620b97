// One place that loads the compiled grammar bundles (built by `npm run build:grammars`).
import journalPrefix from '../../grammars/journal-prefix.ohm-bundle.js';
import payload from '../../grammars/payload.ohm-bundle.js';
import rbdSpec from '../../grammars/rbd-spec.ohm-bundle.js';
import blockdev from '../../grammars/blockdev.ohm-bundle.js';
import observation from '../../grammars/observation.ohm-bundle.js';

export const grammars = { journalPrefix, payload, rbdSpec, blockdev, observation } as const;
