// The task-framing fast path (issue 15 item 2): wherever extractTaskFraming answers, its answer is
// exactly what the full extraction gives; on anything else it declines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractMessage, extractTaskFraming } from '../src/extract/extract.js';

const UPID = 'UPID:pve1:0000A1B2:0123ABCD:6784F1A0:qmstart:101:root@pam:';
const UPID_MIGRATE = 'UPID:pve-node2:003FF2C1:09A1B2C3:6784F1A0:qmigrate:4242:admin@pve:';
// The payload grammar reads no UPID with a dotted node or an API-token user: the fast path must not either.
const UPID_TOKEN = 'UPID:node-7.lab:003FF2C1:09A1B2C3:6784F1A0:qmigrate:4242:api@pve!ci:';

const TAKEN = [
  `<root@pam> starting task ${UPID}`,
  `start VM 101: ${UPID}`,
  `<root@pam> end task ${UPID} OK`,
  `<admin@pve> starting task ${UPID_MIGRATE}`,
  `<admin@pve> end task ${UPID_MIGRATE} OK`,
  `start VM 4242: ${UPID_MIGRATE}`,
];

test('fast path: its extraction equals the full extraction on successful framing', () => {
  for (const line of TAKEN) {
    const fast = extractTaskFraming(line);
    assert.ok(fast, `taken: ${line}`);
    assert.equal(fast, extractMessage(line), line);
  }
});

const DECLINED = [
  `<root@pam> end task ${UPID} start failed: QEMU exited with code 1`, // a failure
  `<root@pam> end task ${UPID} WARNINGS: 1`, // not the plain OK form
  `<root@pam> starting task ${UPID} OK`, // OK after a start is not pvedaemon's wording
  `start VM 101: ${UPID} OK`,
  `<root@pam> end task ${UPID}`, // an end without its status
  `<root@pam> end task ${UPID} OK\n`, // anything after the line
  '<root@pam> starting task UPID:pve1:0000A1B2:0123ABCD:6784F1A0:vzdump::root@pam:', // no VMID in the UPID
  '<root@pam> starting task UPID:ceph-1:0000A1B2:0123ABCD:6784F1A0:qmstart:101:root@pam:', // names Ceph
  '<AQBkey@pam> starting task UPID:pve1:0000A1B2:0123ABCD:6784F1A0:qmstart:101:AQBkey@pam:', // key-like text
  'starting task UPID:pve1:0000A1B2:0123ABCD:6784F1A0:qmstart:101:root@pam:', // no user
  `<api@pve!ci> starting task ${UPID_TOKEN}`,
  `<api@pve!ci> end task ${UPID_TOKEN} OK`,
  "kvm: -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf: error connecting: Permission denied",
];

test('fast path: declines everything but successful framing, and the full extraction still reads it', () => {
  for (const line of DECLINED) assert.is(extractTaskFraming(line), null, line);
  assert.is(extractMessage(DECLINED[0] ?? '').framing, 'task-end-error');
});

test.run();
