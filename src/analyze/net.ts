// Address arithmetic for IP validation, on Node's own net.BlockList and isIP. IPv4 only, as the proxy is.
import { BlockList, isIP, isIPv4 } from 'node:net';

export const RFC1918: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

export interface ParsedCidr {
  text: string;
  network: string;
  prefix: number;
}

/** Parses `a.b.c.d/n` or a bare IPv4 address (= /32). Returns undefined for anything else. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const [addr, bits, extra] = text.trim().split('/');
  if (extra !== undefined || !addr || !isIPv4(addr)) return undefined;
  const prefix = bits === undefined ? 32 : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32 || (bits !== undefined && !/^\d{1,2}$/.test(bits))) return undefined;
  return { text: text.trim(), network: intToIpv4(ipv4ToInt(addr) & maskOf(prefix)), prefix };
}

export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (parsed) list.addSubnet(parsed.network, parsed.prefix, 'ipv4');
  }
  return list;
}

export function isPrivateIpv4(ip: string): boolean {
  return isIPv4(ip) && blockListOf(RFC1918).check(ip, 'ipv4');
}

/** Which RFC1918 range holds `ip`, if any. */
export function rfc1918RangeOf(ip: string): string | undefined {
  return RFC1918.find((range) => blockListOf([range]).check(ip, 'ipv4'));
}

/** True when a CIDR covers the whole IPv4 space (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`-style halves are not detected). */
export function isOpenCidr(text: string): boolean {
  return parseCidr(text)?.prefix === 0;
}

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The narrowest CIDR that covers every address given (one address gives a /32). */
export function narrowestCoveringCidr(ips: readonly string[]): string | undefined {
  const v4 = ips.filter((ip) => isIPv4(ip)).map(ipv4ToInt);
  if (v4.length === 0) return undefined;
  let prefix = 32;
  const first = v4[0]!;
  while (prefix > 0 && !v4.every((n) => ((n ^ first) & maskOf(prefix)) === 0)) prefix--;
  return `${intToIpv4(first & maskOf(prefix))}/${prefix}`;
}

/** First and last address of a CIDR. */
export function cidrBounds(cidr: string): { first: string; last: string } | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed) return undefined;
  const first = ipv4ToInt(parsed.network);
  return { first: parsed.network, last: intToIpv4((first | (~maskOf(parsed.prefix) >>> 0)) >>> 0) };
}

/** Whether `list` covers every address of `cidr` (its first and last address in one entry: lists are CIDRs). */
export function coversCidr(list: readonly string[], cidr: string): boolean {
  const b = cidrBounds(cidr);
  if (!b) return false;
  return list.some((entry) => {
    const one = blockListOf([entry]);
    return one.check(b.first, 'ipv4') && one.check(b.last, 'ipv4');
  });
}

export { isIP, isIPv4 };
