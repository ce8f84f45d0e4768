import { GpuShopperError } from '../core/error.js';

/**
 * Builds a path from a template, percent-encoding each parameter. An empty parameter is refused:
 * `/api/v1/sessions/` would quietly reach the list endpoint instead of one session.
 */
export function path(strings: TemplateStringsArray, ...params: string[]): string {
  let out = strings[0] ?? '';
  params.forEach((param, index) => {
    if (typeof param !== 'string' || param === '') {
      throw new GpuShopperError(`a path parameter is empty or not a string (in ${strings.join(':param')})`);
    }
    out += encodeURIComponent(param) + (strings[index + 1] ?? '');
  });
  return out;
}
