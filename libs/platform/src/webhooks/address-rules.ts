import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach unless an operator admits them: loopback, private,
 * carrier-grade NAT, link-local (the 169.254.169.254 metadata service among them), multicast,
 * documentation, benchmarking and reserved ranges, in IPv4 and IPv6.
 */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

/** `a.b.c.d/n` or `x::y/n` entries, as an operator writes them in WEBHOOK_ALLOW_CIDRS. */
export function parseCidrs(list: string): BlockList {
  const allowed = new BlockList();
  for (const entry of list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [net, bits] = entry.split('/');
    const family = isIP(net);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
      throw new Error(`not a CIDR: ${entry}`);
    allowed.addSubnet(net, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return allowed;
}

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address. */
function unmapped(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Whether a webhook may connect to `address`: public, or internal but admitted by the operator. */
export function addressPermitted(address: string, allowed: BlockList): boolean {
  const a = unmapped(address);
  if (!isIP(a.address)) return false;
  return !INTERNAL.check(a.address, a.type) || allowed.check(a.address, a.type);
}
