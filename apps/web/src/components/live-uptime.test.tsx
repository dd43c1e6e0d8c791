import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render } from '@testing-library/react';
import { LiveUptime } from './live-uptime.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('LiveUptime', () => {
  it('counts on from the server\'s answer, and starts again from a new one', () => {
    vi.useFakeTimers();
    const { container, rerender } = render(<LiveUptime uptimeS={0} />);
    expect(container.textContent).toBe('0s');
    act(() => { vi.advanceTimersByTime(65_000); });
    expect(container.textContent).toBe('1m 5s');
    rerender(<LiveUptime uptimeS={3} />);
    expect(container.textContent).toBe('3s');
    rerender(<LiveUptime uptimeS={null} />);
    expect(container.textContent).toBe('—');
  });
});
