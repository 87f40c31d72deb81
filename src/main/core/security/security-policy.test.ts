import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, RENDERER_CSP_HEADER, withContentSecurityPolicy } from './contentSecurityPolicy';
import { permissionGranted } from './permissions';
import { devToolsAllowed, navigationDecision } from './windowPolicy';

const production = { indexFileUrl: 'file:///opt/Parley/resources/app.asar/out/renderer/index.html' };
const development = { devServerUrl: 'http://localhost:5173/', indexFileUrl: production.indexFileUrl };

describe('permissionGranted', () => {
  it('grants notifications and the microphone to our page only', () => {
    expect(permissionGranted({ permission: 'notifications', requester: production.indexFileUrl }, production)).toBe(true);
    expect(permissionGranted({ permission: 'notifications', requester: 'file:///' }, production)).toBe(true);
    expect(permissionGranted({ permission: 'media', requester: production.indexFileUrl, mediaTypes: ['audio'] }, production)).toBe(true);
    expect(permissionGranted({ permission: 'notifications', requester: 'http://localhost:5173' }, development)).toBe(true);
  });

  it.each([
    ['media', ['video']],
    ['media', ['audio', 'video']],
    ['media', []],
    ['media', undefined],
    ['geolocation', undefined],
    ['display-capture', undefined],
    ['clipboard-read', undefined],
    ['clipboard-sanitized-write', undefined],
    ['midiSysex', undefined],
    ['openExternal', undefined],
    ['pointerLock', undefined],
    ['fullscreen', undefined],
    ['hid', undefined],
    ['usb', undefined],
    ['serial', undefined],
    ['unknown', undefined],
    ['', undefined],
  ])('denies %s %j', (permission, mediaTypes) => {
    expect(permissionGranted({ permission, requester: production.indexFileUrl, mediaTypes }, production)).toBe(false);
  });

  it.each(['https://evil.example', 'http://localhost:5174', 'file:///etc/passwd', 'null', ''])('denies even notifications to %s', (requester) => {
    expect(permissionGranted({ permission: 'notifications', requester }, requester.startsWith('http') ? development : production)).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  it('is the policy src/renderer/index.html carries', async () => {
    const html = await readFile(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(RENDERER_CSP);
  });

  it('allows no inline or evaluated script, no plugins, no frames, no connections but our own origin and the media URL', () => {
    const directives = Object.fromEntries(RENDERER_CSP_HEADER.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'", 'parley-media:']);
    expect(directives['media-src']).toEqual(["'self'", 'blob:', 'parley-media:']);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(RENDERER_CSP_HEADER).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*/);
  });

  it('replaces a policy a response brought, whatever its header case', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["script-src *"], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP_HEADER] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [RENDERER_CSP_HEADER] });
  });
});

describe('window policy', () => {
  it('allows DevTools only outside packaged builds', () => {
    expect(devToolsAllowed(true)).toBe(false);
    expect(devToolsAllowed(false)).toBe(true);
  });

  it('keeps the page on our renderer and only offers web links to the OS browser after a confirmation', () => {
    expect(navigationDecision(`${production.indexFileUrl}#/chat`, production)).toBe('stay');
    expect(navigationDecision('https://example.org/page', production)).toBe('confirm-external');
    expect(navigationDecision('http://example.org/', production)).toBe('confirm-external');
    for (const url of ['mailto:a@example.org', 'file:///etc/passwd', 'parley://chat/bob', 'javascript:alert(1)', 'https://user:pw@example.org/', 'smb://host/x', 'data:text/html,x']) {
      expect(navigationDecision(url, production)).toBe('deny');
    }
  });
});
