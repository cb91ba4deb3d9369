import { describe, expect, test } from 'vitest';
import { isPublicAddress } from '../../../lambda/chat/address-policy';

describe('isPublicAddress', () => {
  test.each(['8.8.8.8', '1.1.1.1', '52.94.236.248', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])(
    '%s is public', (address) => {
      expect(isPublicAddress(address)).toBe(true);
    });

  test.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['10.1.2.3', 'private'], ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'CGNAT'], ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'], ['0.0.0.0', 'unspecified'], ['224.0.0.1', 'multicast'], ['255.255.255.255', 'broadcast'],
    ['::1', 'IPv6 loopback'], ['::', 'IPv6 unspecified'], ['fd00:ec2::254', 'EC2 IPv6 metadata'], ['fc00::1', 'unique local'],
    ['fe80::1', 'IPv6 link-local'], ['ff02::1', 'IPv6 multicast'], ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'], ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:a00:1', 'IPv4-mapped private'], ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'], ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['2001:db8::1', 'documentation'], ['example.com', 'not an address'],
  ])('%s is refused (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});
