import { describe, expect, it } from 'vitest';
import { isRendererUrl } from './navigation-policy';

const production = { indexFileUrl: 'file:///opt/Parley/resources/app.asar/out/renderer/index.html' };
const development = { devServerUrl: 'http://localhost:5173/', indexFileUrl: production.indexFileUrl };

describe('isRendererUrl', () => {
  it('accepts the built index.html, with or without a hash route', () => {
    expect(isRendererUrl(production.indexFileUrl, production)).toBe(true);
    expect(isRendererUrl(`${production.indexFileUrl}#/chat/alice`, production)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'file:///opt/Parley/resources/app.asar/out/renderer/other.html',
    'https://evil.example/index.html',
    'http://localhost:5173/',
    'not a url',
    '',
  ])('rejects %s in production', (url) => {
    expect(isRendererUrl(url, production)).toBe(false);
  });

  it('accepts only the dev server origin in development', () => {
    expect(isRendererUrl('http://localhost:5173/index.html', development)).toBe(true);
    expect(isRendererUrl('http://localhost:5174/', development)).toBe(false);
    expect(isRendererUrl(production.indexFileUrl, development)).toBe(false);
  });
});
