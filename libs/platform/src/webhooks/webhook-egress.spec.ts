import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { addressPermitted, parseCidrs } from './address-rules.js';
import { SecretBox } from './secret-box.js';
import { WebhookEgress, WebhookRefused, type WebhookEgressConfig } from './webhook-egress.js';

const egress = (o: Partial<WebhookEgressConfig> = {}) =>
  new WebhookEgress({ WINK_ENV: 'production', WEBHOOK_ALLOW_CIDRS: '', ...o });

describe('addressPermitted', () => {
  const none = parseCidrs('');
  it('refuses every internal range, IPv4 and IPv6, mapped or not', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.251',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::2',
      'ff02::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
    ])
      assert.equal(addressPermitted(a, none), false, a);
  });

  it('lets public addresses through, and internal ones the operator admits', () => {
    for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])
      assert.equal(addressPermitted(a, none), true, a);
    const admitted = parseCidrs('10.20.0.0/16, 127.0.0.1');
    assert.equal(addressPermitted('10.20.3.4', admitted), true);
    assert.equal(addressPermitted('10.21.3.4', admitted), false);
    assert.equal(addressPermitted('127.0.0.1', admitted), true);
    assert.equal(addressPermitted('127.0.0.2', admitted), false);
  });

  it('rejects a malformed allowlist at boot', () => {
    assert.throws(() => parseCidrs('10.0.0.0/33'), /not a CIDR/);
    assert.throws(() => parseCidrs('intranet'), /not a CIDR/);
  });
});

describe('WebhookEgress.checkUrl', () => {
  it('requires https outside dev, and allows http in dev', () => {
    assert.throws(() => egress().checkUrl('http://hooks.example.com/'), /must use https/);
    assert.equal(egress().checkUrl('https://hooks.example.com/').hostname, 'hooks.example.com');
    assert.ok(egress({ WINK_ENV: 'dev' }).checkUrl('http://hooks.example.com/'));
  });

  it('refuses internal literals and local names, credentials, and other schemes', () => {
    for (const url of [
      'https://169.254.169.254/',
      'https://[::1]/',
      'https://localhost/',
      'https://api.localhost/',
      'https://u:p@hooks.example.com/',
      'ftp://hooks.example.com/',
    ])
      assert.throws(() => egress().checkUrl(url), WebhookRefused, url);
  });
});

describe('SecretBox', () => {
  it('seals a secret so that only the same key opens it', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('whsec_0123456789abcdef');
    assert.ok(SecretBox.isSealed(sealed));
    assert.ok(!sealed.includes('whsec_'));
    assert.notEqual(box.seal('whsec_0123456789abcdef'), sealed, 'a fresh IV each time');
    assert.equal(box.open(sealed), 'whsec_0123456789abcdef');
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed));
    assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes/);
  });

  it('has no key outside dev unless one is configured', () => {
    assert.equal(egress().secrets, null);
    assert.ok(egress({ WINK_ENV: 'dev' }).secrets);
    assert.ok(egress({ WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64') }).secrets);
  });
});
