/** Reads PVE 9 `-blockdev {json}` arguments with the BlockdevJson grammar and finds the rbd node. */
import { LazySemantics } from '../grammar/grammars.js';
import { grammarCache, spanOf, at, type Span } from '../grammar/shape-cache.js';
import type { RbdTarget } from '../types.js';

/** A JSON value as the grammar builds it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The JSON tree with leaves as spans into the text (materialised from the original). */
type SpanTree =
  | { readonly leaf: Span }
  | { readonly items: readonly SpanTree[] }
  | { readonly members: readonly (readonly [Span, SpanTree])[] };

const span = spanOf;

const semantics = new LazySemantics('blockdev');
semantics.addOperation<SpanTree>('tree', {
  value(inner) { return inner['tree']() as SpanTree; },
  object(_open, members, _close) {
    return { members: members.asIteration().children.map((m) => m['member']() as [Span, SpanTree]) };
  },
  array(_open, items, _close) { return { items: items.asIteration().children.map((i) => i['tree']() as SpanTree) }; },
  string(_open, _chars, _close) { return { leaf: span(this) }; },
  number(_minus, _int, _dot, _frac, _e, _sign, _exp) { return { leaf: span(this) }; },
  literal(_) { return { leaf: span(this) }; },
});
semantics.addOperation<[Span, SpanTree]>('member', {
  member(key, _colon, value) { return [span(key), value['tree']() as SpanTree]; },
});

const cache = grammarCache<SpanTree>('value', semantics, 'tree');

/** A leaf's value. The grammar lets any character follow a backslash; JSON does not: such a leaf is null. */
function leafValue(text: string): JsonValue {
  try { return JSON.parse(text) as JsonValue; } catch { return null; }
}

function materialise(text: string, tree: SpanTree): JsonValue {
  if ('leaf' in tree) return leafValue(at(text, tree.leaf));
  if ('items' in tree) return tree.items.map((item) => materialise(text, item));
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of tree.members) out[String(leafValue(at(text, key)))] = materialise(text, value);
  return out;
}

/** Parses one JSON text (the exact slice). */
export function parseBlockdevJson(text: string): JsonValue | undefined {
  const tree = cache.get(text);
  return tree ? materialise(text, tree) : undefined;
}

/** Index just past the '}' that closes the object opening at `start`, or -1. Strings are skipped. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i += 1;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 /* { */) depth += 1;
    else if (ch === 125 /* } */) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The innermost node whose driver is "rbd" (throttle → raw → rbd nesting), if any. */
export function findRbdNode(value: JsonValue | undefined): { [key: string]: JsonValue } | null {
  if (!isObject(value)) return null;
  if (value['driver'] === 'rbd') return value;
  const file = value['file'];
  return isObject(file) ? findRbdNode(file) : null;
}

function str(v: JsonValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** The RbdTarget of an rbd blockdev node. `user` is the client id; blockdev has no keyring member. */
export function targetFromBlockdev(node: { [key: string]: JsonValue }): RbdTarget {
  const servers = node['server'];
  const monHosts = Array.isArray(servers)
    ? servers.filter(isObject).map((s) => {
        const host = str(s['host']) ?? '';
        const port = str(s['port']);
        const shown = host.includes(':') ? `[${host}]` : host;
        return port ? `${shown}:${port}` : shown;
      })
    : null;
  const authList = node['auth-client-required'];
  const auth = Array.isArray(authList) ? authList.filter((a): a is string => typeof a === 'string').join(',') : null;
  const ns = str(node['namespace']);
  return {
    pool: str(node['pool']),
    namespace: ns && ns.length > 0 ? ns : null,
    image: str(node['image']),
    snapshot: str(node['snapshot']),
    conf: str(node['conf']),
    clientId: str(node['user']),
    keyring: null,
    monHosts,
    auth: auth && auth.length > 0 ? auth : null,
  };
}

const JSON_STARTS = ['-blockdev ', 'json:'] as const;

/** Finds `-blockdev {…}` arguments and `json:{…}` filenames (qemu-img) and returns their rbd targets. */
export function findBlockdevTargets(line: string): RbdTarget[] {
  return JSON_STARTS.flatMap((marker) => findAfter(line, marker));
}

function findAfter(line: string, marker: string): RbdTarget[] {
  const targets: RbdTarget[] = [];
  let from = 0;
  for (;;) {
    const at = line.indexOf(marker, from);
    if (at < 0) break;
    const open = line.indexOf('{', at);
    from = at + marker.length;
    if (open < 0 || open > at + marker.length + 1) continue; // at most one quote before the brace
    const close = matchingBrace(line, open);
    if (close < 0) continue;
    const node = findRbdNode(parseBlockdevJson(line.slice(open, close)));
    if (node) targets.push(targetFromBlockdev(node));
    from = close;
  }
  return targets;
}
