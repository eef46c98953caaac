import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, required } from '../../shared/config.js';

const minimal = { TABLE_NAME: 'tte-table', WEB_BASE_URL: 'https://tte.sultengprov.go.id' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      TABLE_NAME: 'tte-table',
      WEB_BASE_URL: 'https://tte.sultengprov.go.id',
      EMAIL_SUBJECT_PREFIX: '[TTE]',
      MAIL_FROM: 'TTE <no-reply@tte.local>',
      ACTIVATION_LINK_HOURS: 24,
      PRIVACY_MIN_READ_SECONDS: 60,
    });
    expect(config.SEALING_KEY_ID).toBeUndefined();
    expect(config.SES_CONFIGURATION_SET).toBeUndefined();
  });

  it('reads numbers from their string form', () => {
    const config = loadConfig({ ...minimal, ACTIVATION_LINK_HOURS: '48', PRIVACY_MIN_READ_SECONDS: '0' });
    expect(config.ACTIVATION_LINK_HOURS).toBe(48);
    expect(config.PRIVACY_MIN_READ_SECONDS).toBe(0);
  });

  it.each([
    ['TABLE_NAME', { WEB_BASE_URL: minimal.WEB_BASE_URL }],
    ['TABLE_NAME', { ...minimal, TABLE_NAME: '' }],
    ['WEB_BASE_URL', { TABLE_NAME: minimal.TABLE_NAME }],
    ['WEB_BASE_URL', { ...minimal, WEB_BASE_URL: 'tte.sultengprov.go.id' }],
    ['ACTIVATION_LINK_HOURS', { ...minimal, ACTIVATION_LINK_HOURS: 'sehari' }],
    ['ACTIVATION_LINK_HOURS', { ...minimal, ACTIVATION_LINK_HOURS: '0' }],
    ['ACTIVATION_LINK_HOURS', { ...minimal, ACTIVATION_LINK_HOURS: '1.5' }],
    ['PRIVACY_MIN_READ_SECONDS', { ...minimal, PRIVACY_MIN_READ_SECONDS: '-1' }],
    ['SEALING_KEY_ID', { ...minimal, SEALING_KEY_ID: '' }],
  ])('fails naming %s', (name, env: Record<string, string>) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('names every bad variable at once', () => {
    let message = '';
    try {
      loadConfig({});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('TABLE_NAME');
    expect(message).toContain('WEB_BASE_URL');
  });

  it('reads process.env when given nothing', () => {
    vi.stubEnv('TABLE_NAME', 'from-process-env');
    vi.stubEnv('WEB_BASE_URL', 'https://env.example.go.id');
    try {
      expect(loadConfig().TABLE_NAME).toBe('from-process-env');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('required', () => {
  it('returns a setting that is present', () => {
    expect(required(loadConfig({ ...minimal, SEALING_KEY_ID: 'alias/tte-sealing' }), 'SEALING_KEY_ID')).toBe('alias/tte-sealing');
  });

  it.each(['SEALING_KEY_ID', 'CA_KEY_ID', 'PHOTO_BUCKET', 'APPROVAL_STATE_MACHINE_ARN'] as const)(
    'fails naming %s when it is absent',
    (name) => {
      const config = loadConfig(minimal);
      expect(() => required(config, name)).toThrow(ConfigError);
      expect(() => required(config, name)).toThrow(name);
    },
  );
});
