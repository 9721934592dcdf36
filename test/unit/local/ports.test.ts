import { createServer } from 'node:net';
import { DEPLOYED, LOWEST, unsupportedNode } from '../../../settings/node-version.cjs';
import {
  DEFAULT_PORTS,
  freePort,
  freePorts,
  nextFreePort,
  portInUseMessage,
  settingOf,
  stackPorts,
} from '../../../local/ports';
import { ConfigError } from '../../../settings/errors';
import { engines } from '../../../package.json';

describe('stackPorts', () => {
  const local = { issuer: true, spa: 'local' } as const;

  it('keeps the defaults when nothing is set', () => {
    expect(stackPorts({}, local)).toEqual({ API_PORT: 3000, ISSUER_PORT: 4000, SPA_PORT: 8080 });
    expect(DEFAULT_PORTS).toEqual({ API_PORT: 3000, ISSUER_PORT: 4000, SPA_PORT: 8080 });
  });

  it('picks the others free (0) when only API_PORT is set', () => {
    expect(stackPorts({ API_PORT: '3100' }, local)).toEqual({
      API_PORT: 3100,
      ISSUER_PORT: 0,
      SPA_PORT: 0,
    });
  });

  it('keeps what is set beside API_PORT', () => {
    expect(stackPorts({ API_PORT: '3100', ISSUER_PORT: '4100' }, local)).toEqual({
      API_PORT: 3100,
      ISSUER_PORT: 4100,
      SPA_PORT: 0,
    });
    expect(stackPorts({ ISSUER_PORT: '4100', SPA_PORT: '8100' }, local)).toEqual({
      API_PORT: 3000,
      ISSUER_PORT: 4100,
      SPA_PORT: 8100,
    });
  });

  it("leaves out the servers a start has none of, and keeps an Okta demo app's registered port", () => {
    expect(stackPorts({ API_PORT: '3100' }, { issuer: false, spa: false })).toEqual({
      API_PORT: 3100,
    });
    expect(stackPorts({ API_PORT: '3100' }, { issuer: false, spa: 'okta' })).toEqual({
      API_PORT: 3100,
      SPA_PORT: 8080,
    });
  });

  it('refuses a port that is not one, naming the setting; API_PORT cannot be 0', () => {
    expect(() => stackPorts({ SPA_PORT: '80800' }, local)).toThrow(
      new ConfigError(
        'SPA_PORT must be a port number from 0 to 65535 (0: any free port), not "80800".',
      ),
    );
    expect(() => stackPorts({ API_PORT: '0' }, local)).toThrow(
      new ConfigError('API_PORT must be a port number from 1 to 65535, not "0".'),
    );
  });
});

describe('a port taken at bind time', () => {
  const ports = { API_PORT: 3100, ISSUER_PORT: 4100, SPA_PORT: 8080 };

  it.each(Object.entries(ports))('names %s, which owns %d', (name, port) => {
    expect(settingOf(ports, port)).toBe(name);
    expect(portInUseMessage(ports, port)).toBe(
      `${name} ${port} is in use by another program. Set ${name} to a free port, e.g. ${name}=${port + 1} npm start.`,
    );
  });

  it('says a port picked free was lost, and to start again, rather than blame a setting', () => {
    expect(settingOf({ API_PORT: 3100, SPA_PORT: 0 }, 0)).toBeUndefined();
    expect(portInUseMessage({ API_PORT: 3100, SPA_PORT: 0 }, 41234)).toBe(
      'port 41234, picked free for this stack, was taken while it started. Run npm start again.',
    );
    expect(portInUseMessage({ API_PORT: 3100 }, undefined)).toMatch(/^port \(unknown\)/);
  });

  it('suggests the next port that is free now', async () => {
    const held = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => held.listen(port + 1, 'localhost', () => resolve()));
    try {
      expect(await nextFreePort(port)).toBeGreaterThan(port + 1);
    } finally {
      held.close();
    }
  });
});

describe('the supported Node.js', () => {
  it('is what package.json engines says, and Lambda runs 24', () => {
    expect(engines.node).toBe(`>=${LOWEST}`);
    expect(LOWEST).toBe(22);
    expect(DEPLOYED).toBe(24);
  });

  it('refuses an older major in one line that names the command and the fix', () => {
    expect(unsupportedNode('npm test', '20.20.2')).toBe(
      'npm test: Node.js 22 or later is needed (this is v20.20.2); Lambda runs nodejs24.x. ' +
        'Install it (e.g. `nvm install 24`) and run `npm ci` again.',
    );
    expect(unsupportedNode('npm start', '21.99.0')).toMatch(/^npm start: Node.js 22 or later/);
    expect(unsupportedNode('npm test', '22.0.0')).toBeUndefined();
    expect(unsupportedNode('npm test', '24.22.3')).toBeUndefined();
  });
});

describe('freePorts', () => {
  it('gives different ports, each free to listen on', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    const servers = await Promise.all(
      ports.map(
        (port) =>
          new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
            const server = createServer();
            server.once('error', reject);
            server.listen(port, '127.0.0.1', () => resolve(server));
          }),
      ),
    );
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });
});
