import { expect } from 'chai';
import fc from 'fast-check';
import { GraphUrlPolicy, parseAllowedOrigin, type AllowedOrigin } from './graph-url.js';

function policyOf(entries: string[]): { policy: GraphUrlPolicy; origins: AllowedOrigin[] } {
  const origins = entries.map((entry) => {
    const origin = parseAllowedOrigin(entry);
    if (!origin) throw new Error(`bad test origin ${entry}`);
    return origin;
  });
  return { policy: new GraphUrlPolicy(origins), origins };
}

const production = policyOf(['https://graph.facebook.com']);
const development = policyOf(['https://graph.facebook.com', 'http://127.0.0.1:*', 'http://localhost:*']);

/** Pieces an attacker combines: userinfo, look-alike hosts, numeric IPs, ports, paths that a parser rewrites. */
const trickyUrl = fc
  .tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://', 'ftp://', 'https:/', '//', 'https:\\\\'),
    fc.constantFrom('', 'graph.facebook.com@', 'user:pass@', 'graph.facebook.com:443@', '@'),
    fc.constantFrom(
      'graph.facebook.com', 'graph.facebook.com.', 'GRAPH.facebook.com', 'graph.facebook.com.evil.test', 'evil.test', 'facebook.com',
      '127.0.0.1', '2130706433', '0x7f000001', '0x7f.1', '127.1', '017700000001', '[::1]', '[::ffff:127.0.0.1]', '[0:0:0:0:0:0:0:1]',
      'localhost', 'localhost.', '169.254.169.254', '10.0.0.1', 'graph.facebook.com%2eevil.test', 'xn--grph-facebook-7ib.com',
    ),
    fc.constantFrom('', ':443', ':80', ':8080', ':0', ':65535', ':99999', ':', ':*', ':08080'),
    fc.constantFrom('', '/', '/v24.0', '/v24.0/', '/../x', '/%2e%2e/x', '/a b', '\\@evil.test', '/v24.0?x=1', '#frag', '/@evil.test', '/\t/', '/..'),
    fc.constantFrom('', '@evil.test', '?next=http://evil.test', ' ', '\n'),
  )
  .map((parts) => parts.join(''));

const anyUrl = fc.oneof(trickyUrl, fc.webUrl({ withQueryParameters: true, withFragments: true, authoritySettings: { withUserInfo: true, withIPv4: true, withIPv6: true, withIPv4Extended: true, withPort: true } }), fc.string({ maxLength: 80 }));

describe(GraphUrlPolicy.name, () => {
  it('accepts Meta\'s Graph API with or without a version path', () => {
    expect(production.policy.problemWithBase('https://graph.facebook.com')).to.equal(null);
    expect(production.policy.problemWithBase('https://graph.facebook.com/v24.0')).to.equal(null);
  });

  it('accepts the local simulator on any port only where the allow-list says so', () => {
    expect(development.policy.problemWithBase('http://127.0.0.1:40123/v23.0')).to.equal(null);
    expect(development.policy.problemWithBase('http://localhost:9090/v23.0')).to.equal(null);
    expect(production.policy.problemWithBase('http://127.0.0.1:40123/v23.0')).to.match(/not an allowed/);
  });

  it('refuses userinfo, look-alike hosts, numeric IPs, trailing dots, other ports and rewritten paths', () => {
    for (const url of [
      'https://graph.facebook.com@evil.test',
      'https://graph.facebook.com:443@evil.test/v24.0',
      'https://user:pass@graph.facebook.com',
      'https://graph.facebook.com.',
      'https://graph.facebook.com.evil.test',
      'https://GRAPH.facebook.com',
      'http://graph.facebook.com',
      'https://graph.facebook.com:8443',
      'https://graph.facebook.com/v24.0?access_token=x',
      'https://graph.facebook.com/v24.0#x',
      'https://graph.facebook.com/../x',
      'https://graph.facebook.com/%2e%2e/x',
      'https://graph.facebook.com\\@evil.test',
      'http://2130706433:8080',
      'http://0x7f.1:8080',
      'http://127.1:8080',
      'http://[::1]:8080',
      'http://169.254.169.254/latest/meta-data',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(development.policy.problemWithBase(url), url).to.be.a('string');
    }
  });

  it('never accepts a base whose parsed host, scheme or port is not on the allow-list, nor one that parses to something else', () => {
    fc.assert(
      fc.property(anyUrl, fc.constantFrom(production, development), (input, { policy, origins }) => {
        if (policy.problemWithBase(input) !== null) return;
        const url = new URL(input);
        expect(url.username + url.password).to.equal('');
        expect(url.search + url.hash).to.equal('');
        expect(url.href.replace(/\/$/, '')).to.equal(input);
        expect(origins.some((o) => o.protocol === url.protocol && o.hostname === url.hostname && (o.port === '*' || o.port === url.port))).to.equal(true);
        expect(policy.allowsRequest(`${input}/123/messages`)).to.equal(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses every request to a host that is not allowed, whatever its path or query', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, authoritySettings: { withUserInfo: true, withIPv4: true, withIPv6: true, withIPv4Extended: true, withPort: true } }), (input) => {
        const url = new URL(input);
        if (url.hostname === 'graph.facebook.com' && url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '') return;
        expect(production.policy.allowsRequest(input), input).to.equal(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads allow-list entries as origins only', () => {
    expect(parseAllowedOrigin('https://graph.facebook.com')).to.deep.equal({ protocol: 'https:', hostname: 'graph.facebook.com', port: '' });
    expect(parseAllowedOrigin('http://127.0.0.1:*')).to.deep.equal({ protocol: 'http:', hostname: '127.0.0.1', port: '*' });
    expect(parseAllowedOrigin('https://graph.facebook.com:443')).to.deep.equal({ protocol: 'https:', hostname: 'graph.facebook.com', port: '' });
    for (const entry of ['https://graph.facebook.com/v24.0', 'https://*.facebook.com', 'https://a@b.test', 'ftp://x.test', 'http://2130706433', 'https://graph.facebook.com.', '']) {
      expect(parseAllowedOrigin(entry), entry).to.equal(null);
    }
  });
});
