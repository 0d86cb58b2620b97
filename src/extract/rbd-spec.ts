/** Reads QEMU `rbd:` filenames (legacy -drive form) into an RbdTarget, with the RbdSpec grammar. */
import { LazySemantics } from '../grammar/grammars.js';
import { grammarCache, spanOf, at, type Span } from '../grammar/shape-cache.js';
import type { RbdTarget } from '../types.js';

/** Every option of the filename, unescaped. `key` (an inline secret) is kept out. */
export interface RbdSpecParse {
  readonly pool: string;
  readonly namespace: string | null;
  readonly image: string;
  readonly snapshot: string | null;
  readonly options: Readonly<Record<string, string>>;
  /** True when the filename carried an inline `key=` secret (never echoed). */
  readonly hadInlineKey: boolean;
}

const SECRET_OPTIONS = new Set(['key', 'key-secret', 'password-secret']);

/** Removes QEMU's escaping backslashes (`\:` → `:`). */
export function unescapeRbd(text: string): string {
  return text.replace(/\\(.)/gs, '$1');
}

interface SpecSpans {
  readonly pool: Span;
  readonly namespace: Span | null;
  readonly image: Span;
  readonly snapshot: Span | null;
  readonly options: readonly (readonly [Span, Span])[];
}
type LocationSpans = Pick<SpecSpans, 'namespace' | 'image' | 'snapshot'>;

const span = spanOf;

const semantics = new LazySemantics('rbdSpec');
semantics.addOperation<SpecSpans>('spans', {
  spec(_prefix, pool, _slash, location, optionIter) {
    return {
      pool: span(pool),
      ...(location['location']() as LocationSpans),
      options: optionIter.children.map((o) => o['option']() as [Span, Span]),
    };
  },
});
semantics.addOperation<LocationSpans>('location', {
  location_withSnapshot(ref, _at, snapshot) {
    return { ...(ref['ref']() as Pick<SpecSpans, 'namespace' | 'image'>), snapshot: span(snapshot) };
  },
  location_plain(ref) {
    return { ...(ref['ref']() as Pick<SpecSpans, 'namespace' | 'image'>), snapshot: null };
  },
});
semantics.addOperation<Pick<SpecSpans, 'namespace' | 'image'>>('ref', {
  imageRef_namespaced(ns, _slash, name) { return { namespace: span(ns), image: span(name) }; },
  imageRef_plain(name) { return { namespace: null, image: span(name) }; },
});
semantics.addOperation<[Span, Span]>('option', {
  option(_colon, key, _eq, value) { return [span(key), span(value)]; },
});

const cache = grammarCache<SpecSpans>('spec', semantics, 'spans');

/** Parses one `rbd:` filename (the exact token, nothing around it). */
export function parseRbdSpec(spec: string): RbdSpecParse | null {
  const spans = cache.get(spec);
  if (!spans) return null;
  const value = (s: Span): string => unescapeRbd(at(spec, s));
  const options: Record<string, string> = {};
  let hadInlineKey = false;
  for (const [key, val] of spans.options) {
    const name = value(key);
    if (SECRET_OPTIONS.has(name)) hadInlineKey = true;
    else options[name] = value(val);
  }
  return {
    pool: value(spans.pool),
    namespace: spans.namespace ? value(spans.namespace) : null,
    image: value(spans.image),
    snapshot: spans.snapshot ? value(spans.snapshot) : null,
    options,
    hadInlineKey,
  };
}

/** Splits a `mon_host` value (`a;b;[::1]:6789`, commas or spaces also accepted). */
export function splitMonHosts(value: string): string[] {
  return value.split(/[;,\s]+/).map((h) => h.trim()).filter((h) => h.length > 0);
}

/** The RbdTarget an `rbd:` filename describes. */
export function targetFromSpec(spec: RbdSpecParse): RbdTarget {
  const o = spec.options;
  const mon = o['mon_host'] ?? o['mon host'];
  return {
    pool: spec.pool,
    namespace: spec.namespace && spec.namespace.length > 0 ? spec.namespace : null,
    image: spec.image,
    snapshot: spec.snapshot,
    conf: o['conf'] ?? null,
    clientId: o['id'] ?? null,
    keyring: o['keyring'] ?? null,
    monHosts: mon !== undefined ? splitMonHosts(mon) : null,
    auth: o['auth_supported'] ?? o['auth_client_required'] ?? null,
  };
}

/** Where `rbd:` filenames end inside a log line: QemuOpts comma, quotes, whitespace. */
const SPEC_END = /[\s,'"]/;

/** Finds every `rbd:` filename in a line (not the `rbd: ` CLI prefix) and parses it. */
export function findRbdSpecs(line: string): RbdSpecParse[] {
  const found: RbdSpecParse[] = [];
  let from = 0;
  for (;;) {
    const at = line.indexOf('rbd:', from);
    if (at < 0) break;
    from = at + 4;
    const next = line.charAt(at + 4);
    // "rbd: ..." is the rbd CLI prefix; "krbd:"/"librbd:" are other words.
    if (next === '' || next === ' ' || (at > 0 && /[A-Za-z0-9_]/.test(line.charAt(at - 1)))) continue;
    let end = at + 4;
    while (end < line.length) {
      const ch = line.charAt(end);
      if (ch === '\\') { end += 2; continue; }
      if (SPEC_END.test(ch)) break;
      end += 1;
    }
    // `…:rbd_cache_policy=writeback: invalid conf option` — the location ends with ": ".
    let slice = line.slice(at, Math.min(end, line.length));
    if (slice.endsWith(':') && line.charAt(end) === ' ') slice = slice.slice(0, -1);
    const parsed = parseRbdSpec(slice);
    if (parsed) found.push(parsed);
    from = end;
  }
  return found;
}
