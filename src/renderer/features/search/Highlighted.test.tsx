import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Highlighted } from './Highlighted';

describe('Highlighted', () => {
  it('marks the matched words and draws a keycap in the text whole, inside a mark too', () => {
    const { container } = render(<Highlighted text="dial 1️⃣ then #️⃣ now" ranges={[{ start: 0, end: 4 }, { start: 14, end: 17 }]} />);
    expect(container.textContent).toBe('dial 1️⃣ then #️⃣ now');
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['dial', '#️⃣']);
    expect([...container.querySelectorAll('.whole-emoji')].map((span) => span.textContent)).toEqual(['1️⃣', '#️⃣']);
  });
});
