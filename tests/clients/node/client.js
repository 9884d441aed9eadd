// client.js — the scenario of tests/clients/README.md through better-sqlite3 12.
//   NODE_PATH=build/clients/node_modules node tests/clients/node/client.js INVITE_SO CATALOG DB
'use strict';
const fs = require('fs');
const Database = require('better-sqlite3');
const [so, catalog, path] = process.argv.slice(2);
let failed = 0;
function check(cond, what) {
  console.log((cond ? 'ok ' : 'FAIL ') + what);
  if (!cond) failed++;
}
function refusal(sql, ...args) {
  try {
    db.prepare(sql).pluck().get(...args);
  } catch (e) {
    return e;
  }
  return null;
}

const db = new Database(path);
db.loadExtension(so);
const version = db.prepare('SELECT invite_init()').pluck().get();
check(Number.isInteger(version) && version > 0, `invite_init() returns the schema version ${version}`);
db.exec(fs.readFileSync(catalog, 'utf8'));
check(db.prepare('SELECT count(*) FROM subscriptions').pluck().get() === 3, 'catalog by plain SQL');

// .get(), not .run(): run() would throw the key away
const create = db.prepare('SELECT invite_create(?, ?, ?, ?, ?)').pluck();
const created = JSON.parse(create.get('ann@example.com', 2n, 4n, 1n,
  JSON.stringify({ first_name: 'Ann', last_name: 'Lee' })));
const key = created.key;
check(Number.isInteger(created.id) && key.length >= 32, `invite_create with BigInt ids: invite ${created.id}, key captured`);
const peek = JSON.parse(db.prepare('SELECT invite_peek(?)').pluck().get(key));
check(peek.state === 'pending' && peek.can_redeem === true, 'invite_peek: pending, can redeem');
const redeemed = JSON.parse(db.prepare('SELECT invite_redeem(?)').pluck().get(key));
check(redeemed.invite_id === created.id && redeemed.kind === 'member', `invite_redeem: member of invite ${redeemed.invite_id}`);
const at = JSON.parse(db.prepare('SELECT invite_peek(?)').pluck().get(key)).redeemed_at;
let e = refusal('SELECT invite_redeem(?)', key);
check(e && e.message === `invite_redeem: key already used on ${at} UTC`, `redeem twice: ${e && e.message}`);
check(e && e.code && e.code.startsWith('SQLITE_CONSTRAINT'), `redeem twice: ${e && e.code}`);

// A JS number is bound as REAL: the id 2 arrives as 2.0
e = refusal("SELECT invite_create('bob@example.com', ?, ?, ?, '{\"first_name\":\"Bob\",\"last_name\":\"Ng\"}')", 2, 4, 1);
check(e === null, `JS number ids (bound as REAL 2.0) accepted${e ? ': ' + e.message : ''}`);
e = refusal('SELECT invite_create(?, ?, 4, 1)', 'cy@example.com', 2.5);
check(e && e.message.startsWith('invite_create: argument 2 (subscription)'), `id 2.5 refused: ${e && e.message}`);
// bad UTF-8: a Buffer cast to TEXT
e = refusal('SELECT invite_create(CAST(? AS TEXT), 2, 4, 1)', Buffer.from([0x61, 0xff, 0x40, 0x78]));
check(e && e.message.startsWith('invite_create: argument 1 (invitee) is not valid UTF-8'), `bad UTF-8 refused: ${e && e.message}`);

const plain = new Database(path);
check(plain.prepare('SELECT state FROM invite_status WHERE invite_id = ?').pluck().get(created.id) === 'accepted',
  'view invite_status without the extension');
const before = plain.prepare('SELECT count(*) FROM invites').pluck().get();
try {
  plain.exec('DELETE FROM invites');
  check(false, 'a write without the extension was accepted');
} catch (err) {
  check(err.message.startsWith('no such function: invite_'), `a write without the extension fails closed: ${err.message}`);
}
check(plain.prepare('SELECT count(*) FROM invites').pluck().get() === before, 'nothing written');
process.exit(failed ? 1 : 0);
