// One place that loads the compiled grammar bundles (built by `npm run build:grammars`).
// Each bundle, and ohm-js with the first one, loads on first use: `--version`, empty input and
// inputs without a candidate line never pay for them (~50-80 ms at start-up; docs/benchmark.md).
// `require` loads an ES module synchronously (Node >= 20.19), so parsers stay synchronous.
import { createRequire } from 'node:module';
import type { Semantics } from 'ohm-js';
import type { JournalPrefixActionDict, JournalPrefixGrammar } from '../../grammars/journal-prefix.ohm-bundle.js';
import type { PayloadActionDict, PayloadGrammar } from '../../grammars/payload.ohm-bundle.js';
import type { RbdSpecActionDict, RbdSpecGrammar } from '../../grammars/rbd-spec.ohm-bundle.js';
import type { BlockdevJsonActionDict, BlockdevJsonGrammar } from '../../grammars/blockdev.ohm-bundle.js';
import type { ObservationActionDict, ObservationGrammar } from '../../grammars/observation.ohm-bundle.js';

interface Grammars {
  readonly journalPrefix: JournalPrefixGrammar;
  readonly payload: PayloadGrammar;
  readonly rbdSpec: RbdSpecGrammar;
  readonly blockdev: BlockdevJsonGrammar;
  readonly observation: ObservationGrammar;
}

/** The action dictionary type of each grammar's semantics. */
interface ActionDicts<T> {
  readonly journalPrefix: JournalPrefixActionDict<T>;
  readonly payload: PayloadActionDict<T>;
  readonly rbdSpec: RbdSpecActionDict<T>;
  readonly blockdev: BlockdevJsonActionDict<T>;
  readonly observation: ObservationActionDict<T>;
}

/** A grammar's name in {@link grammars}. */
export type GrammarName = keyof Grammars;

const BUNDLES: Readonly<Record<GrammarName, string>> = {
  journalPrefix: '../../grammars/journal-prefix.ohm-bundle.js',
  payload: '../../grammars/payload.ohm-bundle.js',
  rbdSpec: '../../grammars/rbd-spec.ohm-bundle.js',
  blockdev: '../../grammars/blockdev.ohm-bundle.js',
  observation: '../../grammars/observation.ohm-bundle.js',
};

const require = createRequire(import.meta.url);
const loaded: { -readonly [N in GrammarName]?: Grammars[N] } = {};

function load<N extends GrammarName>(name: N): Grammars[N] {
  return (loaded[name] ??= (require(BUNDLES[name]) as { default: Grammars[N] }).default);
}

/** The compiled grammars; each is loaded on first access. */
export const grammars: Grammars = {
  get journalPrefix() { return load('journalPrefix'); },
  get payload() { return load('payload'); },
  get rbdSpec() { return load('rbdSpec'); },
  get blockdev() { return load('blockdev'); },
  get observation() { return load('observation'); },
};

/** True once a grammar (and so ohm-js) was loaded (tests check that start-up stays without them). */
export function grammarsLoaded(): GrammarName[] {
  return (Object.keys(loaded) as GrammarName[]).filter((n) => loaded[n] !== undefined);
}

/**
 * A grammar's semantics, declared when its module loads and built on the first parse: the
 * operations are recorded, then added to the real semantics once the grammar is loaded.
 */
export class LazySemantics<N extends GrammarName> {
  readonly grammar: N;
  private readonly operations: [string, object][] = [];
  private built: Semantics | null = null;

  constructor(grammar: N) {
    this.grammar = grammar;
  }

  /** Declares an operation, as `Semantics.addOperation` does. */
  addOperation<T>(name: string, actions: ActionDicts<T>[N]): this {
    if (this.built) throw new Error(`semantics of ${this.grammar} already in use: declare operations at load time`);
    this.operations.push([name, actions]);
    return this;
  }

  /** The semantics (loads the grammar on the first call). */
  get(): Semantics {
    if (!this.built) {
      const semantics = grammars[this.grammar].createSemantics();
      for (const [name, actions] of this.operations) semantics.addOperation(name, actions as Parameters<Semantics['addOperation']>[1]);
      this.built = semantics;
    }
    return this.built;
  }
}
