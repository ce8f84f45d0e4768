import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import { NO_FILTERS, type OfferFilters } from '../lib/filters.js';
import { InventoryFilters } from './InventoryFilters.js';

function Harness({ seen }: { seen: OfferFilters[] }) {
  const [filters, setFilters] = useState(NO_FILTERS);
  return (
    <InventoryFilters
      filters={filters}
      sort="price"
      providers={['vastai', 'tensordock']}
      onChange={(f) => {
        seen.push(f);
        setFilters(f);
      }}
      onSort={() => undefined}
    />
  );
}

describe('the inventory filter form', () => {
  it('turns typed values into filters: text as typed, numbers as numbers, an emptied number as "any"', async () => {
    const seen: OfferFilters[] = [];
    render(<Harness seen={seen} />);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Provider'), 'tensordock');
    await user.type(screen.getByLabelText('GPU'), 'RTX 4090');
    await user.type(screen.getByLabelText('Min VRAM (GB)'), '24');
    await user.type(screen.getByLabelText('Max $/h'), '1.5');
    expect(seen.at(-1)).toMatchObject({ provider: 'tensordock', gpu: 'RTX 4090', minVram: 24, maxPrice: 1.5 });
    await user.clear(screen.getByLabelText('Min VRAM (GB)'));
    expect(seen.at(-1)?.minVram).toBeNull();
    await user.click(screen.getByLabelText('Available only'));
    expect(seen.at(-1)?.availableOnly).toBe(false);
    await user.type(screen.getByLabelText('Template'), 'abc123');
    expect(seen.at(-1)).toMatchObject({ template: 'abc123', provider: 'tensordock', availableOnly: false });
    // Pricing: on-demand unless chosen otherwise (the API's default)
    expect(screen.getByLabelText<HTMLSelectElement>('Pricing').value).toBe('on-demand');
    await user.selectOptions(screen.getByLabelText('Pricing'), 'spot');
    expect(seen.at(-1)).toMatchObject({ pricing: 'spot', template: 'abc123' });
    await user.selectOptions(screen.getByLabelText('Pricing'), 'any');
    expect(seen.at(-1)?.pricing).toBe('any');
  });
});
