// RuleTester-style table: for each rule, its first matching sample as one line of an incident, and the
// exact outcome of the diagnosis: the top cause, every candidate in order, the discriminator and the
// deciding line. A change in weights, ranking, discriminators or rule conditions shows up here by name.
import type { CauseId } from '../src/causes.js';

/** One expected outcome. `lines` default to the rule's first matching sample. */
export interface RuleCase {
  readonly rule: string;
  readonly lines?: readonly string[];
  readonly top: CauseId;
  readonly candidates: readonly CauseId[];
  readonly discriminator: string | null;
  /** Index of the deciding line, or null when no line is a failure of its own. */
  readonly deciding: number | null;
  /** Every rule the lines matched, in table order. */
  readonly matched: readonly string[];
}

export const RULE_CASES: readonly RuleCase[] = [
  { rule: 'keyring-not-loaded-message', top: 'keyring-missing', candidates: ['keyring-missing'], discriminator: null, deciding: 0, matched: ['keyring-not-loaded-message'] },
  { rule: 'cephx-disabled-locally', top: 'keyring-missing', candidates: ['keyring-missing'], discriminator: null, deciding: 0, matched: ['cephx-disabled-locally'] },
  { rule: 'auth-none-fallback', top: 'keyring-missing', candidates: ['keyring-missing', 'config-split'], discriminator: null, deciding: 0, matched: ['auth-none-fallback', 'connect-not-supported'] },
  { rule: 'cephx-rejected', top: 'client-mismatch', candidates: ['client-mismatch', 'key-stale', 'config-split', 'caps-insufficient'], discriminator: 'first-check-of-each', deciding: 0, matched: ['cephx-rejected'] },
  { rule: 'connect-denied', top: 'client-mismatch', candidates: ['client-mismatch', 'key-stale', 'config-split', 'keyring-missing'], discriminator: 'first-check-of-each', deciding: 0, matched: ['connect-denied'] },
  { rule: 'connect-enoent', top: 'keyring-missing', candidates: ['keyring-missing', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['connect-enoent'] },
  { rule: 'connect-not-supported', top: 'keyring-missing', candidates: ['keyring-missing', 'config-split'], discriminator: null, deciding: 0, matched: ['connect-not-supported'] },
  { rule: 'connect-timeout-message', top: 'mon-unreachable', candidates: ['mon-unreachable'], discriminator: null, deciding: 0, matched: ['connect-timeout-message'] },
  { rule: 'errno-110-timeout', top: 'mon-unreachable', candidates: ['mon-unreachable'], discriminator: null, deciding: 0, matched: ['errno-110-timeout'] },
  { rule: 'connect-refused-errno', top: 'mon-unreachable', candidates: ['mon-unreachable'], discriminator: null, deciding: 0, matched: ['connect-refused-errno'] },
  { rule: 'kvm-start-timeout', top: 'mon-unreachable', candidates: ['mon-unreachable', 'unknown'], discriminator: null, deciding: 0, matched: ['connect-timeout-message', 'kvm-start-timeout'] },
  { rule: 'monmap-config-failed', top: 'mon-unreachable', candidates: ['mon-unreachable', 'client-mismatch', 'key-stale'], discriminator: 'first-check-of-each', deciding: 0, matched: ['monmap-config-failed'] },
  { rule: 'conf-unreadable-message', top: 'config-split', candidates: ['config-split'], discriminator: null, deciding: 0, matched: ['conf-unreadable-message'] },
  { rule: 'no-monitor-address-message', top: 'config-split', candidates: ['config-split'], discriminator: null, deciding: 0, matched: ['no-monitor-address-message'] },
  { rule: 'pve-ceph-config', top: 'config-split', candidates: ['config-split'], discriminator: null, deciding: 0, matched: ['pve-ceph-config'] },
  { rule: 'denied-after-connect', top: 'caps-insufficient', candidates: ['caps-insufficient'], discriminator: null, deciding: 0, matched: ['denied-after-connect'] },
  { rule: 'librbd-metadata-denied', top: 'caps-insufficient', candidates: ['caps-insufficient'], discriminator: null, deciding: 0, matched: ['denied-after-connect', 'librbd-metadata-denied'] },
  { rule: 'open-enoent', top: 'image-not-found', candidates: ['image-not-found', 'keyring-missing'], discriminator: null, deciding: 0, matched: ['open-enoent', 'enoent-on-object'] },
  { rule: 'namespace-not-found-message', top: 'image-not-found', candidates: ['image-not-found'], discriminator: null, deciding: 0, matched: ['namespace-not-found-message'] },
  { rule: 'error-opening-pool', top: 'image-not-found', candidates: ['image-not-found', 'config-split', 'keyring-missing'], discriminator: null, deciding: 0, matched: ['error-opening-pool', 'enoent-on-object'] },
  { rule: 'list-enoent', top: 'keyring-missing', candidates: ['keyring-missing', 'image-not-found', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['list-enoent'] },
  { rule: 'list-denied', top: 'caps-insufficient', candidates: ['caps-insufficient', 'client-mismatch', 'key-stale', 'config-split'], discriminator: 'auth-vs-caps', deciding: 0, matched: ['list-denied'] },
  { rule: 'list-timeout', top: 'mon-unreachable', candidates: ['mon-unreachable', 'keyring-missing'], discriminator: null, deciding: 0, matched: ['errno-110-timeout', 'list-timeout'] },
  { rule: 'connect-failed-no-errno', top: 'client-mismatch', candidates: ['client-mismatch', 'keyring-missing', 'key-stale', 'mon-unreachable', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['connect-failed-no-errno'] },
  { rule: 'pool-not-for-rbd', top: 'image-not-found', candidates: ['image-not-found', 'unknown'], discriminator: 'first-check-of-each', deciding: 0, matched: ['pool-not-for-rbd'] },
  { rule: 'lock-or-watcher-message', top: 'image-busy', candidates: ['image-busy'], discriminator: null, deciding: 0, matched: ['lock-or-watcher-message'] },
  { rule: 'errno-108-shutdown', top: 'image-busy', candidates: ['image-busy'], discriminator: null, deciding: 0, matched: ['errno-108-shutdown'] },
  { rule: 'errno-16-busy', top: 'image-busy', candidates: ['image-busy'], discriminator: null, deciding: 0, matched: ['errno-16-busy'] },
  { rule: 'kernel-feature-message', top: 'krbd-features', candidates: ['krbd-features'], discriminator: null, deciding: 0, matched: ['kernel-feature-message'] },
  { rule: 'krbd-map-errno', top: 'krbd-features', candidates: ['krbd-features'], discriminator: null, deciding: 0, matched: ['krbd-map-errno'] },
  { rule: 'krbd-sysfs-write', top: 'krbd-features', candidates: ['krbd-features', 'client-mismatch', 'key-stale', 'mon-unreachable', 'caps-insufficient'], discriminator: null, deciding: 0, matched: ['krbd-sysfs-write'] },
  { rule: 'krbd-map-denied', top: 'client-mismatch', candidates: ['client-mismatch', 'key-stale', 'caps-insufficient'], discriminator: 'auth-vs-caps', deciding: 0, matched: ['krbd-map-denied'] },
  { rule: 'error-opening-denied', top: 'client-mismatch', candidates: ['client-mismatch', 'key-stale', 'caps-insufficient', 'keyring-missing'], discriminator: 'auth-vs-caps', deciding: 0, matched: ['error-opening-denied'] },
  { rule: 'error-opening-enoent', top: 'image-not-found', candidates: ['image-not-found', 'keyring-missing', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['error-opening-enoent'] },
  { rule: 'rbd-exit-enoent', top: 'keyring-missing', candidates: ['keyring-missing', 'image-not-found', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['rbd-exit-enoent'] },
  { rule: 'rbd-exit-denied', top: 'caps-insufficient', candidates: ['caps-insufficient', 'client-mismatch', 'key-stale', 'config-split'], discriminator: 'auth-vs-caps', deciding: 0, matched: ['rbd-exit-denied'] },
  { rule: 'rbd-progress-failed', top: 'caps-insufficient', candidates: ['caps-insufficient', 'image-busy', 'unknown'], discriminator: 'first-check-of-each', deciding: 0, matched: ['rbd-progress-failed'] },
  { rule: 'unexplained-failure', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['unexplained-failure'] },
  { rule: 'vm-start-failed', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: null, matched: ['vm-start-failed'] },
  { rule: 'auth-protocol-invalid', top: 'config-split', candidates: ['config-split', 'keyring-missing', 'unknown'], discriminator: null, deciding: 0, matched: ['auth-protocol-invalid'] },
  { rule: 'conf-option-invalid', top: 'config-split', candidates: ['config-split', 'unknown'], discriminator: 'first-check-of-each', deciding: 0, matched: ['conf-option-invalid'] },
  { rule: 'mon-command-denied', top: 'caps-insufficient', candidates: ['caps-insufficient', 'client-mismatch'], discriminator: null, deciding: 0, matched: ['mon-command-denied'] },
  { rule: 'rbd-output-unreadable', top: 'unknown', candidates: ['unknown', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['rbd-output-unreadable'] },
  { rule: 'storage-keyring-setup', top: 'keyring-missing', candidates: ['keyring-missing', 'unknown'], discriminator: null, deciding: 0, matched: ['storage-keyring-setup'] },
  { rule: 'storage-unusable', top: 'config-split', candidates: ['config-split', 'unknown'], discriminator: 'first-check-of-each', deciding: 0, matched: ['storage-unusable'] },
  { rule: 'deactivation-failed', top: 'image-busy', candidates: ['image-busy', 'unknown'], discriminator: 'first-check-of-each', deciding: 0, matched: ['deactivation-failed'] },
  { rule: 'snapshot-has-children', top: 'image-busy', candidates: ['image-busy', 'unknown'], discriminator: null, deciding: 0, matched: ['snapshot-has-children'] },
  { rule: 'krbd-map-option', top: 'krbd-features', candidates: ['krbd-features', 'unknown'], discriminator: null, deciding: 0, matched: ['krbd-map-option'] },
  { rule: 'qemu-img-copy-failed', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: null, matched: ['qemu-img-copy-failed'] },
  { rule: 'kernel-object-missing', top: 'image-not-found', candidates: ['image-not-found'], discriminator: null, deciding: 0, matched: ['kernel-object-missing'] },
  { rule: 'kernel-osd-connect-error', top: 'mon-unreachable', candidates: ['mon-unreachable', 'unknown'], discriminator: 'first-check-of-each', deciding: 0, matched: ['kernel-osd-connect-error'] },
  { rule: 'qemu-without-rbd', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['qemu-without-rbd'] },
  { rule: 'global-id-reclaim', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['global-id-reclaim'] },
  { rule: 'ms-mode-message', top: 'krbd-features', candidates: ['krbd-features', 'unknown'], discriminator: null, deciding: 0, matched: ['ms-mode-message'] },
  { rule: 'generic-denied-connecting', top: 'client-mismatch', candidates: ['client-mismatch', 'key-stale', 'keyring-missing', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['generic-denied-connecting'] },
  { rule: 'generic-enoent-connecting', top: 'keyring-missing', candidates: ['keyring-missing', 'config-split'], discriminator: 'first-check-of-each', deciding: 0, matched: ['generic-enoent-connecting'] },
  { rule: 'enoent-on-object', top: 'image-not-found', candidates: ['image-not-found', 'keyring-missing'], discriminator: null, deciding: 0, matched: ['enoent-on-object'] },
  { rule: 'generic-lock-step', top: 'image-busy', candidates: ['image-busy', 'caps-insufficient'], discriminator: null, deciding: 0, matched: ['generic-lock-step'] },
  { rule: 'host-confinement', top: 'unknown', candidates: ['unknown', 'krbd-features'], discriminator: null, deciding: 0, matched: ['host-confinement'] },
  { rule: 'helper-not-runnable', top: 'unknown', candidates: ['unknown', 'image-not-found', 'keyring-missing'], discriminator: null, deciding: 0, matched: ['enoent-on-object', 'helper-not-runnable'] },
  { rule: 'rbd-spec-as-file', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['rbd-spec-as-file'] },
  { rule: 'mapped-device-not-usable', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['mapped-device-not-usable'] },
  { rule: 'osd-or-mon-no-progress', top: 'unknown', candidates: ['unknown', 'mon-unreachable'], discriminator: 'first-check-of-each', deciding: 0, matched: ['osd-or-mon-no-progress'] },
  { rule: 'image-has-snapshots', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['image-has-snapshots'] },
  { rule: 'id-option-with-client-prefix', top: 'client-mismatch', candidates: ['client-mismatch'], discriminator: null, deciding: null, matched: ['id-option-with-client-prefix'] },
  { rule: 'generic-map-refused', top: 'krbd-features', candidates: ['krbd-features', 'unknown'], discriminator: null, deciding: 0, matched: ['generic-map-refused'] },
  { rule: 'generic-denied', top: 'caps-insufficient', candidates: ['caps-insufficient', 'client-mismatch', 'key-stale', 'keyring-missing'], discriminator: 'auth-vs-caps', deciding: 0, matched: ['generic-denied'] },
  { rule: 'generic-error', top: 'unknown', candidates: ['unknown'], discriminator: null, deciding: 0, matched: ['unexplained-failure', 'generic-error'] },
];
