import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/analyze/registry.js';
import { CATALOG } from '../../src/analyze/catalog.js';
import { LAYER_ORDER } from '../../src/analyze/types.js';

describe('check registry', () => {
  it('has unique ids, in the guide order of layers', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const layerIndexes = CHECKS.map((c) => LAYER_ORDER.indexOf(c.layer));
    expect(layerIndexes).toEqual([...layerIndexes].sort((a, b) => a - b));
  });

  it('emits only catalog ids, of its own layer or runtime', () => {
    for (const check of CHECKS) {
      expect(check.emits.length, check.id).toBeGreaterThan(0);
      expect(check.needs.length, check.id).toBeGreaterThan(0);
      for (const id of check.emits) expect(CATALOG[id], `${check.id} emits ${id}`).toBeDefined();
    }
  });
});
