import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.js';

describe(loadConfig.name, () => {
  const valid = { MONGODB_URI: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'redis://127.0.0.1:6379' };

  it('applies documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).to.equal(8080);
    expect(config.dbPrefix).to.equal('parley');
    expect(config.encryptionKey.length).to.equal(32);
    expect(config.cookieSecure).to.equal(false);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ MONGODB_URI: 'postgres://x', PORT: 'eighty', ENCRYPTION_KEY: 'short', NODE_ENV: 'staging' });
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['MONGODB_URI', 'REDIS_URL', 'PORT', 'ENCRYPTION_KEY', 'NODE_ENV']) expect(problems).to.contain(name);
    }
  });

  it('requires an encryption key in production', () => {
    expect(() => loadConfig({ ...valid, NODE_ENV: 'production' })).to.throw(ConfigError, /ENCRYPTION_KEY/);
  });

  it('trusts no proxy unless told which, and refuses to trust every forwarded address', () => {
    expect(loadConfig(valid).trustProxy).to.equal(0);
    expect(loadConfig({ ...valid, TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(loadConfig({ ...valid, TRUST_PROXY: '10.0.0.0/8, loopback, fd00::1' }).trustProxy).to.deep.equal(['10.0.0.0/8', 'loopback', 'fd00::1']);
    for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '1.2.3.4/8/1']) {
      expect(() => loadConfig({ ...valid, TRUST_PROXY: bad }), bad).to.throw(ConfigError, /TRUST_PROXY/);
    }
  });

  it('makes cookies Secure when the public URL is https', () => {
    expect(loadConfig({ ...valid, PUBLIC_URL: 'https://app.parley.example' }).cookieSecure).to.equal(true);
  });
});
