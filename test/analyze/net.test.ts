import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blockListOf, intToIpv4, ipv4ToInt, isPrivateIpv4, narrowestCoveringCidr, parseCidr, rfc1918RangeOf } from '../../src/analyze/net.js';
import { parseUpstream } from '../../src/analyze/upstream-url.js';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));

describe('net', () => {
  it('knows the RFC1918 ranges and their edges', () => {
    expect(isPrivateIpv4('10.255.255.255')).toBe(true);
    expect(isPrivateIpv4('172.15.255.255')).toBe(false);
    expect(isPrivateIpv4('172.31.0.1')).toBe(true);
    expect(isPrivateIpv4('172.32.0.1')).toBe(false);
    expect(isPrivateIpv4('192.168.0.0')).toBe(true);
    expect(isPrivateIpv4('100.64.0.1')).toBe(false);
    expect(rfc1918RangeOf('172.20.1.1')).toBe('172.16.0.0/12');
  });

  it('parses CIDRs strictly', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ text: '10.1.2.3/8', network: '10.0.0.0', prefix: 8 });
    expect(parseCidr('10.1.2.3')).toMatchObject({ prefix: 32 });
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'fd00::/8', '10.0.0.0/8/1', '10.0.0.0/', 'x']) expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('finds the narrowest CIDR that covers every address (property)', () => {
    fc.assert(
      fc.property(fc.array(ipv4, { minLength: 1, maxLength: 6 }), (ips) => {
        const cidr = narrowestCoveringCidr(ips)!;
        const parsed = parseCidr(cidr)!;
        const list = blockListOf([cidr]);
        expect(ips.every((ip) => list.check(ip, 'ipv4'))).toBe(true);
        if (parsed.prefix < 32) {
          // one bit narrower cannot cover them all
          const narrower = `${parsed.network}/${parsed.prefix + 1}`;
          const upper = `${intToIpv4((ipv4ToInt(parsed.network) | (1 << (31 - parsed.prefix))) >>> 0)}/${parsed.prefix + 1}`;
          expect(ips.every((ip) => blockListOf([narrower]).check(ip, 'ipv4')) || ips.every((ip) => blockListOf([upper]).check(ip, 'ipv4'))).toBe(false);
        }
      }),
    );
    expect(narrowestCoveringCidr(['203.0.113.7'])).toBe('203.0.113.7/32');
    expect(narrowestCoveringCidr(['203.0.113.7', '203.0.113.9'])).toBe('203.0.113.0/28');
    expect(narrowestCoveringCidr(['::1'])).toBeUndefined();
  });

  it('parses upstreams as exactly scheme://host:port', () => {
    expect(parseUpstream('http://[fd00::1]:8080')).toEqual({ ok: true, url: { scheme: 'http', host: 'fd00::1', port: 8080 } });
    expect(parseUpstream(' http://a:1')).toEqual({ ok: false, problem: 'has spaces around it' });
    expect(parseUpstream('http://u:p@a:1')).toMatchObject({ ok: false, problem: 'has user info before the host' });
    expect(parseUpstream('ftp://a:21')).toMatchObject({ ok: false });
  });
});
